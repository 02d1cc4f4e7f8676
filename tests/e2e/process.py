"""`kodaira-bot run` as a child process, its output read as it comes: tests await a log line instead of
sleeping, send signals, and bound how long the process takes to exit. Every wait has a timeout, and
a process still alive when the test ends is killed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from types import TracebackType

from bot.config import PROJECT_ROOT


def command() -> list[str]:
    script = Path(sys.executable).with_name("kodaira-bot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any TELEGRAM_/KODAIRA_/LINE_ setting of the developer's, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "KODAIRA_", "LINE_"))}
    return {**env, "KODAIRA_DATA_DIR": str(PROJECT_ROOT), **extra}


class BotProcess:
    """A running `kodaira-bot run` (stdout and stderr merged into `lines`)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, cwd: Path, env: dict[str, str]) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            *command(), "run", cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        return cls(process)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while line := await stream.readline():
            self.lines.append(line.decode(errors="replace").rstrip("\n"))
            async with self._changed:
                self._changed.notify_all()
        async with self._changed:  # end of output: wake waiters so they can fail fast
            self._changed.notify_all()

    async def wait_for_line(self, needle: str, timeout: float) -> str:
        """The first output line containing `needle`, once it is there."""

        def found() -> str | None:
            return next((line for line in self.lines if needle in line), None)

        try:
            async with self._changed:
                ready = self._changed.wait_for(lambda: found() is not None or self._reader.done())
                await asyncio.wait_for(ready, timeout)
        except TimeoutError:
            raise AssertionError(f"no line with {needle!r} within {timeout} s:\n{self.output}") from None
        line = found()
        if line is None:
            raise AssertionError(f"the bot ended without printing {needle!r}:\n{self.output}")
        return line

    async def terminate(self, timeout: float) -> tuple[int, float]:
        """Send SIGTERM and wait for the process to exit by itself: (exit code, seconds it took)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout)
        elapsed = time.monotonic() - started
        await asyncio.wait_for(self._reader, timeout)  # the last lines are read too
        return code, elapsed

    async def __aenter__(self) -> BotProcess:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await asyncio.wait_for(self.process.wait(), 10)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._reader, 10)
