"""What every handler shares: the dependencies, the dialogue state, and one turn end to end.

A turn is: take the chat's lock (so one chat's replies keep their order while other chats run
concurrently), read the resident's `State`, run the pure dialogue step, store the new state, hand the
turn's log events to the logger (never awaiting the disk), then send the messages.

State belongs to a conversation with one resident: in a private chat that is the chat; in a group it
is each member separately (A's town is never used for B's question). A group keeps the states of its
most recent MAX_GROUP_MEMBERS members; an older one starts afresh.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram import Chat, Update
from telegram.ext import Application, ContextTypes

from bot.core.dialogue import Dialogue, Message, State, Turn
from bot.core.events import LogEvent
from bot.handlers.telegram.render import send_messages

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Context, Any, Any, Any, Any]

DEPS_KEY = "kodaira.deps"
STATE_KEY = "kodaira.state"
MEMBER_STATES_KEY = "kodaira.member_states"
MAX_GROUP_MEMBERS = 1000

_LOGGER = logging.getLogger(__name__)


class EventSink(Protocol):
    """Where turn events go: storage's `EventLogger` (bounded queue; `submit` never blocks or raises)."""

    def submit(self, event: LogEvent) -> object: ...


class StaffReports(Protocol):
    """The staff reports over the resident log (async: disk and drawing work stay off the event loop)."""

    async def unmatched(self) -> str: ...

    async def stats(self) -> tuple[str, bytes | None]: ...

    async def export(self) -> bytes: ...


@dataclass
class Deps:
    dialogue: Dialogue
    staff_ids: frozenset[int] = frozenset()
    sink: EventSink | None = None
    reports: StaffReports | None = None
    _locks: weakref.WeakValueDictionary[int, asyncio.Lock] = field(
        default_factory=weakref.WeakValueDictionary
    )

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The chat's lock; it lives as long as someone holds or waits for it."""
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    def emit(self, events: Iterable[LogEvent]) -> None:
        if self.sink is None:
            return
        for event in events:
            try:
                self.sink.submit(event)
            except Exception as exc:  # a logging fault must never cost the resident their reply
                _LOGGER.warning("event logger refused an event: %s", type(exc).__name__)


def install(application: App, deps: Deps) -> None:
    application.bot_data[DEPS_KEY] = deps


def deps_of(context: Context) -> Deps:
    deps = context.bot_data.get(DEPS_KEY)
    if not isinstance(deps, Deps):
        raise RuntimeError("handlers used before bot.handlers.register() installed their dependencies")
    return deps


def _member(update: Update) -> int | None:
    """Whose state a group update touches (the sender, or whoever pressed the button); None in a
    private chat, where the chat is the conversation."""
    chat = update.effective_chat
    if chat is None or chat.type == Chat.PRIVATE:
        return None
    user = update.effective_user
    return user.id if user is not None else 0  # a sender-less group message: one shared anonymous slot


def _members(context: Context) -> OrderedDict[int, State] | None:
    data = context.chat_data
    if data is None:
        return None
    members = data.get(MEMBER_STATES_KEY)
    if not isinstance(members, OrderedDict):
        members = data[MEMBER_STATES_KEY] = OrderedDict()
    return members


def state_of(update: Update, context: Context) -> State:
    member = _member(update)
    if member is None:
        state = context.chat_data.get(STATE_KEY) if context.chat_data is not None else None
    else:
        members = _members(context)
        state = members.get(member) if members is not None else None
    return state if isinstance(state, State) else State()


def _store_state(update: Update, context: Context, state: State) -> None:
    member = _member(update)
    if member is None:
        if context.chat_data is not None:
            context.chat_data[STATE_KEY] = state
        return
    members = _members(context)
    if members is None:
        return
    members[member] = state
    members.move_to_end(member)
    while len(members) > MAX_GROUP_MEMBERS:
        members.popitem(last=False)


def group_reply_to(update: Update) -> int | None:
    """In a group, answer the message that addressed the bot so the thread stays readable."""
    message = update.effective_message
    if message is None or message.chat.type == Chat.PRIVATE or update.callback_query is not None:
        return None
    return message.message_id


async def respond(
    update: Update, context: Context, step: Callable[[State], Turn], *, reply_to: int | None = None
) -> None:
    """Run one dialogue step for the update's chat and send the resulting messages."""
    chat = update.effective_chat
    if chat is None:
        return
    deps = deps_of(context)
    async with deps.lock(chat.id):
        turn = step(state_of(update, context))
        _store_state(update, context, turn.state)
        deps.emit(turn.events)
        await send_messages(context.bot, chat.id, turn.messages, reply_to=reply_to)


async def say(update: Update, context: Context, text: str, *, reply_to: int | None = None) -> None:
    """Send a channel-only line (no dialogue step, state untouched), in order with the chat's turns."""
    chat = update.effective_chat
    if chat is None:
        return
    async with deps_of(context).lock(chat.id):
        await send_messages(context.bot, chat.id, (Message(text),), reply_to=reply_to)
