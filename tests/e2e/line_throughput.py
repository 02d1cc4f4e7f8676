"""A burst of signed webhooks from many LINE users into the real LINE channel and the LINE API double.

Used by the burst test (every user answered, each in the order they wrote) and by `scripts/benchmark.py`
(`measure_line_throughput`: events per second from the first webhook posted to the last reply
received, and the time from a webhook's 200 to its reply).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.config import PROJECT_ROOT
from bot.core.assistant import Assistant, build_assistant
from bot.core.dialogue import Dialogue, State
from tests.e2e.line_double import LineApiDouble
from tests.e2e.line_harness import (
    ACCESS_TOKEN,
    LineHarness,
    event,
    line_serving,
    payload,
    sign,
    text_message,
    user_source,
)

TEXTS = ("/start", "母の物忘れが心配", "明日の天気", "おがわにしまち", "/help")


@dataclass(frozen=True)
class LineBurst:
    events: int
    users: int
    elapsed_s: float
    expected: dict[str, list[str]]  # user → reply texts the dialogue gives, in order
    got: dict[str, list[str]]  # user → reply texts LINE received, in order
    reply_ms: list[float]

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.reply_ms) or [0.0]
        return {
            "events": self.events,
            "users": self.users,
            "elapsed_s": round(self.elapsed_s, 3),
            "events_per_s": round(self.events / self.elapsed_s, 1),
            "median_reply_ms": round(statistics.median(ordered), 1),
            "p99_reply_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "all_answered_in_order": self.got == self.expected,
        }


def _user(index: int) -> str:
    return f"U{index:032x}"


async def burst(bot: LineHarness, assistant: Assistant, *, events: int = 500, users: int = 100) -> LineBurst:
    """`events` webhooks, one event each, from `users` users writing at once (each user's in order)."""
    dialogue = Dialogue(assistant, "line", choice_bytes=300, max_choices=13)
    per_user = events // users
    expected: dict[str, list[str]] = {}
    bodies: dict[str, list[tuple[str, bytes]]] = {}
    for index in range(users):
        user, state, texts, posts = _user(index), State(), [], []
        for i in range(per_user):
            text = TEXTS[i % len(TEXTS)]
            turn = dialogue.text(state, text)
            state = turn.state
            texts.append("\n\n".join(m.text for m in turn.messages))
            token = bot.double.reply_token()
            posts.append((token, payload(event("message", user_source(user), token, **text_message(text)))))
        expected[user], bodies[user] = texts, posts
    accepted: dict[str, float] = {}

    async def write(client: aiohttp.ClientSession, user: str) -> None:
        for token, body in bodies[user]:
            headers = {"X-Line-Signature": sign(body), "Content-Type": "application/json"}
            async with client.post(bot.server.url, data=body, headers=headers) as response:
                assert response.status == 200
            accepted[token] = time.monotonic()

    # aiohttp as LINE's side: its pool stays cheap with 100 connections open (httpx's does not).
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=users)) as client:
        await asyncio.gather(*(write(client, user) for user in bodies))
    await bot.idle(timeout=60 + events / 10)
    elapsed = time.monotonic() - started
    got: dict[str, list[str]] = defaultdict(list)
    reply_ms = []
    for call in bot.double.of("reply"):
        user = next(u for u, posts in bodies.items() if any(t == call.reply_token for t, _ in posts))
        got[user].append(call.text)
        reply_ms.append((call.at - accepted[str(call.reply_token)]) * 1000)
    return LineBurst(users * per_user, users, elapsed, expected, dict(got), reply_ms)


async def measure_line_throughput(*, events: int = 500, users: int = 100) -> dict[str, Any]:
    assistant = build_assistant(PROJECT_ROOT)
    double = await LineApiDouble(ACCESS_TOKEN).start()
    try:
        async with line_serving(double, assistant) as bot:
            return (await burst(bot, assistant, events=events, users=users)).summary()
    finally:
        await double.close()
