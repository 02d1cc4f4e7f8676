"""The LINE channel's settings, read from the environment (and .env) through `Settings.env`."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import ConfigError, Settings, parse_api_url

DEFAULT_API_BASE_URL = "https://api.line.me"
SECRET_MISSING = (
    "kodaira-bot run --channel line: LINE_CHANNEL_SECRET と LINE_CHANNEL_ACCESS_TOKEN が必要です。"
    "LINE Developers コンソールの「チャネル基本設定」と「Messaging API設定」にある値を、"
    "環境変数か .env に書いてください。"
)


@dataclass(frozen=True)
class LineSettings:
    channel_secret: str = field(repr=False)  # never printed
    access_token: str = field(repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL

    @classmethod
    def from_settings(cls, settings: Settings) -> LineSettings | None:
        """The LINE settings, or None when the secret or the token is missing; ConfigError for a bad URL."""
        env = settings.env
        secret = env.get("LINE_CHANNEL_SECRET", "").strip()
        token = env.get("LINE_CHANNEL_ACCESS_TOKEN", "").strip()
        url = parse_api_url(env.get("LINE_API_BASE_URL", ""), "LINE_API_BASE_URL") or DEFAULT_API_BASE_URL
        if not secret or not token:
            return None
        if any(c.isspace() for c in secret + token):
            raise ConfigError("LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN: a space or line break inside")
        return cls(secret, token, url.rstrip("/"))
