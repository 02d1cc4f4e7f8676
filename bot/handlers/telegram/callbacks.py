"""Button presses → the dialogue's choice, through the core runner.

The query is always answered; forged or stale data gets the dialogue's polite reply, never an error.
A press that opens a new view of a list (戻る, ほかの候補, a category) edits the pressed message in
place; a press that spends its buttons (a vote, a pick from a list) takes them off (session.respond).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.handlers.telegram.session import Context, respond

_LOGGER = logging.getLogger(__name__)


async def on_callback(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()  # first, so the button stops spinning whatever happens next
    except TelegramError as exc:
        _LOGGER.warning("callback query not answered: %s", type(exc).__name__)
    # No data (a game button) or data we never sent: the dialogue validates it and says "try again".
    data = query.data or ""
    await respond(update, context, lambda dialogue, state: dialogue.choose(state, data))


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    return [CallbackQueryHandler(on_callback)]
