"""Free text → Dialogue.text. In groups only text addressed to the bot, with the mention removed."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.handlers.telegram.audience import addressed_text
from bot.handlers.telegram.session import Context, deps_of, group_reply_to, respond


async def on_text(update: Update, context: Context) -> None:
    message = update.message
    if message is None:
        return
    text = addressed_text(message, context.bot.id, context.bot.username)
    if text is None:
        return  # a group conversation that is not for the bot
    dialogue = deps_of(context).dialogue
    await respond(update, context, lambda state: dialogue.text(state, text), reply_to=group_reply_to(update))


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    # Unknown /commands are text too: the dialogue answers them like any other message.
    return [MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, on_text)]
