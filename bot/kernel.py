"""The inner loops run once per message: summing the matcher's postings into every example's and every
topic centroid's score (with each topic's best two examples), summing its classifier weights per class,
and looking up the crisis model's character and reading n-grams.

Each is written twice: here in numpy or Python, and in C (bot/_kernel.c, compiled at install where a C
compiler is found; `setup.py` makes it optional). The two give the same results, to the bit, which
tests/test_kernel.py checks on every eval message; the compiled loops do in one pass what numpy does in
several, and build no set of strings to look up.
"""

from __future__ import annotations

import importlib
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
        post_weight: Floats,
        n_docs: int,
        group_start: npt.NDArray[np.int64],
        use_compiled: bool = True,
    ) -> None:
        self._target = np.ascontiguousarray(post_target, dtype=np.int32)
        self._weight = np.ascontiguousarray(post_weight, dtype=np.float64)
        self._n_docs = n_docs
        self._group_start = np.ascontiguousarray(group_start, dtype=np.int64)
        self._size = n_docs + len(group_start)  # every example, then every topic's centroid
        self._use_compiled = use_compiled  # (the module itself would not pickle into the disk cache)
        # For numpy: each example's group, and each example's place (to find a group's first best).
        self._group_of = np.repeat(np.arange(len(group_start)), np.diff(np.r_[self._group_start, n_docs]))
        self._places = np.arange(n_docs)

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
        taken = np.where(grouped == first[self._group_of], self._places, self._n_docs)
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


def gram_ids(text: str, sizes: tuple[int, ...], table: dict[str, int], use_compiled: bool = True) -> list[int]:
    """The values `table` gives the distinct n-grams of `text` (n in `sizes`), each value once, in the order
    the grams first occur (size by size, left to right)."""
    if compiled is not None and use_compiled:
        found: list[int] = compiled.gram_ids(text, sizes, table)
        return found
    seen: set[int] = set()
    out: list[int] = []
    for n in sizes:
        for i in range(len(text) - n + 1):
            value = table.get(text[i : i + n])
            if value is not None and value not in seen:
                seen.add(value)
                out.append(value)
    return out
