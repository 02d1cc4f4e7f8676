"""End-to-end fixtures: the Bot API double on a real socket and the REAL Application polling it.

`bot` yields a harness whose `say`/`press`/`send` push an update and return once the bot has fetched
it and finished every handler it triggered (the double saw the confirming getUpdates offset, then the
Application's update queue drained) — no sleeps, and silence can be asserted exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.assistant import Assistant
from bot.config import Settings
from bot.handlers.session import App
from bot.storage import EventLogger
from bot.telegram import build_application, running
from tests.e2e.botapi_double import BotApiDouble, Call
from tests.e2e.updates import callback_update, text_update

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

    async def send(self, update: dict[str, Any], chat_id: int) -> list[Call]:
        """Push one update; the sendMessage calls it caused in `chat_id`."""
        before = len(self.double.calls)
        self.double.push(update)
        await self.settle()
        return [c for c in self.double.calls[before:] if c.method == "sendMessage" and c.ok and c.chat_id == chat_id]

    async def say(self, chat_id: int, text: str, **kwargs: Any) -> list[Call]:
        return await self.send(text_update(chat_id, text, **kwargs), chat_id)

    async def press(self, chat_id: int, data: str | None, **kwargs: Any) -> list[Call]:
        return await self.send(callback_update(chat_id, data, bot=self.bot_user, **kwargs), chat_id)


def settings_for(double: BotApiDouble, tmp_path: Path) -> Settings:
    return Settings(
        telegram_token=TOKEN,
        telegram_api_base_url=double.base_url,
        db_path=tmp_path / "log.sqlite3",
        staff_ids=frozenset({STAFF_ID}),
    )


@pytest.fixture()
async def double() -> AsyncIterator[BotApiDouble]:
    server = await BotApiDouble(TOKEN).start()
    yield server
    await server.close()


@pytest.fixture()
async def bot(double: BotApiDouble, assistant: Assistant, tmp_path: Path) -> AsyncIterator[Harness]:
    settings = settings_for(double, tmp_path)
    logger = EventLogger.from_settings(settings)
    application = build_application(settings, assistant, logger)
    async with running(application):
        yield Harness(double, application, logger, settings)
