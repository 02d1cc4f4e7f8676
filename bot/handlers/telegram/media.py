"""Everything that is not text: a short reply saying what the bot can do, or silence where it must be quiet.

Stickers, photos, voice, video, documents, locations, contacts, polls … get one line naming what
arrived and what to send instead; edited messages are not re-answered. But the words that come with
them (a caption, a poll's question, the edited text) are a resident's words all the same: the
dialogue's crisis check reads them first, and a crisis gets the crisis reply, never the short line.
Nothing else of them is read, kept or logged. In groups the bot speaks only when addressed; channel
posts and service messages (members joining, pins …) get no handler at all, so they stay unanswered.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.core.dialogue import Notice
from bot.data import Wording
from bot.handlers.telegram.audience import addressed_text
from bot.handlers.telegram.session import Context, group_reply_to, respond

# Checked in this order: an animation also carries a document, a venue also a location. The words
# for each kind are data (knowledge/municipality.yaml, wording.notices).
KINDS: tuple[str, ...] = (
    "sticker", "animation", "photo", "voice", "audio", "video_note", "video", "document", "venue", "location",
    "contact", "poll", "dice",
)
SPECIAL = frozenset({"location", "venue", "contact"})


def edited(wording: Wording, easy: bool) -> str:
    return wording.notices.edited.pick(easy)


def kind_of(message: Message) -> str | None:
    return next((kind for kind in KINDS if getattr(message, kind, None)), None)


def kind_notice(message: Message) -> Notice:
    """What to say about this kind of message, in the conversation's mode."""
    kind = kind_of(message) or "other"

    def notice(wording: Wording, easy: bool) -> str:
        said = wording.notices
        if kind in SPECIAL:
            return getattr(said, kind).pick(easy)  # type: ignore[no-any-return]
        menu = said.menu_hint.telegram.pick(easy)
        return said.unreadable.fill(easy, kind=said.kind(kind), menu=menu)

    return notice



def words_of(message: Message, addressed: str) -> str:
    """What the resident wrote with a message that is not plain text: caption (or edited text), poll question."""
    poll = message.poll.question if message.poll is not None else ""
    return "\n".join(part for part in (addressed, poll) if part)


async def _unread(update: Update, context: Context, message: Message | None, notice: Notice | None = None) -> None:
    if message is None:
        return
    addressed = addressed_text(message, context.bot.id, context.bot.username)
    if addressed is None:
        return  # a group conversation that is not for the bot
    words = words_of(message, addressed)
    reply = notice or kind_notice(message)
    await respond(
        update, context, lambda dialogue, state: dialogue.unread(state, words, reply), reply_to=group_reply_to(update)
    )


async def on_other(update: Update, context: Context) -> None:
    await _unread(update, context, update.message)


async def on_edited(update: Update, context: Context) -> None:
    await _unread(update, context, update.edited_message, edited)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    new_non_text = filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL
    return [
        MessageHandler(new_non_text, on_other),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edited),
    ]
