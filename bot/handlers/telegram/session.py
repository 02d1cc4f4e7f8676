"""What every Telegram handler shares: the dependencies, whose conversation an update is, and one turn.

The turn itself (lock, state, dialogue step, events) is the core runner's (bot.core.runner); this
module only says which conversation an update belongs to and how a turn is sent: as new messages, or,
for a button press, by editing the pressed message in place (menu navigation) or taking its spent
buttons away (a vote, a pick from a list).

State belongs to a conversation with one resident: in a private chat that is the chat; in a group it
is each member separately (A's town is never used for B's question).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Chat, Update
from telegram.ext import Application, ContextTypes

from bot.core.dialogue import Message
from bot.core.reload import Reloader
from bot.core.runner import Conversation, EventSink, Runner, Step
from bot.core.turns import Turn
from bot.handlers.telegram.render import edit_pressed, send_messages

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Context, Any, Any, Any, Any]

DEPS_KEY = "kodaira.deps"

__all__ = ["App", "Context", "Deps", "EventSink", "StaffReports", "deps_of", "install", "reloader_of", "respond", "say"]


class StaffReports(Protocol):
    """The staff reports over the resident log (async: disk and drawing work stay off the event loop)."""

    async def unmatched(self) -> str: ...

    async def stats(self) -> tuple[str, bytes | None]: ...

    async def export(self) -> bytes: ...


@dataclass
class Deps:
    runner: Runner
    staff_ids: frozenset[int] = frozenset()
    reports: StaffReports | None = None
    reloader: Reloader | None = None  # /reload and SIGHUP; None: the data are fixed for the run


def install(application: App, deps: Deps) -> None:
    application.bot_data[DEPS_KEY] = deps


def reloader_of(application: App) -> Reloader | None:
    deps = application.bot_data.get(DEPS_KEY)
    return deps.reloader if isinstance(deps, Deps) else None


def deps_of(context: Context) -> Deps:
    deps = context.bot_data.get(DEPS_KEY)
    if not isinstance(deps, Deps):
        raise RuntimeError("handlers used before bot.handlers.telegram.register() installed their dependencies")
    return deps


def conversation_of(update: Update) -> Conversation | None:
    """The update's conversation: the chat, and in a group the member who wrote or pressed (a sender-less
    group message shares one anonymous slot)."""
    chat = update.effective_chat
    if chat is None:
        return None
    if chat.type == Chat.PRIVATE:
        return Conversation(chat.id)
    user = update.effective_user
    return Conversation(chat.id, user.id if user is not None else 0)


def group_reply_to(update: Update) -> int | None:
    """In a group, answer the message that addressed the bot so the thread stays readable."""
    message = update.effective_message
    if message is None or message.chat.type == Chat.PRIVATE or update.callback_query is not None:
        return None
    return message.message_id


def _sender(update: Update, context: Context, chat_id: int, reply_to: int | None) -> Callable[[Turn], Awaitable[None]]:
    query = update.callback_query

    async def send(turn: Turn) -> None:
        messages = turn.messages
        if query is not None and (turn.in_place or turn.pressed_keeps is not None):
            replaced = turn.messages[0] if turn.in_place else None
            if await edit_pressed(query, replaced, turn.pressed_keeps) and replaced is not None:
                messages = messages[1:]
        await send_messages(context.bot, chat_id, messages, reply_to=reply_to)

    return send


async def respond(update: Update, context: Context, step: Step, *, reply_to: int | None = None) -> None:
    """Run one dialogue step for the update's conversation and send (or edit in) the resulting messages."""
    where = conversation_of(update)
    chat = update.effective_chat
    if where is None or chat is None:
        return
    await deps_of(context).runner.turn(where, step, _sender(update, context, chat.id, reply_to))


async def say(update: Update, context: Context, text: str, *, reply_to: int | None = None) -> None:
    """Send a channel-only line (no dialogue step, state untouched), in order with the chat's turns."""
    where = conversation_of(update)
    chat = update.effective_chat
    if where is None or chat is None:
        return
    chat_id = chat.id
    await deps_of(context).runner.say(
        where, lambda: send_messages(context.bot, chat_id, (Message(text),), reply_to=reply_to)
    )
