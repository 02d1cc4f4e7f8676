"""Faults and load: 429/500/502/dropped connections on the way out, a bad update, a burst of 500 updates."""

from __future__ import annotations

import time

from bot.assistant import Assistant
from bot.handlers.errors import APOLOGY
from tests.e2e.harness import Harness
from tests.e2e.queries import query_with
from tests.e2e.throughput import burst

CHAT = 3003


def statuses(bot: Harness, method: str) -> list[int]:
    return [c.status for c in bot.double.calls if c.method == method]


async def test_429_is_waited_out_and_retried(bot: Harness) -> None:
    bot.double.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    (greeting,) = await bot.say(CHAT, "/start")
    assert greeting.text.startswith("こんにちは")
    assert time.monotonic() - started >= 1.0  # the limiter waited the retry_after Telegram asked for
    assert statuses(bot, "sendMessage") == [429, 200]
    (later,) = await bot.say(CHAT, "/help")
    assert later.text.startswith("使い方")


async def test_500_502_and_dropped_connections_are_retried(bot: Harness) -> None:
    bot.double.fail("sendMessage", 500, times=2)
    (greeting,) = await bot.say(CHAT, "/start")
    assert greeting.text.startswith("こんにちは")
    assert statuses(bot, "sendMessage") == [500, 500, 200]
    bot.double.fail("sendMessage", 502)
    bot.double.fail("answerCallbackQuery", 0)  # connection dropped without an answer
    (pressed,) = await bot.press(CHAT, "m:crisis")
    assert "110" in pressed.text
    assert statuses(bot, "sendMessage")[-2:] == [502, 200]
    assert statuses(bot, "answerCallbackQuery") == [0, 200]


async def test_a_lost_reply_gets_an_apology_and_the_bot_goes_on(bot: Harness, assistant: Assistant) -> None:
    bot.double.fail("sendMessage", 500, times=4)  # one more than the bounded retries
    (apology,) = await bot.say(CHAT, "/start")
    assert apology.text == APOLOGY
    question = query_with(assistant, "answer")
    (reply,) = await bot.say(CHAT, question)
    assert reply.text == assistant.reply(question).text


async def test_callback_still_answered_when_answering_the_query_fails(bot: Harness) -> None:
    bot.double.fail("answerCallbackQuery", 500, times=4)
    (reply,) = await bot.press(CHAT, "m:find")
    assert reply.buttons()


async def test_burst_of_500_updates_from_100_chats(bot: Harness, assistant: Assistant) -> None:
    result = await burst(bot, assistant, updates=500, chats=100)
    assert len(result.got) == 100
    assert result.got == result.expected  # every chat answered, each in the order it wrote
    summary = result.summary()
    print(f"\nburst: 500 updates from 100 chats answered in {result.elapsed_s:.1f} s under the 30 msg/s "
          f"flood limit ({summary['updates_per_s']} updates/s, p99 delivery-to-reply {summary['p99_reply_ms']} ms)")
