"""All the checked data an assistant is built from, in one record (loaded by bot/data/check.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.data.domains import Domains
from bot.data.intents import Intents
from bot.data.records import Knowledge


@dataclass(frozen=True)
class AssistantData:
    knowledge: Knowledge
    intents: Intents
    domains: Domains
    readings: dict[str, str]  # word → reading, for やさしい日本語 mode

    def for_answering(self) -> AssistantData:
        """The data a built assistant keeps: without what only building and checking read (the crisis corpus,
        the out-of-scope examples, where each example is written), so the disk cache does not carry it and
        a start does not read it back."""
        intents = replace(self.intents, crisis_corpus=(), out_of_scope=(), example_sites={}, out_of_scope_sites={})
        return replace(self, intents=intents)
