"""Issue 9, from the outside: bytes that are not UTF-8, lone surrogates, a closed pipe, a malformed API
URL and `--log-level`, each through the real `kodaira-bot` command or the real core."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State
from tests.wording import mask

SHIFT_JIS = "母の物忘れが心配です"
BAD_LINES = [
    SHIFT_JIS.encode("cp932"),
    b"\xff\xfe\x80 broken bytes \xe3\x81",
    "死にたい".encode() + b"\xed\xa0\x80",  # a UTF-16 surrogate written as UTF-8 (CESU-8)
    "保佐ってなに".encode(),
]

pytestmark = pytest.mark.e2e  # the CLI as a child process, as a shell runs it


def kodaira(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_ask_jsonl_answers_every_line_of_shift_jis_and_broken_bytes() -> None:
    out = kodaira("ask", "--jsonl", stdin=b"\n".join(BAD_LINES) + b"\n")
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    assert b"Traceback" not in out.stderr
    replies = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(replies) == len(BAD_LINES)
    assert replies[0]["query"] == SHIFT_JIS and replies[0]["status"] == "answer"  # read as Shift_JIS
    assert replies[2]["status"] == "crisis"
    assert replies[3]["status"] != "no_match"
    assert "Shift_JIS" in out.stderr.decode()  # said once, on stderr


def test_chat_answers_every_line_of_shift_jis_and_broken_bytes(tmp_path: Path) -> None:
    out = kodaira("chat", stdin=b"\n".join(BAD_LINES) + b"\n", env={"KODAIRA_DB_PATH": str(tmp_path / "l.db")})
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    assert b"Traceback" not in out.stderr
    text = out.stdout.decode()
    assert text.count("\n> ") == len(BAD_LINES)  # every line echoed and answered
    assert "地域包括支援センター" in text and "110" in text


def test_lone_surrogates_reach_no_encoder(assistant: Assistant) -> None:
    text = "母の物忘れ\ud800が心配\udcff"
    masked = mask("\udc80山田花子さんの電話は090-1234-5678\ud83d")
    assert masked == "[名前]さんの電話は[電話番号]"
    turn = Dialogue(assistant, "console").text(State(), text)
    json.dumps(turn.messages[0].text, ensure_ascii=False).encode()
    assert Dialogue(assistant, "console").choose(State(), "g:\ud800").messages


def test_question_argument_with_invalid_bytes_is_answered() -> None:
    out = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"bot.cli", b"ask", "死にたい".encode() + b"\xff", b"--json"],
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0 and b"Traceback" not in out.stderr
    assert json.loads(out.stdout)["status"] == "crisis"


@pytest.mark.parametrize("command", ["kb check", "ask 母の物忘れ", "review stats", "eval eval/faq_dev.yaml"])
def test_a_closed_pipe_prints_no_traceback(command: str, tmp_path: Path) -> None:
    # `true` exits without reading: every write of the command meets a closed pipe.
    shell = f"{sys.executable} -m bot.cli {command} | true"
    out = subprocess.run(
        ["bash", "-c", shell],
        capture_output=True,
        timeout=300,
        env={**os.environ, "KODAIRA_DB_PATH": str(tmp_path / "l.db")},
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert b"Traceback" not in out.stderr and b"BrokenPipe" not in out.stderr, out.stderr.decode()


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/bot", "http://127.0.0.1:99999/bot", "http:///bot"])
def test_a_malformed_api_url_is_a_configuration_error(url: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123456789:AAHk-Secret_TestToken-q9ZxYw8VvUu7", "TELEGRAM_API_BASE_URL": url}
    try:
        out = kodaira("run", env=env, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`run` with TELEGRAM_API_BASE_URL={url} kept retrying instead of reporting it")
    err = out.stderr.decode()
    assert out.returncode == 2 and "TELEGRAM_API_BASE_URL" in err and "Traceback" not in err


@pytest.mark.parametrize("args", [["kb", "check"], ["ask", "x"], ["review", "purge"], ["chat"]])
def test_log_level_is_taken_by_every_command(args: list[str], tmp_path: Path) -> None:
    env = {"KODAIRA_DB_PATH": str(tmp_path / "l.db")}
    out = kodaira(*args, "--log-level", "debug", stdin=b"", env=env)
    assert out.returncode == 0, out.stderr.decode()
    out = kodaira("--log-level", "info", *args, stdin=b"", env=env)
    assert out.returncode == 0, out.stderr.decode()
