"""After a real Telegram session, the log holds no id, name, username, answered text or crisis text."""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.core.assistant import Assistant
from tests.e2e.botapi_double import BotApiDouble
from tests.e2e.harness import TOKEN, Harness, serving, settings_for
from tests.e2e.updates import NON_TEXT, message, text_update

CHAT = 918273645
PERSON = {"id": CHAT, "is_bot": False, "first_name": "花子", "last_name": "佐藤", "username": "hanako_sato77"}


def from_resident(update: dict[str, Any]) -> dict[str, Any]:
    """The update as a real resident's phone sends it: with their name and username."""
    message = update["message"]
    message["from"] = PERSON
    message["chat"] = {"id": CHAT, "type": "private", **{k: PERSON[k] for k in ("first_name", "last_name", "username")}}
    return update


async def test_a_telegram_session_leaves_no_personal_data(bot: Harness) -> None:
    script = [
        "/start",
        "母の物忘れがひどくて心配です",  # answered: only the topic may be kept
        "駐輪場の場所を教えて。佐藤花子です、電話は09012345678、hanako@example.jp",  # unmatched: masked
        "もう死にたい",  # crisis: counted, never stored as text
    ]
    for text in script:
        replies = await bot.send(from_resident(text_update(CHAT, text)), CHAT)
        assert replies, text
    (menu,) = await bot.press(CHAT, "m:town")
    town = next(data for _, data in menu.buttons() if data.startswith("w:"))
    await bot.press(CHAT, town)
    # answered, unmatched, crisis and the town choice: four events (the menu and /start log nothing)
    await asyncio.wait_for(bot.logger.wait_for(lambda stats: stats.written >= 4), 20)

    with sqlite3.connect(bot.settings.db_path) as conn:
        rows = conn.execute("SELECT * FROM events").fetchall()
        texts = [t for (t,) in conn.execute("SELECT text FROM events WHERE text IS NOT NULL")]
    dump = repr(rows)
    for secret in (
        str(CHAT),
        "花子",
        "佐藤",
        "hanako",
        "sato77",
        "090",
        "12345678",
        "example.jp",
        "物忘れ",
        "死にたい",
    ):
        assert secret not in dump, secret
    assert texts == ["駐輪場の場所を教えて。[名前]です、電話は[電話番号]、[メール]"]
    statuses = {r for (r,) in sqlite3.connect(bot.settings.db_path).execute("SELECT status FROM events")}
    assert {"answer", "no_match", "crisis"} <= statuses


@contextmanager
def debug_log() -> Iterator[io.StringIO]:
    """Every record of every logger, at DEBUG, into a buffer: what an operator's `--log-level DEBUG` shows."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_debug_logging_shows_no_resident_text_names_or_ids(
    double: BotApiDouble, assistant: Assistant, tmp_path: Path
) -> None:
    """Issue 9: at DEBUG the libraries logged whole updates: ids, names, phones, crisis text."""
    with debug_log() as log:
        async with serving(double, assistant, settings_for(double, tmp_path)) as bot:
            for text in ("佐藤花子です。電話は09012345678", "もう死にたい", "駐輪場の場所を教えて"):
                assert await bot.send(from_resident(text_update(CHAT, text)), CHAT)
            caption = {**NON_TEXT["photo"], "caption": "殴られています。助けて"}
            assert await bot.send(from_resident({"message": message(CHAT, **caption)}), CHAT)
            await asyncio.wait_for(bot.logger.wait_for(lambda stats: stats.written >= 4), 20)
    text = log.getvalue()
    assert "Processing update" in text or "getUpdates" in text  # DEBUG really was on
    for secret in (str(CHAT), "花子", "佐藤", "hanako", "sato77", "09012345678", "死にたい", "殴られ", "駐輪場",
                   TOKEN, TOKEN.partition(":")[2]):
        assert secret not in text, secret
