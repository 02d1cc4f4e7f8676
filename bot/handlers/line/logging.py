"""Log hygiene for the LINE channel: the channel secret and access token never reach a log line.

The access token travels in every API request's Authorization header and the SDK's exceptions can
quote headers, so a filter on every root handler replaces both secrets wherever they appear; and the
library privacy filter (bot.logsafety) keeps resident text and ids out as for every channel.
"""

from __future__ import annotations

import logging

from bot.logsafety import install_privacy_filter

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 8


class SecretFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__("kodaira.line.redact")
        self.secrets: list[str] = []

    def add(self, *secrets: str) -> None:
        for secret in secrets:
            if len(secret) >= MIN_SECRET_LENGTH and secret not in self.secrets:
                self.secrets.append(secret)
        self.secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the formatter's problem, not ours
            return True
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


SECRETS = SecretFilter()


def install_log_hygiene(*secrets: str) -> None:
    """Keep the secrets out of every log line, and quiet aiohttp's access log (a line per webhook)."""
    SECRETS.add(*secrets)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(SECRETS)
    install_privacy_filter()
