"""Fuzz: ≥ 100,000 generated inputs (invalid bytes, lone surrogates, controls, Japanese, crisis words, very
long lines) through `ask --jsonl` in one process and through the dialogue: no crash, no traceback,
every line answered. Seeded, so a failure is reproducible; run in-process so it stays quick. Each
stream of 100,000 is cut into CHUNKS consecutive parts, one test each, so pytest-xdist can spread them
over the cores; together they still feed every one of the 100,000 lines. Coverage is not traced here
(no_cover): these tests look for crashes, and tracing would double their time for lines that the
focused tests already cover."""

from __future__ import annotations

import io
import json
import random
import sys
from functools import cache

import pytest

from bot.cli import main
from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State

INPUTS = 100_000
SEED = 9
CHUNKS = 4
pytestmark = [pytest.mark.slow, pytest.mark.no_cover, pytest.mark.timeout(600)]
STATUSES = {"answer", "clarify", "no_match", "crisis"}
WORDS = ["母", "認知症", "物忘れ", "介護", "生活費", "死にたい", "殴られ", "助けて", "小川西町", "後見", "①", "１",
         "ｱｲｳ", "😀", "🙏", "/start", "/quit", "090-1234-5678", "<b>", "&amp;", "　", "ー", "\u202e", "\ufeff"]


def _piece(rng: random.Random) -> bytes:
    choice = rng.random()
    if choice < 0.25:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))  # anything, often not UTF-8
    if choice < 0.35:  # a lone surrogate as some encoders write it (CESU-8)
        return chr(rng.randrange(0xD800, 0xE000)).encode("utf-8", "surrogatepass")
    if choice < 0.45:
        return bytes([rng.choice([0, 1, 7, 8, 9, 11, 12, 13, 27, 127])])  # controls
    if choice < 0.55:
        return rng.choice(WORDS).encode("cp932", "ignore")  # Shift_JIS
    if choice < 0.75:
        return rng.choice(WORDS).encode()
    return "".join(chr(rng.randrange(0x20, 0x30000)) for _ in range(rng.randrange(1, 8))).encode(
        "utf-8", "surrogatepass"
    )


@cache
def lines(count: int, seed: int = SEED) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        if rng.random() < 0.001:
            line = _piece(rng) * rng.randrange(500, 3000)  # very long
        else:
            line = b"".join(_piece(rng) for _ in range(rng.randrange(0, 6)))
        out.append(line.replace(b"\n", b" "))
    return out


def chunk(data: list[bytes], part: int) -> list[bytes]:
    size = -(-len(data) // CHUNKS)
    return data[part * size : (part + 1) * size]


def test_the_chunks_cover_every_input() -> None:
    data = lines(INPUTS)
    assert len(data) == INPUTS and [x for part in range(CHUNKS) for x in chunk(data, part)] == data


@pytest.mark.parametrize("part", range(CHUNKS))
def test_ask_jsonl_answers_100000_generated_lines_in_one_process(monkeypatch: pytest.MonkeyPatch, part: int) -> None:
    data = chunk(lines(INPUTS), part)
    stdin = io.TextIOWrapper(io.BytesIO(b"\n".join(data) + b"\n"), encoding="utf-8")
    stdout, stderr = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(stdout, encoding="utf-8", write_through=True))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(stderr, encoding="utf-8", write_through=True))
    assert main(["ask", "--jsonl"]) == 0
    sys.stdout.flush()
    sys.stderr.flush()
    errors = stderr.getvalue().decode()
    assert "Traceback" not in errors and "Error" not in errors, errors[:2000]
    replies = stdout.getvalue().decode().splitlines()
    assert len(replies) == len(data)  # every line answered, in order
    for reply in map(json.loads, replies):
        assert reply["status"] in STATUSES and reply["text"]
        if reply["status"] != "answer" or reply["crisis_hint"]:  # the contract's safety net
            assert "110（警察）" in reply["text"] and "119（救急）" in reply["text"], reply["text"]


@pytest.mark.parametrize("part", range(CHUNKS))
def test_the_dialogue_answers_100000_generated_messages(assistant: Assistant, part: int) -> None:
    dialogue = Dialogue(assistant, "telegram")
    rng = random.Random(SEED + 1 + part)
    state = State()
    for raw in chunk(lines(INPUTS, SEED + 1), part):
        # Text as a channel may hand it over: invalid bytes kept as surrogates (surrogateescape).
        text = raw.decode("utf-8", "surrogateescape")
        turn = dialogue.choose(state, text[:80]) if rng.random() < 0.05 else dialogue.text(state, text)
        assert turn.messages and all(m.text.strip() for m in turn.messages)
        reply = turn.messages[0].reply
        if reply is not None and reply.status != "answer":
            assert "110（警察）" in reply.text and "119（救急）" in reply.text, reply.text
        for message in turn.messages:
            message.text.encode("utf-8")  # no surrogate left to break a channel's encoder
        state = turn.state
