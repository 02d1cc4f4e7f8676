"""The inner loops run once per message: summing the matcher's postings into every example's and every
topic centroid's score (with each topic's best two examples), summing its classifier weights per class,
finding the matcher's n-grams of a message, and looking up n-grams (the crisis model's, the matcher's) in
gram tables.

Each is written twice: here in numpy or Python, and in C (bot/_kernel.c, compiled at install where a C
compiler is found; `setup.py` makes it optional). The two give the same results, to the bit, which
tests/test_kernel.py checks on every eval message; the compiled loops do in one pass what numpy does in
several, and build no set of strings to look up.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from functools import cached_property
from itertools import accumulate
from types import ModuleType

import numpy as np
import numpy.typing as npt


def _compiled() -> ModuleType | None:
    try:
        return importlib.import_module("bot._kernel")
    except ImportError:  # no C compiler at install: numpy gives the same scores, a little more slowly
        return None


compiled = _compiled()

Floats = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int32] | npt.NDArray[np.int64]  # starts or lengths of runs in a flat array


def spread(begin: Counts, lengths: Counts) -> tuple[npt.NDArray[np.int64], Counts]:
    """Positions of entries laid out in runs (run i: `lengths[i]` entries from `begin[i]`), run after run,
    and the runs' lengths."""
    ends = lengths.cumsum()
    positions = np.arange(int(ends[-1]) if len(ends) else 0) + (begin - ends + lengths).repeat(lengths)
    return positions, lengths


class ExampleSums:
    """A message's score for every example and every topic centroid: for each of its features (a run of
    postings), the feature's weight times each posting's weight, added to the posting's target in order.
    Targets below `n_docs` are examples, grouped by topic (group g from `group_start[g]`); the rest are
    the topics' centroids."""

    def __init__(
        self,
        post_target: npt.NDArray[np.int32],
        post_weight: Floats | npt.NDArray[np.float32],
        n_docs: int,
        group_start: npt.NDArray[np.int64],
        use_compiled: bool = True,
    ) -> None:
        self._target = np.ascontiguousarray(post_target, dtype=np.int32)
        # Single precision: all of it is read at random, so all of it is resident (5 MB, not 10). Each
        # posting's weight is widened back to double before it is multiplied and added.
        self._weight = np.ascontiguousarray(post_weight, dtype=np.float32)
        self._n_docs = n_docs
        self._group_start = np.ascontiguousarray(group_start, dtype=np.int64)
        self._size = n_docs + len(group_start)  # every example, then every topic's centroid
        self._use_compiled = use_compiled  # (the module itself would not pickle into the disk cache)

    @cached_property
    def _group_of(self) -> npt.NDArray[np.intp]:
        """For numpy: each example's group (to find a group's first best)."""
        return np.repeat(np.arange(len(self._group_start)), np.diff(np.r_[self._group_start, self._n_docs]))

    def __call__(self, weights: Floats, starts: Counts, lengths: Counts) -> tuple[Floats, Floats, Floats]:
        """Per topic: its best example's score, the next best (0.0 for none; the best again when two tie),
        and its centroid's score."""
        if compiled is not None and self._use_compiled:
            summed = np.empty(self._size)
            n_groups = len(self._group_start)
            first, second = np.empty(n_groups), np.empty(n_groups)
            compiled.example_scores(
                np.ascontiguousarray(weights, dtype=np.float64),
                np.ascontiguousarray(starts, dtype=np.int64),
                np.ascontiguousarray(lengths, dtype=np.int64),
                self._target,
                self._weight,
                self._n_docs,
                self._group_start,
                summed,
                first,
                second,
            )
            return first, second, summed[self._n_docs :]
        positions, runs = spread(starts, lengths)
        contributions = weights.repeat(runs) * self._weight[positions]
        counted = np.bincount(self._target[positions], weights=contributions, minlength=self._size)
        sums = counted.astype(np.float64, copy=False)
        grouped, centroid = sums[: self._n_docs], sums[self._n_docs :]
        first = np.maximum.reduceat(grouped, self._group_start)
        # The best is taken out once (at its first place in the group); the next best is what remains.
        taken = np.where(grouped == first[self._group_of], np.arange(self._n_docs), self._n_docs)
        grouped[np.minimum.reduceat(taken, self._group_start)] = 0.0
        return first, np.maximum.reduceat(grouped, self._group_start), centroid


def class_sums(
    scale: npt.NDArray[np.float32],
    starts: Counts,
    lengths: Counts,
    weights: npt.NDArray[np.float32],
    targets: npt.NDArray[np.int16],
    classes: int,
    use_compiled: bool = True,
) -> Floats:
    """Per class, the sum of each feature's weights for it times the feature's `scale` (float32 products,
    as the model is stored, added in double in order). Feature i's weights are the run of `lengths[i]`
    from `starts[i]`."""
    if compiled is not None and use_compiled:
        out = np.empty(classes)
        compiled.class_sums(
            np.ascontiguousarray(scale, dtype=np.float32),
            np.ascontiguousarray(starts, dtype=np.int64),
            np.ascontiguousarray(lengths, dtype=np.int64),
            np.ascontiguousarray(weights, dtype=np.float32),
            np.ascontiguousarray(targets, dtype=np.int16),
            out,
        )
        return out
    positions, runs = spread(starts, lengths)
    products = weights[positions] * scale.repeat(runs)
    return np.bincount(targets[positions], weights=products, minlength=classes).astype(np.float64, copy=False)


class GramTable:
    """Short strings (up to `width` characters) → positive ints (below 2**24), in two arrays instead of a
    dict: an open-addressing hash table whose slots hold each key's code points and its length and value
    (the layout and hash are bot/_kernel.c's `table_ids`). A dict of a quarter of a million short strings
    costs some 35 MB of objects to read back at every start; the arrays are mapped from the disk cache.
    Without the compiled kernel, a dict is built from them on first use."""

    MAX_LOAD = 0.7  # at most this share of the slots is used: a missing gram ends its probe soon

    def __init__(self, entries: Mapping[str, int], width: int) -> None:
        capacity = 1
        while capacity * self.MAX_LOAD < len(entries) or capacity < 2:
            capacity <<= 1
        points_at: list[list[int]] = [[] for _ in range(capacity)]
        info_at = [0] * capacity
        mask = capacity - 1
        for key, value in entries.items():
            if not 0 < len(key) <= width or not 0 < value < 1 << 24:
                raise ValueError(f"a gram table holds keys of 1 to {width} characters and values from 1 to 2**24")
            points = [ord(ch) for ch in key]
            slot = _gram_hash(points) & mask
            while info_at[slot]:
                slot = (slot + 1) & mask
            points_at[slot] = points
            info_at[slot] = len(points) << 24 | value
        keys = np.array([points + [0] * (width - len(points)) for points in points_at], dtype=np.uint32)
        info = np.array(info_at, dtype=np.uint32)
        self.width = width
        self._keys = keys
        self._info = info
        self._lookup: dict[str, int] | None = None  # the dict of the numpy path, built on first use

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_lookup": None}  # the disk cache holds the arrays only

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, GramTable)
            and np.array_equal(self._keys, other._keys)
            and np.array_equal(self._info, other._info)
        )

    __hash__ = None  # type: ignore[assignment]  # equal by content, and mutable arrays inside

    def __len__(self) -> int:
        return int(np.count_nonzero(self._info))

    def items(self) -> Iterator[tuple[str, int]]:
        for slot in np.flatnonzero(self._info).tolist():
            entry = int(self._info[slot])
            yield "".join(map(chr, self._keys[slot, : entry >> 24].tolist())), entry & 0xFFFFFF

    def as_dict(self) -> dict[str, int]:
        if self._lookup is None:
            self._lookup = dict(self.items())
        return self._lookup

    def ids(self, text: str, sizes: tuple[int, ...], use_compiled: bool = True) -> list[int]:
        """The values of the distinct n-grams of `text` (n in `sizes`), each value once, in the order the grams
        first occur (size by size, left to right)."""
        if compiled is not None and use_compiled:
            found: list[int] = compiled.table_ids(text, sizes, self._keys, self._info, self.width)
            return found
        lookup = self.as_dict()
        seen: set[int] = set()
        out: list[int] = []
        for n in sizes:
            for i in range(len(text) - n + 1):
                value = lookup.get(text[i : i + n])
                if value is not None and value not in seen:
                    seen.add(value)
                    out.append(value)
        return out

    def values_of(self, grams: list[str], use_compiled: bool = True) -> list[int]:
        """The values of the grams the table holds, in the list's order."""
        if compiled is not None and use_compiled:
            found: list[int] = compiled.table_values(grams, self._keys, self._info, self.width)
            return found
        return list(filter(None, map(self.as_dict().get, grams)))


def _gram_hash(points: list[int]) -> int:
    """FNV-1a over the code points, then h ^= h >> 15 (32 bits, as bot/_kernel.c computes it)."""
    h = 2166136261
    for point in points:
        h = ((h ^ point) * 16777619) & 0xFFFFFFFF
    return h ^ (h >> 15)


def content_grams(
    pieces: list[tuple[str, bool]], size: int, keep_all: bool, japanese_only: bool = False, use_compiled: bool = True
) -> set[str]:
    """The n-grams (n = `size`) of the pieces' strings joined that touch a piece marked True (every one with
    `keep_all`); with `japanese_only`, only grams of kana and kanji."""
    if compiled is not None and use_compiled:
        found: set[str] = compiled.content_grams(pieces, size, keep_all, japanese_only)
        return found
    text = "".join(p for p, _ in pieces)
    if keep_all:
        grams = {text[i : i + size] for i in range(len(text) - size + 1)}
    else:
        # content[i]: how many content characters come before position i; a gram touches content when the
        # count grows across it.
        content = [0, *accumulate(keep for piece, keep in pieces for _ in piece)]
        grams = {text[i : i + size] for i in range(len(text) - size + 1) if content[i + size] != content[i]}
    return {g for g in grams if all(map(_is_japanese, g))} if japanese_only else grams


def _is_japanese(ch: str) -> bool:
    return 0x3040 <= ord(ch) <= 0x30FF or 0x3400 <= ord(ch) <= 0x9FFF
