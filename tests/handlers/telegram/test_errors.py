"""The error handler's log line: class, update kind, code location — nothing from the resident."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.handlers.telegram.errors import APOLOGY, update_kind, where

NOW = datetime(2025, 1, 6, tzinfo=UTC)
USER = User(7, "テスト", is_bot=False)


def test_update_kind() -> None:
    message = Message(1, NOW, Chat(7, Chat.PRIVATE), text="個人的な話")
    assert update_kind(Update(1, message=message)) == "message"
    assert update_kind(Update(2, callback_query=CallbackQuery("q", USER, "ci", data="m:find"))) == "callback_query"
    assert update_kind(Update(3)) == "unknown"
    assert update_kind(None) == "none"
    assert update_kind("text") == "str"


def test_where_names_file_and_line_only() -> None:
    try:
        raise KeyError("山田花子 090-1234-5678")
    except KeyError as exc:
        location = where(exc)
    assert location.startswith("test_errors.py:") and "山田" not in location
    assert where(None) == "-" and where(ValueError("x")) == "-"


def test_apology_keeps_the_emergency_numbers() -> None:
    assert "110" in APOLOGY and "119" in APOLOGY
