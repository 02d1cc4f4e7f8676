"""Log hygiene for the LINE channel: the channel secret and access token never reach a log line.

The access token travels in every API request's Authorization header and the SDK's exceptions can
quote headers, so a filter on every root handler replaces both secrets wherever they appear; and the
library privacy filter (bot.logsafety) keeps resident text and ids out as for every channel.
"""

from __future__ import annotations

import logging

from bot.logsafety import SecretFilter, install_privacy_filter

SECRETS = SecretFilter("kodaira.line.redact")


def install_log_hygiene(*secrets: str) -> None:
    """Keep the secrets out of every log line, and quiet aiohttp's access log (a line per webhook)."""
    SECRETS.add(*secrets)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(SECRETS)
    install_privacy_filter()
