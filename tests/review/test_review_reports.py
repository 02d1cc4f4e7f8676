"""Staff reports: CSV for Excel, weekly stats with small-count suppression, the PNG chart."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib.image
import pytest

from bot.core.events import LogEvent
from bot.review.reports import export_csv, safe_cell, stats_csv, stats_png, stats_text, unmatched_text
from bot.review.stats import shown
from bot.storage.base import Record
from bot.storage.records import to_record
from bot.storage.sqlite import SqliteLogStore

# Wednesday 2025-02-05 12:00 JST; its ISO week (2025-W06) runs Monday 02-03 to Sunday 02-09 in Japan.
NOW = datetime(2025, 2, 5, 3, 0, tzinfo=UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteLogStore]:
    s = SqliteLogStore(tmp_path / "log.sqlite3", clock=lambda: NOW)
    yield s
    await s.close()


async def seed(store: SqliteLogStore) -> None:
    def event(at: datetime, **fields: object) -> Record:
        return to_record(LogEvent(**{"kind": "message", "channel": "telegram", "at": at, **fields}), at)  # type: ignore[arg-type]

    week = NOW - timedelta(days=1)
    records = [event(week, status="answer", topic="dementia_consult", area="ogawa_nishimachi")] * 2
    records += [event(week, status="answer", topic="dementia_consult") for _ in range(3)]
    records += [event(week, status="answer", topic="elder_care", area="kihei_cho") for _ in range(3)]
    questions = ("駐輪場はどこ", "駐輪場の場所", "明日の天気")
    records += [event(week, status="no_match", unmatched_text=q) for q in questions]
    records.append(event(week, status="crisis", unmatched_text="死にたい"))
    records += [event(week, kind="feedback", topic="dementia_consult", feedback="up") for _ in range(4)]
    records.append(event(week, kind="feedback", topic="dementia_consult", feedback="down"))
    # the week before: two messages only
    records += [event(week - timedelta(days=7), status="no_match", unmatched_text="ゴミの日")] * 2
    await store.record(records)


def test_shown_suppresses_one_and_two() -> None:
    assert [shown(n) for n in range(5)] == ["0", "<3", "<3", "3", "4"]


async def test_export_csv_opens_in_excel_and_round_trips_japanese(store: SqliteLogStore) -> None:
    await seed(store)
    data = await export_csv(store)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads the Japanese correctly
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table[0] == ["id", "日付", "質問（マスク済み）", "件数", "状態", "地域"]
    by_text = {row[2]: row for row in table[1:]}
    assert by_text["駐輪場はどこ"][3] == "2" and by_text["駐輪場はどこ"][4] == "未対応"
    assert by_text["駐輪場はどこ"][1] == "2025-02-04"
    assert "死にたい" not in data.decode("utf-8-sig")


async def test_export_csv_neutralises_formulas(store: SqliteLogStore) -> None:
    hour = NOW
    await store.record([Record(hour, "telegram", "message", "no_match", text="=HYPERLINK(\"http://x\")"),
                        Record(hour, "telegram", "message", "no_match", text="@SUM(A1)の意味")])
    table = list(csv.reader(io.StringIO((await export_csv(store)).decode("utf-8-sig"), newline="")))
    cells = {row[2] for row in table[1:]}
    assert cells == {"'=HYPERLINK(\"http://x\")", "'@SUM(A1)の意味"}
    assert [safe_cell(v) for v in ("+1", "-x", "普通", None, 3)] == ["'+1", "'-x", "普通", "", "3"]


async def test_stats_text_gives_staff_readable_counts_for_weeks_with_data(store: SqliteLogStore) -> None:
    await seed(store)
    titles = {"dementia_consult": "認知症・物忘れの相談", "ogawa_nishimachi": "小川西町",
              "kihei_cho": "喜平町"}
    text = await stats_text(store, NOW, weeks=12, titles=titles)
    assert "■ 2025-W06" in text and "■ 2025-W05" in text
    assert text.count("■ ") == 2  # ten empty weeks are not listed
    assert "（2 週にデータあり）" in text
    assert text.index("2025-W06") < text.index("2025-W05")  # newest week first
    assert "メッセージ 12 件　該当なし率 25.0%" in text
    assert "小川西町 × 認知症・物忘れの相談: 2 件" in text
    assert "認知症・物忘れの相談: 5 件　👍 4 / 👎 1（役に立った 80%）" in text
    assert "緊急 1" in text
    assert "該当なしの対応状況: 未対応 3 / 対応中 0 / 対応済み 0" in text
    assert "メッセージ 2 件　該当なし率 100.0%" in text
    assert "<3" not in text  # staff read real counts; only the monthly report suppresses


async def test_stats_csv_has_numeric_count_and_rate_columns(store: SqliteLogStore) -> None:
    await seed(store)
    data = await stats_csv(store, NOW, weeks=12)
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table[0] == ["週", "区分", "項目", "件数", "割合"]
    assert ["2025-W06", "地域×トピック", "ogawa_nishimachi × dementia_consult", "2", ""] in table
    assert ["2025-W05", "メッセージ", "合計", "2", ""] in table
    assert ["2025-W06", "該当なし", "", "3", "0.25"] in table
    assert ["2025-W06", "評価👍", "dementia_consult", "4", "0.8"] in table
    for row in table[1:]:  # every count and rate is a plain number Excel can total
        int(row[3])
        if row[4]:
            float(row[4])
    assert {row[0] for row in table[1:]} == {"2025-W05", "2025-W06"}


async def test_stats_png_is_a_real_readable_chart(store: SqliteLogStore, tmp_path: Path) -> None:
    await seed(store)
    png = await stats_png(store, NOW, weeks=4, titles={"dementia_consult": "認知症・物忘れの相談"})
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 20_000
    path = tmp_path / "chart.png"
    path.write_bytes(png)
    image = matplotlib.image.imread(path)
    assert image.shape[0] >= 800 and image.shape[1] >= 900


async def test_stats_png_with_no_data(store: SqliteLogStore) -> None:
    assert (await stats_png(store, NOW)).startswith(PNG_SIGNATURE)


async def test_unmatched_text_for_telegram(store: SqliteLogStore) -> None:
    assert "まだありません" in await unmatched_text(store)
    await seed(store)
    text = await unmatched_text(store, limit=2)
    assert "3 グループ / 5 件" in text
    assert "駐輪場はどこ" in text and "2件" in text  # the most frequent first
    assert "ゴミの日" in text  # also 2, older: ties go newest first, so 明日の天気 (1) is left off
    assert "明日の天気" not in text and "ほかに 1 グループ" in text
