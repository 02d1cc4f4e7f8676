"""The reload holder (bot.core.reload): good data are swapped in with every conversation's state kept;
data that fail any start-up check leave the old data answering; one reload at a time, built off the
event loop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue
from bot.core.reload import BUSY, Reloader, build_checked, counts, reload_on_sighup
from bot.core.runner import Conversation, Runner
from tests.data_edits import QUESTION, TOPIC, TOPIC_FILE, add_the_example

RESIDENT = Conversation(1)


def make_dialogue(assistant: Assistant) -> Dialogue:
    return Dialogue(assistant, "test")


def status_of(runner: Runner, text: str) -> tuple[str, str | None]:
    reply = runner.advance(RESIDENT, lambda d, s: d.text(s, text)).messages[0].reply
    assert reply is not None
    return reply.status, reply.topic


@pytest.fixture()
def runner(assistant: Assistant) -> Runner:
    return Runner(make_dialogue(assistant))


async def test_good_data_are_swapped_in_and_state_is_kept(
    runner: Runner, assistant: Assistant, data_copy: Path
) -> None:
    runner.advance(RESIDENT, lambda d, s: d.text(s, "小川西町に住んでいます"))
    town = runner.state(RESIDENT).town_id
    assert town is not None
    assert status_of(runner, QUESTION) == ("no_match", None)
    add_the_example(data_copy)

    outcome = await Reloader(runner, data_copy, make_dialogue).reload()

    assert outcome.reloaded, outcome.staff_text()
    topics, examples = counts(assistant)
    assert (outcome.topics, outcome.examples) == (topics, examples + 1)
    assert f"例文 {examples + 1:,} 件" in outcome.staff_text() and "読み込み直しました" in outcome.staff_text()
    assert runner.dialogue.assistant is not assistant
    assert status_of(runner, QUESTION) == ("answer", TOPIC)
    assert runner.state(RESIDENT).town_id == town  # the conversation goes on where it was


CRISIS_FILE = Path("intents") / "crisis.yaml"
OUT_OF_SCOPE = Path("intents") / "out_of_scope.yaml"
# name → (the file edited, the edit, the file the problem is reported at)
BREAKS: dict[str, tuple[Path, Callable[[str], str], Path]] = {
    "yaml_syntax": (TOPIC_FILE, lambda text: text + "\n  - topic: [unclosed\n", TOPIC_FILE),
    "crisis_off": (CRISIS_FILE, lambda text: "", CRISIS_FILE),
    # An out-of-scope example that is also a topic's example: named at the topic's line.
    "collision": (OUT_OF_SCOPE, lambda text: text.rstrip("\n") + "\n  - 成年後見制度とは\n", TOPIC_FILE),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
async def test_bad_data_keep_the_old_data(
    name: str, runner: Runner, assistant: Assistant, data_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    relative, edit, named = BREAKS[name]
    path = data_copy / relative
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = runner.dialogue

    with caplog.at_level(logging.WARNING, logger="bot.core.reload"):
        outcome = await Reloader(runner, data_copy, make_dialogue).reload()

    assert outcome.status == "kept" and outcome.problems
    assert runner.dialogue is before
    assert (outcome.topics, outcome.examples) == counts(assistant)
    text = outcome.staff_text()
    assert "前のデータのまま" in text and f"{named}:" in text  # which file and line, in Japanese
    assert any(p.file == str(named) for p in outcome.problems)
    # Nothing was switched off: the crisis check still answers, from the old data.
    assert status_of(runner, "もう死にたい")[0] == "crisis"
    # The log has the count and the files, never an example (which may be a resident's masked words).
    (record,) = [r for r in caplog.records if r.name == "bot.core.reload"]
    assert f"{len(outcome.problems)} problem(s)" in record.getMessage()
    assert "成年後見制度とは" not in record.getMessage()


async def test_a_failure_that_is_no_data_problem_keeps_the_old_data(runner: Runner, data_copy: Path) -> None:
    def broken(data_dir: Path) -> Assistant:
        raise MemoryError

    before = runner.dialogue
    outcome = await Reloader(runner, data_copy, make_dialogue, build=broken).reload()
    assert outcome.status == "kept" and outcome.error == "MemoryError"
    assert runner.dialogue is before and "MemoryError" in outcome.staff_text()


class GatedBuild:
    """A build that waits for the test's go-ahead (in the worker thread), counting how often it ran."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.started = threading.Event()
        self.go = threading.Event()
        self.calls = 0

    def __call__(self, data_dir: Path) -> Assistant:
        self.calls += 1
        self.started.set()
        assert self.go.wait(10), "the test never let the build finish"
        return self.assistant


async def test_one_reload_at_a_time_and_residents_answered_meanwhile(runner: Runner, assistant: Assistant) -> None:
    gate = GatedBuild(assistant)
    reloader = Reloader(runner, Path("unused"), make_dialogue, build=gate)
    old = runner.dialogue
    first = asyncio.create_task(reloader.reload())
    assert await asyncio.to_thread(gate.started.wait, 10)

    assert reloader.busy
    second = await reloader.reload()  # while the first builds: turned down at once, not built again
    assert second.status == "busy" and second.staff_text() == BUSY
    # The build runs in a worker thread: the event loop is free, residents get the old data's answers.
    assert runner.dialogue is old and status_of(runner, "母の物忘れがひどい")[0] == "answer"

    gate.go.set()
    assert (await asyncio.wait_for(first, 10)).reloaded
    assert gate.calls == 1 and runner.dialogue is not old and not reloader.busy


async def test_two_real_reloads_at_once_build_once(runner: Runner, data_copy: Path) -> None:
    reloader = Reloader(runner, data_copy, make_dialogue)
    outcomes = await asyncio.gather(reloader.reload(), reloader.reload())
    assert sorted(o.status for o in outcomes) == ["busy", "reloaded"]


async def test_reloads_after_a_swap_tell_the_listeners(runner: Runner, assistant: Assistant) -> None:
    told: list[Assistant] = []
    reloader = Reloader(runner, Path("unused"), make_dialogue, build=lambda _: assistant, listeners=[told.append])
    assert (await reloader.reload()).reloaded and told == [assistant]


async def test_sighup_reloads_in_the_background(
    runner: Runner, assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    gate = GatedBuild(assistant)
    reloader = Reloader(runner, Path("unused"), make_dialogue, build=gate)
    old = runner.dialogue
    undo = reload_on_sighup(reloader)
    try:
        with caplog.at_level(logging.INFO, logger="bot.core.reload"):
            os.kill(os.getpid(), signal.SIGHUP)
            assert await asyncio.to_thread(gate.started.wait, 10)
            os.kill(os.getpid(), signal.SIGHUP)  # a second signal while building: logged and ignored
            await asyncio.sleep(0.1)
            gate.go.set()
            for _ in range(100):
                if runner.dialogue is not old:
                    break
                await asyncio.sleep(0.05)
    finally:
        undo()
    assert runner.dialogue is not old and gate.calls == 1
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.core.reload"]
    assert any("already running" in m for m in messages) and any("new data in use" in m for m in messages)


def test_build_checked_is_the_start_up_check(data_copy: Path) -> None:
    from bot.data.problems import DataError

    (data_copy / "intents" / "crisis.yaml").write_text("", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        build_checked(data_copy)
    assert any(p.code == "crisis_file_empty" for p in raised.value.problems)


def test_staff_are_shown_ten_problems_and_told_how_many_more() -> None:
    from bot.core.reload import MAX_SHOWN, ReloadOutcome
    from bot.data.problems import Problem

    problems = tuple(Problem(f"intents/topics/t{i}.yaml", "x", "file_empty", line=i + 1) for i in range(13))
    text = ReloadOutcome("kept", problems=problems).staff_text()
    assert "問題 13 件" in text and text.count("・") == MAX_SHOWN == 10
    assert "ほか 3 件" in text and "kodaira-bot kb check" in text and text.endswith("/reload を送ってください。")
