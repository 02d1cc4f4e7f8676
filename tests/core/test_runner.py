"""The core turn runner: per-chat locks, per-member state, a bounded state store, and a log sink that
fails must not cost a reply."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue
from bot.core.events import LogEvent
from bot.core.runner import Conversation, Runner
from bot.core.turns import Turn


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
    return Dialogue(assistant, "test")


async def test_one_lock_per_chat_keeps_a_chats_turns_in_order(dialogue: Dialogue) -> None:
    runner = Runner(dialogue)
    first = runner.lock(1)
    assert runner.lock(1) is first and runner.lock(2) is not first
    order: list[str] = []

    def sender(name: str) -> object:
        async def send(turn: Turn) -> None:
            order.append(f"{name}+")
            await asyncio.sleep(0.01)
            order.append(f"{name}-")

        return send

    where = Conversation(1)
    await asyncio.gather(
        runner.text(where, "こんにちは", sender("a")),  # type: ignore[arg-type]
        runner.text(where, "こんにちは", sender("b")),  # type: ignore[arg-type]
        runner.text(Conversation(2), "こんにちは", sender("c")),  # type: ignore[arg-type]
    )
    assert order.index("a-") < order.index("b+")  # the same chat: one after the other
    assert order.index("c+") < order.index("a-")  # another chat: meanwhile


def test_each_member_of_a_shared_chat_has_their_own_state(dialogue: Dialogue, assistant: Assistant) -> None:
    runner = Runner(dialogue)
    town = assistant.data.knowledge.towns[0]
    runner.advance(Conversation(-5, 111), lambda d, s: d.text(s, town.name))
    assert runner.state(Conversation(-5, 111)).town_id == town.id
    assert runner.state(Conversation(-5, 222)).town_id is None
    runner.forget(Conversation(-5, 111))
    assert runner.state(Conversation(-5, 111)).town_id is None


def test_the_state_store_is_bounded_least_recently_used_first(dialogue: Dialogue, assistant: Assistant) -> None:
    runner = Runner(dialogue, max_states=2)
    town = assistant.data.knowledge.towns[0]
    for chat in (1, 2):
        runner.advance(Conversation(chat), lambda d, s: d.text(s, town.name))
    runner.advance(Conversation(1), lambda d, s: d.text(s, "こんにちは"))  # 1 is used again
    runner.advance(Conversation(3), lambda d, s: d.text(s, town.name))
    assert runner.state(Conversation(1)).town_id == town.id
    assert runner.state(Conversation(2)).town_id is None  # the oldest went


async def test_events_reach_the_sink_before_the_reply_is_sent(dialogue: Dialogue) -> None:
    sink = ListSink()
    runner = Runner(dialogue, sink)
    seen_at_send: list[int] = []

    async def send(turn: Turn) -> None:
        seen_at_send.append(len(sink.events))

    await runner.text(Conversation(1), "明日の天気はどうですか", send)
    assert seen_at_send == [1] and sink.events[0].channel == "test"


def test_emit_survives_a_broken_sink(dialogue: Dialogue, caplog: pytest.LogCaptureFixture) -> None:
    event = LogEvent(kind="message", channel="test", status="answer", topic="x").stamped()
    with caplog.at_level(logging.WARNING):
        Runner(dialogue, BrokenSink()).emit([event])
    assert "OSError" in caplog.text and "disk" not in caplog.text
    sink = ListSink()
    Runner(dialogue, sink).emit([event, event])
    assert sink.events == [event, event]
    Runner(dialogue).emit([event])  # no logger at all: nothing to do
