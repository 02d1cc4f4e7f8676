"""`review report`: a month of traffic → a printable PDF of at least two pages, small cells as "<3"."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.events import LogEvent
from bot.review.monthly import last_month, load_month, month_bounds
from bot.review.pdf import render_pdf
from bot.storage.records import to_record
from bot.storage.sqlite import SqliteLogStore
from tests.review.test_review_cli import review, settings  # noqa: F401  (fixture)

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
UNMATCHED = ["図書館の開館時間", "図書館は何時まで", "図書館の休館日", "田中さんの電話番号を知りたい",
             "粗大ごみの出し方"]


async def seed_month(db: Path) -> None:
    start, _ = month_bounds(2026, 11)
    events: list[LogEvent] = []
    for day in range(30):
        at = start + timedelta(days=day, hours=10)
        events.append(LogEvent("message", "telegram", status="answer", topic="dementia_consult", at=at))
        if day % 2:
            events.append(LogEvent("message", "telegram", status="answer", topic="dv", area="kihei_cho", at=at))
        if day % 3 == 0:
            events.append(LogEvent("feedback", "telegram", topic="dementia_consult", feedback="up", at=at))
    for day, text in enumerate(UNMATCHED):
        at = start + timedelta(days=3 * day, hours=15)
        events.append(LogEvent("message", "telegram", status="no_match", unmatched_text=text, at=at))
    events.append(LogEvent("feedback", "telegram", topic="dv", feedback="down", at=start))
    events += [LogEvent("message", "telegram", status="crisis", at=start + timedelta(days=5))] * 2
    # Outside the month: never counted.
    events.append(LogEvent("message", "telegram", status="no_match", unmatched_text="先月の質問",
                           at=start - timedelta(days=2)))
    store = SqliteLogStore(db, clock=lambda: NOW)
    try:
        await store.record([to_record(e, e.at or NOW) for e in events])
    finally:
        await store.close()


def test_last_month_is_the_last_full_calendar_month_in_japan() -> None:
    assert last_month(NOW) == (2026, 11)
    assert last_month(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == (2026, 12)  # already 1 January in Japan


def test_month_data_counts_only_the_month_and_words_from_masked_text(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    asyncio.run(seed_month(db))

    async def load() -> object:
        store = SqliteLogStore(db, clock=lambda: NOW)
        try:
            return await load_month(store, 2026, 11)
        finally:
            await store.close()

    data = asyncio.run(load())
    from bot.review.monthly import MonthData

    assert isinstance(data, MonthData)
    assert data.total.topics["dementia_consult"] == 30 and data.crisis == 2
    assert data.total.statuses["no_match"] == 5
    assert all("先月" not in g.text for g in data.groups)
    words = dict(data.words)
    assert words["図書館"] == 3
    assert "田中" not in words  # the name was masked before it was stored
    assert data.groups[0].count >= data.groups[-1].count


def test_report_is_a_pdf_of_at_least_two_pages(settings: Settings, tmp_path: Path) -> None:  # noqa: F811
    asyncio.run(seed_month(settings.db_path))
    out = tmp_path / "report.pdf"
    assert review(settings, "report", "--month", "2026-11", "--out", str(out)) == 0
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 2
    assert b"IPAexGothic" in pdf  # the Japanese font is embedded, so the text prints as Japanese


def test_small_cells_are_shown_as_under_three_only_in_the_report(tmp_path: Path, monkeypatch: object) -> None:
    db = tmp_path / "log.sqlite3"
    asyncio.run(seed_month(db))
    drawn: list[str] = []
    import matplotlib.figure

    original = matplotlib.figure.Figure.text

    def spy(self: matplotlib.figure.Figure, x: float, y: float, s: str, *args: object, **kwargs: object) -> object:
        drawn.append(s)
        return original(self, x, y, s, *args, **kwargs)  # type: ignore[arg-type]

    async def load() -> object:
        store = SqliteLogStore(db, clock=lambda: NOW)
        try:
            return await load_month(store, 2026, 11)
        finally:
            await store.close()

    data = asyncio.run(load())
    monkeypatch.setattr(matplotlib.figure.Figure, "text", spy)  # type: ignore[attr-defined]
    _, pages = render_pdf(data)  # type: ignore[arg-type]
    assert pages == 3
    crisis_line = drawn[drawn.index("緊急の案内をした回数（件数のみ）") + 1]
    assert crisis_line == "<3 回"  # two crisis replies: a count, and suppressed
    assert "1" not in drawn and "2" not in drawn  # group counts of 1 and 2 are printed "<3"
    assert "<3" in drawn



def test_the_reports_are_headed_with_the_city_and_service_from_the_data(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib.figure

    from bot.review.monthly import MonthData
    from bot.review.pdf import title
    from bot.review.plot import render_png
    from bot.review.reports import load_titles
    from bot.review.stats import WeekStats

    project = load_titles(Path(__file__).resolve().parents[2])
    municipality = data_copy / "knowledge" / "municipality.yaml"
    text = municipality.read_text(encoding="utf-8")
    municipality.write_text(text.replace("  name: 小平市 ", "  name: 東大和市 ", 1), encoding="utf-8")
    edited = load_titles(data_copy)

    def month(titles: dict[str, str]) -> MonthData:
        return MonthData(2026, 11, [], WeekStats(date(2026, 11, 2)), [], [], titles)  # only the titles are read

    assert title(month(project)) == "小平市 福祉相談アシスタント 月次報告"
    assert title(month(edited)) == "東大和市 福祉相談アシスタント 月次報告"
    headings: list[str] = []
    original = matplotlib.figure.Figure.suptitle

    def spy(self: matplotlib.figure.Figure, t: str, **kwargs: object) -> object:
        headings.append(t)
        return original(self, t, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "suptitle", spy)
    render_png([], edited)
    assert headings == ["東大和市 福祉相談アシスタント 週ごとの集計（日本時間）"]
