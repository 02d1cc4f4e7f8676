"""The log privacy filter on its own: what a library or our code logs is rewritten before any handler."""

from __future__ import annotations

import logging
import sys

from bot.logsafety import PrivacyFilter


def formatted(name: str, msg: object, *args: object, exc: bool = False) -> str:
    record = logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args or None, None)
    if exc:
        secret = "佐藤花子 09012345678"  # the traceback quotes the raising line, so not as a literal there
        try:
            raise KeyError(secret)
        except KeyError:
            record.exc_info = sys.exc_info()
    assert PrivacyFilter().filter(record)
    return logging.Formatter().format(record)


def test_library_arguments_become_type_placeholders() -> None:
    text = formatted("telegram.ext.Application", "Processing update %s with %r (%d tries, %.1f s)",
                     {"text": "もう死にたい", "chat": 918273645}, "佐藤", 3, 1.5)
    assert text == "Processing update <dict> with <str> (3 tries, 1.5 s)"
    assert formatted("aiosqlite", "executing %(sql)s", {"sql": "INSERT … '駐輪場'"}) == "executing <str>"
    assert formatted("asyncio", "Task exception: ValueError('山田花子')") == "Task exception: ValueError('…')"
    assert formatted("telegram.Bot", 918273645) == "<int>"


def test_exception_messages_are_withheld_for_every_logger() -> None:
    for name in ("telegram.ext.Application", "bot.storage"):
        text = formatted(name, "failed", exc=True)
        assert "KeyError" in text and "(message withheld)" in text
        assert "佐藤" not in text and "09012345678" not in text


def test_long_numbers_never_pass_even_from_our_code() -> None:
    assert formatted("bot.handlers", "chat %s phone %s", 918273645, "090-1234-5678") == "chat [number] phone [number]"
    assert formatted("bot.storage", "%d log events were lost", 12) == "12 log events were lost"
