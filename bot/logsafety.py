"""Log privacy: no resident text, name or id reaches a log line, at any level, from our code or a library's.

Our own modules (`bot.*`) are written to log only classes of errors, counts and fixed phrases. Libraries
are not: at DEBUG python-telegram-bot logs whole updates and API parameters, aiosqlite the SQL
arguments, asyncio the repr of a failed task. So `PrivacyFilter`, put on every root handler, rewrites
each library record before it is formatted:

- every argument of the message becomes a placeholder naming its type (`<Update>`, `<dict>`, `<str>`);
  small numbers (HTTP statuses, counts, seconds) stay, since no id or phone number is that short;
- quoted text left in the message itself becomes `'…'`.

For every record, ours included, an exception keeps its traceback (file, line, function) and its
class, never its message; and a last net replaces runs of seven or more digits (phone numbers,
Telegram ids, with or without separators) by `[number]`.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Mapping

OUR_PACKAGE = "bot"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SMALL_NUMBER = 1000  # below this a number is a status, a count or a delay, never an id or a phone

_SPEC = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
# Seven or more digits, possibly split by the separators phone numbers and ids are written with.
_LONG_NUMBER = re.compile(r"[+]?\d(?:[\s\-‐–—―−ー().・/]?\d){6,}")
NUMBER = "[number]"


def _placeholder(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float) and abs(value) < SMALL_NUMBER:
        return f"{value:g}" if isinstance(value, float) else str(value)
    return f"<{type(value).__name__}>"


def _without_args(message: str, args: object) -> str:
    """The format string with each conversion replaced by a placeholder for its argument."""
    values = iter(args if isinstance(args, tuple) else (args,))
    mapping = args if isinstance(args, Mapping) else None

    def substitute(spec: re.Match[str]) -> str:
        if spec.group(0) == "%%":
            return "%"
        key = spec.group("key")
        if key is not None:
            return _placeholder(mapping.get(key)) if mapping is not None else "<?>"
        return _placeholder(next(values, None))

    return _SPEC.sub(substitute, message)


def _exception_text(record: logging.LogRecord) -> str | None:
    if not record.exc_info or record.exc_info[0] is None:
        return None
    kind, _, trace = record.exc_info
    frames = "".join(traceback.format_tb(trace))
    return f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__} (message withheld)"


def scrub_numbers(text: str) -> str:
    return _LONG_NUMBER.sub(NUMBER, text)


class PrivacyFilter(logging.Filter):
    """Rewrites records so no resident data survives (see the module docstring). Never drops a record."""

    def __init__(self) -> None:
        super().__init__("kodaira.privacy")

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_kodaira_private", False):
            return True  # already rewritten by this filter on another handler
        ours = record.name == OUR_PACKAGE or record.name.startswith(OUR_PACKAGE + ".")
        if not ours:
            template = record.msg if isinstance(record.msg, str) else f"<{type(record.msg).__name__}>"
            message = _without_args(template, record.args) if record.args else template
            record.msg, record.args = _QUOTED.sub("'…'", message), None
        else:
            try:
                message = record.getMessage()
            except Exception:  # a broken format string is the formatter's problem, not ours
                return True
            record.msg, record.args = message, None
        exc_text = _exception_text(record)
        if exc_text is not None or record.exc_text:
            # An exception's message can quote what a resident wrote (a KeyError, a codec error): withheld.
            record.exc_info, record.exc_text = None, exc_text
        record.msg = scrub_numbers(record.msg)
        if record.exc_text:
            record.exc_text = scrub_numbers(record.exc_text)
        setattr(record, "_kodaira_private", True)  # noqa: B010
        return True


PRIVACY = PrivacyFilter()


REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 8  # shorter parts (e.g. an empty secret half) would redact harmless text


class SecretFilter(logging.Filter):
    """Replaces a channel's secrets (tokens, channel secrets) in every record that passes a handler."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.secrets: list[str] = []

    def add(self, *secrets: str) -> None:
        for secret in secrets:
            if len(secret) >= MIN_SECRET_LENGTH and secret not in self.secrets:
                self.secrets.append(secret)
        # Longest first, so a whole secret is replaced before a part of it could split it.
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
        # Tracebacks are formatted here, once, so the redacted text is what every handler prints.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_privacy_filter() -> None:
    """Put the filter on every root handler (idempotent); records from any logger pass through them."""
    for handler in logging.getLogger().handlers:
        if PRIVACY not in handler.filters:
            handler.addFilter(PRIVACY)


def setup_logging(level: str) -> None:
    """Plain timestamped lines on stderr at `level`, with the privacy filter in place."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    install_privacy_filter()
