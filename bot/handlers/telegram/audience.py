"""Who a message is for: private chats always reach the bot; in groups the bot answers only when addressed.

Addressed means a /command (bare or `@this_bot`), a mention of the bot (`@name` or a text mention), or a
reply to one of the bot's messages. The mention itself is removed before the text reaches the dialogue.
"""

from __future__ import annotations

from telegram import Chat, Message, MessageEntity


def is_private(message: Message) -> bool:
    return message.chat.type == Chat.PRIVATE


def _command_is_ours(command: str, username: str) -> bool:
    _, at, target = command.partition("@")
    return not at or target.lower() == username.lower()


def _mentions_bot(entity: MessageEntity, value: str, bot_id: int, username: str) -> bool:
    if entity.type == MessageEntity.MENTION:
        return value[1:].lower() == username.lower()
    return entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id


def addressed_text(message: Message, bot_id: int, username: str) -> str | None:
    """The text meant for the bot, without mentions of it; None when a group message is not for the bot.

    Works on `text` or, for media, `caption`; a private message is always addressed.
    """
    text = message.text if message.text is not None else (message.caption or "")
    entities = message.parse_entities() if message.text is not None else message.parse_caption_entities()
    addressed = is_private(message)
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        addressed = True
    for entity, value in entities.items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            addressed = addressed or _command_is_ours(value, username)
        elif _mentions_bot(entity, value, bot_id, username):
            addressed = True
            text = text.replace(value, "")
    return text.strip() if addressed else None
