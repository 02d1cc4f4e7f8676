"""`kodaira-bot run` as a process (no token; polling until SIGTERM), webhook mode, and token hygiene."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot.core.assistant import Assistant
from bot.handlers.telegram.app import build_application
from bot.handlers.telegram.lifecycle import WebhookConfig, running
from bot.handlers.telegram.logging import REDACTOR
from bot.storage import EventLogger
from tests.e2e.botapi_double import BotApiDouble
from tests.e2e.harness import TOKEN, Harness, settings_for
from tests.e2e.process import clean_env, command
from tests.e2e.updates import text_update

SECRET_PART = TOKEN.partition(":")[2]


async def test_run_without_token_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *command(),
        "run",
        cwd=tmp_path,
        env=clean_env(),  # cwd without a .env
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert out == b""
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


async def test_run_with_a_refused_token_exits_2(double: BotApiDouble, tmp_path: Path) -> None:
    wrong = "987654321:AAWrongTokenWrongTokenWrongToken00"
    env = clean_env(
        TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_API_BASE_URL=double.base_url, KODAIRA_DB_PATH=str(tmp_path / "log.sqlite3")
    )
    process = await asyncio.create_subprocess_exec(
        *command(),
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode == 2
    assert "受け付けませんでした" in err.decode()
    assert wrong.partition(":")[2] not in (out + err).decode()


async def test_run_polls_answers_and_stops_cleanly_on_sigterm(double: BotApiDouble, tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=double.base_url, KODAIRA_DB_PATH=str(db))
    process = await asyncio.create_subprocess_exec(
        *command(),
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await double.wait_for(lambda calls: [c for c in calls if c.method == "getUpdates"], timeout=90)
        double.push(text_update(7007, "明日の天気はどうですか"))
        await double.wait_for(lambda calls: [c for c in calls if c.method == "sendMessage"], timeout=30)
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    output = (out + err).decode()
    assert TOKEN not in output and SECRET_PART not in output
    assert "HTTP Request" not in output  # httpx is kept at WARNING
    # The logger was flushed on the way out: the unmatched question is in the database (masked).
    with sqlite3.connect(db) as conn:
        tables = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")]
        assert tables
        dump = "\n".join(conn.iterdump())
    assert "明日の天気" in dump


async def test_webhook_mode(double: BotApiDouble, assistant: Assistant, tmp_path: Path) -> None:
    settings = settings_for(double, tmp_path)
    application = build_application(settings, assistant, EventLogger.from_settings(settings))
    port = _free_port()
    hook = WebhookConfig(f"http://127.0.0.1:{port}/kodaira/hook", port, "s3cret_token-1", listen="127.0.0.1")
    async with running(application, hook):
        (set_hook,) = double.of("setWebhook")
        assert set_hook.params["url"] == hook.url and set_hook.params["secret_token"] == hook.secret_token
        update = {"update_id": 1, **text_update(8008, "/start")}
        header = "X-Telegram-Bot-Api-Secret-Token"
        async with httpx.AsyncClient() as client:
            refused = await client.post(hook.url, json=update, headers={header: "wrong"})
            assert refused.status_code == 403
            accepted = await client.post(hook.url, json=update, headers={header: hook.secret_token})
            assert accepted.status_code == 200
        (reply,) = await double.wait_for(lambda calls: [c for c in calls if c.method == "sendMessage"])
        assert reply.chat_id == 8008


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_token_never_logged_or_printed(
    bot: Harness, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # httpx now logs every request URL, token included
    bot.double.fail("sendMessage", 500)
    bot.double.fail("sendMessage", 401)  # an unauthorised answer → InvalidToken in the error path
    await bot.say(9009, "/start")
    await bot.say(9009, "明日の天気")
    logging.getLogger("some.library").error("calling %s/bot%s/getMe", "https://api.telegram.org", TOKEN)
    # One of ours quoting the token: whichever filter runs first (the privacy filter rewrites a library's
    # arguments before the redactor sees them, ours it keeps), the token comes out redacted.
    logging.getLogger("bot.some.module").error("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    assert "HTTP Request" in caplog.text and "[REDACTED]" in caplog.text
    assert TOKEN not in caplog.text and SECRET_PART not in caplog.text
    assert all(SECRET_PART not in r.getMessage() for r in caplog.records)
    out, err = capfd.readouterr()
    assert SECRET_PART not in out and SECRET_PART not in err
    assert any(REDACTOR in handler.filters for handler in logging.getLogger().handlers)
    assert logging.getLogger("httpcore").level == logging.WARNING
