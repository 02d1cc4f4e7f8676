"""Telegram channel helpers: token redaction, file URL, bounded retries, start-up retries, `run` options."""

from __future__ import annotations

import asyncio
import logging
import sys

import httpx
import pytest
from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.config import Settings
from bot.handlers.telegram.app import run_bot
from bot.handlers.telegram.delivery import RetryingRequest, file_url_for
from bot.handlers.telegram.lifecycle import StartupAborted, until_reachable
from bot.handlers.telegram.logging import RedactingFilter, install_log_hygiene
from tests.e2e.botapi_double import BotApiDouble

TOKEN = "123456789:AAHk-Secret_TestToken-q9ZxYw8VvUu7"


def record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError(f"GET https://api.telegram.org/bot{TOKEN}/getMe failed")
        except RuntimeError:
            exc_info = sys.exc_info()
    return logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_redacting_filter_covers_message_args_and_traceback() -> None:
    redactor = RedactingFilter()
    redactor.add(TOKEN)
    plain = record("url /bot%s/sendMessage", TOKEN)
    assert redactor.filter(plain) and plain.getMessage() == "url /bot[REDACTED]/sendMessage"
    half = record("secret " + TOKEN.partition(":")[2])
    redactor.filter(half)
    assert TOKEN.partition(":")[2] not in half.getMessage()
    failing = record("boom", exc=True)
    redactor.filter(failing)
    text = logging.Formatter().format(failing)
    assert "RuntimeError" in text and TOKEN not in text and "[REDACTED]" in text


def test_hygiene_quiets_httpx() -> None:
    install_log_hygiene(None)
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpcore").level == logging.WARNING


def test_file_url_for() -> None:
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url_for("http://proxy.local/tg/") == "http://proxy.local/tg/file/bot"


async def test_retries_are_bounded_and_only_for_transient_faults() -> None:
    double = await BotApiDouble(TOKEN).start()
    request = RetryingRequest(budget=0.07, first_pause=0.01)  # pauses 0.01, 0.02, 0.04: three retries
    await request.initialize()
    url = f"{double.base_url}{TOKEN}/getMe"
    try:
        double.fail("getMe", 500, times=2)
        double.fail("getMe", 0)
        code, _ = await request.do_request(url, "POST")
        assert code == 200 and [c.status for c in double.calls] == [500, 500, 0, 200]
        double.calls.clear()
        double.fail("getMe", 502, times=5)
        code, _ = await request.do_request(url, "POST")
        assert code == 502 and len(double.calls) == 4  # first try + 3 retries, then the answer is passed on
        double.calls.clear()
        code, _ = await request.do_request(f"{double.base_url}wrong:token/getMe", "POST")
        assert code == 401 and len(double.calls) == 1  # 4xx are never retried
    finally:
        await request.shutdown()
        await double.close()


BAD_SECRET = {"webhook": True, "webhook_url": "https://x/y", "secret_token": "no spaces!"}


@pytest.mark.parametrize(("options", "needle"), [({"webhook": True}, "--webhook-url"), (BAD_SECRET, "--secret-token")])
def test_run_rejects_bad_webhook_options(
    options: dict[str, object], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_bot(Settings(telegram_token=TOKEN), **options) == 2  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert needle in err and TOKEN not in err and len(err.strip().splitlines()) == 1


def test_run_without_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bot(Settings()) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


async def test_start_up_retries_network_faults_with_a_doubling_pause(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    attempts = 0

    async def get_me() -> None:
        nonlocal attempts
        attempts += 1
        if attempts <= 4:
            try:
                raise httpx.ConnectError("All connection attempts failed")
            except httpx.ConnectError as exc:  # as python-telegram-bot wraps it
                raise NetworkError(f"httpx.ConnectError: {exc}") from exc

    await until_reachable(get_me, asyncio.Event(), first_delay=0.01, max_delay=0.04)
    assert attempts == 5
    assert [r.getMessage() for r in caplog.records] == [
        f"cannot reach the Telegram Bot API (ConnectError); trying again in {delay} s"
        for delay in (0.01, 0.02, 0.04, 0.04)
    ]


async def test_start_up_stops_waiting_at_once_on_a_stop_signal() -> None:
    abort = asyncio.Event()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def hanging_connect() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    waiting = asyncio.create_task(until_reachable(hanging_connect, abort))
    await asyncio.wait_for(started.wait(), 5)
    abort.set()
    with pytest.raises(StartupAborted):
        await asyncio.wait_for(waiting, 5)
    assert cancelled.is_set()


@pytest.mark.parametrize("error", [InvalidToken("refused"), BadRequest("bad"), RuntimeError("bug")])
async def test_start_up_retries_nothing_but_network_faults(error: Exception) -> None:
    calls = 0

    async def step() -> None:
        nonlocal calls
        calls += 1
        raise error

    with pytest.raises(type(error)):
        await until_reachable(step, asyncio.Event(), first_delay=0.01)
    assert calls == 1
