"""End-to-end fixtures: the Bot API double on a real socket and the REAL Application polling it; the LINE API
double and the REAL LINE webhook server sending to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.assistant import Assistant
from bot.storage import EventLogger
from tests.e2e.botapi_double import BotApiDouble
from tests.e2e.harness import TOKEN, Harness, serving, settings_for
from tests.e2e.line_double import LineApiDouble
from tests.e2e.line_harness import ACCESS_TOKEN, LineHarness, line_serving


@pytest.fixture()
async def double() -> AsyncIterator[BotApiDouble]:
    server = await BotApiDouble(TOKEN).start()
    yield server
    await server.close()


@pytest.fixture()
async def bot(double: BotApiDouble, assistant: Assistant, tmp_path: Path) -> AsyncIterator[Harness]:
    async with serving(double, assistant, settings_for(double, tmp_path)) as harness:
        yield harness


@pytest.fixture()
async def line_double() -> AsyncIterator[LineApiDouble]:
    server = await LineApiDouble(ACCESS_TOKEN).start()
    yield server
    await server.close()


@pytest.fixture()
async def line_bot(line_double: LineApiDouble, assistant: Assistant, tmp_path: Path) -> AsyncIterator[LineHarness]:
    logger = EventLogger.from_settings(Settings(db_path=tmp_path / "line-log.sqlite3"))
    async with line_serving(line_double, assistant, logger) as harness:
        yield harness


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e/ runs over real sockets or child processes: marked `e2e`."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
