"""Crisis detection: runs before any matching and always wins.

A term is looked for in the normalized text and in its kana reading (しにたい, シニタイ and
死にたい are one term). Allow-listed everyday phrases (死ぬほど忙しい) are blanked out first, so a
term inside them does not count, while a real crisis term elsewhere in the same message still does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents import CrisisKind
from bot.text import Analyzer, Token, normalize, strip_emoji

MIN_READING_MATCH = 4  # shorter readings collide with ordinary words too often
# A term this long (in kana) is specific enough to match even when the text's word goes on past it:
# 夫に首を絞め inside おっとにくびをしめられた, where Sudachi splits しめら|れ differently.
OPEN_END_READING = 7
# Colloquial contractions whose lemma differs from the full form: 殴られてる = 殴られている.
_LEMMA_VARIANTS = {"てる": "て居る", "とる": "て居る", "ちゃう": "て仕舞う", "じゃう": "て仕舞う"}


def _lemma_string(tokens: tuple[Token, ...]) -> tuple[str, set[int]]:
    """The text as dictionary forms, so 殴られています matches the term 殴られている."""
    out, starts = "", set()
    for tok in tokens:
        if tok.pos in ("補助記号", "空白"):
            continue
        starts.add(len(out))
        out += _LEMMA_VARIANTS.get(tok.lemma, tok.lemma)
    return out, starts


def _reading_string(tokens: tuple[Token, ...]) -> tuple[str, set[int]]:
    out, starts = "", set()
    for tok in tokens:
        starts.add(len(out))
        out += tok.reading
    return out, starts


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
        self._unless = {k.kind: tuple(normalize(u) for u in k.unless) for k in kinds}
        # Three views of each term: as written, as dictionary forms, as kana (しにたい).
        self._views: list[dict[str, str]] = [{}, {}, {}]
        for kind in kinds:
            for term in kind.terms:
                surface = normalize(term)
                tokens = analyzer.analyse(surface).tokens
                reading = _reading_string(tokens)[0]
                for view, key in zip(self._views, (surface, _lemma_string(tokens)[0], reading), strict=True):
                    if key and (view is not self._views[2] or len(key) >= MIN_READING_MATCH):
                        view.setdefault(key, kind.kind)
        allowed = [analyzer.analyse(a) for a in allow]
        self._allow = [
            _alternation([a.normalized for a in allowed]),
            _alternation([_lemma_string(a.tokens)[0] for a in allowed]),
            _alternation([_reading_string(a.tokens)[0] for a in allowed]),
        ]
        self._terms = [_alternation(list(view)) for view in self._views]
        self._lengths = sorted({len(k) for view in self._views[1:] for k in view}, reverse=True)

    @staticmethod
    def _blank(pattern: re.Pattern[str] | None, text: str) -> str:
        return pattern.sub(lambda m: " " * len(m.group(0)), text) if pattern else text

    def detect(self, text: str) -> CrisisHit | None:
        normalized = normalize(strip_emoji(text))
        if not normalized:
            return None
        tokens = self._analyzer.analyse(normalized).tokens
        lemmas, lemma_starts = _lemma_string(tokens)
        reading, reading_starts = _reading_string(tokens)
        views = (
            (normalized, None),  # the written form matches anywhere
            (lemmas, lemma_starts),  # the others only on whole words:
            (reading, reading_starts),  # 市に対して reads シニタイシテ but holds no シニタイ word
        )
        found: dict[str, str] = {}
        for (string, starts), terms, allow, table in zip(views, self._terms, self._allow, self._views, strict=True):
            if terms is None:
                continue
            string = self._blank(allow, string)
            if starts is None:
                for m in terms.finditer(string):
                    found.setdefault(table[m.group(0)], m.group(0))
                continue
            # Every term that starts and ends on a word boundary; a longer term that fails the
            # boundary test must not hide a shorter one starting at the same place.
            ends = starts | {len(string)}
            open_end = table is self._views[2]
            for start in sorted(starts):
                for length in self._lengths:
                    key = string[start : start + length]
                    if key in table and (start + length in ends or (open_end and length >= OPEN_END_READING)):
                        found.setdefault(table[key], key)
        for kind in list(found):
            if any(u in normalized for u in self._unless.get(kind, ())):
                del found[kind]  # 「ゲームでボスに殺された」 is a story, not a threat
        if not found:
            return None
        kinds = tuple(k for k in self._kinds if k in found)
        return CrisisHit(kinds, found[kinds[0]])
