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

from bot.handlers.telegram.audience import addressed_text
from bot.handlers.telegram.session import Context, group_reply_to, respond

ONLY_TEXT = (
    "このサービスは、文字で書いたご相談に小平市の相談先をご案内します。"
    "困っていることを短い文章で送ってください（メニューは /start）。"
)
TYPE_TOWN = "住んでいる町の名前を文字で送ってください（例：小川西町）。町に合わせて相談先をご案内します。"
# Checked in this order: an animation also carries a document, a venue also a location.
KINDS: tuple[tuple[str, str], ...] = (
    ("sticker", "スタンプ"),
    ("animation", "GIF"),
    ("photo", "写真"),
    ("voice", "音声メッセージ"),
    ("audio", "音声ファイル"),
    ("video_note", "ビデオメッセージ"),
    ("video", "動画"),
    ("document", "ファイル"),
    ("venue", "場所の情報"),
    ("location", "位置情報"),
    ("contact", "連絡先"),
    ("poll", "アンケート"),
    ("dice", "サイコロ"),
)
SPECIAL = {
    "location": f"位置情報は使いません。{TYPE_TOWN}",
    "venue": f"場所の情報は使いません。{TYPE_TOWN}",
    "contact": "連絡先は受け取らず、記録もしません。困っていることを文字で送ってください。",
}
EDITED = "メッセージの修正には、あらためてお答えできません。直した内容を新しく送ってください。"


def kind_of(message: Message) -> str | None:
    return next((kind for kind, _ in KINDS if getattr(message, kind, None)), None)


def kind_reply(message: Message) -> str:
    kind = kind_of(message)
    if kind in SPECIAL:
        return SPECIAL[kind]
    label = dict(KINDS).get(kind or "", "このメッセージ")
    return f"ごめんなさい。{label}は読み取れません。{ONLY_TEXT}"


def words_of(message: Message, addressed: str) -> str:
    """What the resident wrote with a message that is not plain text: caption (or edited text), poll question."""
    poll = message.poll.question if message.poll is not None else ""
    return "\n".join(part for part in (addressed, poll) if part)


async def _unread(update: Update, context: Context, message: Message | None, notice: str | None = None) -> None:
    if message is None:
        return
    addressed = addressed_text(message, context.bot.id, context.bot.username)
    if addressed is None:
        return  # a group conversation that is not for the bot
    words = words_of(message, addressed)
    reply = notice or kind_reply(message)
    await respond(
        update, context, lambda dialogue, state: dialogue.unread(state, words, reply), reply_to=group_reply_to(update)
    )


async def on_other(update: Update, context: Context) -> None:
    await _unread(update, context, update.message)


async def on_edited(update: Update, context: Context) -> None:
    await _unread(update, context, update.edited_message, EDITED)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    new_non_text = filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL
    return [
        MessageHandler(new_non_text, on_other),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edited),
    ]
