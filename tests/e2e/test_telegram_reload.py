"""Reload without restart, end to end: the real Application on a copy of the data, edited while it runs;
/reload from staff (and nobody else), and SIGHUP to a real `kodaira-bot run` process."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.assistant import Assistant, build_assistant
from bot.core.dialogue import Dialogue, State
from bot.core.reload import STARTED, counts
from bot.storage import Places
from bot.storage.masking import NO_PLACES
from tests.data_edits import QUESTION, TOPIC_FILE, TOPIC_TITLE, add_the_example, break_the_yaml
from tests.e2e.botapi_double import BotApiDouble
from tests.e2e.harness import STAFF_ID, TOKEN, Harness, serving, settings_for
from tests.e2e.process import BotProcess, clean_env
from tests.e2e.updates import text_update

RESIDENT = 6106
GROUP = -1005550106


@pytest.fixture()
def copied(data_copy: Path) -> Assistant:
    return build_assistant(data_copy)


@pytest.fixture()
async def bot_on_copy(double: BotApiDouble, copied: Assistant, data_copy: Path) -> AsyncIterator[Harness]:
    settings = replace(settings_for(double, data_copy), data_dir=data_copy)
    async with serving(double, copied, settings) as harness:
        yield harness


async def reload_as_staff(bot: Harness) -> list[str]:
    """/reload from staff: what they are told. A rebuild after an edit trains the crisis model again (several
    seconds, more on a busy machine), so the wait is longer than the harness's usual one."""
    before = len(bot.double.calls)
    bot.double.push(text_update(STAFF_ID, "/reload"))
    await bot.settle(timeout=180)
    return [c.text for c in bot.double.calls[before:] if c.method == "sendMessage" and c.ok and c.chat_id == STAFF_ID]


async def ask(bot: Harness, chat: int = RESIDENT) -> str:
    (reply,) = await bot.say(chat, QUESTION)
    return reply.text


async def test_staff_reload_makes_the_new_example_answer(
    bot_on_copy: Harness, copied: Assistant, data_copy: Path
) -> None:
    bot = bot_on_copy
    no_match = Dialogue(copied, "telegram").text(State(), QUESTION).messages[0]
    assert no_match.reply is not None and no_match.reply.status == "no_match"
    assert await ask(bot) == no_match.text
    add_the_example(data_copy)
    assert await ask(bot) == no_match.text  # an edit alone changes nothing in a running bot

    started, done = await reload_as_staff(bot)

    assert started == STARTED
    topics, examples = counts(copied)
    assert done == f"データを読み込み直しました（トピック {topics:,} 件、例文 {examples + 1:,} 件）。"
    answer = await ask(bot)
    assert TOPIC_TITLE in answer and answer != no_match.text


async def test_a_reload_gives_the_log_masking_the_town_names_of_the_data_in_use(
    bot_on_copy: Harness, copied: Assistant
) -> None:
    """Masking keeps town names (some read as surnames); after a reload it must use the new data's towns."""
    assert bot_on_copy.logger.places == NO_PLACES
    told = await reload_as_staff(bot_on_copy)
    assert told[-1].startswith("データを読み込み直しました")
    places = Places.of(copied.data.knowledge.municipality)
    assert places.names and bot_on_copy.logger.places == places


async def test_reload_is_for_staff_only(bot_on_copy: Harness, copied: Assistant, data_copy: Path) -> None:
    bot = bot_on_copy
    ordinary = Dialogue(copied, "telegram").text(State(), "/reload").messages[0].text
    before = await ask(bot)
    add_the_example(data_copy)
    (refused,) = await bot.say(RESIDENT, "/reload")
    assert refused.text == ordinary  # an unknown command, no hint that it exists
    (in_group,) = await bot.say(GROUP, "/reload", kind="supergroup", user_id=STAFF_ID)
    assert in_group.text == ordinary  # staff too, where others would see it
    assert await ask(bot) == before  # and nothing was reloaded


async def test_broken_yaml_keeps_answering_with_the_old_data(bot_on_copy: Harness, data_copy: Path) -> None:
    bot = bot_on_copy
    add_the_example(data_copy)
    await reload_as_staff(bot)
    answer = await ask(bot)
    assert TOPIC_TITLE in answer

    break_the_yaml(data_copy)
    _, kept = await reload_as_staff(bot)

    assert kept.startswith("新しいデータを使えないため、前のデータのまま答えています。")
    assert f"{TOPIC_FILE}:" in kept and "YAML の書き方に誤りがあります" in kept
    assert await ask(bot) == answer  # residents still get the data that worked


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_sighup_reloads_a_running_process(double: BotApiDouble, data_copy: Path, tmp_path: Path) -> None:
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=double.base_url,
        KODAIRA_DB_PATH=str(tmp_path / "log.sqlite3"),
        KODAIRA_DATA_DIR=str(data_copy),
    )

    async def ask_process(chat: int) -> str:
        before = len(double.of("sendMessage", chat))
        double.push(text_update(chat, QUESTION))
        replies = await double.wait_for(lambda _: double.of("sendMessage", chat)[before:], timeout=60)
        return replies[0].text

    async with await BotProcess.start(tmp_path, env) as bot:
        await bot.wait_for_line("the bot is running", timeout=120)
        first = await ask_process(RESIDENT)
        assert TOPIC_TITLE not in first
        add_the_example(data_copy)
        bot.process.send_signal(signal.SIGHUP)
        # The edit trains the index and the crisis model again (10-20 s alone; minutes on a busy machine).
        await bot.wait_for_line("reload: new data in use", timeout=300)
        assert TOPIC_TITLE in await ask_process(RESIDENT + 1)

        break_the_yaml(data_copy)
        bot.process.send_signal(signal.SIGHUP)
        line = await bot.wait_for_line("the old data stay in use", timeout=120)
        assert "1 problem(s)" in line and str(TOPIC_FILE) in line and QUESTION not in bot.output
        assert TOPIC_TITLE in await ask_process(RESIDENT + 2)
        code, _ = await bot.terminate(timeout=30)
    assert code == 0, bot.output
