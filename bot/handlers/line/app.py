"""`kodaira-bot run --channel line`: the webhook server, wired, started and stopped cleanly.

`serving(...)` runs the whole channel for as long as its block lasts (used by `run` and by the
end-to-end tests alike): the event logger, the SDK's async API client, the aiohttp server. On the way
out it stops taking webhooks, lets the events in hand finish (bounded), closes the client and flushes
the log. `run` serves until SIGTERM or SIGINT; SIGHUP reloads knowledge/ and intents/ (bot.core.reload).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, Configuration, TextMessage
from linebot.v3.webhooks import Event

from bot.config import PROJECT_ROOT, Settings
from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue
from bot.core.reload import Reloader, reload_on_sighup
from bot.core.runner import Runner
from bot.core.turns import Turn
from bot.handlers import RunOptions
from bot.handlers.line.delivery import LineDelivery, Patience, Undelivered
from bot.handlers.line.events import LineEvents, origin_of
from bot.handlers.line.logging import install_log_hygiene
from bot.handlers.line.render import MAX_DATA, MAX_QUICK_REPLIES, bubbles
from bot.handlers.line.settings import SECRET_MISSING, LineSettings
from bot.handlers.line.webhook import GRACE, LineWebhook
from bot.storage import EventLogger, Places

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8080
DEFAULT_PATH = "/callback"
API_CONNECTIONS = 64
APOLOGY = (
    "ごめんなさい。うまく処理できませんでした。少し待ってから、もう一度送ってください。\n"
    "命に関わる急ぎのときは、すぐに 110（警察）か 119（救急）に電話してください。"
)

_LOGGER = logging.getLogger(__name__)


@dataclass
class LineServer:
    url: str  # where the webhook answers, e.g. http://127.0.0.1:8080/callback
    webhook: LineWebhook
    runner: Runner
    logger: EventLogger | None
    reloader: Reloader  # SIGHUP reloads knowledge/ and intents/ (bot.core.reload)


class _Channel:
    """The event handler: the dialogue's turns delivered as LINE messages, an apology when a turn fails."""

    def __init__(self, runner: Runner, delivery: LineDelivery) -> None:
        self.delivery = delivery
        self.events = LineEvents(runner, self.deliver)

    async def deliver(self, token: str | None, push_to: str | None, turn: Turn) -> None:
        await self.delivery.send(token, push_to, bubbles(turn.messages))

    async def handle(self, event: Event) -> None:
        try:
            await self.events.handle(event)
        except Undelivered:
            return  # already logged: LINE itself would not take the reply
        except Exception:
            origin = origin_of(event)
            token = getattr(event, "reply_token", None)
            if origin is not None and token:
                try:
                    await self.delivery.send(token, origin.push_to, [TextMessage(text=APOLOGY)])
                except Exception as exc:
                    _LOGGER.warning("apology not delivered: %s", type(exc).__name__)
            raise


@asynccontextmanager
async def serving(
    line: LineSettings,
    assistant: Assistant,
    logger: EventLogger | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    path: str = DEFAULT_PATH,
    patience: Patience | None = None,
    grace: float = GRACE,
    data_dir: Path = PROJECT_ROOT,
) -> AsyncIterator[LineServer]:
    """The LINE channel, up for the duration of the block (port 0: any free port; see `LineServer.url`)."""
    install_log_hygiene(line.channel_secret, line.access_token)
    if logger is not None:
        await logger.start()
    configuration = Configuration(host=line.api_base_url, access_token=line.access_token)
    configuration.connection_pool_maxsize = API_CONNECTIONS  # replies to many chats at once
    client = AsyncApiClient(configuration)
    runner = Runner(_dialogue(assistant), logger)
    channel = _Channel(runner, LineDelivery(AsyncMessagingApi(client), patience))
    webhook = LineWebhook(line.channel_secret, channel.handle)
    app = web.Application()
    app.add_routes(webhook.routes(path))
    web_runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await web_runner.setup()
    try:
        site = web.TCPSite(web_runner, host, port)
        await site.start()
        bound = web_runner.addresses[0][1] if web_runner.addresses else port
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        _LOGGER.info("the LINE webhook is listening on port %d, path %s", bound, path)
        reloader = Reloader(runner, data_dir, _dialogue)
        if logger is not None:  # masking keeps the town names of the data in use
            reloader.listeners.append(lambda new: logger.use_places(Places.of(new.data.knowledge.municipality)))
        yield LineServer(f"http://{shown}:{bound}{path}", webhook, runner, logger, reloader)
    finally:
        await webhook.close(grace)
        await web_runner.cleanup()
        await client.close()
        if logger is not None:
            await logger.aclose()  # writes everything accepted so far


def _dialogue(assistant: Assistant) -> Dialogue:
    return Dialogue(assistant, "line", choice_bytes=MAX_DATA, max_choices=MAX_QUICK_REPLIES)


async def _serve(settings: Settings, line: LineSettings, options: RunOptions) -> None:
    from bot.core.assistant import build_assistant

    assistant = build_assistant(settings.data_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    path = options.path or DEFAULT_PATH
    async with serving(
        line,
        assistant,
        EventLogger.from_settings(settings, places=Places.of(assistant.data.knowledge.municipality)),
        host=options.host or DEFAULT_HOST,
        port=options.port or DEFAULT_PORT,
        path=path if path.startswith("/") else f"/{path}",
        data_dir=settings.data_dir,
    ) as server:
        undo_hangup = reload_on_sighup(server.reloader)
        try:
            _LOGGER.info("the bot is running (LINE webhook)")
            await stop.wait()
        finally:
            undo_hangup()
        _LOGGER.info("stop signal received: finishing the events in hand")
    _LOGGER.info("the bot has stopped")


def run(settings: Settings, options: RunOptions) -> int:
    """`kodaira-bot run --channel line`. Exit 0 after a clean stop, 2 when the secret or token is missing
    or the port cannot be opened."""
    line = LineSettings.from_settings(settings)
    if line is None:
        print(SECRET_MISSING, file=sys.stderr)
        return 2
    install_log_hygiene(line.channel_secret, line.access_token)
    try:
        asyncio.run(_serve(settings, line, options))
    except OSError as exc:  # the port is taken or not ours to open
        print(f"kodaira-bot run: Webhook のポートを開けませんでした（{type(exc).__name__}）。", file=sys.stderr)
        return 2
    return 0
