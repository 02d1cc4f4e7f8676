"""Faults and load: 429/500/502/dropped connections on the way out, a bad update, a burst of 500 updates,
bounded prefetch under a burst, and a log database on a full disk."""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State
from bot.handlers.telegram.app import MAX_IN_HAND
from bot.handlers.telegram.errors import APOLOGY
from bot.handlers.telegram.intake import Intake
from bot.storage import EventLogger
from tests.diskfull import CappedStore, fill_up
from tests.e2e.botapi_double import BotApiDouble, Call
from tests.e2e.harness import Harness, serving, settings_for
from tests.e2e.queries import ANSWER_CASE
from tests.e2e.throughput import burst
from tests.labelled import assert_answer_meets_label, assert_crisis_lines, dev_case

CHAT = 3003


def statuses(bot: Harness, method: str) -> list[int]:
    return [c.status for c in bot.double.calls if c.method == method]


def replies_at_least(count: int) -> Callable[[list[Call]], bool]:
    return lambda calls: len([c for c in calls if c.method == "sendMessage" and c.ok]) >= count


async def test_429_is_waited_out_and_retried(bot: Harness) -> None:
    bot.double.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    (greeting,) = await bot.say(CHAT, "/start")
    assert greeting.text.startswith("こんにちは")
    assert time.monotonic() - started >= 1.0  # the limiter waited the retry_after Telegram asked for
    assert statuses(bot, "sendMessage") == [429, 200]
    (later,) = await bot.say(CHAT, "/help")
    assert later.text.startswith("使い方")


async def test_429s_are_honoured_until_the_reply_is_delivered(bot: Harness) -> None:
    """Issue 9: four 429s in a row on sendMessage lost the answer."""
    bot.double.fail("sendMessage", 429, times=5, retry_after=1)
    started = time.monotonic()
    (greeting,) = await bot.say(CHAT, "/start")
    assert greeting.text.startswith("こんにちは")
    assert statuses(bot, "sendMessage") == [429] * 5 + [200]
    assert time.monotonic() - started >= 5.0  # each retry_after waited to the letter


async def test_429s_past_the_total_wait_get_the_apology(
    double: BotApiDouble, assistant: Assistant, tmp_path: Path
) -> None:
    from bot.handlers.telegram.app import Delivery

    settings = settings_for(double, tmp_path)
    async with serving(double, assistant, settings, delivery=Delivery(rate_limit_budget=1.5)) as bot:
        bot.double.fail("sendMessage", 429, times=3, retry_after=1)
        (apology,) = await bot.say(CHAT, "/start")
        assert apology.text == APOLOGY
        assert statuses(bot, "sendMessage") == [429, 429, 429, 200]


async def test_500_502_and_dropped_connections_are_retried(bot: Harness) -> None:
    bot.double.fail("sendMessage", 500, times=2)
    (greeting,) = await bot.say(CHAT, "/start")
    assert greeting.text.startswith("こんにちは")
    assert statuses(bot, "sendMessage") == [500, 500, 200]
    bot.double.fail("sendMessage", 502)
    bot.double.fail("answerCallbackQuery", 0)  # connection dropped without an answer
    (pressed,) = await bot.press(CHAT, "m:crisis")
    assert_crisis_lines(pressed.text)
    assert statuses(bot, "sendMessage")[-2:] == [502, 200]
    assert statuses(bot, "answerCallbackQuery") == [0, 200]


async def test_5xx_are_retried_with_a_growing_pause(bot: Harness) -> None:
    bot.double.fail("sendMessage", 500, times=4)  # more than the old bound of three retries
    (greeting,) = await bot.say(CHAT, "/start")
    assert greeting.text.startswith("こんにちは")
    sends = [c for c in bot.double.calls if c.method == "sendMessage"]
    assert [c.status for c in sends] == [500] * 4 + [200]
    pauses = [b.at - a.at for a, b in itertools.pairwise(sends)]
    assert all(later > earlier for earlier, later in itertools.pairwise(pauses))  # doubling


async def test_a_lost_reply_gets_an_apology_and_the_bot_goes_on(
    double: BotApiDouble, assistant: Assistant, tmp_path: Path
) -> None:
    from bot.handlers.telegram.app import Delivery

    settings = settings_for(double, tmp_path)
    async with serving(double, assistant, settings, delivery=Delivery(fault_budget=1.0)) as bot:
        bot.double.fail("sendMessage", 500, times=4)  # pauses 0.5 + 0.5 spend the budget: three tries fail
        (apology,) = await bot.say(CHAT, "/start")
        assert apology.text == APOLOGY
        case = dev_case(ANSWER_CASE)
        (reply,) = await bot.say(CHAT, case["q"])
        assert_answer_meets_label(case, reply.text)


async def test_callback_still_answered_when_answering_the_query_fails(bot: Harness) -> None:
    bot.double.fail("answerCallbackQuery", 500, times=4)
    (reply,) = await bot.press(CHAT, "m:find")
    assert reply.buttons()


@pytest.mark.slow
async def test_burst_of_500_updates_from_100_chats(bot: Harness, assistant: Assistant) -> None:
    result = await burst(bot, assistant, updates=500, chats=100)
    assert len(result.got) == 100
    assert result.got == result.expected  # every chat answered, each in the order it wrote
    summary = result.summary()
    print(
        f"\nburst: 500 updates from 100 chats answered in {result.elapsed_s:.1f} s under the 30 msg/s "
        f"flood limit ({summary['updates_per_s']} updates/s, p99 delivery-to-reply {summary['p99_reply_ms']} ms)"
    )


async def test_the_bot_fetches_no_further_ahead_than_it_can_answer(bot: Harness, assistant: Assistant) -> None:
    """Under Telegram's flood limit a burst waits at Telegram, not in the bot's memory: at most
    MAX_IN_HAND updates are fetched and unfinished at any time (so a SIGTERM finds little to finish)."""
    running = asyncio.create_task(burst(bot, assistant, updates=200, chats=40))
    intake = bot.application.update_processor
    assert isinstance(intake, Intake)
    for answered in (20, 60, 120):
        await bot.double.wait_for(replies_at_least(answered), timeout=60)
        assert intake.in_hand <= MAX_IN_HAND
        assert len(bot.double.delivered) <= len(bot.double.of("sendMessage")) + MAX_IN_HAND
    result = await asyncio.wait_for(running, 120)
    assert result.got == result.expected


async def test_a_full_disk_costs_no_reply_is_reported_once_and_writing_resumes(
    double: BotApiDouble, assistant: Assistant, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = settings_for(double, tmp_path)
    store = CappedStore(settings.db_path)
    filler = await fill_up(store)  # the log's disk is full before the bot even starts
    logger = EventLogger(store, retry_delay=0.02, max_retry_delay=0.1)
    dialogue = Dialogue(assistant, "telegram")
    questions = ["母の物忘れが心配", "鈴木さんの携帯は090-1234-5678です", "明日の天気"]
    async with serving(double, assistant, settings, logger=logger) as bot:
        for chat, question in enumerate(questions, start=6000):
            (reply,) = await bot.say(chat, question)
            assert reply.text == dialogue.text(State(), question).messages[0].text  # replies keep flowing
        async with asyncio.timeout(10):
            await logger.wait_for(lambda s: s.errors >= 3)  # retried, and still full
        assert logger.stats.written == 0 and logger.stats.pending == len(questions)
        problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [r.getMessage().split(".")[0] for r in problems] == [
            "The anonymized log cannot be written: the disk holding the log database is full"
        ]  # once, in plain words, however many writes failed; and nothing else went wrong

        store.full = False  # the operator frees some space: the kept events are written by themselves
        async with asyncio.timeout(10):
            await logger.wait_for(lambda s: s.written == len(questions) and s.pending == 0)
        assert "writable again" in caplog.text
        await bot.say(6100, "介護保険の申請をしたい")
        async with asyncio.timeout(10):
            await logger.wait_for(lambda s: s.written == len(questions) + 1)
    assert APOLOGY not in [c.text for c in double.calls if c.method == "sendMessage"]
    assert "090-1234-5678" not in caplog.text and "鈴木" not in caplog.text
    with closing(sqlite3.connect(settings.db_path)) as conn:
        counts = conn.execute("SELECT COUNT(*), SUM(channel = 'telegram') FROM events").fetchone()
        dump = "\n".join(conn.iterdump())
    assert counts == (filler + len(questions) + 1, len(questions) + 1)
    assert "090-1234-5678" not in dump and "鈴木" not in dump
