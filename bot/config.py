"""Settings from the environment (and a `.env` file in the working directory), read once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = Path("data/kodaira-bot.sqlite3")
DEFAULT_RETENTION_DAYS = 90


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message says which and why."""


def _parse_staff_ids(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError as exc:
            raise ConfigError(f"KODAIRA_STAFF_IDS: '{part}' is not a numeric Telegram user id") from exc
    return frozenset(ids)


def _parse_positive_int(name: str, raw: str | None, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: '{raw}' is not a whole number") from exc
    if value < 1:
        raise ConfigError(f"{name}: must be at least 1, got {value}")
    return value


def parse_api_url(raw: str, name: str = "TELEGRAM_API_BASE_URL") -> str | None:
    """An API base URL that an HTTP client can use, or a ConfigError saying what is wrong with it (and
    naming the variable `name`): a malformed URL would otherwise look like an unreachable server and be
    retried for ever."""
    url = raw.strip()
    if not url:
        return None
    if any(c.isspace() for c in url):
        raise ConfigError(f"{name}: the URL contains a space or line break")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"{name}: must start with http:// or https:// (got '{parts.scheme or url}')")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{name}: the port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise ConfigError(f"{name}: no host name (expected e.g. https://api.example.com)")
    if port == 0:
        raise ConfigError(f"{name}: the port is not a number from 1 to 65535")
    if parts.query or parts.fragment:
        raise ConfigError(f"{name}: no '?' or '#' part is allowed (the token is appended to the URL)")
    return url


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None = field(default=None, repr=False)  # never printed
    telegram_api_base_url: str | None = None
    db_path: Path = DEFAULT_DB_PATH
    data_dir: Path = PROJECT_ROOT
    staff_ids: frozenset[int] = frozenset()
    retention_days: int = DEFAULT_RETENTION_DAYS
    # Every variable (after .env): a channel reads its own (LINE_CHANNEL_SECRET …) in its folder, so a
    # new channel needs no field here. Holds secrets: never printed.
    env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def knowledge_dir(self) -> Path:
        return self.data_dir / "knowledge"

    @property
    def intents_dir(self) -> Path:
        return self.data_dir / "intents"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, read_dotenv: bool = True) -> Settings:
        """Build settings from `env` (default: the process environment, after loading `.env`)."""
        if env is None:
            if read_dotenv:
                load_dotenv(Path.cwd() / ".env", override=False)
            env = dict(os.environ)
        data_dir = env.get("KODAIRA_DATA_DIR", "").strip()
        return cls(
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
            telegram_api_base_url=parse_api_url(env.get("TELEGRAM_API_BASE_URL", "")),
            db_path=Path(env.get("KODAIRA_DB_PATH", "").strip() or DEFAULT_DB_PATH),
            data_dir=Path(data_dir) if data_dir else PROJECT_ROOT,
            staff_ids=_parse_staff_ids(env.get("KODAIRA_STAFF_IDS", "")),
            retention_days=_parse_positive_int(
                "KODAIRA_LOG_RETENTION_DAYS", env.get("KODAIRA_LOG_RETENTION_DAYS"), DEFAULT_RETENTION_DAYS
            ),
            env=dict(env),
        )
