"""Weekly statistics over the log.

Weeks are ISO weeks in Japan time (Monday to Sunday), the calendar staff work in; the database keeps
UTC hours. Staff inside the office read the real counts (「👍 2 / 👎 1」 is what they need to act on);
only the monthly report, which leaves the office, shows a count of 1 or 2 as "<3" (`shown`): with a
town and a topic, a single count can point at one household. Zero stays 0: it says nothing about anyone.
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
        """Share of messages that found nothing; None in a week without messages."""
        if not self.messages:
            return None
        return self.statuses["no_match"] / self.messages

    @property
    def rate_text(self) -> str:
        rate = self.unmatched_rate
        return "—" if rate is None else f"{rate:.1%}"

    @property
    def has_data(self) -> bool:
        return bool(self.messages or self.feedback)


def solved_rate(votes: Counter[str]) -> float | None:
    """👍 among 👍 and 👎: the share of rated answers that helped; None without votes."""
    total = votes["up"] + votes["down"]
    return votes["up"] / total if total else None


def votes_text(votes: Counter[str]) -> str:
    """「👍 4 / 👎 1（役に立った 80%）」: counts for staff, with the rate they add up to."""
    rate = solved_rate(votes)
    return f"👍 {votes['up']} / 👎 {votes['down']}" + (f"（役に立った {rate:.0%}）" if rate is not None else "")


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


def with_data(weeks: Sequence[WeekStats]) -> list[WeekStats]:
    """Only the weeks in which anything happened: eleven empty weeks say nothing to staff."""
    return [w for w in weeks if w.has_data]


def table_rows(weeks: Sequence[WeekStats], titles: dict[str, str]) -> list[list[object]]:
    """The stats as rows of 週, 区分, 項目, 件数, 割合: counts and rates as numbers Excel can total."""
    rows: list[list[object]] = []
    for w in with_data(weeks):
        rate = w.unmatched_rate
        rows.append([w.label, "メッセージ", "合計", w.messages, ""])
        rows.append([w.label, "該当なし", "", w.statuses["no_match"], "" if rate is None else round(rate, 4)])
        rows += [[w.label, "応答", STATUS_LABELS[s], w.statuses[s], ""] for s in REPLY_STATUSES]
        rows += [[w.label, "該当なしの対応状況", s, w.reviews[s], ""] for s in REVIEW_STATUSES]
        for topic, n in w.topics.most_common():
            rows.append([w.label, "トピック", titles.get(topic, topic), n, ""])
        for topic, votes in sorted(w.feedback.items()):
            name = titles.get(topic, topic)
            solved = solved_rate(votes)
            rows.append([w.label, "評価👍", name, votes["up"], "" if solved is None else round(solved, 4)])
            rows.append([w.label, "評価👎", name, votes["down"], ""])
        for (area, topic), n in w.area_topics.most_common():
            name = f"{titles.get(area, area)} × {titles.get(topic, topic)}"
            rows.append([w.label, "地域×トピック", name, n, ""])
    return rows
