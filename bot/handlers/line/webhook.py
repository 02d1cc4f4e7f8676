"""The LINE webhook: one POST path on an aiohttp server.

- The body's `X-Line-Signature` (HMAC-SHA256 with the channel secret) is checked first: a missing or
  bad one gets 400 and nothing else happens: no event is read, nothing is sent.
- A signed body gets 200 at once (LINE wants a quick answer and redelivers otherwise); its events are
  handled in the background, at most `max_concurrent` at a time, each chat's in order (the runner's lock).
- An event seen before (same `webhookEventId`: LINE redelivers when our 200 was late or lost) is
  skipped, so a resident is answered once. The ids of the most recent `remember` events are kept.
- An event this SDK version cannot read is skipped with a log line naming only its type.
- `close()` stops taking events and lets those in hand finish for up to `grace` seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from linebot.v3 import SignatureValidator
from linebot.v3.webhooks import Event

REMEMBER = 100_000
MAX_CONCURRENT = 64
GRACE = 10.0

_LOGGER = logging.getLogger(__name__)


class RecentIds:
    """The most recent `size` ids, oldest forgotten first."""

    def __init__(self, size: int = REMEMBER) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, event_id: str) -> bool:
        """True the first time `event_id` is seen (and it is remembered from then on)."""
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "-"


class LineWebhook:
    def __init__(
        self,
        channel_secret: str,
        handle: Callable[[Event], Awaitable[None]],
        *,
        max_concurrent: int = MAX_CONCURRENT,
        remember: int = REMEMBER,
    ) -> None:
        self._validator = SignatureValidator(channel_secret)
        self._handle = handle
        self._slots = asyncio.Semaphore(max_concurrent)
        self._seen = RecentIds(remember)
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def in_hand(self) -> int:
        return len(self._tasks)

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        signature = request.headers.get("X-Line-Signature", "")
        try:
            text = body.decode("utf-8")
            valid = bool(signature) and self._validator.validate(text, signature)
        except (UnicodeDecodeError, ValueError):
            valid = False
        if not valid:
            _LOGGER.warning("webhook refused: missing or bad signature")
            return web.Response(status=400, text="bad signature")
        try:
            payload = json.loads(text)
            raw_events = payload.get("events", []) if isinstance(payload, dict) else None
        except ValueError:
            raw_events = None
        if not isinstance(raw_events, list):
            return web.Response(status=400, text="bad body")
        if self._closing:
            return web.Response(status=503, text="stopping")  # LINE redelivers it to the next process
        for raw in raw_events:
            self._accept(raw)
        return web.Response(status=200, text="ok")

    def _accept(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            return
        event_id = raw.get("webhookEventId")
        if isinstance(event_id, str) and not self._seen.first_time(event_id):
            _LOGGER.info("a redelivered event was already handled: skipped")
            return
        try:
            event = Event.from_dict(raw)
        except Exception as exc:
            _LOGGER.warning("skipped an event this version cannot read (%s): %s", raw.get("type"), type(exc).__name__)
            return
        task = asyncio.ensure_future(self._run(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, event: Event) -> None:
        async with self._slots:
            try:
                await self._handle(event)
            except Exception as exc:  # one bad event never stops the others; nothing personal logged
                _LOGGER.error("event not handled: %s (event: %s, at %s)", type(exc).__name__, event.type, _where(exc))

    async def idle(self, timeout: float) -> None:
        """Wait until every event taken in so far (and any taken in meanwhile) is handled."""
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.wait(set(self._tasks))

    async def close(self, grace: float = GRACE) -> None:
        """Stop accepting events; wait up to `grace` seconds for those in hand, then cancel the rest."""
        self._closing = True
        tasks = set(self._tasks)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace)
        if pending:
            _LOGGER.warning("stop: %d event(s) still unfinished after %g s are dropped", len(pending), grace)
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=grace)

    def routes(self, path: str) -> list[web.RouteDef]:
        return [web.post(path, self.receive)]
