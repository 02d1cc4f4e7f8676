"""All the checked data an assistant is built from, in one record (loaded by bot/data/check.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.data.domains import Domains
from bot.data.intents import Intents
from bot.data.records import Knowledge


@dataclass(frozen=True)
class AssistantData:
    knowledge: Knowledge
    intents: Intents
    domains: Domains
    readings: dict[str, str]  # word → reading, for やさしい日本語 mode
