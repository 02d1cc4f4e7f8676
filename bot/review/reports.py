"""Ready-made staff reports over a LogStore, shared by the `review` CLI and the Telegram staff commands.

Everything returned here is safe to show to staff: question texts are the masked ones. Counts are the
real ones (staff work with them); the monthly report that leaves the office suppresses small cells.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.review.grouping import Group, load_groups, sort_groups
from bot.review.stats import (
    REPLY_STATUSES,
    STATUS_LABELS,
    WeekStats,
    local_day,
    period_start,
    table_rows,
    votes_text,
    weekly,
    with_data,
)
from bot.storage.base import REVIEW_STATUSES, LogStore

if TYPE_CHECKING:
    from bot.data import Knowledge

log = logging.getLogger(__name__)

EXPORT_HEADER = ("id", "日付", "質問（マスク済み）", "件数", "状態", "地域")
STATS_HEADER = ("週", "区分", "項目", "件数", "割合")
SORTS = ("count", "date")
PREVIEW_CHARS = 40
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# The key under which the titles carry the reports' heading (the city and the service, from
# knowledge/municipality.yaml); no id can take it (ids are snake_case).
REPORT_NAME = "@report"


def titles_of(knowledge: Knowledge) -> dict[str, str]:
    """Card titles and town names by id, and the reports' heading under REPORT_NAME."""
    titles = {card_id: card.title for card_id, card in knowledge.cards.items()}
    titles.update({town.id: town.name for town in knowledge.towns})
    if knowledge.municipality_file is not None:
        city = knowledge.municipality_file
        titles[REPORT_NAME] = f"{city.city.name} {city.service.report_name}"
    return titles


def load_titles(data_dir: Path) -> dict[str, str]:
    """Card titles and town names by id, so staff read 認知症・物忘れの相談 rather than an id."""
    from bot.data import load_knowledge
    from bot.data.problems import ProblemLog

    try:
        knowledge = load_knowledge(data_dir / "knowledge", ProblemLog(data_dir))
    except Exception:  # titles are a nicety: ids still tell staff what they need
        log.warning("Card titles could not be read from %s; ids are shown instead.", data_dir)
        return {}
    return titles_of(knowledge)


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def format_groups(
    groups: Sequence[Group],
    limit: int | None = None,
    *,
    sort: str = "count",
    status: str | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The unmatched list, most frequent first (or newest first with sort="date").

    `status` is the filter the groups were selected with: an empty result then says so, rather than
    claiming there are no unmatched questions at all.
    """
    if not groups:
        return f"「{status}」の質問はありません。" if status else "該当なしの質問はまだありません。"
    groups = sort_groups(groups, sort)
    total = sum(g.count for g in groups)
    order = "新しい順" if sort == "date" else "件数の多い順"
    shown_status = f"・{status}" if status else ""
    lines = [f"該当なしの質問（マスク済み・{order}{shown_status}）: {len(groups)} グループ / {total} 件", ""]
    # Japanese characters take two columns in a terminal: pad by display width, not by length.
    lines.append(f"{'ID':>6}  日付{' ' * 8} 件数  状態{' ' * 6}地域{' ' * 8}質問")
    for group in groups[:limit]:
        status_cell = group.status + " " * (8 - 2 * len(group.status))
        area = (titles or {}).get(group.area or "", group.area or "－")
        area_cell = area + " " * max(0, 10 - 2 * len(area))
        day = local_day(group.newest).isoformat()
        lines.append(f"{group.id:>6}  {day}  {group.count:>3}件  {status_cell}  {area_cell}  {preview(group.text)}")
    if limit is not None and len(groups) > limit:
        lines.append(f"… ほかに {len(groups) - limit} グループあります（`kodaira-bot review list` で全件）。")
    return "\n".join(lines)


def format_stats(weeks: Sequence[WeekStats], titles: Mapping[str, str], top: int | None = None) -> str:
    lines = ["週ごとの集計（日本時間・月曜始まり。データのある週だけ表示します）"]
    shown_weeks = with_data(weeks)
    if weeks:
        lines.append(f"期間: {weeks[0].monday} 〜 {weeks[-1].sunday}（{len(shown_weeks)} 週にデータあり）")
    if not shown_weeks:
        lines += ["", "この期間の記録はありません。"]
    for w in reversed(shown_weeks):  # newest week first
        lines += ["", f"■ {w.label}（{w.monday:%m/%d}〜{w.sunday:%m/%d}）"]
        lines.append(f"メッセージ {w.messages} 件　該当なし率 {w.rate_text}")
        replies = " / ".join(f"{STATUS_LABELS[s]} {w.statuses[s]}" for s in REPLY_STATUSES)
        lines.append(f"応答: {replies}")
        reviews = " / ".join(f"{s} {w.reviews[s]}" for s in REVIEW_STATUSES)
        lines.append(f"該当なしの対応状況: {reviews}")
        if w.topics:
            lines.append("トピック別（件数・評価）:")
            for topic, n in w.topics.most_common(top):
                votes = w.feedback.get(topic)
                rating = f"　{votes_text(votes)}" if votes else ""
                lines.append(f"  {titles.get(topic, topic)}: {n} 件{rating}")
        unrated = {t: v for t, v in w.feedback.items() if t not in w.topics}
        for topic, votes in sorted(unrated.items()):
            lines.append(f"  {titles.get(topic, topic)}: 評価 {votes_text(votes)}")
        if w.area_topics:
            lines.append("地域×トピック:")
            for (area, topic), n in w.area_topics.most_common(top):
                lines.append(f"  {titles.get(area, area)} × {titles.get(topic, topic)}: {n} 件")
    return "\n".join(lines)


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV as Excel opens it correctly: UTF-8 with BOM, CRLF line ends, no formula cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def groups_csv(groups: Sequence[Group], titles: Mapping[str, str] | None = None, sort: str = "count") -> bytes:
    names = titles or {}
    rows = [
        (g.id, local_day(g.newest).isoformat(), g.text, g.count, g.status, names.get(g.area or "", g.area or ""))
        for g in sort_groups(groups, sort)
    ]
    return to_csv(EXPORT_HEADER, rows)


async def load_weeks(store: LogStore, now: datetime, weeks: int) -> list[WeekStats]:
    return weekly(await store.stats_rows(since=period_start(now, weeks)), now, weeks)


async def unmatched_text(store: LogStore, limit: int = 20, titles: Mapping[str, str] | None = None) -> str:
    return format_groups(await load_groups(store), limit, titles=titles)


async def stats_text(
    store: LogStore, now: datetime, *, weeks: int = 4, titles: Mapping[str, str] | None = None, top: int = 10
) -> str:
    return format_stats(await load_weeks(store, now, weeks), titles or {}, top)


async def stats_png(
    store: LogStore, now: datetime, *, weeks: int = 12, titles: Mapping[str, str] | None = None
) -> bytes:
    from bot.review.plot import render_png

    data = await load_weeks(store, now, weeks)
    # Drawing takes a few hundred milliseconds: off the event loop, so replies keep flowing.
    return await asyncio.to_thread(render_png, data, titles or {})


async def export_csv(store: LogStore) -> bytes:
    return groups_csv(await load_groups(store))


async def stats_csv(
    store: LogStore, now: datetime, *, weeks: int = 12, titles: Mapping[str, str] | None = None
) -> bytes:
    return to_csv(STATS_HEADER, table_rows(await load_weeks(store, now, weeks), dict(titles or {})))


async def monthly_pdf(store: LogStore, now: datetime, *, titles: Mapping[str, str] | None = None) -> bytes:
    """Last month's printable report (the same PDF as `review report`)."""
    from bot.review.monthly import last_month, load_month
    from bot.review.pdf import render_pdf

    year, month = last_month(now)
    data = await load_month(store, year, month, titles)
    pdf, _ = await asyncio.to_thread(render_pdf, data)  # drawing: off the event loop
    return pdf
