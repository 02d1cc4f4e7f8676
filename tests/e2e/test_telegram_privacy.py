"""After a real Telegram session, the log holds no id, name, username, answered text or crisis text."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from tests.e2e.harness import Harness
from tests.e2e.updates import text_update

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
