"""The anonymized log event: what a channel hands to storage after each turn.

It carries no user id, name or chat id by construction. `unmatched_text` is the resident's raw text
and is set only for `no_match` turns; storage masks it before it touches the disk and drops it for
every other status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Channel = str  # the adapter's name ("console", "telegram", "line" …): a new channel needs no change here
EventKind = Literal["message", "clarify_choice", "feedback"]
Status = Literal["answer", "clarify", "no_match", "crisis"]


@dataclass(frozen=True)
class LogEvent:
    kind: EventKind
    channel: Channel
    status: Status | None = None
    topic: str | None = None
    area: str | None = None  # town or area id, never anything finer
    score: float | None = None
    feedback: Literal["up", "down"] | None = None
    unmatched_text: str | None = None  # raw; masked by storage, kept only for no_match
    at: datetime | None = None  # set by the producer; storage rounds it to the hour

    def stamped(self) -> LogEvent:
        """This event with `at` set to now (UTC) when it was not set."""
        if self.at is not None:
            return self
        return LogEvent(**{**self.__dict__, "at": datetime.now(UTC)})
