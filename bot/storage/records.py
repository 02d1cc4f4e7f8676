"""LogEvent → Record: the one place that decides what of an event may be stored."""

from __future__ import annotations

import math
from datetime import datetime

from bot.core.events import LogEvent
from bot.storage.base import Record, floor_hour
from bot.storage.masking import NO_PLACES, Places, mask

MAX_ID_CHARS = 100  # topic and area ids are short; a longer value is a bug, not data worth keeping


def keeps_text(event: LogEvent) -> bool:
    """Only a resident's message that found nothing is worth reading later, and only masked.

    Crisis turns never keep text, whatever the producer handed over: those are the messages a
    resident would least want anyone to read again.
    """
    return (
        event.kind == "message"
        and event.status == "no_match"
        and event.unmatched_text is not None
        and event.unmatched_text.strip() != ""
    )


def to_record(event: LogEvent, now: datetime, places: Places = NO_PLACES) -> Record:
    """The storable form of `event`; `now` stands in for a missing time. Never raises on bad values.
    `places`: the town and city names the masking keeps."""
    text = None
    if keeps_text(event) and event.unmatched_text is not None:
        text = mask(event.unmatched_text, places) or None
    return Record(
        hour=floor_hour(event.at or now),
        channel=str(event.channel)[:MAX_ID_CHARS],
        kind=str(event.kind)[:MAX_ID_CHARS],
        status=_short(event.status),
        topic=_short(event.topic),
        area=_short(event.area),
        score=_score(event.score),
        feedback=_short(event.feedback),
        text=text,
    )


def _short(value: object) -> str | None:
    return None if value is None else str(value)[:MAX_ID_CHARS]


def _score(score: float | None) -> float | None:
    if score is None:
        return None
    try:
        value = float(score)
    except (TypeError, ValueError):
        return None
    return round(value, 2) if math.isfinite(value) else None
