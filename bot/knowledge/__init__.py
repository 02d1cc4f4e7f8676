"""The knowledge base: records of what is true, and their loading from knowledge/ YAML."""

from bot.knowledge.loader import load_knowledge
from bot.knowledge.records import (
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
from bot.knowledge.yamlio import entries_of, read_yaml

__all__ = [
    "Answer",
    "Assignment",
    "Card",
    "CheckResult",
    "Knowledge",
    "MenuCategory",
    "Question",
    "SelfCheck",
    "Town",
    "Window",
    "entries_of",
    "iter_windows_of",
    "load_knowledge",
    "read_yaml",
]
