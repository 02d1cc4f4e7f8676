"""Channel adapters, one per folder or module: console, Telegram, LINE. The core never imports these.

A channel that `kodaira-bot run --channel NAME` can start is a module with
`run(settings: Settings, options: RunOptions) -> int`, named in the CLI's channel list (bot.cli.CHANNELS).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunOptions:
    """`kodaira-bot run` options, the same for every channel; each uses the ones that apply to it
    (None: the channel's own default)."""

    host: str | None = None  # address a webhook server listens on
    port: int | None = None  # its port
    path: str | None = None  # the URL path it answers
    webhook: bool = False  # Telegram: a webhook instead of long polling
    webhook_url: str | None = None  # Telegram: the public URL it posts to
    secret_token: str | None = None  # Telegram: the secret it sends with each webhook call
