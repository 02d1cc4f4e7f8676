"""Property-based tests: no input breaks the engine, the JSON CLI or `kb check`."""

from __future__ import annotations

import contextlib
import io
import json
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.assistant import Assistant
from bot.core.reply import Reply
from bot.core.safety import safety_problems
from bot.data.check import check_data, load_data
from bot.data.yamlio import _SAFE_LOADER as YAML_LOADER
from bot.jsonl import answer_lines
from bot.stdio import LineReader

STATUSES = {"answer", "clarify", "no_match", "crisis"}
KEYS = {
    "query", "status", "topic", "title", "text", "windows", "area", "alternatives", "score",
    "crisis_hint", "domains", "easy",
}

# Any Unicode, weighted towards what residents' phones really send: Japanese, emoji, controls, RTL marks.
resident_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet="母父認知症介護生活費死にたいボケぼけｱｲｳ０１２😀🙏\u200b\u202e\u0000\n\t <>&\"'", max_size=120),
    st.text(min_size=5000, max_size=10000),
)


def assert_contract_shape(reply: Reply, query: str) -> None:
    data = reply.to_json()
    assert set(data) == KEYS
    assert data["query"] == query
    assert data["status"] in STATUSES
    assert isinstance(data["text"], str) and data["text"]
    assert all({"id", "name", "phone"} <= set(w) for w in data["windows"])
    assert data["area"] is None or set(data["area"]) == {"id", "name", "town"}
    assert all({"topic", "title"} <= set(a) for a in data["alternatives"])
    assert 0.0 <= data["score"] <= 1.0
    if data["status"] == "answer":
        assert data["topic"] and data["title"]
    if data["status"] == "clarify":
        assert len(data["alternatives"]) >= 2
    if data["status"] in ("no_match", "clarify", "crisis") or data["crisis_hint"]:
        # Not an answer (or maybe a crisis): 110, 119 and a line open 24 hours, whatever was written.
        assert "110（警察）" in data["text"] and "119（救急）" in data["text"] and "24時間" in data["text"]
    json.dumps(data, ensure_ascii=False)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=resident_text)
def test_engine_gives_a_contract_reply_for_any_text(assistant: Assistant, text: str) -> None:
    assert_contract_shape(assistant.reply(text), text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(
        st.text(
            alphabet=st.characters(
                blacklist_categories=["Cs"], blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
            ),
            max_size=60,
        ),
        min_size=1,
        max_size=8,
    )
)
@pytest.mark.slow
def test_ask_jsonl_answers_every_line(assistant: Assistant, lines: list[str]) -> None:
    """`ask --jsonl`'s loop (stdin bytes → LineReader → one JSON line each), in process: the same code
    the CLI runs, without starting Python 25 times. The child process itself is covered by
    tests/test_cli.py (order, bad lines) and tests/test_hardening_cli.py (Shift_JIS, broken bytes)."""
    stdin = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        answer_lines(assistant, LineReader(stdin, io.StringIO()))
    replies = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["query"] for r in replies] == lines
    assert all(set(r) == KEYS and r["status"] in STATUSES for r in replies)


def _mutations(text: str, rng: random.Random) -> str:
    """One random edit of the kind a hurried editor makes: a deleted, duplicated or broken line."""
    lines = text.splitlines()
    index = rng.randrange(len(lines))
    choice = rng.randrange(6)
    if choice == 0:
        del lines[index]
    elif choice == 1:
        lines.insert(index, lines[index])
    elif choice == 2:
        lines[index] = lines[index].replace(":", "", 1)
    elif choice == 3:
        lines[index] = " " * rng.randrange(1, 5) + lines[index]
    elif choice == 4:
        lines[index] = lines[index] + rng.choice(["[", "{", '"', ": -", "\t"])
    else:
        lines[index] = rng.choice(["- id: 123", "windows: 5", "id:", "- ", "fallback: [ghost]"])
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), which=st.integers(min_value=0, max_value=20))
def test_mutated_yaml_is_reported_never_crashes(data_copy: Path, seed: int, which: int) -> None:
    rng = random.Random(seed)
    files = sorted((data_copy / "knowledge").glob("*.yaml")) + sorted((data_copy / "intents").rglob("*.yaml"))
    path = files[which % len(files)]
    original = path.read_text(encoding="utf-8")
    mutated = _mutations(original, rng)
    try:
        path.write_text(mutated, encoding="utf-8")
        problems = check_data(data_copy)  # must return, never raise
        assert all(p.file and p.message for p in problems)
        try:
            yaml.load(mutated, Loader=YAML_LOADER)  # the loader the project reads with
        except yaml.YAMLError:
            # Broken YAML is always reported, and under the file that was broken.
            assert any(p.file == path.relative_to(data_copy).as_posix() for p in problems), problems
        if not problems:
            # Accepted: then it loads, and the emergency lines are all still there.
            knowledge = load_data(data_copy).knowledge
            assert safety_problems(knowledge) == []
            assert knowledge.windows["police_110"].phone == "110" and knowledge.windows["fire_119"].phone == "119"
    finally:
        path.write_text(original, encoding="utf-8")


def test_mutations_break_the_data_often_enough_to_test_the_check(data_copy: Path) -> None:
    """The property above is only as good as its edits: over a fixed sample, some must be rejected
    (a check that accepted everything would pass it), some for broken YAML."""
    rng = random.Random(15)
    files = sorted((data_copy / "knowledge").glob("*.yaml"))
    rejected = unparsable = 0
    for index in range(24):
        path = files[index % len(files)]
        original = path.read_text(encoding="utf-8")
        mutated = _mutations(original, rng)
        path.write_text(mutated, encoding="utf-8")
        try:
            rejected += bool(check_data(data_copy))
            try:
                yaml.load(mutated, Loader=YAML_LOADER)
            except yaml.YAMLError:
                unparsable += 1
        finally:
            path.write_text(original, encoding="utf-8")
    assert rejected >= 6 and unparsable >= 2, (rejected, unparsable)
