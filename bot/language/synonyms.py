"""Synonym rewriting: residents' words (ボケ, おふくろ, 借金) onto the words the examples use."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.data.intents import Synonym
from bot.language.text import normalize

# A variant written in Latin letters (mother, help, adhd) replaces whole words only: "care" must not
# rewrite "careful", nor "mom" the start of "moment".
_LATIN_WORD = re.compile(r"[a-z][a-z' -]*[a-z]|[a-z]")


def _alternative(variant: str) -> str:
    escaped = re.escape(variant)
    return rf"(?<![a-z]){escaped}(?![a-z])" if _LATIN_WORD.fullmatch(variant) else escaped


class SynonymRewriter:
    """Rewrites variants to their canonical word, longest variant first, in one regex pass."""

    def __init__(self, synonyms: Iterable[Synonym]) -> None:
        table: dict[str, str] = {}
        canonicals: set[str] = set()
        for syn in synonyms:
            canonical = normalize(syn.canonical)
            canonicals.add(canonical)
            for variant in syn.variants:
                key = normalize(variant)
                # A variant equal to its canonical word, or claimed twice, keeps its first meaning.
                if key and key != canonical and key not in table:
                    table[key] = canonical
        self._table = table
        # Canonical words map to themselves so a variant inside one (認知 in 認知症) is left alone.
        self._keep = canonicals - table.keys()
        if table:
            alternatives = sorted(table.keys() | self._keep, key=len, reverse=True)
            self._pattern: re.Pattern[str] | None = re.compile("|".join(map(_alternative, alternatives)))
        else:
            self._pattern = None

    def rewrite(self, normalized: str) -> str:
        """Return the text with every variant replaced by its canonical word."""
        if self._pattern is None:
            return normalized
        return self._pattern.sub(lambda m: self._table.get(m.group(0), m.group(0)), normalized)

    def canonical(self, word: str) -> str:
        return self._table.get(word, word)

    def fingerprint(self) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
        """What the rewriting depends on, for keys of anything built with it."""
        return tuple(sorted(self._table.items())), tuple(sorted(self._keep))
