"""Dialogue messages → LINE text messages, within LINE's limits.

- at most 5 messages per reply, each text under 5,000 characters (long text is split at line breaks,
  and merged back so a reply never needs more than 5 bubbles);
- the last message's choices become quick-reply buttons: at most 13 (the dialogue pages longer lists
  with a 「ほかの候補」 item), labels cut to LINE's 20 characters with the full label sent as the
  message the resident appears to say, postback data at most 300 bytes.

Text is plain: LINE makes phone numbers tappable by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from linebot.v3.messaging import PostbackAction, QuickReply, QuickReplyItem, TextMessage

from bot.core.turns import Choice, Message

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_DATA = 300
MAX_DISPLAY_TEXT = 300
EMPTY_WITH_CHOICES = "選んでください。"

_LOGGER = logging.getLogger(__name__)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most `limit` characters, broken at line breaks where possible; blank chunks dropped."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = line
    chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _within_five(texts: list[str]) -> list[str]:
    """At most MAX_MESSAGES texts: neighbours merged while they fit one bubble, the rest cut short."""
    merged: list[str] = []
    for text in texts:
        if merged and len(texts) > MAX_MESSAGES and len(merged[-1]) + 2 + len(text) <= MAX_TEXT:
            merged[-1] = f"{merged[-1]}\n\n{text}"
        else:
            merged.append(text)
    if len(merged) > MAX_MESSAGES:
        _LOGGER.warning("a reply of %d bubbles was cut to %d", len(merged), MAX_MESSAGES)
        merged = merged[:MAX_MESSAGES]
    return merged


def label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


@lru_cache(maxsize=1024)  # the same menus come back all the time; building the SDK's models is not free
def quick_reply(choices: tuple[Choice, ...]) -> QuickReply | None:
    items = []
    for choice in choices:
        if len(choice.data.encode()) > MAX_DATA:
            _LOGGER.warning("dropped a quick reply whose data is %d bytes", len(choice.data.encode()))
            continue
        shown = choice.label[:MAX_DISPLAY_TEXT]  # what the resident appears to say on pressing it
        action = PostbackAction(label=label(choice.label), data=choice.data, displayText=shown)
        items.append(QuickReplyItem(action=action))
    if len(items) > MAX_QUICK_REPLIES:
        _LOGGER.warning("%d quick replies cut to %d", len(items), MAX_QUICK_REPLIES)
        items = items[:MAX_QUICK_REPLIES]
    return QuickReply(items=items) if items else None


def bubbles(messages: Sequence[Message]) -> list[TextMessage]:
    """The LINE messages for one turn: the last message's choices as quick replies on the last bubble."""
    texts = [chunk for message in messages for chunk in split_text(message.text)]
    choices = next((m.choices for m in reversed(messages) if m.choices), ())
    if not texts and choices:
        texts = [EMPTY_WITH_CHOICES]
    texts = _within_five(texts)
    out = [TextMessage(text=text) for text in texts[:-1]]
    if texts:
        out.append(TextMessage(text=texts[-1], quickReply=quick_reply(tuple(choices))))
    return out
