"""The storage interface: what the logger and the staff tools need from a log store.

SQLite implements it today (`bot.storage.sqlite`); a server database could replace it by providing
the same few async methods. A store only ever receives `Record`s, which are already anonymized and
masked, so no implementation can leak what it never sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol, get_args

ReviewStatus = Literal["未対応", "対応中", "対応済み"]
REVIEW_STATUSES: tuple[ReviewStatus, ...] = get_args(ReviewStatus)
OPEN: ReviewStatus = "未対応"
IN_PROGRESS: ReviewStatus = "対応中"
DONE: ReviewStatus = "対応済み"


class StorageError(Exception):
    """The store cannot do what was asked. `reason` is plain words, safe to log: no personal data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Record:
    """One event as stored: nothing here can identify a resident."""

    hour: datetime  # UTC, rounded down to the hour
    channel: str
    kind: str
    status: str | None = None
    topic: str | None = None
    area: str | None = None
    score: float | None = None
    feedback: str | None = None
    text: str | None = None  # masked question; only for no_match messages


@dataclass(frozen=True)
class UnmatchedRow:
    """A stored unmatched question whose (masked) text is still within the retention period."""

    id: int
    hour: datetime
    text: str
    review: ReviewStatus
    area: str | None = None  # the town the conversation named, if any (a town id)


@dataclass(frozen=True)
class CountRow:
    """How many events share the same hour and the same values: the raw material of the stats."""

    hour: datetime
    kind: str
    status: str | None
    topic: str | None
    area: str | None
    feedback: str | None
    review: ReviewStatus
    count: int


class LogStore(Protocol):
    async def record(self, records: Sequence[Record]) -> None:
        """Store the records, all or none. Raises StorageError."""
        ...

    async def unmatched(self) -> list[UnmatchedRow]:
        """Unmatched questions that still have text within the retention period, oldest first."""
        ...

    async def set_status(self, row_ids: Sequence[int], status: ReviewStatus) -> int:
        """Set the review status of these rows; returns how many rows exist among them."""
        ...

    async def stats_rows(self, since: datetime | None = None) -> list[CountRow]:
        """Event counts per hour and value combination, from `since` (UTC) on."""
        ...

    async def purge(self, now: datetime) -> int:
        """Delete question texts older than the retention period; returns how many."""
        ...

    async def close(self) -> None: ...


HOUR_FORMAT = "%Y-%m-%d %H:00"


def to_utc(at: datetime) -> datetime:
    """`at` in UTC; a naive time is taken to be UTC already."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def floor_hour(at: datetime) -> datetime:
    """`at` in UTC, rounded down to the hour."""
    return to_utc(at).replace(minute=0, second=0, microsecond=0)


def hour_key(at: datetime) -> str:
    """The sortable text form of an hour as stored: '2025-01-06 09:00' (UTC)."""
    return floor_hour(at).strftime(HOUR_FORMAT)


def parse_hour(key: str) -> datetime:
    return datetime.strptime(key, HOUR_FORMAT).replace(tzinfo=UTC)


def as_review_status(value: str) -> ReviewStatus:
    for status in REVIEW_STATUSES:
        if status == value:
            return status
    return OPEN  # an unknown value in the database reads as not yet handled
