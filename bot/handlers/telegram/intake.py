"""Taking updates in: how far ahead the bot fetches, what it does with unreadable ones, and how a stop
that runs out of time lets go of the rest.

Telegram keeps an update until getUpdates confirms it, so an update the bot has not fetched yet is
safe: it is handed out again after a restart. An update the bot has fetched is the bot's to answer.
Hence `Intake` bounds the updates in hand (fetched, not yet finished): polling waits for room before
it fetches more, a burst waits at Telegram instead of in memory, and a SIGTERM finds only a short
backlog to finish. If even that cannot finish in time (Telegram throttling hard, say), the stop
abandons what is left so the process still exits, and the log is still flushed, in bounded time.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import ExtBot, SimpleUpdateProcessor
from telegram.request import BaseRequest

# The Bot API's JSON object, spelled out: python-telegram-bot keeps its own alias in a private module.
JSONDict = dict[str, Any]

MAX_BATCH = 100  # the most getUpdates hands out per call

_LOGGER = logging.getLogger(__name__)


class Intake(SimpleUpdateProcessor):
    """Runs updates concurrently (like python-telegram-bot's default processor), counts the ones in
    hand so polling never runs more than `max_in_hand` ahead, and can abandon them at a late stop."""

    def __init__(self, max_concurrent_updates: int, max_in_hand: int) -> None:
        super().__init__(max_concurrent_updates)
        if max_in_hand < 2:
            raise ValueError("max_in_hand must be at least 2")
        self.max_in_hand = max_in_hand
        self._in_hand = 0
        self._changed = asyncio.Event()  # set whenever an update finishes or fetching is released
        self._released = False  # a stop began: fetching never waits for room again
        self._abandoned = False
        self._running: set[asyncio.Task[Any]] = set()

    @property
    def in_hand(self) -> int:
        return self._in_hand

    async def room(self) -> int:
        """Wait until at most half of `max_in_hand` is in hand (so fetches come in worthwhile batches,
        not one update at a time), then return how many updates to fetch."""
        while not self._released and self._in_hand > self.max_in_hand // 2:
            self._changed.clear()
            await self._changed.wait()
        if self._released:
            return 1  # the updater's last call only confirms what it has; what it fetches is dropped
        return max(1, min(MAX_BATCH, self.max_in_hand - self._in_hand))

    def fetched(self, count: int) -> None:
        self._in_hand += count

    def release(self) -> None:
        """A stop began: the updater's last getUpdates (which only confirms) must not wait for room."""
        self._released = True
        self._changed.set()

    def abandon(self) -> None:
        """Cancel the updates being handled and skip the ones still waiting. Their replies are lost,
        but whatever a handler already sent was logged first (a turn hands its events to the logger
        before it sends, see bot.core.runner.Runner.turn)."""
        self._abandoned = True
        self.release()
        for task in list(self._running):
            task.cancel()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            if self._abandoned:
                if inspect.iscoroutine(coroutine):
                    coroutine.close()  # never started: close it so asyncio does not warn
                return
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await coroutine
            finally:
                if task is not None:
                    self._running.discard(task)
        finally:
            # Webhook updates were never counted as fetched: never go below zero.
            self._in_hand = max(0, self._in_hand - 1)
            self._changed.set()


class TolerantBot(ExtBot[int]):
    """ExtBot with a careful getUpdates.

    - It fetches only when the `Intake` has room, and no more than fits.
    - It reads a batch one update at a time: an update this library version cannot parse (a field it
      requires is missing, e.g. from an older local Bot API server) is replaced by its bare update_id,
      so polling confirms it and moves on instead of fetching it again forever.
    """

    def __init__(self, token: str, *, intake: Intake | None = None, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self._intake = intake  # underscore: the Bot freezes its public attributes after __init__

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        polling = endpoint == "getUpdates"
        if polling and self._intake is not None:
            room = await self._intake.room()
            data["limit"] = min(room, int(data.get("limit") or MAX_BATCH))
        result = await super()._do_post(
            endpoint,
            data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if polling and isinstance(result, list):
            if self._intake is not None:
                self._intake.fetched(len(result))
            return [self._readable(item) for item in result]
        return result

    def _readable(self, item: JSONDict) -> JSONDict:
        try:
            Update.de_json(copy.deepcopy(item), self)
        except Exception as exc:
            _LOGGER.warning("skipped an update this version cannot read: %s", type(exc).__name__)
            return {"update_id": item.get("update_id")}
        return item
