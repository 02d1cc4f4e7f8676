"""Log hygiene for the Telegram channel: the bot token never reaches a log line.

The token sits inside every Bot API URL (…/bot<token>/sendMessage), so anything that logs a URL or an
exception quoting one would leak it. Two defences, both installed by `install_log_hygiene`: httpx and
httpcore are kept at WARNING (they log each request URL at INFO), and a filter on every root handler
replaces the token, and its secret half, wherever it still appears.
"""

from __future__ import annotations

import logging

from bot.logsafety import SecretFilter, install_privacy_filter


class RedactingFilter(SecretFilter):
    """The bot token and its secret half (after the colon), in every record that passes a handler."""

    def __init__(self) -> None:
        super().__init__("kodaira.redact")

    def add(self, *tokens: str) -> None:
        super().add(*(part for token in tokens for part in (token, token.partition(":")[2])))


# One process-wide filter: every token the process has seen stays redacted on every handler.
REDACTOR = RedactingFilter()


def install_log_hygiene(token: str | None) -> None:
    """Keep the token out of every log line: quiet httpx/httpcore (they log request URLs at INFO, and
    the URL holds the token) and put the redacting filter on every root handler."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if token:
        REDACTOR.add(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(REDACTOR)
    install_privacy_filter()  # and no resident text or id either (bot.logsafety)

