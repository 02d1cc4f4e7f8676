"""Opening hours as data: the `schedule:` of a window, and a reader of the sourced `hours:` text.

The `hours:` text is the fact as the source wrote it. `schedule:` is the same fact in a form a
program can use (days, a time span that may run past midnight, public holidays and 年末年始).
`kb check` reads the text with `read_hours` and refuses a `schedule:` that says something else, so
the structured hours can only ever restate the source. Text that does not clearly state weekly hours
(「毎月第3金曜日 … (原則)」, an undated note) has no schedule: the window's hours stay unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Rule = Literal["open", "closed", "unknown"]
RULES: tuple[Rule, ...] = ("open", "closed", "unknown")
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_KANJI_DAYS = "月火水木金土日"
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Schedule:
    """Weekly hours. `start`/`end` are minutes after midnight; `end` > 1440 runs into the next day."""

    days: frozenset[int]  # 0 = Monday
    start: int
    end: int
    holidays: Rule  # Japanese public holidays that fall on an open day
    year_end: Rule  # 年末年始: 12/29-1/3, the days the 行政機関の休日に関する法律 names

    @property
    def always(self) -> bool:
        """Open around the clock on every day of the year."""
        return (
            len(self.days) == 7
            and self.start == 0
            and self.end >= DAY_MINUTES
            and self.holidays == "open"
            and self.year_end == "open"
        )

    def describe(self) -> str:
        """The schedule written out as in YAML, for kb check messages."""
        days = ", ".join(DAY_CODES[d] for d in sorted(self.days))
        time = f"{_clock(self.start)}-{_clock(self.end)}"
        return f'{{days: [{days}], time: "{time}", holidays: {self.holidays}, year_end: {self.year_end}}}'


def _clock(minutes: int) -> str:
    minutes = minutes - DAY_MINUTES if minutes > DAY_MINUTES else minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- the YAML form ---------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def schedule_from_yaml(raw: Any) -> tuple[Schedule | None, str | None]:
    """(schedule, None) or (None, problem) for a `schedule:` mapping as staff write it."""
    if not isinstance(raw, dict):
        return None, 'schedule must be a mapping: {days: [mon, ...], time: "09:00-17:00", holidays: …, year_end: …}'
    unknown = set(raw) - {"days", "time", "holidays", "year_end"}
    if unknown:
        return None, f"schedule has unknown keys: {', '.join(sorted(map(str, unknown)))}"
    days = raw.get("days")
    if not isinstance(days, list) or not days or not all(d in DAY_CODES for d in days):
        return None, f"schedule days must be a list of {', '.join(DAY_CODES)}"
    match = _TIME.match(str(raw.get("time", "")))
    if not match:
        return None, 'schedule time must look like "09:00-17:00" ("12:00-05:30" runs past midnight)'
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        return None, f"schedule time {raw.get('time')} is not a time of day"
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:  # "12:00-05:30": the span ends the next morning
        end += DAY_MINUTES
    rules = []
    for key in ("holidays", "year_end"):
        value = raw.get(key)
        if value not in RULES:
            return None, f"schedule {key} must be one of {', '.join(RULES)}"
        rules.append(value)
    return Schedule(frozenset(DAY_CODES.index(d) for d in days), start, end, rules[0], rules[1]), None


# --- reading the sourced text ----------------------------------------------------------------------

_DAY_RANGE = re.compile(rf"([{_KANJI_DAYS}])\s*[〜～~\-ー]\s*([{_KANJI_DAYS}])")
_CLOCK_SPAN = re.compile(r"(\d{1,2}):(\d{2})\s*[-〜～~]\s*(\d{1,2}):(\d{2})")
_JP_TIME = r"(翌)?(午前|午後)?(?:(正午)|(\d{1,2})時(?:(\d{1,2})分)?)"
_JP_SPAN = re.compile(rf"{_JP_TIME}\s*[〜～~\-]\s*{_JP_TIME}")
_CLOSED_WORDS = ("除く", "休館", "休み", "休業")


def _jp_minutes(next_day: str | None, half: str | None, noon: str | None, hour: str | None, minute: str | None) -> int:
    value = 12 * 60 if noon else int(hour or 0) * 60 + int(minute or 0)
    if half == "午後" and value < 12 * 60:
        value += 12 * 60
    return value + (DAY_MINUTES if next_day else 0)


def _span(text: str) -> tuple[int, int] | None:
    if "24時間" in text:
        return 0, DAY_MINUTES
    match = _CLOCK_SPAN.search(text)
    if match:
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
    else:
        jp = _JP_SPAN.search(text)
        if not jp:
            return None
        groups = jp.groups()
        start, end = _jp_minutes(*groups[:5]), _jp_minutes(*groups[5:])
    return start, end + DAY_MINUTES if end <= start else end


def _closed_mentions(text: str) -> str:
    """The part of the text that lists closed days: 「(祝日・年末年始を除く)」「(日・月・祝日・12/29-1/3 休館)」."""
    return " ".join(part for part in re.findall(r"[（(]([^）)]*)[）)]", text) if any(w in part for w in _CLOSED_WORDS))


def read_hours(text: str) -> Schedule | None:
    """The weekly schedule the hours text states, or None when it states none clearly.

    Nothing is assumed: a holiday or 年末年始 the text does not mention stays "unknown".
    """
    if "毎月" in text or "原則" in text:  # monthly days, or hours "in principle": not a weekly fact
        return None
    span = _span(text)
    if span is None:
        return None
    every_day = any(w in text for w in ("年中無休", "毎日", "24時間"))
    closed = _closed_mentions(text)
    match = _DAY_RANGE.search(text)
    if match:
        first, last = (_KANJI_DAYS.index(g) for g in match.groups())
        days = frozenset(range(first, last + 1))
    elif "平日" in text:
        days = frozenset(range(5))
    elif every_day:
        days = frozenset(range(7))
    else:
        return None
    holidays: Rule = "unknown"
    if "祝" in closed or ("平日" in text and not match):  # 平日 means working days: not a public holiday
        holidays = "closed"
    elif every_day or "休日含む" in text:
        holidays = "open"
    year_end: Rule = "unknown"
    if "年末年始" in closed or "12/29" in closed:
        year_end = "closed"
    elif "年中無休" in text or ("24時間" in text and every_day):
        year_end = "open"
    return Schedule(days, span[0], span[1], holidays, year_end)


def hours_problem(hours: str | None, schedule: Schedule | None) -> str | None:
    """Why a window's `schedule:` does not restate its sourced `hours:` text, or None when it does."""
    if hours is None:
        return "schedule: needs the sourced hours: text it restates" if schedule else None
    read = read_hours(hours)
    if read is None:
        if schedule is not None:
            return f"schedule: the hours text '{hours}' states no weekly hours, so leave schedule out (unknown)"
        return None
    if schedule is None:
        return f"hours '{hours}' state weekly hours: add schedule: {read.describe()}"
    if schedule != read:
        return f"schedule does not match the sourced hours '{hours}', which read as {read.describe()}"
    return None
