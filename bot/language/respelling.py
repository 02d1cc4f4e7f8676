"""Kana spelled back into the words the examples write in kanji (ﾄｸﾖｳ ﾉ ｼｮｸﾋ → 特養, 食費).

A message in kana only shares few features with the examples: their words are written in kanji, so only
the readings and their 3-grams match, and every kana word counts as a word no example has used. The
examples' own words are known with their readings (特養: トクヨウ); a kana message's reading is searched
for them, longest first, and each word found is added to the message as if written in kanji.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

MIN_READING = 3  # shorter readings (ハハ, コト) turn up by chance inside other words
MAX_READING = 12


class Respeller:
    def __init__(self, spellings: Mapping[str, str]) -> None:
        self._spellings = dict(spellings)
        self._longest = max(map(len, self._spellings), default=0)

    @classmethod
    def learn(cls, words: Iterable[tuple[str, str | None]]) -> Respeller:
        """From (reading, word) pairs as the examples use them: per reading, the word written most often
        (the first in order of the words on a tie). None stands for a word not to spell (a particle,
        私): a reading most often that is left as it is."""
        counted = Counter(
            (reading, word or "") for reading, word in words if MIN_READING <= len(reading) <= MAX_READING
        )
        best: dict[str, tuple[int, str]] = {}
        for (reading, word), count in counted.items():
            held = best.get(reading)
            if held is None or (-count, word) < (-held[0], held[1]):
                best[reading] = (count, word)
        return cls({reading: word for reading, (_, word) in best.items() if word})

    @property
    def spellings(self) -> dict[str, str]:
        return self._spellings

    def words_in(self, reading: str) -> list[str]:
        """The known words whose readings spell `reading` (folded katakana), longest match first from the
        left; sounds that spell no known word are skipped one at a time."""
        found: list[str] = []
        at, end = 0, len(reading)
        while at < end:
            for length in range(min(self._longest, end - at), MIN_READING - 1, -1):
                word = self._spellings.get(reading[at : at + length])
                if word is not None:
                    found.append(word)
                    at += length
                    break
            else:
                at += 1
        return found
