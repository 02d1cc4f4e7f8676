"""Synonym rewriting: residents' words (ボケ, おふくろ, 借金) onto the words the examples use."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.data.intents import Synonym
from bot.language.text import normalize

# A variant written in Latin letters (mother, help, adhd) replaces whole words only: "care" must not
# rewrite "careful", nor "mom" the start of "moment". Those variants have their own pattern, run only on
# a message with Latin letters in it: most messages have none, and the English words would otherwise be
# tried at every character of every message.
_LATIN_WORD = re.compile(r"[a-z][a-z' -]*[a-z]|[a-z]")
_ANY_LATIN = re.compile(r"[a-z]")


def _pattern(alternatives: Iterable[str], latin: bool) -> re.Pattern[str] | None:
    longest_first = sorted(alternatives, key=len, reverse=True)
    if not longest_first:
        return None
    either = "|".join(map(re.escape, longest_first))
    return re.compile(rf"(?<![a-z])(?:{either})(?![a-z])" if latin else either)


class SynonymRewriter:
    """Rewrites variants to their canonical word, longest variant first, in one regex pass (and one more
    for the variants in Latin letters, when the message has any)."""

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
        words = table.keys() | self._keep if table else set()
        latin = {w for w in words if _LATIN_WORD.fullmatch(w)}
        self._pattern = _pattern(words - latin, latin=False)
        self._latin = _pattern(latin, latin=True)

    def _replace(self, match: re.Match[str]) -> str:
        return self._table.get(match.group(0), match.group(0))

    def rewrite(self, normalized: str) -> str:
        """Return the text with every variant replaced by its canonical word."""
        text = normalized if self._pattern is None else self._pattern.sub(self._replace, normalized)
        if self._latin is not None and _ANY_LATIN.search(text):
            text = self._latin.sub(self._replace, text)
        return text

    def canonical(self, word: str) -> str:
        return self._table.get(word, word)

    def fingerprint(self) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
        """What the rewriting depends on, for keys of anything built with it."""
        return tuple(sorted(self._table.items())), tuple(sorted(self._keep))
