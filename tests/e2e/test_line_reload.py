"""`kodaira-bot run --channel line` reloads its data on SIGHUP: a new example answers after the signal, a
broken edit keeps the data that worked."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path

import httpx
import pytest

from bot.core.assistant import Assistant
from bot.storage import Places
from bot.storage.masking import NO_PLACES
from tests.data_edits import QUESTION, TOPIC_FILE, TOPIC_TITLE, add_the_example, break_the_yaml
from tests.e2e.line_double import LineApiDouble
from tests.e2e.line_harness import ACCESS_TOKEN, SECRET, LineHarness, event, payload, sign, text_message, user_source
from tests.e2e.process import BotProcess, clean_env, command

USER = "U0000111122223333444455556666a11d"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_sighup_reloads_the_line_channel(line_double: LineApiDouble, data_copy: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = clean_env(
        LINE_CHANNEL_SECRET=SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=line_double.base_url,
        KODAIRA_DB_PATH=str(tmp_path / "log.sqlite3"),
        KODAIRA_DATA_DIR=str(data_copy),
    )
    process = await asyncio.create_subprocess_exec(
        *command(), "run", "--channel", "line", "--host", "127.0.0.1", "--port", str(port),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )

    async def ask(client: httpx.AsyncClient) -> str:
        before = len(line_double.calls)
        body = payload(event("message", user_source(USER), line_double.reply_token(), **text_message(QUESTION)))
        response = await client.post(f"http://127.0.0.1:{port}/callback", content=body,
                                     headers={"X-Line-Signature": sign(body)})
        assert response.status_code == 200
        (reply, *_) = await line_double.wait_for(lambda calls: [c for c in calls[before:] if c.ok], timeout=60)
        return reply.text

    async with BotProcess(process) as bot, httpx.AsyncClient() as client:
        await bot.wait_for_line("the bot is running (LINE webhook)", timeout=120)
        assert TOPIC_TITLE not in await ask(client)
        add_the_example(data_copy)
        process.send_signal(signal.SIGHUP)
        # The edit trains the index and the crisis model again (10-20 s alone; minutes on a busy machine).
        await bot.wait_for_line("reload: new data in use", timeout=300)
        assert TOPIC_TITLE in await ask(client)

        break_the_yaml(data_copy)
        process.send_signal(signal.SIGHUP)
        line = await bot.wait_for_line("the old data stay in use", timeout=120)
        assert str(TOPIC_FILE) in line
        assert TOPIC_TITLE in await ask(client)
        code, _ = await bot.terminate(timeout=30)
    assert code == 0, bot.output
    assert QUESTION not in bot.output and SECRET not in bot.output


async def test_a_reload_gives_the_log_masking_the_town_names_of_the_data_in_use(
    line_bot: LineHarness, assistant: Assistant
) -> None:
    """Masking keeps town names (some read as surnames); after a reload it must use the new data's towns."""
    assert line_bot.logger is not None and line_bot.logger.places == NO_PLACES
    outcome = await line_bot.server.reloader.reload()
    assert outcome.status == "reloaded"
    places = Places.of(assistant.data.knowledge.municipality)
    assert places.names and line_bot.logger.places == places
