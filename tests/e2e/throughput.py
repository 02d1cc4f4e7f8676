"""A burst of updates from many chats through the real Application and the Bot API double.

Used by the burst test (every chat answered, each in the order it wrote) and by
`scripts/benchmark.py` (`measure_throughput`: updates per second and time from an update's delivery
to its reply, with the production 30 messages/s flood limit and without it).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import PROJECT_ROOT
from bot.core.assistant import Assistant, build_assistant
from bot.core.dialogue import Dialogue, State, Turn
from tests.e2e.botapi_double import BotApiDouble
from tests.e2e.harness import TOKEN, Harness, serving, settings_for
from tests.e2e.updates import text_update

TEXTS = ("/start", "母の物忘れが心配", "明日の天気", "おがわにしまち", "/help")
FIRST_CHAT = 5000


@dataclass(frozen=True)
class Burst:
    updates: int
    chats: int
    elapsed_s: float
    expected: dict[int, list[str]]  # chat → reply texts the dialogue gives, in order
    got: dict[int, list[str]]  # chat → reply texts Telegram received, in order
    reply_ms: list[float]  # per update: from getUpdates handing it out to its last reply arriving

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.reply_ms)
        return {
            "updates": self.updates,
            "chats": self.chats,
            "elapsed_s": round(self.elapsed_s, 3),
            "updates_per_s": round(self.updates / self.elapsed_s, 1),
            "median_reply_ms": round(statistics.median(ordered), 1),
            "p99_reply_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "all_answered_in_order": self.got == self.expected,
        }


def _step(dialogue: Dialogue, state: State, text: str) -> Turn:
    if text == "/start":
        return dialogue.start(state)
    if text == "/help":
        return dialogue.help(state)
    return dialogue.text(state, text)


def _plan(updates: int, chats: int) -> list[tuple[int, str]]:
    """Interleaved like real traffic: every chat's first message, then every chat's second …"""
    return [(FIRST_CHAT + i % chats, TEXTS[(i // chats) % len(TEXTS)]) for i in range(updates)]


async def burst(bot: Harness, assistant: Assistant, *, updates: int = 500, chats: int = 100) -> Burst:
    plan = _plan(updates, chats)
    dialogue = Dialogue(assistant, "telegram")
    states: dict[int, State] = defaultdict(State)
    expected: dict[int, list[str]] = defaultdict(list)
    ends: dict[int, tuple[int, int]] = {}  # update_id → (chat, index of its last reply in that chat)
    started = time.monotonic()
    for chat, text in plan:
        turn = _step(dialogue, states[chat], text)
        states[chat] = turn.state
        expected[chat].extend(m.text for m in turn.messages)
        ends[bot.double.push(text_update(chat, text))] = (chat, len(expected[chat]) - 1)
    await bot.settle(timeout=30 + updates / 10)
    elapsed = time.monotonic() - started
    got: dict[int, list[str]] = defaultdict(list)
    arrived: dict[int, list[float]] = defaultdict(list)
    for call in bot.double.of("sendMessage"):
        if call.chat_id is not None:
            got[call.chat_id].append(call.text)
            arrived[call.chat_id].append(call.at)
    reply_ms = [
        (arrived[chat][index] - bot.double.delivered[update_id]) * 1000
        for update_id, (chat, index) in ends.items()
        if index < len(arrived[chat])
    ]
    return Burst(updates, chats, elapsed, dict(expected), dict(got), reply_ms)


async def _measure(assistant: Assistant, updates: int, chats: int, flood_limit: bool) -> Burst:
    double = await BotApiDouble(TOKEN).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = settings_for(double, Path(folder))
            async with serving(double, assistant, settings, flood_limit=flood_limit) as bot:
                return await burst(bot, assistant, updates=updates, chats=chats)
    finally:
        await double.close()


async def measure_throughput(*, updates: int = 500, chats: int = 100) -> dict[str, Any]:
    """The burst as deployed (Telegram's 30 messages/s flood limit), and unthrottled (the bot alone)."""
    assistant = build_assistant(PROJECT_ROOT)
    limited = await _measure(assistant, updates, chats, flood_limit=True)
    unthrottled = await _measure(assistant, updates, chats, flood_limit=False)
    return {**limited.summary(), "flood_limited": True, "unthrottled": unthrottled.summary()}
