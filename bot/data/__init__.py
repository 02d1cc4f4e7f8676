"""The knowledge base: records of what is true, and their loading from knowledge/ YAML."""

from typing import TYPE_CHECKING, Any

from bot.data.municipality import MunicipalityFile as Municipality
from bot.data.municipality import Say, Wording
from bot.data.records import (
    Answer,
    Assignment,
    Card,
    CheckResult,
    Knowledge,
    MenuCategory,
    Question,
    SelfCheck,
    Town,
    Window,
    iter_windows_of,
)

if TYPE_CHECKING:
    from bot.data.loader import load_knowledge
    from bot.data.yamlio import read_yaml

__all__ = [
    "Answer",
    "Assignment",
    "Card",
    "CheckResult",
    "Knowledge",
    "MenuCategory",
    "Municipality",
    "Question",
    "Say",
    "SelfCheck",
    "Town",
    "Window",
    "Wording",
    "iter_windows_of",
    "load_knowledge",
    "read_yaml",
]


def __getattr__(name: str) -> Any:
    """The loaders on first use: answering from the cached, already checked data needs neither the file
    models nor the YAML reader (bot/core/snapshot.py)."""
    if name == "load_knowledge":
        from bot.data.loader import load_knowledge

        return load_knowledge
    if name == "read_yaml":
        from bot.data.yamlio import read_yaml

        return read_yaml
    raise AttributeError(f"module 'bot.data' has no attribute '{name}'")
