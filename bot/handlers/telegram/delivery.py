"""Getting replies out to Telegram: retries of transient faults, and the flood limit.

A reply is a resident's answer: it is given up only after a long, bounded wait.

- 429 "Too Many Requests": the rate limiter waits exactly the retry_after Telegram names, as often as
  Telegram asks, until the reply is delivered or `Delivery.rate_limit_budget` (10 minutes) has passed;
  then the error handler's apology goes out. The limiter also keeps the bot under Telegram's
  30 messages/s, so 429s are rare in the first place.
- 5xx answers (500/502 during incidents), dropped connections, timeouts: a reply (sendMessage,
  sendPhoto, sendDocument) is retried with a doubling pause (0.5, 1, 2 … 30 s) for up to
  `Delivery.fault_budget` (2 minutes) of pauses; any other call only briefly (0.5 + 1 + 2 s), since its
  caller has its own patience (start-up waits for Telegram for ever, a button's spinner times out).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import NetworkError, TelegramError
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# The Bot API's JSON object, spelled out: python-telegram-bot keeps its own alias in a private module.
JSONDict = dict[str, Any]

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# The limiter's own retry count: never the limit, the total wait of Delivery.rate_limit_budget is.
UNBOUNDED_RETRIES = 1_000_000
REPLIES = frozenset({"sendMessage", "sendPhoto", "sendDocument"})  # what a resident or staff waits to read
OTHER_CALLS_BUDGET = 3.5  # seconds of pauses for every other call: 0.5 + 1 + 2


@dataclass(frozen=True)
class Delivery:
    """How long a reply may wait before it is given up (seconds)."""

    rate_limit_budget: float = 600.0  # total time a request may spend waiting out 429s (and the throttle)
    fault_budget: float = 120.0  # total pause between retries of 5xx and network faults
    first_pause: float = 0.5
    max_pause: float = 30.0


class DeliveryAbandoned(TelegramError):
    """A request was still refused with 429 when the rate-limit budget ran out."""

_LOGGER = logging.getLogger(__name__)


def fault_name(error: BaseException) -> str:
    """The kind of network fault as a class name, never a message (which may quote a URL or a page):
    the HTTP client's (ConnectError, ReadTimeout …) when the wire failed, else Telegram's (NetworkError
    for a 5xx, TimedOut)."""
    cause = error.__cause__
    if cause is not None and type(cause).__module__.startswith("httpx"):
        return type(cause).__name__
    return type(error).__name__


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries transient faults with a doubling pause until `budget` seconds of pauses
    are spent (`other_budget` for calls that are not REPLIES): network errors and timeouts, and 5xx
    answers (Telegram's 500/502 during incidents). 429 is left to the rate limiter, which waits the
    retry_after Telegram asks for; 4xx are never retried."""

    def __init__(
        self,
        *,
        budget: float = 120.0,
        other_budget: float = OTHER_CALLS_BUDGET,
        first_pause: float = 0.5,
        max_pause: float = 30.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.budget = budget
        self.other_budget = other_budget
        self.first_pause = first_pause
        self.max_pause = max_pause

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # the method name; the rest of the URL holds the token
        budget = self.budget if endpoint in REPLIES else min(self.budget, self.other_budget)
        paused, pause, attempt = 0.0, self.first_pause, 0
        while True:
            last = paused >= budget
            try:
                code, payload = await super().do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
                )
            except NetworkError as exc:  # includes TimedOut
                if last:
                    raise
                fault = fault_name(exc)
            else:
                if code < 500 or last:
                    return code, payload
                fault = f"HTTP {code}"
            attempt += 1
            wait = min(pause, budget - paused)
            _LOGGER.warning("%s failed (%s); retry %d in %g s", endpoint, fault, attempt, wait)
            await asyncio.sleep(wait)
            paused += wait
            pause = min(pause * 2, self.max_pause)


class PatientRateLimiter(AIORateLimiter):
    """AIORateLimiter that waits out every 429 (retry_after to the letter, as often as Telegram asks)
    until the request has waited `budget` seconds in all; then DeliveryAbandoned."""

    def __init__(self, budget: float, **kwargs: Any) -> None:
        super().__init__(max_retries=UNBOUNDED_RETRIES, **kwargs)
        self._budget = budget

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        work = super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        try:
            return await asyncio.wait_for(work, self._budget)
        except TimeoutError:
            _LOGGER.warning("%s still rate limited after %g s; given up", endpoint, self._budget)
            raise DeliveryAbandoned(f"{endpoint}: still rate limited after {self._budget:g} s") from None


def sending_request(delivery: Delivery | None = None) -> RetryingRequest:
    """The request object for everything but getUpdates: room for many concurrent replies."""
    delivery = delivery or Delivery()
    return RetryingRequest(
        budget=delivery.fault_budget,
        first_pause=delivery.first_pause,
        max_pause=delivery.max_pause,
        connection_pool_size=128,
        read_timeout=10.0,
        write_timeout=20.0,
        connect_timeout=5.0,
        pool_timeout=10.0,
    )


def polling_request() -> HTTPXRequest:
    """getUpdates has its own small pool, so a long poll never waits behind replies (or they behind it).
    No retries here: the updater's polling loop already retries forever, with its own backoff."""
    return HTTPXRequest(connection_pool_size=2)


def rate_limiter(flood_limit: bool = True, delivery: Delivery | None = None) -> AIORateLimiter:
    """Telegram's limits (30 messages/s overall, 20/min per group) and 429 handling. `flood_limit=False`
    keeps the 429 handling but drops the proactive throttle: for measuring the bot alone, never for
    production."""
    budget = (delivery or Delivery()).rate_limit_budget
    if flood_limit:
        return PatientRateLimiter(budget)
    return PatientRateLimiter(budget, overall_max_rate=0, group_max_rate=0)


def file_url_for(base_url: str) -> str:
    """The file URL that goes with a Bot API base URL: …/bot → …/file/bot (as Telegram and local servers)."""
    root = base_url[: -len("bot")] if base_url.endswith("/bot") else base_url.rstrip("/") + "/"
    return f"{root}file/bot"
