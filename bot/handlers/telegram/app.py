"""The Telegram channel: the Application wired with its handlers, and the `kodaira-bot run` command.

`build_application` makes the Application (used by `kodaira-bot run` and by the end-to-end tests
alike); `run_bot` is the command: long polling by default, a webhook on request, a clean stop (logger
flushed) on SIGTERM or SIGINT. The parts live next door, one concern each:

- `logging`: the token never reaches a log line;
- `delivery`: replies get out (bounded retries, Telegram's flood limit);
- `intake`: updates come in (bounded prefetch, unreadable updates skipped);
- `lifecycle`: start-up that waits for Telegram, and a bounded stop (`running`, `serve`).

`run(settings, options)` is the channel's entry for `kodaira-bot run --channel telegram`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import sys
from collections.abc import Callable
from typing import Any

from telegram import BotCommand
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import ApplicationBuilder

from bot.config import Settings
from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue
from bot.core.reload import Reloader
from bot.core.runner import Runner
from bot.handlers import RunOptions
from bot.handlers.telegram import Deps, register
from bot.handlers.telegram.delivery import (
    DEFAULT_BASE_URL,
    Delivery,
    file_url_for,
    polling_request,
    rate_limiter,
    sending_request,
)
from bot.handlers.telegram.intake import Intake, TolerantBot
from bot.handlers.telegram.lifecycle import WebhookConfig, running, serve
from bot.handlers.telegram.logging import install_log_hygiene
from bot.handlers.telegram.render import MAX_DATA
from bot.handlers.telegram.session import App
from bot.handlers.telegram.staff import StoreReports, publish_staff_menus
from bot.storage import EventLogger, Places

__all__ = ["Delivery", "WebhookConfig", "build_application", "run", "run_bot", "running", "serve"]

TOKEN_MISSING = (
    "kodaira-bot run: TELEGRAM_BOT_TOKEN が設定されていません。BotFather で発行したトークンを環境変数か "
    ".env に TELEGRAM_BOT_TOKEN=… と書いてください（トークンなしで試すには kodaira-bot chat）。"
)
TOKEN_REFUSED = "kodaira-bot run: Telegram が TELEGRAM_BOT_TOKEN を受け付けませんでした。確認してください。"
WEBHOOK_URL_MISSING = "kodaira-bot run: --webhook には --webhook-url（Telegram が送る公開 URL）が必要です。"
SECRET_INVALID = "kodaira-bot run: --secret-token は英数字・_・- だけの 1〜256 文字にしてください。"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")

DEFAULT_PORT = 8443
COMMANDS = [
    BotCommand("start", "メニューを表示する"),
    BotCommand("help", "使い方"),
    BotCommand("privacy", "記録について"),
    BotCommand("yasashii", "やさしい にほんご（よみがな つき）"),
]
CONCURRENT_UPDATES = 64
# Fetched but unfinished updates. Two rounds of concurrent work: enough to keep every slot busy,
# few enough that a stop finishes them in seconds even at Telegram's 30 messages/s.
MAX_IN_HAND = 2 * CONCURRENT_UPDATES

_LOGGER = logging.getLogger(__name__)


def _titles(assistant: Assistant) -> dict[str, str]:
    from bot.review.reports import titles_of

    return titles_of(assistant.data.knowledge)


def build_application(
    settings: Settings,
    assistant: Assistant,
    logger: EventLogger | None = None,
    *,
    flood_limit: bool = True,
    delivery: Delivery | None = None,
) -> App:
    """The Application with every handler wired. The logger (if any) is started and flushed with it;
    staff reports read the logger's store. `flood_limit=False` keeps 429 handling but drops the
    proactive 30 messages/s throttle: for measuring the bot itself, never for production. `delivery`
    bounds how long a reply may wait for Telegram (default: 10 minutes of 429s, 2 of faults)."""
    if not settings.telegram_token:
        raise ValueError("build_application needs settings.telegram_token")
    install_log_hygiene(settings.telegram_token)
    base = settings.telegram_api_base_url or DEFAULT_BASE_URL
    intake = Intake(CONCURRENT_UPDATES, MAX_IN_HAND)
    bot = TolerantBot(
        settings.telegram_token,
        intake=intake,
        base_url=base,
        base_file_url=file_url_for(base),
        request=sending_request(delivery),
        get_updates_request=polling_request(),
        rate_limiter=rate_limiter(flood_limit, delivery),
    )
    application: App = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(intake)
        .job_queue(None)
        .post_init(_post_init(logger, settings.staff_ids))
        .post_shutdown(_post_shutdown(logger))
        .build()
    )
    reports = StoreReports(logger.store, _titles(assistant)) if logger is not None else None
    runner = Runner(_dialogue(assistant), logger)
    reloader = Reloader(runner, settings.data_dir, _dialogue)  # /reload and SIGHUP
    deps = Deps(runner, settings.staff_ids, reports, reloader)
    if logger is not None:
        store = logger.store

        def retitle(new: Assistant) -> None:  # the staff reports name the topics of the data in use
            deps.reports = StoreReports(store, _titles(new))

        reloader.listeners.append(retitle)
        reloader.listeners.append(lambda new: logger.use_places(Places.of(new.data.knowledge.municipality)))
    register(application, deps)
    return application


def _dialogue(assistant: Assistant) -> Dialogue:
    return Dialogue(assistant, "telegram", choice_bytes=MAX_DATA)


def _post_init(logger: EventLogger | None, staff_ids: frozenset[int]) -> Callable[[App], Any]:
    async def post_init(application: App) -> None:
        if logger is not None:
            await logger.start()
        try:
            await application.bot.set_my_commands(COMMANDS)
        except TelegramError as exc:  # a missing menu is no reason not to answer residents
            _LOGGER.warning("setMyCommands failed: %s", type(exc).__name__)
        await publish_staff_menus(application.bot, staff_ids, COMMANDS)

    return post_init


def _post_shutdown(logger: EventLogger | None) -> Callable[[App], Any]:
    async def post_shutdown(application: App) -> None:
        if logger is not None:
            await logger.aclose()  # writes everything accepted so far

    return post_shutdown


def run(settings: Settings, options: RunOptions) -> int:
    """`kodaira-bot run --channel telegram`: long polling, or a webhook with `--webhook`."""
    return run_bot(
        settings,
        webhook=options.webhook,
        webhook_url=options.webhook_url,
        host=options.host or "0.0.0.0",
        port=options.port or DEFAULT_PORT,
        secret_token=options.secret_token,
    )


def run_bot(
    settings: Settings,
    *,
    webhook: bool = False,
    webhook_url: str | None = None,
    host: str = "0.0.0.0",
    port: int = DEFAULT_PORT,
    secret_token: str | None = None,
) -> int:
    """`kodaira-bot run`. Exit 0 after a clean stop, 2 for a missing/refused token or bad options,
    1 when Telegram answers something no retry can fix."""
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
        hook = WebhookConfig(webhook_url, port, secret_token or secrets.token_urlsafe(32), listen=host)
    install_log_hygiene(settings.telegram_token)  # logging itself is set up by the CLI (--log-level)
    from bot.core.assistant import build_assistant

    assistant = build_assistant(settings.data_dir)
    places = Places.of(assistant.data.knowledge.municipality)
    application = build_application(settings, assistant, EventLogger.from_settings(settings, places=places))
    try:
        asyncio.run(serve(application, hook))
    except InvalidToken:
        print(TOKEN_REFUSED, file=sys.stderr)
        return 2
    except NetworkError as exc:  # a bad request at start-up; unreachable is waited out, not reported here
        print(f"kodaira-bot run: Telegram に接続できませんでした（{type(exc).__name__}）。", file=sys.stderr)
        return 1
    except TelegramError as exc:  # e.g. 404: TELEGRAM_API_BASE_URL points at something else
        print(
            f"kodaira-bot run: Telegram がエラーを返しました（{type(exc).__name__}）。"
            "TELEGRAM_API_BASE_URL とトークンを確認してください。",
            file=sys.stderr,
        )
        return 1
    return 0
