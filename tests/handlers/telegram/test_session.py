"""Per-chat locks, and a log sink that fails must not cost a reply."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue
from bot.core.events import LogEvent
from bot.handlers.telegram.session import Deps


class BrokenSink:
    def submit(self, event: LogEvent) -> object:
        raise OSError("disk full")


class ListSink:
    def __init__(self) -> None:
        self.events: list[LogEvent] = []

    def submit(self, event: LogEvent) -> object:
        self.events.append(event)
        return True


@pytest.fixture()
def dialogue(assistant: Assistant) -> Dialogue:
    return Dialogue(assistant, "telegram")


async def test_one_lock_per_chat_while_in_use(dialogue: Dialogue) -> None:
    deps = Deps(dialogue)
    first = deps.lock(1)
    assert deps.lock(1) is first and deps.lock(2) is not first
    order: list[str] = []

    async def turn(name: str) -> None:
        async with deps.lock(1):
            order.append(f"{name}+")
            await asyncio.sleep(0)
            order.append(f"{name}-")

    await asyncio.gather(turn("a"), turn("b"))
    assert order == ["a+", "a-", "b+", "b-"]


def test_emit_survives_a_broken_sink(dialogue: Dialogue, caplog: pytest.LogCaptureFixture) -> None:
    event = LogEvent(kind="message", channel="telegram", status="answer", topic="x").stamped()
    with caplog.at_level(logging.WARNING):
        Deps(dialogue, sink=BrokenSink()).emit([event])
    assert "OSError" in caplog.text and "disk" not in caplog.text
    sink = ListSink()
    Deps(dialogue, sink=sink).emit([event, event])
    assert sink.events == [event, event]
    Deps(dialogue).emit([event])  # no logger at all: nothing to do
