"""Reloading knowledge/ and intents/ in a running bot, without a restart (a staff command, SIGHUP).

The new data go through the same checks as `kodaira-bot kb check` and start-up (schema, links, the
crisis rules, collisions between examples). The new Assistant and Dialogue are built whole, matching
index and crisis model included, in a worker thread: residents keep being answered by the old data
meanwhile. Then one reference swap puts the new dialogue in the runner; each conversation's state (its
town, its place in a flow) lives in the runner and is kept. When the new data fail anything, the old
data stay in use and the outcome names every problem, in the staff's Japanese.

One reload at a time: a request while one is building is turned down politely ("busy"), never built
twice at once. The log gets counts, file names and timings only: no example, no resident text.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.core.assistant import Assistant, build_assistant
from bot.core.dialogue import Dialogue
from bot.core.runner import Runner
from bot.data.check import load_data
from bot.data.problems import DataError, Problem

MAX_SHOWN = 10  # problems listed to staff; the rest are counted (kb check shows them all)

BUSY = "いま、データを読み込み直している最中です。終わってから、もう一度 /reload を送ってください。"
STARTED = "データを読み込み直しています。少しお待ちください（その間も、住民の方には今のデータで答えます）。"

Status = Literal["reloaded", "kept", "busy"]
Build = Callable[[Path], Assistant]  # data folder → the whole new assistant; raises DataError when invalid

_LOGGER = logging.getLogger(__name__)


def build_checked(data_dir: Path) -> Assistant:
    """The main engine over the data in `data_dir`, built only when they pass every start-up check."""
    return build_assistant(data_dir, data=load_data(data_dir))


@dataclass(frozen=True)
class ReloadOutcome:
    status: Status
    topics: int = 0  # topics with examples in the data now in use
    examples: int = 0
    problems: tuple[Problem, ...] = ()  # why the new data were refused
    error: str | None = None  # a failure that is no data problem (its class name only)
    seconds: float = 0.0

    @property
    def reloaded(self) -> bool:
        return self.status == "reloaded"

    def staff_text(self) -> str:
        """The short Japanese reply for staff."""
        if self.status == "busy":
            return BUSY
        if self.status == "reloaded":
            return f"データを読み込み直しました（トピック {self.topics:,} 件、例文 {self.examples:,} 件）。"
        head = "新しいデータを使えないため、前のデータのまま答えています。"
        if not self.problems:
            return f"{head}\n読み込み中にエラーが起きました（{self.error}）。ログを確認してください。"
        lines = [f"{head}\n問題 {len(self.problems)} 件（kb check と同じ内容です）:"]
        lines += [f"・{problem.render('ja')}" for problem in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"ほか {len(self.problems) - MAX_SHOWN} 件。kodaira-bot kb check ですべて確認できます。")
        lines.append("直してから、もう一度 /reload を送ってください。")
        return "\n".join(lines)


def counts(assistant: Assistant) -> tuple[int, int]:
    """(topics with examples, examples) of the assistant's data."""
    examples = assistant.data.intents.examples
    return len(examples), sum(len(texts) for texts in examples.values())


@dataclass
class Reloader:
    """Holds which data the runner answers with, and replaces them on request."""

    runner: Runner
    data_dir: Path
    make_dialogue: Callable[[Assistant], Dialogue]  # the channel's dialogue over an assistant
    build: Build = build_checked
    listeners: list[Callable[[Assistant], None]] = field(default_factory=list)  # told after each swap
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _pending: set[asyncio.Task[ReloadOutcome]] = field(default_factory=set, init=False, repr=False)

    @property
    def assistant(self) -> Assistant:
        return self.runner.dialogue.assistant

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def reload(self) -> ReloadOutcome:
        """Check and build the data of `data_dir` off the event loop, then swap them in; or keep the old."""
        if self._lock.locked():
            return ReloadOutcome("busy", *counts(self.assistant))
        async with self._lock:
            started = time.monotonic()
            try:
                dialogue = await asyncio.to_thread(self._build)
            except DataError as exc:
                return self._kept(tuple(exc.problems), None, started)
            except Exception as exc:  # whatever else the new data break, residents keep the old ones
                return self._kept((), type(exc).__name__, started)
            self.runner.dialogue = dialogue  # the one swap: the next turn of every chat uses the new data
            for listener in self.listeners:
                listener(dialogue.assistant)
            topics, examples = counts(dialogue.assistant)
            seconds = time.monotonic() - started
            _LOGGER.info("reload: new data in use (%d topics, %d examples; built in %.1f s)", topics, examples, seconds)
            return ReloadOutcome("reloaded", topics, examples, seconds=seconds)

    def _build(self) -> Dialogue:
        return self.make_dialogue(self.build(self.data_dir))

    def _kept(self, problems: tuple[Problem, ...], error: str | None, started: float) -> ReloadOutcome:
        seconds = time.monotonic() - started
        if problems:
            files = ", ".join(sorted({p.file for p in problems}))
            _LOGGER.warning("reload: the new data have %d problem(s) (in %s); the old data stay in use",
                            len(problems), files)
        else:
            _LOGGER.warning("reload failed (%s); the old data stay in use", error)
        return ReloadOutcome("kept", *counts(self.assistant), problems=problems, error=error, seconds=seconds)

    def request(self) -> None:
        """Reload in the background (a signal handler cannot wait); the outcome goes to the log."""
        task = asyncio.get_running_loop().create_task(self.reload())
        self._pending.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[ReloadOutcome]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.result().status == "busy":
            _LOGGER.warning("reload: a reload is already running; this request is ignored")


def reload_on_sighup(reloader: Reloader) -> Callable[[], None]:
    """Reload on SIGHUP (`kill -HUP <pid>`) while the event loop runs; returns the undo."""
    hangup = getattr(signal, "SIGHUP", None)
    if hangup is None:  # not on this platform
        return lambda: None
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(hangup, reloader.request)

    def undo() -> None:
        loop.remove_signal_handler(hangup)

    return undo
