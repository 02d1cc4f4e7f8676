"""Crisis detection: runs before any matching and always wins.

A term is looked for in the normalized text and in its kana reading (しにたい, シニタイ and
死にたい are one term). Allow-listed everyday phrases (死ぬほど忙しい) are blanked out first, so a
term inside them does not count, while a real crisis term elsewhere in the same message still does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents import CrisisKind
from bot.text import Analyzer, normalize, strip_emoji

MIN_READING_MATCH = 4  # shorter readings collide with ordinary words too often


@dataclass(frozen=True)
class CrisisHit:
    kinds: tuple[str, ...]  # every crisis kind found, in the order of intents/crisis.yaml
    term: str


def _alternation(phrases: list[str]) -> re.Pattern[str] | None:
    phrases = sorted({p for p in phrases if p}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, phrases))) if phrases else None


class CrisisDetector:
    def __init__(self, kinds: tuple[CrisisKind, ...], allow: tuple[str, ...], analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._kinds = [k.kind for k in kinds]
        self._surface: dict[str, str] = {}
        self._reading: dict[str, str] = {}
        for kind in kinds:
            for term in kind.terms:
                surface = normalize(term)
                self._surface.setdefault(surface, kind.kind)
                reading = analyzer.analyse(surface).reading
                if len(reading) >= MIN_READING_MATCH:
                    self._reading.setdefault(reading, kind.kind)
        allowed = [normalize(a) for a in allow]
        self._allow_surface = _alternation(allowed)
        self._allow_reading = _alternation([analyzer.analyse(a).reading for a in allowed])
        self._term_surface = _alternation(list(self._surface))
        self._term_reading = _alternation(list(self._reading))

    @staticmethod
    def _blank(pattern: re.Pattern[str] | None, text: str) -> str:
        return pattern.sub(lambda m: " " * len(m.group(0)), text) if pattern else text

    def detect(self, text: str) -> CrisisHit | None:
        normalized = normalize(strip_emoji(text))
        found: dict[str, str] = {}
        if self._term_surface:
            for m in self._term_surface.finditer(self._blank(self._allow_surface, normalized)):
                found.setdefault(self._surface[m.group(0)], m.group(0))
        if self._term_reading:
            reading = self._analyzer.analyse(normalized).reading
            for m in self._term_reading.finditer(self._blank(self._allow_reading, reading)):
                found.setdefault(self._reading[m.group(0)], m.group(0))
        if not found:
            return None
        kinds = tuple(k for k in self._kinds if k in found)
        return CrisisHit(kinds, found[kinds[0]])
