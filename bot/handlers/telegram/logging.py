"""Log hygiene for the Telegram channel: the bot token never reaches a log line.

The token sits inside every Bot API URL (…/bot<token>/sendMessage), so anything that logs a URL or an
exception quoting one would leak it. Two defences, both installed by `install_log_hygiene`: httpx and
httpcore are kept at WARNING (they log each request URL at INFO), and a filter on every root handler
replaces the token, and its secret half, wherever it still appears.
"""

from __future__ import annotations

import logging

from bot.logsafety import install_privacy_filter

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 8  # shorter parts (e.g. an empty secret half) would redact harmless text


class RedactingFilter(logging.Filter):
    """Replaces the bot token (and its secret half) in every record that passes through a handler."""

    def __init__(self) -> None:
        super().__init__("kodaira.redact")
        self._secrets: list[str] = []

    def add(self, token: str) -> None:
        parts = [token, token.partition(":")[2]]
        for part in parts:
            if len(part) >= MIN_SECRET_LENGTH and part not in self._secrets:
                self._secrets.append(part)
        # Longest first, so the whole token is replaced before its secret half could split it.
        self._secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the formatter's problem, not ours
            return True
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        # Tracebacks are formatted here, once, so the redacted text is what every handler prints.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


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

