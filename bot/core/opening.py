"""Is a line open now? `open_now` of a schedule at a moment, and when a closed line opens again.

Japanese public holidays come from `jpholiday` (maintained, covers substitute and citizens'
holidays), never from a hand list. Answers are three-valued: True, False, or None when the
source does not say (a holiday on a line whose source names only 月〜金).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jpholiday

from bot.data.hours import DAY_MINUTES, Schedule

TOKYO = ZoneInfo("Asia/Tokyo")
LOOKAHEAD_DAYS = 14  # longer than 年末年始 plus a weekend
_WEEKDAYS = "月火水木金土日"


def now_tokyo() -> datetime:
    return datetime.now(TOKYO)


def in_tokyo(at: datetime) -> datetime:
    """`at` as Tokyo wall-clock time; a naive time is taken to be Tokyo time already."""
    return at.replace(tzinfo=TOKYO) if at.tzinfo is None else at.astimezone(TOKYO)


def is_year_end(day: date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def day_open(schedule: Schedule, day: date) -> bool | None:
    """Whether the span that starts on `day` takes calls: True, False, or None (unknown)."""
    if day.weekday() not in schedule.days:
        return False
    if is_year_end(day) and schedule.year_end != "open":
        return False if schedule.year_end == "closed" else None
    if jpholiday.is_holiday(day) and schedule.holidays != "open":
        return False if schedule.holidays == "closed" else None
    return True


def open_now(schedule: Schedule | None, at: datetime) -> bool | None:
    """True or False when the schedule decides it; None without a schedule or on a day it leaves open."""
    if schedule is None:
        return None
    local = in_tokyo(at)
    minute = local.hour * 60 + local.minute
    states = []
    # The span that started today, and yesterday's if it runs past midnight (正午〜翌5:30).
    for back, at_minute in ((0, minute), (1, minute + DAY_MINUTES)):
        if schedule.start <= at_minute < schedule.end:
            states.append(day_open(schedule, local.date() - timedelta(days=back)))
    if True in states:
        return True
    return None if None in states else False


def next_opening(schedule: Schedule, at: datetime) -> datetime | None:
    """When a line closed at `at` next opens; None when an unknown day comes first (no guessing)."""
    local = in_tokyo(at)
    for ahead in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + timedelta(days=ahead)
        opens = datetime.combine(day, time(), TOKYO) + timedelta(minutes=schedule.start)
        if opens <= local:
            continue
        state = day_open(schedule, day)
        if state is None:
            return None
        if state:
            return opens
    return None


def opening_phrase(opens: datetime, at: datetime) -> str:
    """「9時」「あす8時30分」「月曜10時」「1月4日9時」: when, as short as is still clear."""
    local = in_tokyo(at)
    clock = f"{opens.hour}時" + (f"{opens.minute}分" if opens.minute else "")
    days = (opens.date() - local.date()).days
    if days == 0:
        return clock
    if days == 1:
        return f"あす{clock}"
    if days < 7:
        return f"{_WEEKDAYS[opens.weekday()]}曜{clock}"
    return f"{opens.month}月{opens.day}日{clock}"


def closed_mark(schedule: Schedule | None, at: datetime) -> str | None:
    """「受付時間外（9時から）」 for a line closed at `at`; None when it is open or its hours are unknown."""
    if schedule is None or open_now(schedule, at) is not False:
        return None
    opens = next_opening(schedule, at)
    return f"受付時間外（{opening_phrase(opens, at)}から）" if opens else "受付時間外"
