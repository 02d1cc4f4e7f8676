"""The terminal channel: the same dialogue as Telegram and LINE, with buttons shown as numbered choices.

Interactive or piped: with piped stdin it reads one message per line until EOF. A line that is a
number picks that choice of the last message; /start, /help, /privacy work as everywhere, /quit ends.
One resident, one conversation: turns go through the core runner without a lock.
"""

from __future__ import annotations

import asyncio
import re
import sys
import unicodedata
from collections.abc import AsyncIterator, Callable
from typing import TextIO

from bot.config import Settings
from bot.core.assistant import Assistant
from bot.core.dialogue import Choice, Dialogue, State, Turn
from bot.core.events import LogEvent
from bot.core.runner import Conversation, Runner
from bot.language.text import clean
from bot.stdio import LineReader, redecode, stdin_lines

_CHOICE_DIGITS = re.compile(r"[0-9０-９]{1,3}")


def choice_number(line: str) -> int | None:
    """The choice a line picks: 1-3 ASCII or full-width digits, or one circled number (①…⑳, ㉑…㊿).
    Anything else (², a 4,300-digit line, ⓪) is no choice and is read as text."""
    if _CHOICE_DIGITS.fullmatch(line):
        return int(unicodedata.normalize("NFKC", line))
    if len(line) == 1 and unicodedata.name(line, "").startswith(("CIRCLED DIGIT", "CIRCLED NUMBER")) and line != "⓪":
        return int(unicodedata.normalize("NFKC", line))
    return None


def render(turn: Turn) -> str:
    blocks = []
    for message in turn.messages:
        lines = [message.text]
        lines.extend(f"  {i}) {c.label}" for i, c in enumerate(message.choices, start=1))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


CONSOLE = Conversation("console")


class _CallbackSink:
    def __init__(self, on_event: Callable[[LogEvent], object]) -> None:
        self.submit = on_event


class ConsoleChat:
    def __init__(self, dialogue: Dialogue, on_event: Callable[[LogEvent], object] | None = None) -> None:
        self.runner = Runner(dialogue, _CallbackSink(on_event) if on_event is not None else None)
        self.choices: tuple[Choice, ...] = ()

    @property
    def dialogue(self) -> Dialogue:
        return self.runner.dialogue

    @property
    def state(self) -> State:
        return self.runner.state(CONSOLE)

    def handle(self, line: str) -> Turn | None:
        """One line of input → the turn to show; None means quit."""
        line = clean(line).strip()
        if line in ("/quit", "/exit"):
            return None
        number = choice_number(line)
        if number is not None and 1 <= number <= len(self.choices):
            data = self.choices[number - 1].data
            turn = self.runner.advance(CONSOLE, lambda dialogue, state: dialogue.choose(state, data))
        else:
            turn = self.runner.advance(CONSOLE, lambda dialogue, state: dialogue.text(state, line))
        self.choices = next((m.choices for m in reversed(turn.messages) if m.choices), ())
        return turn

    async def run(self, lines: AsyncIterator[str], out: TextIO, interactive: bool) -> None:
        welcome = self.dialogue.start(self.state)
        out.write(render(welcome) + "\n")
        self.choices = welcome.messages[0].choices
        if interactive:
            out.write("（終わるときは /quit と入力してください）\n")
        out.flush()
        async for line in lines:
            turn = self.handle(line)
            if turn is None:
                break
            if not interactive:
                out.write(f"\n> {line.rstrip()}\n")
            out.write(render(turn) + "\n")
            out.flush()


def _read_line(reader: LineReader, interactive: bool) -> str | None:
    """The next line, whatever its bytes (see bot.stdio); None at the end."""
    try:
        return redecode(input("\nあなた> "), reader) if interactive else reader.readline()
    except (EOFError, KeyboardInterrupt):
        return None


async def _lines(interactive: bool) -> AsyncIterator[str]:
    # stdin is read in a worker thread so the log writer keeps running between messages.
    loop = asyncio.get_running_loop()
    reader = stdin_lines()
    while (line := await loop.run_in_executor(None, _read_line, reader, interactive)) is not None:
        yield line


async def _run(assistant: Assistant, settings: Settings) -> None:
    from bot.storage import EventLogger, Places

    logger = EventLogger.from_settings(settings, places=Places.of(assistant.data.knowledge.municipality))
    await logger.start()
    interactive = sys.stdin.isatty()
    chat = ConsoleChat(Dialogue(assistant, "console"), logger.submit)
    try:
        await chat.run(_lines(interactive), sys.stdout, interactive)
    finally:
        await logger.aclose()


def run_console(assistant: Assistant, settings: Settings) -> int:
    """`kodaira-bot chat`: the console channel; its events go to the same anonymized log as Telegram's."""
    asyncio.run(_run(assistant, settings))
    return 0
