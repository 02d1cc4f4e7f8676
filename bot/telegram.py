"""The Telegram channel's wiring, in one place: request, rate limiter, handlers, lifecycle, logging hygiene.

`build_application` makes the Application (used by `kodaira-bot run` and by the end-to-end tests
alike); `running` starts and stops it around a block; `run_bot` is the command: long polling by
default, a webhook on request, a clean stop (logger flushed) on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import secrets
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, ExtBot
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.assistant import Assistant
from bot.config import Settings
from bot.dialogue import Dialogue
from bot.handlers import Deps, register
from bot.handlers.session import App
from bot.handlers.staff import StoreReports
from bot.storage import EventLogger

TOKEN_MISSING = (
    "kodaira-bot run: TELEGRAM_BOT_TOKEN が設定されていません。BotFather で発行したトークンを環境変数か "
    ".env に TELEGRAM_BOT_TOKEN=… と書いてください（トークンなしで試すには kodaira-bot chat）。"
)
TOKEN_REFUSED = "kodaira-bot run: Telegram が TELEGRAM_BOT_TOKEN を受け付けませんでした。確認してください。"
WEBHOOK_URL_MISSING = "kodaira-bot run: --webhook には --webhook-url（Telegram が送る公開 URL）が必要です。"
SECRET_INVALID = "kodaira-bot run: --secret-token は英数字・_・- だけの 1〜256 文字にしてください。"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")

# What the bot needs; channel posts and the rest are not even requested (and are ignored if they come).
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
COMMANDS = [
    BotCommand("start", "メニューを表示する"),
    BotCommand("help", "使い方"),
    BotCommand("privacy", "記録について"),
]
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
CONCURRENT_UPDATES = 64
POLL_TIMEOUT = 30  # seconds a getUpdates long poll may wait

_LOGGER = logging.getLogger(__name__)


# --- logging hygiene -------------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """Replaces the bot token (and its secret half) in every record that passes through a handler."""

    def __init__(self) -> None:
        super().__init__("kodaira.redact")
        self._secrets: list[str] = []

    def add(self, token: str) -> None:
        parts = [token, token.partition(":")[2]]
        for part in parts:
            if len(part) >= 8 and part not in self._secrets:
                self._secrets.append(part)
        self._secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the formatter's problem, not ours
            return True
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = RedactingFilter()


def install_log_hygiene(token: str | None) -> None:
    """Keep the token out of every log line: quiet httpx/httpcore (they log request URLs at INFO, and
    the URL holds the token) and put the redacting filter on every root handler."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if token:
        REDACTOR.add(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(REDACTOR)


def configure_logging(token: str | None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_hygiene(token)


# --- delivery ------------------------------------------------------------------------------------------


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
                fault = type(exc).__name__
            else:
                if code < 500 or last:
                    return code, payload
                fault = f"HTTP {code}"
            _LOGGER.warning("%s failed (%s); retry %d of %d", endpoint, fault, attempt + 1, self.retries)
            await asyncio.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")


class TolerantBot(ExtBot[int]):
    """ExtBot that reads a getUpdates batch one update at a time. An update this library version cannot
    parse (a field it requires is missing, e.g. from an older local Bot API server) is replaced by its
    bare update_id: polling then confirms it and moves on, instead of fetching it again forever."""

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        result = await super()._do_post(
            endpoint, data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
        )
        if endpoint == "getUpdates" and isinstance(result, list):
            return [self._readable(item) for item in result]
        return result

    def _readable(self, item: JSONDict) -> JSONDict:
        try:
            Update.de_json(copy.deepcopy(item), self)
        except Exception as exc:
            _LOGGER.warning("skipped an update this version cannot read: %s", type(exc).__name__)
            return {"update_id": item.get("update_id")}
        return item


def file_url_for(base_url: str) -> str:
    """The file URL that goes with a Bot API base URL: …/bot → …/file/bot (as Telegram and local servers)."""
    root = base_url[: -len("bot")] if base_url.endswith("/bot") else base_url.rstrip("/") + "/"
    return f"{root}file/bot"


# --- the application ------------------------------------------------------------------------------------


def _titles(assistant: Assistant) -> dict[str, str]:
    knowledge = assistant.data.knowledge
    titles = {card_id: card.title for card_id, card in knowledge.cards.items()}
    titles.update({town.id: town.name for town in knowledge.towns})
    return titles


def build_application(
    settings: Settings, assistant: Assistant, logger: EventLogger | None = None, *, flood_limit: bool = True
) -> App:
    """The Application with every handler wired. The logger (if any) is started and flushed with it;
    staff reports read the logger's store. `flood_limit=False` keeps 429 handling but drops the
    proactive 30 messages/s throttle: for measuring the bot itself, never for production."""
    if not settings.telegram_token:
        raise ValueError("build_application needs settings.telegram_token")
    install_log_hygiene(settings.telegram_token)
    base = settings.telegram_api_base_url or DEFAULT_BASE_URL
    bot = TolerantBot(
        settings.telegram_token,
        base_url=base,
        base_file_url=file_url_for(base),
        request=RetryingRequest(
            connection_pool_size=128, read_timeout=10.0, write_timeout=20.0, connect_timeout=5.0, pool_timeout=10.0
        ),
        get_updates_request=HTTPXRequest(connection_pool_size=2),
        rate_limiter=(
            AIORateLimiter(max_retries=3)
            if flood_limit
            else AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
        ),
    )
    application: App = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)
        .post_init(_post_init(logger))
        .post_shutdown(_post_shutdown(logger))
        .build()
    )
    reports = StoreReports(logger.store, _titles(assistant)) if logger is not None else None
    register(application, Deps(Dialogue(assistant, "telegram"), settings.staff_ids, logger, reports))
    return application


def _post_init(logger: EventLogger | None) -> Callable[[App], Any]:
    async def post_init(application: App) -> None:
        if logger is not None:
            await logger.start()
        try:
            await application.bot.set_my_commands(COMMANDS)
        except TelegramError as exc:  # a missing menu is no reason not to answer residents
            _LOGGER.warning("setMyCommands failed: %s", type(exc).__name__)

    return post_init


def _post_shutdown(logger: EventLogger | None) -> Callable[[App], Any]:
    async def post_shutdown(application: App) -> None:
        if logger is not None:
            await logger.aclose()  # writes everything accepted so far

    return post_shutdown


# --- running ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookConfig:
    url: str  # the public URL Telegram posts to
    port: int
    secret_token: str
    listen: str = "0.0.0.0"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


def _polling_error(error: TelegramError) -> None:
    _LOGGER.warning("getUpdates failed: %s; polling continues", type(error).__name__)


@asynccontextmanager
async def running(
    application: App, webhook: WebhookConfig | None = None, *, poll_timeout: int = POLL_TIMEOUT
) -> AsyncIterator[App]:
    """Initialize and start the application (polling or webhook) for the block; on the way out stop
    taking updates, finish the ones in hand, shut down and flush the logger."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        if updater is None:
            raise RuntimeError("the application was built without an updater")
        if webhook is None:
            await updater.start_polling(
                timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, error_callback=_polling_error
            )
        else:
            await updater.start_webhook(
                listen=webhook.listen, port=webhook.port, url_path=webhook.path, webhook_url=webhook.url,
                secret_token=webhook.secret_token, allowed_updates=ALLOWED_UPDATES,
            )
        await application.start()
        try:
            yield application
        finally:
            await _stop(application)
    finally:
        try:
            await application.shutdown()
        finally:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)  # flushes the logger, whatever happened


async def _stop(application: App) -> None:
    """Stop taking updates, then finish the ones in hand; a failing step never skips the next one."""
    updater = application.updater
    if updater is not None and updater.running:
        try:
            await updater.stop()
        except Exception as exc:
            _LOGGER.warning("stopping the updater failed: %s", type(exc).__name__)
    if application.running:
        try:
            await application.stop()
        except Exception as exc:
            _LOGGER.warning("stopping the application failed: %s", type(exc).__name__)
        if application.post_stop is not None:
            await application.post_stop(application)


async def serve(application: App, webhook: WebhookConfig | None = None) -> None:
    """Run until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running(application, webhook):
            _LOGGER.info("the bot is running (%s)", "webhook" if webhook else "long polling")
            await stop.wait()
            _LOGGER.info("stop signal received: finishing the updates in hand")
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
    _LOGGER.info("the bot has stopped")


def run_bot(
    settings: Settings,
    *,
    webhook: bool = False,
    webhook_url: str | None = None,
    port: int = 8443,
    secret_token: str | None = None,
) -> int:
    """`kodaira-bot run`. Exit 0 after a clean stop, 2 for a missing/refused token or bad options."""
    if not settings.telegram_token:
        print(TOKEN_MISSING, file=sys.stderr)
        return 2
    hook: WebhookConfig | None = None
    if webhook:
        if not webhook_url:
            print(WEBHOOK_URL_MISSING, file=sys.stderr)
            return 2
        if secret_token is not None and not SECRET_PATTERN.fullmatch(secret_token):
            print(SECRET_INVALID, file=sys.stderr)
            return 2
        hook = WebhookConfig(webhook_url, port, secret_token or secrets.token_urlsafe(32))
    configure_logging(settings.telegram_token)
    from bot.assistant import build_assistant

    assistant = build_assistant(settings.data_dir)
    application = build_application(settings, assistant, EventLogger.from_settings(settings))
    try:
        asyncio.run(serve(application, hook))
    except InvalidToken:
        print(TOKEN_REFUSED, file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"kodaira-bot run: Telegram に接続できませんでした（{type(exc).__name__}）。", file=sys.stderr)
        return 1
    return 0
