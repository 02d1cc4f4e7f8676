"""Dialogue messages → Telegram messages: plain text split under the size limit, choices as inline buttons;
and the edits a button press makes to the message it was pressed on (a new view in place, spent buttons off).

Text is always sent without `parse_mode`, so nothing a resident typed (or a knowledge entry holds) is
read as HTML or Markdown; phone numbers stay plain digits, which Telegram makes tappable.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram import Message as TelegramMessage
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit
from telegram.error import BadRequest, TelegramError

from bot.core.dialogue import Choice, Message

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64 bytes
EMPTY_WITH_CHOICES = "選んでください。"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # the replies cite source URLs; no preview cards
SOFT_BREAKS = "。、」）！？ "

_LOGGER = logging.getLogger(__name__)


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), so an emoji never pushes a chunk over."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> tuple[str, str]:
    """Split an over-long line: the longest head under `limit`, preferably ending after punctuation."""
    low, high = 1, len(line)  # the head line[:low] always fits (limit >= 2 units)
    while low < high:
        middle = (low + high + 1) // 2
        if units(line[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    soft = max(line.rfind(mark, 0, low) for mark in SOFT_BREAKS)
    end = soft + 1 if soft >= low // 2 else low
    return line[:end], line[end:]


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most `limit` units, broken at line breaks where possible; blank chunks dropped."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while units(line) > limit:
            head, line = _cut(line, limit)
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = line
    chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _columns(label: str) -> int:
    """How many buttons with this label fit in one row on a phone."""
    if len(label) <= 6:
        return 3
    return 2 if len(label) <= 10 else 1


def keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """Choices as inline buttons, packed into rows (22 towns → rows of 3, long labels one per row)."""
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    row_columns = 0
    for choice in choices:
        if len(choice.data.encode()) > MAX_DATA:
            # Telegram would refuse the whole message; drop the one button and say so (no user data).
            _LOGGER.warning("dropped a button whose callback data is %d bytes", len(choice.data.encode()))
            continue
        button = InlineKeyboardButton(choice.label, callback_data=choice.data)
        columns = _columns(choice.label)
        if row and len(row) < min(row_columns, columns):
            row.append(button)
            row_columns = min(row_columns, columns)
        else:
            if row:
                rows.append(row)
            row, row_columns = [button], columns
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


async def send_messages(
    bot: Bot, chat_id: int, messages: Sequence[Message], *, reply_to: int | None = None
) -> None:
    """Send the messages in order; a message's buttons go under its last chunk."""
    for message in messages:
        answer = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to is not None else None
        markup = keyboard(message.choices)
        chunks = split_text(message.text) or ([EMPTY_WITH_CHOICES] if markup else [])
        for index, chunk in enumerate(chunks):
            await bot.send_message(
                chat_id,
                chunk,
                reply_markup=markup if index == len(chunks) - 1 else None,
                link_preview_options=NO_PREVIEW,
                reply_parameters=answer if index == 0 else None,
            )
        reply_to = None  # only the first message answers the resident's message


async def edit_pressed(query: CallbackQuery, replaced: Message | None, keeps: Sequence[Choice] | None) -> bool:
    """Edit the message whose button was pressed: show `replaced` in its place, or else keep only the
    choices `keeps`. True when `replaced` is now shown there; False means it must be sent as a new message
    (the message is too old to edit, or `replaced` does not fit one message)."""
    if not isinstance(query.message, TelegramMessage):  # inaccessible (too old): nothing to edit
        return False
    try:
        if replaced is not None:
            chunks = split_text(replaced.text)
            if len(chunks) != 1:
                return False
            await query.edit_message_text(
                chunks[0], reply_markup=keyboard(replaced.choices), link_preview_options=NO_PREVIEW
            )
            return True
        if keeps is not None:
            await query.edit_message_reply_markup(reply_markup=keyboard(keeps))
    except BadRequest as exc:
        if "not modified" in str(exc).lower():  # pressed twice: it already shows this
            return replaced is not None
        _LOGGER.info("pressed message not edited: %s", type(exc).__name__)
    except TelegramError as exc:
        _LOGGER.warning("pressed message not edited: %s", type(exc).__name__)
    return False
