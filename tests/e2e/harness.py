"""The REAL Application polling the Bot API double, and a harness to talk to it without sleeping.

`say`/`press`/`send` push an update and return once the bot has fetched it and finished every handler
it triggered (the double saw the confirming getUpdates offset, then the Application's update queue
drained), so replies — and silence — can be asserted exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.core.assistant import Assistant
from bot.handlers.telegram.app import build_application
from bot.handlers.telegram.lifecycle import STOP_GRACE, running
from bot.handlers.telegram.session import App
from bot.storage import EventLogger
from tests.e2e.botapi_double import BotApiDouble, Call
from tests.e2e.updates import callback_update, text_update

if TYPE_CHECKING:
    from bot.handlers.telegram.app import Delivery

TOKEN = "123456789:AAHk-Secret_TestToken-q9ZxYw8VvUu7"
STAFF_ID = 4242


@dataclass
class Harness:
    double: BotApiDouble
    application: App
    logger: EventLogger
    settings: Settings

    @property
    def bot_user(self) -> dict[str, Any]:
        return {k: self.double.me[k] for k in ("id", "is_bot", "first_name", "username")}

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until every pushed update was fetched (offset confirmed) and fully handled."""
        last = self.double.last_update_id
        await self.double.wait_for(
            lambda calls: any(c.method == "getUpdates" and int(c.params.get("offset") or 0) > last for c in calls),
            timeout,
        )
        await asyncio.wait_for(self.application.update_queue.join(), timeout)

    async def send(
        self, update: dict[str, Any], chat_id: int, methods: tuple[str, ...] = ("sendMessage",)
    ) -> list[Call]:
        """Push one update; the calls of `methods` (default sendMessage) it caused in `chat_id`."""
        before = len(self.double.calls)
        self.double.push(update)
        await self.settle()
        return [c for c in self.double.calls[before:] if c.method in methods and c.ok and c.chat_id == chat_id]

    async def say(self, chat_id: int, text: str, **kwargs: Any) -> list[Call]:
        return await self.send(text_update(chat_id, text, **kwargs), chat_id)

    async def press(self, chat_id: int, data: str | None, **kwargs: Any) -> list[Call]:
        """Press a button: what the resident then sees, new messages and the pressed message edited in
        place alike (editMessageReplyMarkup, which only takes buttons off, is left to `press_all`)."""
        return await self.press_all(chat_id, data, ("sendMessage", "editMessageText"), **kwargs)

    async def press_all(self, chat_id: int, data: str | None, methods: tuple[str, ...], **kwargs: Any) -> list[Call]:
        return await self.send(callback_update(chat_id, data, bot=self.bot_user, **kwargs), chat_id, methods)


def settings_for(double: BotApiDouble, folder: Path) -> Settings:
    return Settings(
        telegram_token=TOKEN,
        telegram_api_base_url=double.base_url,
        db_path=folder / "log.sqlite3",
        staff_ids=frozenset({STAFF_ID}),
    )


@asynccontextmanager
async def serving(
    double: BotApiDouble,
    assistant: Assistant,
    settings: Settings,
    *,
    flood_limit: bool = True,
    logger: EventLogger | None = None,
    stop_grace: float = STOP_GRACE,
    delivery: Delivery | None = None,  # how long replies may wait for Telegram (default: the product's)
) -> AsyncIterator[Harness]:
    """The real Application polling the double, with a real EventLogger (on settings.db_path unless
    the test brings its own, e.g. on a store that fills up)."""
    logger = logger if logger is not None else EventLogger.from_settings(settings)
    bounds: dict[str, Any] = {"delivery": delivery} if delivery is not None else {}
    application = build_application(settings, assistant, logger, flood_limit=flood_limit, **bounds)
    async with running(application, stop_grace=stop_grace):
        yield Harness(double, application, logger, settings)
