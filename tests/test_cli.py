"""The contract's CLI, run as a resident's or operator's shell would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.labelled import dev_case, labelled_phones, meets_label

CONTRACT_KEYS = {"query", "status", "topic", "title", "text", "windows", "area", "alternatives", "score", "crisis_hint"}

pytestmark = pytest.mark.e2e  # the CLI as a child process, as a shell runs it


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_ask_json() -> None:
    out = run("ask", "母が認知症かもしれない", "--json")
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert set(reply) == CONTRACT_KEYS
    assert reply["status"] == "answer" and "地域包括支援センター" in reply["text"]
    assert "\\u" not in out.stdout  # ensure_ascii is off


def test_ask_plain_text() -> None:
    out = run("ask", "借金が返せない")
    assert out.returncode == 0 and "こだいら生活相談支援センター" in out.stdout


def test_ask_jsonl_keeps_order_and_survives_bad_lines() -> None:
    lines = ["死にたい", "", "明日の天気", "<b>後見</b>", "😀" * 50, "保佐ってなに"]
    out = run("ask", "--jsonl", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in replies] == lines
    assert [r["status"] for r in replies][:3] == ["crisis", "no_match", "no_match"]
    assert all(set(r) == CONTRACT_KEYS for r in replies)


@pytest.mark.parametrize("engine", ["main", "bm25", "fuzzy"])
def test_ask_each_engine(engine: str) -> None:
    """Each engine answers an easy dev-set question with the window its label names, number included."""
    case = dev_case("s072")  # 生活保護を受けたい → 生活支援課
    out = run("ask", case["q"], "--json", "--engine", engine)
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert reply["status"] == "answer" and meets_label(case, reply["text"]), reply["text"]
    assert labelled_phones(case, reply["text"])  # the labelled window, with its number from knowledge/


def test_chat_reads_piped_lines_until_eof(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    out = run("chat", stdin="1\n父の物忘れがひどい\n小川西町\n/privacy\n", env={"KODAIRA_DB_PATH": str(db)})
    assert out.returncode == 0, out.stderr
    assert "相談先をさがす" in out.stdout  # the menu, as numbered choices
    assert "  1) " in out.stdout
    assert "地域包括支援センター" in out.stdout
    assert "小川西町" in out.stdout
    assert "記録について" in out.stdout


def test_kb_check_ok() -> None:
    out = run("kb", "check")
    assert out.returncode == 0 and "OK" in out.stdout


def test_bad_setting_is_a_clear_message() -> None:
    out = run("ask", "x", env={"KODAIRA_STAFF_IDS": "abc"})
    assert out.returncode == 2
    assert "KODAIRA_STAFF_IDS" in out.stderr and "Traceback" not in out.stderr
