"""The Telegram channel: thin handlers onto the core runner, one module per feature, wired here in one place.

Order matters only within the first group: staff commands come before text (which carries every other
/command to the dialogue), which comes before the other kinds of message.
"""

from __future__ import annotations

from bot.handlers.telegram import callbacks, errors, media, messages, staff
from bot.handlers.telegram.session import App, Deps, EventSink, StaffReports, install

__all__ = ["Deps", "EventSink", "StaffReports", "register"]


def register(application: App, deps: Deps) -> None:
    install(application, deps)
    application.add_handlers(
        [
            *staff.handlers(),
            *messages.handlers(),
            *callbacks.handlers(),
            *media.handlers(),
        ]
    )
    application.add_error_handler(errors.on_error)
