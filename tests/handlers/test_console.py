"""The console channel: rendering, numbered choices, and what a real session leaves in the log."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue
from bot.core.events import LogEvent
from bot.handlers.console import ConsoleChat, render

SESSION = [
    "駐輪場はどこですか。山田太郎です。電話は090-1234-5678、taro@example.jp まで",
    "駐輪場はどこにありますか",
    "母の物忘れが心配です。小川西町3丁目5番地に住んでいます",
    "もう死にたい",
    "/privacy",
]


def test_numbers_pick_the_last_choices_and_events_flow(assistant: Assistant) -> None:
    events: list[LogEvent] = []
    chat = ConsoleChat(Dialogue(assistant, "console"), events.append)
    chat.choices = chat.dialogue.start(chat.state).messages[0].choices
    turn = chat.handle("1")  # 相談先をさがす
    assert turn is not None and "困っていること" in render(turn)
    assert "  1) " in render(turn)
    turn = chat.handle("生活費が足りない")
    assert turn is not None and events[-1].status == "answer"
    assert chat.handle("/quit") is None


def test_a_console_session_leaves_no_personal_data_in_the_log(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    env = {**os.environ, "KODAIRA_DB_PATH": str(db)}
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input="\n".join(SESSION) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert "いのちの電話" in out.stdout
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT * FROM events").fetchall()
        texts = [r[0] for r in conn.execute("SELECT text FROM events WHERE text IS NOT NULL")]
    dump = repr(rows)
    for secret in ("山田", "太郎", "090", "1234", "5678", "taro@", "物忘れ", "5番地", "死にたい"):
        assert secret not in dump, secret
    assert len(texts) == 2 and all("駐輪場" in t for t in texts)
    listing = subprocess.run(
        [sys.executable, "-m", "bot.cli", "review", "list"], capture_output=True, text=True, env=env, check=True
    )
    assert "駐輪場" in listing.stdout and "2件" in listing.stdout
    assert "[名前]" in listing.stdout and "[電話番号]" in listing.stdout


def test_choice_numbers_in_any_form_and_no_crash_on_digit_lookalikes(assistant: Assistant) -> None:
    """①–⑨ and full-width digits pick a choice; ², a 4,300-digit line or ⓪ are text, never a crash."""
    chat = ConsoleChat(Dialogue(assistant, "console"))
    menu = chat.dialogue.start(chat.state).messages[0].choices
    picked = chat.dialogue.choose(chat.state, menu[0].data).messages[0].text
    for line in ("①", "１", "1"):
        chat.choices = menu
        turn = chat.handle(line)
        assert turn is not None and turn.messages[0].text == picked, line
    for line in ("²", "9" * 4300, "⓪", "１２３４", "①②"):
        chat.choices = menu
        turn = chat.handle(line)
        assert turn is not None and turn.messages[0].text != picked, line
