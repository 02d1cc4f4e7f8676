"""Getting replies out to LINE: the reply API, the push API only when the reply token has expired, and
bounded retries of what LINE may answer under load.

- 429 (rate limit) and 5xx, dropped connections and timeouts: retried with a doubling pause (0.5, 1,
  2 … 8 s) until `Patience.budget` seconds of pauses are spent, then given up with one log line.
- 400 on a reply: the reply token is spent or expired (LINE keeps it for about a minute, and a
  redelivered event's token may be old). The same messages then go by the push API to the user,
  group or room, with a retry key so a retried push is never shown twice (409: already delivered).
  A resident missing an answer is worse than the rare duplicate this can cause after a 5xx.
- every other 4xx is a mistake no retry fixes: logged, not retried.

Log lines name the call and the status, never a token, an id or a message.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import aiohttp
from linebot.v3.messaging import (
    AsyncMessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException

T = TypeVar("T")
CONFLICT = 409  # a push whose retry key LINE has already accepted

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patience:
    budget: float = 60.0  # seconds of pauses one call may spend on retries
    first_pause: float = 0.5
    max_pause: float = 8.0


class Undelivered(Exception):
    """A reply that could not be delivered (the reason is in the log line already written)."""


def _transient(error: BaseException) -> str | None:
    """What went wrong, when a retry may fix it; None when it cannot."""
    if isinstance(error, ApiException):
        status = int(error.status or 0)
        return f"HTTP {status}" if status == 429 or status >= 500 else None
    if isinstance(error, aiohttp.ClientError | TimeoutError):
        return type(error).__name__
    return None


class LineDelivery:
    def __init__(self, api: AsyncMessagingApi, patience: Patience | None = None) -> None:
        self.api = api
        self.patience = patience or Patience()

    async def _retrying(self, name: str, call: Callable[[], Awaitable[T]]) -> T:
        paused, pause, attempt = 0.0, self.patience.first_pause, 0
        while True:
            try:
                return await call()
            except Exception as exc:
                fault = _transient(exc)
                if fault is None or paused >= self.patience.budget:
                    raise
            attempt += 1
            wait = min(pause, self.patience.budget - paused)
            _LOGGER.warning("%s failed (%s); retry %d in %g s", name, fault, attempt, wait)
            await asyncio.sleep(wait)
            paused += wait
            pause = min(pause * 2, self.patience.max_pause)

    async def send(self, reply_token: str | None, to: str | None, messages: Sequence[TextMessage]) -> None:
        """Deliver `messages` as the reply to `reply_token`, or by push to `to` when the token is gone."""
        if not messages:
            return
        if reply_token:
            request = ReplyMessageRequest(replyToken=reply_token, messages=list(messages))
            try:
                await self._retrying("reply", lambda: self.api.reply_message(request))
                return
            except ApiException as exc:
                if exc.status != 400 or not to:
                    _LOGGER.warning("reply not delivered (HTTP %s)", exc.status)
                    raise Undelivered from None
                _LOGGER.info("reply token spent or expired: pushing instead")
            except Exception as exc:
                _LOGGER.warning("reply not delivered (%s)", _transient(exc) or type(exc).__name__)
                raise Undelivered from None
        if to:
            await self.push(to, messages)

    async def push(self, to: str, messages: Sequence[TextMessage]) -> None:
        request = PushMessageRequest(to=to, messages=list(messages))
        key = str(uuid.uuid4())  # the same key on every retry: LINE shows the push once
        try:
            await self._retrying("push", lambda: self.api.push_message(request, x_line_retry_key=key))
        except ApiException as exc:
            if exc.status == CONFLICT:
                return  # an earlier attempt got through
            _LOGGER.warning("push not delivered (HTTP %s)", exc.status)
            raise Undelivered from None
        except Exception as exc:
            _LOGGER.warning("push not delivered (%s)", _transient(exc) or type(exc).__name__)
            raise Undelivered from None
