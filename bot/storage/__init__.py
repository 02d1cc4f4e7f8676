"""The anonymized resident log: masking, the store interface, SQLite, and the background logger."""

from bot.storage.base import (
    REVIEW_STATUSES,
    CountRow,
    LogStore,
    Record,
    ReviewStatus,
    StorageError,
    UnmatchedRow,
)
from bot.storage.eventlog import EventLogger, LoggerStats
from bot.storage.masking import Places, mask
from bot.storage.sqlite import SqliteLogStore

__all__ = [
    "REVIEW_STATUSES",
    "CountRow",
    "EventLogger",
    "LogStore",
    "LoggerStats",
    "Places",
    "Record",
    "ReviewStatus",
    "SqliteLogStore",
    "StorageError",
    "UnmatchedRow",
    "mask",
]
