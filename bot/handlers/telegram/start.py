"""/start (and /menu), /help with the inline menu, /privacy: straight onto the dialogue's entry points.

Words typed after the command (「/start もう死にたい」) are a resident's words too: the crisis check
reads them first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.core.dialogue import State, Turn
from bot.handlers.telegram.session import Context, deps_of, group_reply_to, respond


async def _command(update: Update, context: Context, step: Callable[[State], Turn]) -> None:
    words = " ".join(context.args or ())
    dialogue = deps_of(context).dialogue
    await respond(
        update,
        context,
        lambda state: (dialogue.crisis_turn(state, words) if words else None) or step(state),
        reply_to=group_reply_to(update),
    )


async def on_start(update: Update, context: Context) -> None:
    await _command(update, context, deps_of(context).dialogue.start)


async def on_help(update: Update, context: Context) -> None:
    await _command(update, context, deps_of(context).dialogue.help)


async def on_privacy(update: Update, context: Context) -> None:
    await _command(update, context, deps_of(context).dialogue.privacy)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    # Only new messages: an edited "/start" is an edit, answered by the edit reply in media.py.
    new = filters.UpdateType.MESSAGE
    return [
        CommandHandler(["start", "menu"], on_start, filters=new),
        CommandHandler("help", on_help, filters=new),
        CommandHandler("privacy", on_privacy, filters=new),
    ]
