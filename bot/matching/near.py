"""Known words one edit away from a word the matcher has never seen (介語 → 介護, にんちしよう → にんちしょう).

Each known word and each of its one-character deletions is a key; two words one edit apart always share
a key (the shorter word, or one deletion of both), so only the words behind the shared keys are compared.
The keys are sorted arrays read by binary search, kept by length in arrays of three widths: numpy stores
every key at its array's width, and a few long words (up to 52 characters) would otherwise widen the
tens of thousands of short ones. Arrays, so the disk cache maps them instead of rebuilding a dict.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Levenshtein

KEY_WIDTHS = (8, 20)  # keys of up to 8 characters, up to 20, and longer


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _band(length: int) -> int:
    return sum(length > width for width in KEY_WIDTHS)


class NearWords:
    def __init__(self, vocabulary: list[str]) -> None:
        self._vocabulary = vocabulary
        keyed = ((key, position) for position, known in enumerate(vocabulary) for key in (known, *deletions(known)))
        pairs = sorted(keyed)
        self._tables: list[tuple[npt.NDArray[np.str_], npt.NDArray[np.int32]]] = []
        for band in range(len(KEY_WIDTHS) + 1):
            kept = [(key, position) for key, position in pairs if _band(len(key)) == band]  # still sorted
            keys = np.array([key for key, _ in kept], dtype=np.str_) if kept else np.array([], dtype="<U1")
            self._tables.append((keys, np.array([position for _, position in kept], dtype=np.int32)))

    def find(self, word: str) -> str | None:
        """The first known word (in vocabulary order) at the smallest edit distance of at most one: what
        rapidfuzz's extractOne over the whole vocabulary returns, found through the shared keys."""
        wanted = [word, *deletions(word)]
        found: set[int] = set()
        for band, (keys, positions) in enumerate(self._tables):
            # A key equal to a wanted string has its length, so it lies in the same band.
            asked = [w for w in wanted if _band(len(w)) == band]
            if not asked or not len(keys):
                continue
            starts = np.searchsorted(keys, asked, side="left").tolist()
            ends = np.searchsorted(keys, asked, side="right").tolist()
            for start, end in zip(starts, ends, strict=True):
                if start < end:
                    found.update(positions[start:end].tolist())
        best: tuple[int, int] | None = None
        for position in found:
            distance = Levenshtein.distance(word, self._vocabulary[position], score_cutoff=1)
            if distance <= 1 and (best is None or (distance, position) < best):
                best = (distance, position)
        return self._vocabulary[best[1]] if best is not None else None
