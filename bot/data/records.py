"""Typed, immutable records of what knowledge/ states: windows, answer cards, towns, the self-check."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.data.hours import Schedule
from bot.data.municipality import MunicipalityFile


@dataclass(frozen=True)
class Window:
    id: str
    name: str
    kind: str = ""
    serves: str = ""
    phone: str | None = None
    hours: str | None = None
    schedule: Schedule | None = None  # the hours text as data; None: unknown
    address: str | None = None
    email: str | None = None
    note: str | None = None
    fallback: tuple[str, ...] = ()
    crisis: tuple[str, ...] = ()  # crisis kinds a hotline serves
    source: str | None = None
    source_date: str | None = None
    is_hotline: bool = False


@dataclass(frozen=True)
class Card:
    """Anything the assistant can answer about: a life problem, a measure, a guardianship type …"""

    id: str
    title: str
    summary: str
    group: str  # topics, measures, guardianship, areas
    windows: tuple[str, ...] = ()
    hotlines: tuple[str, ...] = ()
    needs_town: bool = False
    related: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    source: str | None = None
    source_date: str | None = None
    detail: str | None = None  # e.g. the plan's description of a guardianship type's person
    easy: str | None = None  # the summary in やさしい日本語, where staff have written one


@dataclass(frozen=True)
class Town:
    id: str
    name: str
    kana: str
    chome: tuple[int, ...]


@dataclass(frozen=True)
class Assignment:
    town: str
    area: str | None
    centre: str | None
    chome: int | None
    source: str
    source_date: str


@dataclass(frozen=True)
class Answer:
    label: str
    next: str


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class CheckResult:
    id: str
    card: str
    text: str


@dataclass(frozen=True)
class SelfCheck:
    intro: str
    start: str
    questions: Mapping[str, Question]
    results: Mapping[str, CheckResult]
    closing: str


@dataclass(frozen=True)
class MenuCategory:
    id: str
    label: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    windows: Mapping[str, Window]
    cards: Mapping[str, Card]
    towns: tuple[Town, ...]
    areas: tuple[str, ...]  # CSW area card ids, in the plan's order
    assignments: tuple[Assignment, ...]
    self_check: SelfCheck | None
    menu: tuple[MenuCategory, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)
    area_names: Mapping[str, str] = field(default_factory=dict)  # CSW area card id → 西圏域 …
    municipality_file: MunicipalityFile | None = None  # None only while a broken data folder is checked

    @property
    def municipality(self) -> MunicipalityFile:
        """The city in data (knowledge/municipality.yaml): name, ids the code relies on, every fixed sentence."""
        if self.municipality_file is None:
            raise ValueError("knowledge/municipality.yaml was not loaded")
        return self.municipality_file


def iter_windows_of(knowledge: Knowledge, card: Card) -> Iterator[Window]:
    """The windows a card names, in order, followed by the fallbacks of any without a phone."""
    seen: set[str] = set()
    for wid in card.windows + card.hotlines:
        for w in (knowledge.windows[wid], *(knowledge.windows[f] for f in knowledge.windows[wid].fallback)):
            if w.id not in seen:
                seen.add(w.id)
                yield w
