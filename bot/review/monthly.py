"""One month of the log, gathered for the printable report (bot/review/pdf.py).

Everything here is already safe to print: question texts are the masked ones kept within the
retention period, words come from those masked texts only (never from answered or crisis
questions, whose texts are not stored), and crisis replies are one number for the month.
Small cells become "<3" when drawn (`shown`), because this report leaves the office.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.language.text import analyzer
from bot.review.grouping import Group, group_rows, sort_groups
from bot.review.stats import JST, WeekStats, add, local_day, monday_of
from bot.storage.base import LogStore, UnmatchedRow

TOP_GROUPS = 10
TOP_WORDS = 20
_TAGS = re.compile(r"\[[^\]]{1,8}\]")  # the masking tags: [名前] [電話番号] …


@dataclass
class MonthData:
    year: int
    month: int
    weeks: list[WeekStats]  # the weeks that touch the month, counting only the month's days
    total: WeekStats  # the whole month as one bucket
    groups: list[Group]  # unmatched questions of the month, most frequent first
    words: list[tuple[str, int]]  # nouns in the month's unmatched questions, in how many questions
    titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def crisis(self) -> int:
        return self.total.statuses["crisis"]


def last_month(now: datetime) -> tuple[int, int]:
    """The last full calendar month in Japan time: what a monthly report is usually about."""
    first = local_day(now).replace(day=1)
    previous = first - timedelta(days=1)
    return previous.year, previous.month


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of the month, aware, in Japan time."""
    start = datetime.combine(date(year, month, 1), time(0), tzinfo=JST)
    end_day = date(year + month // 12, month % 12 + 1, 1)
    return start, datetime.combine(end_day, time(0), tzinfo=JST)


def noun_counts(texts: Sequence[str]) -> Counter[str]:
    """In how many questions each noun occurs (Sudachi, masked text only, tags removed).

    Counted by dictionary form (ごみ and ゴミ are one word), shown as residents most often wrote it.
    """
    counts: Counter[str] = Counter()
    written: defaultdict[str, Counter[str]] = defaultdict(Counter)
    shared = analyzer()
    for text in texts:
        nouns = set()
        for t in shared.analyse(_TAGS.sub(" ", text)).tokens:
            if t.pos == "名詞" and t.is_content and t.pos_detail[1:2] != ("数詞",) and len(t.surface) >= 2:
                nouns.add(t.lemma)
                written[t.lemma][t.surface] += 1
        counts.update(nouns)
    return Counter({written[lemma].most_common(1)[0][0]: n for lemma, n in counts.items()})


def in_month(rows: Sequence[UnmatchedRow], start: datetime, end: datetime) -> list[UnmatchedRow]:
    return [r for r in rows if start <= r.hour < end]


async def load_month(store: LogStore, year: int, month: int, titles: Mapping[str, str] | None = None) -> MonthData:
    start, end = month_bounds(year, month)
    rows = [r for r in await store.stats_rows(since=start) if r.hour < end]
    weeks: dict[date, WeekStats] = defaultdict(lambda: WeekStats(date.min))
    total = WeekStats(start.date())
    for row in rows:
        monday = monday_of(local_day(row.hour))
        week = weeks[monday]
        week.monday = monday
        add(week, row)
        add(total, row)
    unmatched = in_month(await store.unmatched(), start, end)
    groups = sort_groups(group_rows(unmatched), "count")
    words = noun_counts([r.text for r in unmatched]).most_common(TOP_WORDS)
    return MonthData(year, month, [weeks[m] for m in sorted(weeks)], total, groups, words, dict(titles or {}))
