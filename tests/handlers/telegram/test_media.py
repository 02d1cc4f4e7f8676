"""Kind replies for what is not text."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Animation, Chat, Document, Location, Message, Venue

from bot.handlers.telegram.media import kind_notice, kind_of
from tests.wording import WORDING

NOW = datetime(2025, 1, 6, tzinfo=UTC)
CHAT = Chat(1, Chat.PRIVATE)


def kind_reply(message: Message, easy: bool = False) -> str:
    return kind_notice(message)(WORDING, easy)


def test_animation_is_not_called_a_file() -> None:
    message = Message(1, NOW, CHAT, animation=Animation("a", "u", 1, 1, 1), document=Document("d", "u"))
    assert kind_of(message) == "animation" and "GIF" in kind_reply(message)


def test_venue_and_location_ask_for_the_town() -> None:
    location = Location(139.47, 35.72)
    venue = Message(1, NOW, CHAT, venue=Venue(location, "市役所", "小平市小川町"), location=location)
    assert kind_of(venue) == "venue" and "町の名前" in kind_reply(venue)
    assert "町の名前" in kind_reply(Message(2, NOW, CHAT, location=location))


def test_unknown_kind_still_gets_a_polite_line() -> None:
    reply = kind_reply(Message(1, NOW, CHAT))
    assert reply.startswith("ごめんなさい") and "/start" in reply
