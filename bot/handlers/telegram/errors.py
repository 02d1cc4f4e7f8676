"""The error handler: one bad update never stops the bot, and the log line carries nothing personal.

It logs the error's class, the kind of update and where in the code it happened: never the text,
names or ids, and no exception message (those can quote what a resident wrote). If there is a
chat, the resident gets an apology that still names the emergency numbers.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.handlers.telegram.session import Context

APOLOGY = (
    "ごめんなさい。うまく処理できませんでした。少し待ってから、もう一度送ってください。\n"
    "命に関わる急ぎのときは、すぐに 110（警察）か 119（救急）に電話してください。"
)

_LOGGER = logging.getLogger(__name__)


def update_kind(update: object) -> str:
    if isinstance(update, Update):
        kinds = (str(kind) for kind in Update.ALL_TYPES if getattr(update, kind, None) is not None)
        return next(kinds, "unknown")
    return "none" if update is None else type(update).__name__


def where(error: BaseException | None) -> str:
    """The innermost code location of the error: file and line, nothing from the data."""
    if error is None or error.__traceback__ is None:
        return "-"
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


async def on_error(update: object, context: Context) -> None:
    error = context.error
    _LOGGER.error(
        "update not handled: %s (update: %s, at %s)", type(error).__name__, update_kind(update), where(error)
    )
    if not isinstance(update, Update) or update.effective_chat is None or isinstance(error, Forbidden):
        return  # nobody to tell, or the resident blocked the bot
    if update.channel_post is not None or update.edited_channel_post is not None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, APOLOGY)
    except TelegramError as exc:
        _LOGGER.warning("apology not delivered: %s", type(exc).__name__)
