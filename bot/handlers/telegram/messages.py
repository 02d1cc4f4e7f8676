"""Free text and /commands → the dialogue. In groups only text addressed to the bot, with the mention removed.

Commands are text the dialogue reads (bot.core.dialogue.COMMAND): /start, /menu, /help, /privacy, and
an unknown command answered as one (never matched as a question or logged as unmatched). Words after a
command are a resident's words: the crisis check reads them first.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.handlers.telegram.audience import addressed_text
from bot.handlers.telegram.session import Context, group_reply_to, respond


async def on_text(update: Update, context: Context) -> None:
    message = update.message
    if message is None:
        return
    text = addressed_text(message, context.bot.id, context.bot.username)
    if text is None:
        return  # a group conversation that is not for the bot
    await respond(update, context, lambda dialogue, state: dialogue.text(state, text), reply_to=group_reply_to(update))


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    # Only new messages: an edited "/start" is an edit, answered by the edit reply in media.py.
    return [MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, on_text)]
