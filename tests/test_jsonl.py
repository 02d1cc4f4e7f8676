"""`ask --jsonl` on several worker processes: the same replies in the same order as one process, no line
waiting for the next, and no line lost when a worker dies."""

from __future__ import annotations

import gc
import io
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

import bot.jsonl
from bot.core.assistant import Assistant
from bot.jsonl import answer_lines, reply_line
from bot.stdio import LineReader

ROOT = Path(__file__).resolve().parent.parent
LINES = [
    "母が認知症かもしれない",
    "",
    "死にたい",
    "明日の天気は？",
    "<b>保佐</b>ってなに",
    "ｶﾈｶﾞﾅｲ",
    "😀" * 40,
    "介護も借金も子どもの不登校も重なって、どこに行けばいいかわかりません",
    "家賃が払えない",
    "  ",
] * 7
DIE = "この行で作業プロセスが止まる"


def replies(assistant: Assistant, data: bytes, workers: int) -> list[str]:
    out: list[str] = []
    answer_lines(assistant, LineReader(io.BytesIO(data), io.StringIO()), workers=workers, write=out.append)
    return out


def test_workers_give_the_replies_of_one_process_in_input_order(assistant: Assistant) -> None:
    data = "\n".join(LINES).encode() + b"\n"
    parallel = replies(assistant, data, workers=2)
    assert parallel == replies(assistant, data, workers=1)
    assert [json.loads(line)["query"] for line in parallel] == LINES
    # Nothing of the run stays behind in this process: no frozen objects, no worker state.
    assert gc.get_freeze_count() == 0 and bot.jsonl._worker_assistant is None


def _die_on_marker(texts: list[str]) -> list[str]:
    if DIE in texts:
        os._exit(3)  # as a worker killed by the system would: no exception, no reply
    assert bot.jsonl._worker_assistant is not None
    return [reply_line(bot.jsonl._worker_assistant, text) for text in texts]


def test_a_dead_worker_loses_no_line(assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [*LINES[:20], DIE, *LINES[20:40]]
    monkeypatch.setattr(bot.jsonl, "_answer_batch", _die_on_marker)
    out = replies(assistant, "\n".join(lines).encode(), workers=2)
    assert [json.loads(line)["query"] for line in out] == lines
    assert out[20] == reply_line(assistant, DIE)


@pytest.mark.parametrize(
    ("data", "size", "expected"),
    [
        (b"a\nb\r\nc\n", 16, [["a", "b", "c"]]),
        (b"a\nb", 16, [["a"], ["b"]]),  # the last line, unended, once the input ends
        (b"a\nb\nc\n", 2, [["a", "b"], ["c"]]),
        (b"\n\n", 16, [["", ""]]),
        (b"", 16, []),
        (b"x" * 200_000 + b"\ny\n", 16, [["x" * 200_000, "y"]]),  # a line longer than a read
    ],
)
def test_lines_that_arrive_together_travel_together(data: bytes, size: int, expected: list[list[str]]) -> None:
    assert list(LineReader(io.BytesIO(data)).batches(size)) == expected


def test_a_line_never_waits_for_the_next() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as stream, os.fdopen(write_end, "wb") as writer:
        batches = LineReader(stream).batches(16)
        writer.write(b"first\n")
        writer.flush()
        got: list[list[str]] = []
        reader = threading.Thread(target=lambda: got.append(next(batches)), daemon=True)
        reader.start()
        reader.join(timeout=10)
        assert got == [["first"]]


def _read_line(stream: IO[bytes], timeout: float) -> bytes | None:
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return got[0] if got else None


def test_ask_jsonl_answers_a_line_before_the_next_is_sent() -> None:
    """A program that writes one question and waits for its reply (an operator's script, another
    service on a pipe) is answered at once, workers or not."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ask", "--jsonl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for question in ("母が認知症かもしれない", "死にたい"):
            proc.stdin.write(question.encode() + b"\n")
            proc.stdin.flush()
            line = _read_line(proc.stdout, timeout=60)
            assert line is not None and json.loads(line)["query"] == question
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()


def test_ctrl_c_stops_ask_jsonl_quietly() -> None:
    """Interrupted while its reader waits for input: exit code 130, no traceback, no fatal error from a
    thread holding stdin at shutdown, no worker left behind."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ask", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write("母が認知症かもしれない\n".encode())
        proc.stdin.flush()
        assert _read_line(proc.stdout, timeout=60) is not None  # answered: the workers are running
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
        errors = proc.stderr.read().decode()
        assert "Traceback" not in errors and "Fatal" not in errors, errors
    finally:
        proc.kill()
