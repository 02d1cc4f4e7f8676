"""bot/telegram.py helpers: token redaction, file URL, bounded retries, `run` option checks."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.config import Settings
from bot.telegram import RedactingFilter, RetryingRequest, file_url_for, install_log_hygiene, run_bot
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
    request = RetryingRequest(retries=3, backoff=0.01)
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
