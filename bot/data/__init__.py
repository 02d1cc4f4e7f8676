"""The knowledge base: records of what is true, and their loading from knowledge/ YAML."""

from bot.data.loader import load_knowledge
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
