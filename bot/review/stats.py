"""Weekly statistics over the log, with small counts suppressed.

Weeks are ISO weeks in Japan time (Monday to Sunday), the calendar staff work in; the database keeps
UTC hours. Any count of 1 or 2 is shown as "<3" wherever it leaves the program (text, CSV, chart):
with a town and a topic, a single count can point at one household. Zero stays 0: it says nothing
about anyone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from bot.storage.base import REVIEW_STATUSES, CountRow, ReviewStatus

JST = timezone(timedelta(hours=9), "JST")  # Japan has no daylight saving time
SMALL = 3
REPLY_STATUSES = ("answer", "clarify", "no_match", "crisis")
STATUS_LABELS = {"answer": "回答", "clarify": "選択肢", "no_match": "該当なし", "crisis": "緊急"}


def shown(count: int) -> str:
    """A count as it may be shown: 1 and 2 become "<3"."""
    return "<3" if 0 < count < SMALL else str(count)


@dataclass
class WeekStats:
    monday: date  # in Japan time
    messages: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    feedback: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    reviews: Counter[ReviewStatus] = field(default_factory=Counter)
    area_topics: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def unmatched_rate(self) -> float | None:
        """Share of messages that found nothing; None below 3 messages, where it would reveal counts."""
        if self.messages < SMALL:
            return None
        return self.statuses["no_match"] / self.messages

    @property
    def rate_text(self) -> str:
        rate = self.unmatched_rate
        return "—" if rate is None else f"{rate:.1%}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_day(at: datetime) -> date:
    return at.astimezone(JST).date()


def period_start(now: datetime, weeks: int) -> datetime:
    """Start (aware, Japan time) of the Monday `weeks - 1` weeks before this week's Monday."""
    first = monday_of(local_day(now)) - timedelta(weeks=weeks - 1)
    return datetime.combine(first, time(0), tzinfo=JST)


def weekly(rows: Sequence[CountRow], now: datetime, weeks: int) -> list[WeekStats]:
    """One WeekStats per week of the period ending this week, oldest first; empty weeks included."""
    start = period_start(now, weeks)
    mondays = [start.date() + timedelta(weeks=i) for i in range(weeks)]
    result = {monday: WeekStats(monday) for monday in mondays}
    for row in rows:
        week = result.get(monday_of(local_day(row.hour)))
        if week is not None:
            add(week, row)
    return list(result.values())


def add(week: WeekStats, row: CountRow) -> None:
    n = row.count
    if row.kind == "message":
        week.messages += n
        if row.status:
            week.statuses[row.status] += n
        if row.status == "no_match":
            week.reviews[row.review] += n
    # A topic counts when the resident got its card: a direct answer, or the choice after a clarify.
    answered = (row.kind == "message" and row.status == "answer") or row.kind == "clarify_choice"
    if answered and row.topic:
        week.topics[row.topic] += n
        if row.area:
            week.area_topics[(row.area, row.topic)] += n
    if row.kind == "feedback" and row.feedback in ("up", "down"):
        week.feedback[row.topic or "（トピックなし）"][row.feedback] += n


def topic_totals(weeks: Sequence[WeekStats]) -> Counter[str]:
    total: Counter[str] = Counter()
    for week in weeks:
        total.update(week.topics)
    return total


def table_rows(weeks: Sequence[WeekStats], titles: dict[str, str]) -> list[list[str]]:
    """The stats as rows of 週, 区分, 項目, 件数 — already suppressed, ready for CSV."""
    rows: list[list[str]] = []
    for w in weeks:
        rows.append([w.label, "メッセージ", "合計", shown(w.messages)])
        rows.append([w.label, "該当なし率", "", w.rate_text])
        rows += [[w.label, "応答", STATUS_LABELS[s], shown(w.statuses[s])] for s in REPLY_STATUSES]
        rows += [[w.label, "該当なしの対応状況", s, shown(w.reviews[s])] for s in REVIEW_STATUSES]
        for topic, n in w.topics.most_common():
            rows.append([w.label, "トピック", titles.get(topic, topic), shown(n)])
        for topic, votes in sorted(w.feedback.items()):
            name = titles.get(topic, topic)
            rows.append([w.label, "評価👍", name, shown(votes["up"])])
            rows.append([w.label, "評価👎", name, shown(votes["down"])])
        for (area, topic), n in w.area_topics.most_common():
            name = f"{titles.get(area, area)} × {titles.get(topic, topic)}"
            rows.append([w.label, "地域×トピック", name, shown(n)])
    return rows
