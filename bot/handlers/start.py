"""/start (and /menu), /help with the inline menu, /privacy: straight onto the dialogue's entry points."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.handlers.session import Context, deps_of, group_reply_to, respond


async def on_start(update: Update, context: Context) -> None:
    await respond(update, context, deps_of(context).dialogue.start, reply_to=group_reply_to(update))


async def on_help(update: Update, context: Context) -> None:
    await respond(update, context, deps_of(context).dialogue.help, reply_to=group_reply_to(update))


async def on_privacy(update: Update, context: Context) -> None:
    await respond(update, context, deps_of(context).dialogue.privacy, reply_to=group_reply_to(update))


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    # Only new messages: an edited "/start" is an edit, answered by the edit reply in other.py.
    new = filters.UpdateType.MESSAGE
    return [
        CommandHandler(["start", "menu"], on_start, filters=new),
        CommandHandler("help", on_help, filters=new),
        CommandHandler("privacy", on_privacy, filters=new),
    ]
