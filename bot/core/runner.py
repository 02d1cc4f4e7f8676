"""One turn for any channel: the conversation's lock, its state in, the dialogue step, state and events out,
then the channel's own sending.

A channel (console, Telegram, LINE …) names the conversation and says how to send; the runner does the
rest, the same way for all of them:

- a lock per chat, so one chat's replies keep their order while other chats run concurrently;
- the resident's `State`: in a one-to-one chat the chat is the conversation; in a group each member has
  their own (A's town is never used for B's question);
- the turn's log events go to the sink before anything is sent (never awaiting the disk, and a failing
  sink never costs the resident their reply).

States live in memory, the least recently used dropped beyond `max_states`: a state is a town and a
place in a flow, cheap to lose, and nothing personal is kept longer than the process.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.core.dialogue import Dialogue, Notice
from bot.core.events import LogEvent
from bot.core.turns import State, Turn

MAX_STATES = 100_000

_LOGGER = logging.getLogger(__name__)


class EventSink(Protocol):
    """Where turn events go: storage's `EventLogger` (bounded queue; `submit` never blocks or raises)."""

    def submit(self, event: LogEvent) -> object: ...


@dataclass(frozen=True)
class Conversation:
    chat: Hashable  # where replies go: one lock each
    member: Hashable | None = None  # whose state, in a chat shared by several residents


Step = Callable[[Dialogue, State], Turn]
Send = Callable[[Turn], Awaitable[None]]


class Runner:
    def __init__(self, dialogue: Dialogue, sink: EventSink | None = None, *, max_states: int = MAX_STATES) -> None:
        self.dialogue = dialogue
        self.sink = sink
        self.max_states = max_states
        self._states: OrderedDict[Conversation, State] = OrderedDict()
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, chat: Hashable) -> asyncio.Lock:
        """The chat's lock; it lives as long as someone holds or waits for it."""
        lock = self._locks.get(chat)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat] = lock
        return lock

    def state(self, where: Conversation) -> State:
        return self._states.get(where) or State()

    def forget(self, where: Conversation) -> None:
        """Drop the conversation's state (a resident who unfollows or blocks the bot)."""
        self._states.pop(where, None)

    def emit(self, events: Iterable[LogEvent]) -> None:
        if self.sink is None:
            return
        for event in events:
            try:
                self.sink.submit(event)
            except Exception as exc:  # a logging fault must never cost the resident their reply
                _LOGGER.warning("event logger refused an event: %s", type(exc).__name__)

    def advance(self, where: Conversation, step: Step) -> Turn:
        """State in, the dialogue step, state and events out: no lock (for a caller that is the only one
        in its conversation, like the console; everyone else uses `turn`)."""
        dialogue = self.dialogue  # one turn, one set of data, even if a reload swaps them (bot.core.reload)
        turn = dialogue.in_easy_japanese(step(dialogue, self.state(where)))
        self._states[where] = turn.state
        self._states.move_to_end(where)
        while len(self._states) > self.max_states:
            self._states.popitem(last=False)
        self.emit(turn.events)
        return turn

    async def turn(self, where: Conversation, step: Step, send: Send) -> Turn:
        """One whole turn in the chat's order: the step, then `send(turn)` while still holding the lock."""
        async with self.lock(where.chat):
            turn = self.advance(where, step)
            await send(turn)
            return turn

    async def say(self, where: Conversation, send: Callable[[], Awaitable[None]]) -> None:
        """Something channel-only (a staff report, a notice): no dialogue step, in order with the chat's turns."""
        async with self.lock(where.chat):
            await send()

    # --- the inputs every channel has -----------------------------------------------------------

    async def text(self, where: Conversation, text: str, send: Send) -> Turn:
        return await self.turn(where, lambda d, s: d.text(s, text), send)

    async def choose(self, where: Conversation, data: str, send: Send) -> Turn:
        return await self.turn(where, lambda d, s: d.choose(s, data), send)

    async def unread(self, where: Conversation, words: str, notice: Notice, send: Send) -> Turn:
        return await self.turn(where, lambda d, s: d.unread(s, words, notice), send)

    async def start(self, where: Conversation, send: Send) -> Turn:
        return await self.turn(where, lambda d, s: d.start(s), send)
