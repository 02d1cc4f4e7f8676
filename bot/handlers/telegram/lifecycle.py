"""Starting and stopping the Telegram Application, so that neither can hang or lose the log.

Start-up: the Bot API may be unreachable when the bot starts (network not up yet, Telegram or a local
Bot API server restarting). Instead of giving up, every start-up step that talks to Telegram is
retried with a doubling pause (1, 2, 4 … 30 s) for as long as it takes, one plain log line per
attempt; a stop signal ends the wait at once.

Stop: stop fetching, finish the updates in hand, shut down, flush the log. Finishing is bounded
(`stop_grace`): what is still running after it is abandoned, so the process always exits well
before a supervisor's SIGKILL (Heroku: 30 s) would cut off the log flush.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.core.reload import reload_on_sighup
from bot.handlers.telegram.delivery import fault_name
from bot.handlers.telegram.intake import Intake
from bot.handlers.telegram.session import App, reloader_of

# What the bot needs; channel posts and the rest are not even requested (and are ignored if they come).
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT = 30  # seconds a getUpdates long poll may wait
FIRST_RETRY = 1.0  # seconds before the second start-up attempt; doubles up to MAX_RETRY
MAX_RETRY = 30.0
STOP_GRACE = 10.0  # seconds the updates in hand get to finish after a stop signal

_LOGGER = logging.getLogger(__name__)


class StartupAborted(Exception):
    """A stop signal came before the bot could reach Telegram; nothing was lost, nothing to finish."""


@dataclass(frozen=True)
class WebhookConfig:
    url: str  # the public URL Telegram posts to
    port: int
    secret_token: str
    listen: str = "0.0.0.0"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


async def _unless(abort: asyncio.Event, step: Awaitable[None]) -> None:
    """Await `step`, but give it up as soon as `abort` is set (a connect may hang for many seconds)."""
    work = asyncio.ensure_future(step)
    aborted = asyncio.ensure_future(abort.wait())
    try:
        await asyncio.wait({work, aborted}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        aborted.cancel()
        if not work.done():
            work.cancel()
            await asyncio.wait({work})  # let it unwind; its CancelledError stays inside it
    if abort.is_set():
        if not work.cancelled():
            work.exception()  # a failure that lost the race to the stop signal is not worth a warning
        raise StartupAborted
    work.result()


async def until_reachable(
    step: Callable[[], Awaitable[None]],
    abort: asyncio.Event,
    *,
    first_delay: float = FIRST_RETRY,
    max_delay: float = MAX_RETRY,
) -> None:
    """Run `step` until it gets through: network faults (unreachable, timeouts, 5xx) are retried with a
    doubling pause, for ever; `abort` ends the wait with StartupAborted. Anything else (a refused
    token, a bad request) is no network fault and is raised at once."""
    delay = first_delay
    while True:
        if abort.is_set():
            raise StartupAborted
        try:
            await _unless(abort, step())
            return
        except BadRequest:  # a NetworkError subclass, but no retry can fix it
            raise
        except NetworkError as exc:
            _LOGGER.warning("cannot reach the Telegram Bot API (%s); trying again in %g s", fault_name(exc), delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(abort.wait(), delay)
        delay = min(delay * 2, max_delay)


def _polling_error(error: TelegramError) -> None:
    _LOGGER.warning("getUpdates failed: %s; polling continues", type(error).__name__)


async def _take_updates(application: App, webhook: WebhookConfig | None, poll_timeout: int) -> None:
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    if webhook is None:
        await updater.start_polling(
            timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, error_callback=_polling_error
        )
    else:
        await updater.start_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=webhook.path,
            webhook_url=webhook.url,
            secret_token=webhook.secret_token,
            allowed_updates=ALLOWED_UPDATES,
        )


@asynccontextmanager
async def running(
    application: App,
    webhook: WebhookConfig | None = None,
    *,
    poll_timeout: int = POLL_TIMEOUT,
    abort: asyncio.Event | None = None,
    stop_grace: float = STOP_GRACE,
) -> AsyncIterator[App]:
    """Initialize and start the application (polling or webhook) for the block, waiting for Telegram
    as long as it takes (setting `abort` gives up with StartupAborted); on the way out stop taking
    updates, finish the ones in hand (at most `stop_grace` seconds), shut down and flush the logger."""
    abort = abort if abort is not None else asyncio.Event()  # by default: wait as long as it takes
    try:
        await until_reachable(application.initialize, abort)  # getMe
        if application.post_init is not None:
            await application.post_init(application)  # starts the logger
        await until_reachable(lambda: _take_updates(application, webhook, poll_timeout), abort)
        await application.start()
        yield application
    finally:
        await _stop(application, stop_grace)
        await _shut_down(application)


async def _stop(application: App, grace: float) -> None:
    """Stop taking updates, then finish the ones in hand; a failing step never skips the next one."""
    processor = application.update_processor
    intake = processor if isinstance(processor, Intake) else None
    if intake is not None:
        intake.release()  # the updater's last getUpdates only confirms: it must not wait for room
    updater = application.updater
    if updater is not None and updater.running:
        try:
            await updater.stop()
        except Exception as exc:
            _LOGGER.warning("stopping the updater failed: %s", type(exc).__name__)
    if not application.running:
        return
    stopping = asyncio.ensure_future(application.stop())  # waits for every update in hand
    done, _ = await asyncio.wait({stopping}, timeout=grace)
    if not done and intake is not None:
        left = intake.in_hand
        intake.abandon()
        _LOGGER.warning("stop: %d update(s) still unfinished after %g s are dropped", left, grace)
        # Abandoned updates unwind at once; the bound only guards against one that ignores cancellation.
        await asyncio.wait({stopping}, timeout=grace)
    error = stopping.exception() if stopping.done() and not stopping.cancelled() else None
    if error is not None:
        _LOGGER.warning("stopping the application failed: %s", type(error).__name__)
    if application.post_stop is not None:
        await application.post_stop(application)


async def _shut_down(application: App) -> None:
    """Release the HTTP clients and flush the logger, whatever happened before."""
    try:
        await application.shutdown()  # does nothing when initialize() never completed …
    finally:
        try:
            await application.bot.shutdown()  # … so close the clients a failed start-up opened
        finally:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)  # flushes the logger


async def serve(application: App, webhook: WebhookConfig | None = None, *, stop_grace: float = STOP_GRACE) -> None:
    """Run until SIGTERM or SIGINT, which also ends a start-up still waiting for Telegram. SIGHUP
    reloads knowledge/ and intents/ (bot.core.reload), keeping the old data if the new ones fail."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    reloader = reloader_of(application)
    undo_hangup = reload_on_sighup(reloader) if reloader is not None else None
    try:
        async with running(application, webhook, abort=stop, stop_grace=stop_grace):
            _LOGGER.info("the bot is running (%s)", "webhook" if webhook else "long polling")
            await stop.wait()
            _LOGGER.info("stop signal received: finishing the updates in hand")
    except StartupAborted:
        _LOGGER.info("stop signal received before Telegram could be reached")
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        if undo_hangup is not None:
            undo_hangup()
    _LOGGER.info("the bot has stopped")
