"""Who a message is for, on real telegram.Message objects."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat, Message, MessageEntity, PhotoSize, User

from bot.handlers.telegram.audience import addressed_text, is_private

BOT = User(99, "こだいら", is_bot=True, username="kodaira_bot")
RESIDENT = User(7, "テスト", is_bot=False)
PRIVATE = Chat(7, Chat.PRIVATE)
GROUP = Chat(-100, Chat.SUPERGROUP, title="集まり")
NOW = datetime(2025, 1, 6, tzinfo=UTC)


def msg(text: str | None, chat: Chat = GROUP, entities: tuple[MessageEntity, ...] = (), **kwargs: object) -> Message:
    return Message(1, NOW, chat, from_user=RESIDENT, text=text, entities=entities, **kwargs)  # type: ignore[arg-type]


def ask(message: Message) -> str | None:
    return addressed_text(message, BOT.id, "kodaira_bot")


def test_private_is_always_addressed_and_verbatim() -> None:
    message = msg("  母の物忘れ  ", PRIVATE)
    assert is_private(message) and ask(message) == "母の物忘れ"


def test_group_talk_is_not_for_the_bot() -> None:
    assert ask(msg("今日は暑いね")) is None
    assert ask(msg("@someone_else 元気？", entities=(MessageEntity("mention", 0, 13),))) is None


def test_mention_addresses_the_bot_and_is_removed() -> None:
    assert ask(msg("@kodaira_bot 母の物忘れ", entities=(MessageEntity("mention", 0, 12),))) == "母の物忘れ"
    assert ask(msg("@KODAIRA_BOT 介護", entities=(MessageEntity("mention", 0, 12),))) == "介護"


def test_text_mention_of_the_bot() -> None:
    entity = MessageEntity("text_mention", 3, 4, user=BOT)
    assert ask(msg("ねえ、こだいら 生活費が足りない", entities=(entity,))) == "ねえ、 生活費が足りない"


def test_reply_to_the_bot() -> None:
    bots = Message(5, NOW, GROUP, from_user=BOT, text="…")
    assert ask(msg("ありがとう、もう一つ質問", reply_to_message=bots)) == "ありがとう、もう一つ質問"
    others = Message(6, NOW, GROUP, from_user=RESIDENT, text="…")
    assert ask(msg("それな", reply_to_message=others)) is None


def test_commands() -> None:
    assert ask(msg("/weather", entities=(MessageEntity("bot_command", 0, 8),))) == "/weather"
    assert ask(msg("/start@kodaira_bot", entities=(MessageEntity("bot_command", 0, 18),))) == "/start@kodaira_bot"
    assert ask(msg("/start@other_bot", entities=(MessageEntity("bot_command", 0, 16),))) is None


def test_media_caption_mention() -> None:
    photo = (PhotoSize("f", "u", 1, 1),)
    message = Message(1, NOW, GROUP, from_user=RESIDENT, photo=photo, caption="@kodaira_bot これ",
                      caption_entities=(MessageEntity("mention", 0, 12),))
    assert ask(message) == "これ"
    assert ask(Message(2, NOW, GROUP, from_user=RESIDENT, photo=photo)) is None
