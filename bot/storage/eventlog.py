"""EventLogger: takes log events off the reply path and writes them in the background.

Channels call `submit(event)` after each reply. It only puts the event on a bounded queue, so it
never waits and never raises; a background task masks, converts and writes the events in batches.
When the database cannot be written (locked, read-only, disk full, folder missing) the events stay
in memory, the failure is counted and logged once per outage, and the writer retries with a growing
pause. The same task applies the retention rule at start-up and once a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.core.events import LogEvent
from bot.storage.base import LogStore, Record, StorageError
from bot.storage.masking import NO_PLACES, Places
from bot.storage.records import to_record
from bot.storage.sqlite import SqliteLogStore

log = logging.getLogger("bot.storage")

Clock = Callable[[], datetime]

# Seconds aclose() still gives the store operation in hand after its own timeout. A store operation
# is short (SqliteLogStore waits at most its busy_timeout, 1 s, for a lock).
FINISH_IN_HAND = 2.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclasses.dataclass(frozen=True)
class LoggerStats:
    accepted: int  # events taken by submit()
    written: int  # events stored
    dropped: int  # events refused by submit() (queue full, or after shutdown) or lost at shutdown
    errors: int  # failed write or purge attempts
    purges: int  # retention sweeps done
    pending: int  # accepted, not yet written


class EventLogger:
    def __init__(
        self,
        store: LogStore,
        *,
        clock: Clock = utc_now,
        max_queue: int = 10_000,
        batch_size: int = 200,
        retry_delay: float = 1.0,
        max_retry_delay: float = 60.0,
        purge_every: timedelta = timedelta(days=1),
        idle_wakeup: float = 3600.0,
        places: Places = NO_PLACES,
    ) -> None:
        self.store = store
        self._places = places  # town and city names masking keeps (knowledge/municipality.yaml)
        self._clock = clock
        self._queue: asyncio.Queue[LogEvent] = asyncio.Queue(maxsize=max_queue)
        self._batch_size = batch_size
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._purge_every = purge_every
        # Even with no events the writer wakes this often (real seconds) to see whether a purge is due.
        self._idle_wakeup = idle_wakeup
        self._pending: list[Record] = []
        self._next_purge: datetime | None = None  # None: purge as soon as the writer starts
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closing = asyncio.Event()
        self._progress = asyncio.Condition()
        self._accepted = self._written = self._dropped = self._errors = self._purges = 0
        self._outage = False  # a failure was reported and no write has succeeded since
        self._give_up = False  # aclose() ran out of time: the writer stops after the operation in hand
        self._queue_full_reported = False

    @property
    def places(self) -> Places:
        return self._places

    def use_places(self, places: Places) -> None:
        """Mask with these place names from now on: a reload may bring a changed municipality.yaml."""
        self._places = places

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock = utc_now, places: Places = NO_PLACES) -> EventLogger:
        store = SqliteLogStore(settings.db_path, retention_days=settings.retention_days, clock=clock)
        return cls(store, clock=clock, places=places)

    @property
    def stats(self) -> LoggerStats:
        return LoggerStats(
            self._accepted,
            self._written,
            self._dropped,
            self._errors,
            self._purges,
            len(self._pending) + self._queue.qsize(),
        )

    def submit(self, event: LogEvent) -> bool:
        """Queue `event` for writing. True when accepted; never blocks, never raises."""
        try:
            if self._closing.is_set():
                self._dropped += 1
                return False
            if event.at is None:
                event = dataclasses.replace(event, at=self._clock())
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._dropped += 1
            if not self._queue_full_reported:
                self._queue_full_reported = True
                log.warning("The log queue is full: new log events are dropped until the writer catches up.")
            return False
        except Exception:  # a log line must never cost a resident their reply
            self._dropped += 1
            log.exception("A log event could not be queued.")
            return False
        self._accepted += 1
        self._wake.set()
        return True

    async def start(self) -> None:
        """Start the background writer; it purges old texts first. Does not touch the database here."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="event-log-writer")

    async def wait_for(self, predicate: Callable[[LoggerStats], bool]) -> None:
        """Wait until `predicate(self.stats)` holds; for health checks and tests, without polling."""
        async with self._progress:
            await self._progress.wait_for(lambda: predicate(self.stats))

    async def aclose(self, timeout: float = 10.0) -> None:
        """Write everything accepted so far (retrying up to `timeout` seconds), then close the store."""
        if self._closing.is_set() and self._task is None:
            return
        self._closing.set()
        self._wake.set()
        if self._task is None and self._queue.qsize():
            self._task = asyncio.create_task(self._run(), name="event-log-writer")
        try:
            if self._task is not None:
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            # Stop retrying, but let the store operation in hand finish rather than cancel it halfway:
            # a cancelled aiosqlite connect leaves its database thread to report to a closed event loop.
            self._give_up = True
            self._wake.set()
            if self._task is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(self._task), FINISH_IN_HAND)
            lost = len(self._pending) + self._queue.qsize()
            self._dropped += lost
            log.warning("The log database stayed unavailable at shutdown: %d log events were lost.", lost)
        except Exception:
            log.exception("The log writer failed while shutting down.")
        finally:
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                self._task = None
            await self.store.close()

    async def _run(self) -> None:
        while True:
            try:
                await self._loop()
                return
            except Exception:  # a bug here must not silently end logging for the rest of the run
                log.exception("The log writer failed unexpectedly; it restarts.")
                await self._pause(self._retry_delay)

    async def _loop(self) -> None:
        delay = self._retry_delay
        while not self._give_up:
            await self._purge_if_due()
            self._take_batch()
            if self._pending:
                if await self._write_pending():
                    delay = self._retry_delay
                    continue  # more may be queued: drain before sleeping
                await self._pause(delay)
                delay = min(delay * 2, self._max_retry_delay)
                continue
            if self._closing.is_set():
                return
            self._wake.clear()
            if self._queue.empty():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._idle_wakeup)

    def _take_batch(self) -> None:
        while len(self._pending) < self._batch_size and not self._queue.empty():
            event = self._queue.get_nowait()
            now = self._clock()
            try:
                record = to_record(event, now, self._places)
            except Exception as exc:
                # Masking failed on some odd input: keep the count, never the unmasked text. Only the
                # error's type is logged: its message or traceback could quote the resident's words.
                log.error("A log event could not be masked (%s); it is stored without its text.", type(exc).__name__)
                record = to_record(dataclasses.replace(event, unmatched_text=None), now)
            self._pending.append(record)

    async def _write_pending(self) -> bool:
        try:
            await self.store.record(self._pending)
        except StorageError as exc:
            self._failed(exc.reason)
            return False
        except Exception as exc:  # an unexpected bug in a store must not kill the writer
            self._failed(f"unexpected {type(exc).__name__}")
            return False
        self._written += len(self._pending)
        self._pending = []
        if self._outage:
            self._outage = False
            self._queue_full_reported = False
            log.info("The log database is writable again; the events kept in memory have been written.")
        await self._notify()
        return True

    async def _purge_if_due(self) -> None:
        now = self._clock()
        if self._next_purge is not None and now < self._next_purge:
            return
        try:
            await self.store.purge(now)
        except Exception as exc:
            self._failed(exc.reason if isinstance(exc, StorageError) else f"unexpected {type(exc).__name__}")
            # Try again in an hour rather than on every retry of the writes.
            self._next_purge = now + min(self._purge_every, timedelta(hours=1))
        else:
            self._purges += 1
            self._next_purge = now + self._purge_every
        await self._notify()

    def _failed(self, reason: str) -> None:
        self._errors += 1
        if not self._outage:
            self._outage = True
            log.warning(
                "The anonymized log cannot be written: %s. Replies are not affected; log events wait in "
                "memory and writing is retried.",
                reason,
            )

    async def _pause(self, seconds: float) -> None:
        """Back off before a retry; cut short by shutdown, after which retries come quickly because
        aclose() bounds the total wait."""
        await self._notify()
        if self._closing.is_set():
            await asyncio.sleep(min(seconds, 0.05))
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _notify(self) -> None:
        async with self._progress:
            self._progress.notify_all()
