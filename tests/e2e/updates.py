"""Telegram updates as the Bot API sends them (JSON dicts), for pushing into the test double.

Entities are filled in as Telegram does: a leading /command gets a bot_command entity, an @name a
mention entity, with offsets and lengths in UTF-16 code units.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

_message_ids = itertools.count(1)
_query_ids = itertools.count(1)
_MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": utf16(command.group(0))})
    for mention in _MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue
        found.append({"type": "mention", "offset": utf16(text[: mention.start()]), "length": utf16(mention.group(0))})
    return found


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "テスト", "language_code": "ja"}


def chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
    if kind == "private":
        return {"id": chat_id, "type": "private", "first_name": "テスト"}
    return {"id": chat_id, "type": kind, "title": "小平の集まり"}


def message(
    chat_id: int,
    text: str | None = None,
    *,
    kind: str = "private",
    user_id: int | None = None,
    reply_to: dict[str, Any] | None = None,
    **content: Any,
) -> dict[str, Any]:
    """A message from a resident (user id = chat id in private chats). `content` adds sticker=…, photo=…"""
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat(chat_id, kind),
        **content,
    }
    if kind != "channel":
        body["from"] = user(user_id if user_id is not None else abs(chat_id))
    if text is not None:
        body["text"] = text
        if entities(text):
            body["entities"] = entities(text)
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    return body


def text_update(chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    return {"message": message(chat_id, text, **kwargs)}


def callback_update(chat_id: int, data: str | None, *, user_id: int | None = None, kind: str = "private",
                    bot: dict[str, Any] | None = None) -> dict[str, Any]:
    pressed = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat(chat_id, kind), "text": "…"}
    if bot is not None:
        pressed["from"] = bot
    query: dict[str, Any] = {
        "id": f"cq{next(_query_ids)}",
        "from": user(user_id if user_id is not None else abs(chat_id)),
        "chat_instance": f"ci{chat_id}",
        "message": pressed,
    }
    if data is not None:
        query["data"] = data
    return {"callback_query": query}


FILE = {"file_id": "AgAD", "file_unique_id": "u1"}
NON_TEXT: dict[str, dict[str, Any]] = {
    "sticker": {"sticker": {**FILE, "width": 512, "height": 512, "is_animated": False, "is_video": False,
                            "type": "regular", "emoji": "😀"}},
    "photo": {"photo": [{**FILE, "width": 90, "height": 90}], "caption": "これを見てください"},
    "voice": {"voice": {**FILE, "duration": 3}},
    "video": {"video": {**FILE, "width": 640, "height": 480, "duration": 5}},
    "document": {"document": {**FILE, "file_name": "書類.pdf"}},
    "location": {"location": {"latitude": 35.7285, "longitude": 139.4775}},
    "contact": {"contact": {"phone_number": "09012345678", "first_name": "花子", "user_id": 777}},
    "poll": {"poll": {"id": "p1", "question": "どれ？", "total_voter_count": 0, "is_closed": False,
                      "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
                      "allows_revoting": False, "members_only": False,
                      "options": [{"text": "a", "voter_count": 0, "persistent_id": "o1"},
                                  {"text": "b", "voter_count": 0, "persistent_id": "o2"}]}},
}
# A poll as an older Bot API (before 9.6) sends it: this library version cannot parse it.
OLD_POLL: dict[str, Any] = {"poll": {"id": "p2", "question": "どれ？", "options": [{"text": "a", "voter_count": 0}],
                     "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
                     "allows_multiple_answers": False}}
