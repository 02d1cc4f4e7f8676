"""Getting replies out to Telegram: bounded retries of transient faults, and the flood limit.

Telegram's answers during incidents (500/502, dropped connections, timeouts) are retried a few times
here, with a growing pause; 429 "Too Many Requests" is the rate limiter's job (it waits the
retry_after Telegram names), and the limiter also keeps the bot under Telegram's 30 messages/s so
429s are rare in the first place.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest, HTTPXRequest, RequestData

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
RATE_LIMIT_RETRIES = 3  # 429s waited out per request before the error reaches the handler

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
    """HTTPXRequest that retries transient faults a bounded number of times, with a growing pause:
    network errors and timeouts, and 5xx answers (Telegram's 500/502 during incidents). 429 is left to
    the AIORateLimiter, which waits the retry_after Telegram asks for; 4xx are never retried."""

    def __init__(self, *, retries: int = 3, backoff: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retries = retries
        self.backoff = backoff

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # the method name; the rest of the URL holds the token
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
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
            _LOGGER.warning("%s failed (%s); retry %d of %d", endpoint, fault, attempt + 1, self.retries)
            await asyncio.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")


def sending_request() -> RetryingRequest:
    """The request object for everything but getUpdates: room for many concurrent replies."""
    return RetryingRequest(
        connection_pool_size=128, read_timeout=10.0, write_timeout=20.0, connect_timeout=5.0, pool_timeout=10.0
    )


def polling_request() -> HTTPXRequest:
    """getUpdates has its own small pool, so a long poll never waits behind replies (or they behind it).
    No retries here: the updater's polling loop already retries forever, with its own backoff."""
    return HTTPXRequest(connection_pool_size=2)


def rate_limiter(flood_limit: bool = True) -> AIORateLimiter:
    """Telegram's limits (30 messages/s overall, 20/min per group) and 429 handling. `flood_limit=False`
    keeps the 429 handling but drops the proactive throttle: for measuring the bot alone, never for
    production."""
    if flood_limit:
        return AIORateLimiter(max_retries=RATE_LIMIT_RETRIES)
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=RATE_LIMIT_RETRIES)


def file_url_for(base_url: str) -> str:
    """The file URL that goes with a Bot API base URL: …/bot → …/file/bot (as Telegram and local servers)."""
    root = base_url[: -len("bot")] if base_url.endswith("/bot") else base_url.rstrip("/") + "/"
    return f"{root}file/bot"
