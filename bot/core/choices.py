"""What a button carries back, typed: packed to a short string here and unpacked here, nowhere else.

A channel sends the packed string out with the button (Telegram callback data, a LINE postback) and
hands back whatever arrives; `unpack` refuses anything it did not make, anything over the channel's
size limit (Telegram 64 bytes, LINE 300), and anything with characters no id has, so a forged or stale
value becomes None (the dialogue's polite "try again"), never an exception.

The wire format is the one buttons already in residents' chats carry ("m:find", "t:topic", "f:u:topic"
…), so a deploy never turns yesterday's buttons stale. A list position (`page`) is present only on
choices pressed inside a list (戻る, ほかの候補, a category): a channel that can edit messages shows
their answer in place of the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MenuItem = Literal["home", "find", "town", "guard", "crisis", "none", "privacy"]
MENU_ITEMS: frozenset[str] = frozenset(MenuItem.__args__)  # type: ignore[attr-defined]
MAX_PAGE = 99

_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_PAGE = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class Nav:
    """A menu item. `page` None: opened from a message (a new message); a number: inside a list."""

    item: MenuItem
    page: int | None = None


@dataclass(frozen=True)
class CategoryPick:
    id: str
    page: int = 0


@dataclass(frozen=True)
class TopicPick:
    id: str


@dataclass(frozen=True)
class TownPick:
    id: str | None  # None: forget the town


@dataclass(frozen=True)
class CheckStart:
    pass


@dataclass(frozen=True)
class CheckCancel:
    pass


@dataclass(frozen=True)
class CheckAnswer:
    question: str
    index: int


@dataclass(frozen=True)
class Vote:
    up: bool
    topic: str


@dataclass(frozen=True)
class EasyMode:
    on: bool  # やさしい日本語 on or off for the conversation


@dataclass(frozen=True)
class SourcePick:
    topic: str  # the card whose full citation is wanted


ChoiceData = (
    Nav | CategoryPick | TopicPick | TownPick | CheckStart | CheckCancel | CheckAnswer | Vote | SourcePick | EasyMode
)


def _with_page(head: str, page: int | None) -> str:
    return head if page is None else f"{head}:{page}"


def pack(data: ChoiceData) -> str:
    """The string a button carries for `data`."""
    match data:
        case Nav(item, page):
            return _with_page(f"m:{item}", page)
        case CategoryPick(id, page):
            return _with_page(f"c:{id}", page or None)
        case TopicPick(id):
            return f"t:{id}"
        case TownPick(id):
            return f"w:{id or '-'}"
        case CheckStart():
            return "g:start"
        case CheckCancel():
            return "g:x"
        case CheckAnswer(question, index):
            return f"g:{question}:{index}"
        case Vote(up, topic):
            return f"f:{'u' if up else 'd'}:{topic}"
        case SourcePick(topic):
            return f"s:{topic}"
        case EasyMode(on):
            return f"e:{1 if on else 0}"
    raise TypeError(f"not choice data: {data!r}")


def _page(raw: str) -> int | None:
    return int(raw) if _PAGE.fullmatch(raw) and int(raw) <= MAX_PAGE else None


def _unpack(kind: str, parts: list[str]) -> ChoiceData | None:
    if kind == "m" and parts[0] in MENU_ITEMS and len(parts) <= 2:
        item: MenuItem = parts[0]  # type: ignore[assignment]
        if len(parts) == 1:
            return Nav(item)
        page = _page(parts[1])
        return Nav(item, page) if page is not None else None
    if not all(_ID.fullmatch(part) for part in parts):
        return None
    if kind == "c" and len(parts) <= 2:
        page = _page(parts[1]) if len(parts) == 2 else 0
        return CategoryPick(parts[0], page) if page is not None else None
    if kind == "t" and len(parts) == 1:
        return TopicPick(parts[0])
    if kind == "w" and len(parts) == 1:
        return TownPick(None if parts[0] == "-" else parts[0])
    if kind == "g" and parts == ["start"]:
        return CheckStart()
    if kind == "g" and parts == ["x"]:
        return CheckCancel()
    if kind == "g" and len(parts) == 2 and _PAGE.fullmatch(parts[1]):
        return CheckAnswer(parts[0], int(parts[1]))
    if kind == "f" and len(parts) == 2 and parts[0] in ("u", "d"):
        return Vote(parts[0] == "u", parts[1])
    if kind == "s" and len(parts) == 1:
        return SourcePick(parts[0])
    if kind == "e" and parts in (["0"], ["1"]):
        return EasyMode(parts[0] == "1")
    return None


def unpack(raw: str, limit: int | None = None) -> ChoiceData | None:
    """The choice `raw` stands for, or None when it is over `limit` bytes or not one this module packs."""
    if limit is not None and len(raw.encode("utf-8", "surrogatepass")) > limit:
        return None
    kind, colon, rest = raw.partition(":")
    if not colon or not rest:
        return None
    return _unpack(kind, rest.split(":"))

