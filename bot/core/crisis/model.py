"""The learned layer of the crisis check: a linear classifier over the engine's views of the text.

Trained with scikit-learn's LogisticRegression on the labelled crisis corpus (intents/crisis_corpus/)
plus every ordinary phrasing in intents/ as a negative. Scoring needs no scikit-learn: the weights of
the features present are summed (a few hundred look-ups, most in gram tables), so it adds little to a
message.

A message is scored as a whole. Scoring each sentence and keeping the most alarming one was tried:
at the same recall it doubled the false alarms on hard negatives (a past event told in one sentence
and "now I am fine" in the next), so the whole text, context included, decides.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.data.crisis_intents import NOT_CRISIS
from bot.diskcache import package_version, write_atomically
from bot.kernel import GramTable
from bot.language.text import MAX_ANALYSED_CHARS, Analysis, Token

FEATURE_VERSION = 1  # bump when features() changes, so cached models are retrained
TRAINING_SEED = 0  # the solvers shuffle; a fixed seed makes every training on the same data give the same model
# Inverse regularisation strength; chosen by cross-validation on the corpus (scripts/tune_crisis.py).
REGULARISATION_C = 64.0
KIND_C = 1.0
MIN_FREQUENCY = 2  # a feature seen once cannot generalise; dropping them halves the model
_SKIP_POS = frozenset({"補助記号", "空白"})

FloatArray = npt.NDArray[np.float64]


def _grams(text: str, sizes: Iterable[int]) -> set[str]:
    return {text[i : i + n] for n in sizes for i in range(len(text) - n + 1)}


VIEWS = ("c", "r", "l", "b")  # characters, kana reading, lemmas, lemma bigrams
CHAR_SIZES = (1, 2, 3)
READING_SIZES = (2, 3, 4)


def _read(normalized: str, tokens: Sequence[Token]) -> tuple[str, str, list[str]]:
    """The text without spaces, the words' kana reading, and their dictionary forms."""
    compact = normalized[:MAX_ANALYSED_CHARS].replace(" ", "")  # the tokens stop there too
    words = [t for t in tokens if t.pos not in _SKIP_POS]
    return compact, "".join(t.reading for t in words), [t.lemma for t in words]


def views(normalized: str, tokens: Sequence[Token]) -> tuple[set[str], set[str], set[str], set[str]]:
    """Characters, kana readings and dictionary forms: each catches what the others miss.

    Kana readings make しにたい and 死にたい one feature; dictionary forms make 殴られてる and
    殴られています one; character grams survive typos and words Sudachi splits oddly.
    """
    compact, reading, lemmas = _read(normalized, tokens)
    return (
        _grams(compact, CHAR_SIZES),
        _grams(reading, READING_SIZES),
        set(lemmas),
        {f"{a}|{b}" for a, b in pairwise(lemmas)},
    )


def features(normalized: str, tokens: Sequence[Token]) -> set[str]:
    """All views in one set, each feature prefixed with its view (the training vocabulary)."""
    return {f"{view}:{f}" for view, found in zip(VIEWS, views(normalized, tokens), strict=True) for f in found}


class Score:
    """The model's view of one message; which kind is worked out only when someone asks."""

    def __init__(self, crisis: float, kind: Callable[[], str] | str) -> None:
        self.crisis = crisis  # probability that the message is a crisis
        self._kind = kind

    @cached_property
    def kind(self) -> str:
        """The most likely crisis kind, if it is one."""
        return self._kind if isinstance(self._kind, str) else self._kind()


class CrisisModel:
    """Two linear models over tf-idf weighted, length-normalised features.

    A logistic regression says how likely a text is a crisis (all kinds pooled, so each kind lends
    the others its evidence); a linear SVM trained on the crisis messages alone says which kind.
    """

    def __init__(self, kinds: Sequence[str], vocabulary: dict[str, int], arrays: dict[str, FloatArray]):
        self.kinds = tuple(kinds)
        # Which kind a crisis is, the largest of eleven margins, needs no double precision: with float32
        # weights no message of the eval sets and the corpus (8,768) changes kind, and they take half the
        # memory (12 MB, not 23).
        self._arrays: dict[str, npt.NDArray[Any]] = {
            **arrays,
            "kind_weights": np.asarray(arrays["kind_weights"], dtype=np.float32),
        }
        idf = arrays["idf"]
        # Per feature: its crisis weight (times idf) and its squared idf, looked up by index with numpy.
        self._crisis = arrays["crisis_weights"] * idf
        self._idf2 = idf**2
        # Per feature: its kind weights times its idf, in single precision too (no message of the eval sets
        # and the corpus, 9,808, changes kind; the closest two kinds of any are 2e-5 apart). The kind model
        # learns only from crisis messages, so a feature none of them has weighs nothing for any kind: only
        # the other rows are kept (123,000 of 263,000), found through `_kind_row` (-1: no row). Half the
        # memory a crisis message reads at random, and the idf is not read again.
        kind_weights = self._arrays["kind_weights"]
        rows = np.flatnonzero(np.any(kind_weights != 0, axis=1))
        self._kind_row = np.full(len(kind_weights), -1, dtype=np.int32)
        self._kind_row[rows] = np.arange(len(rows), dtype=np.int32)
        self._kind_weighted = (kind_weights[rows].astype(np.float64) * idf[rows, None]).astype(np.float32)
        # One table per view, keyed by the bare feature: no prefixed string is built per message. Values are
        # index + 1, so that filter(None, ...) drops the misses at C speed. The character and reading n-grams,
        # nine in ten features, lie in gram tables (bot/kernel.py): arrays, not 230,000 strings to read back.
        by_view: tuple[dict[str, int], ...] = tuple({} for _ in VIEWS)
        for feature, index in vocabulary.items():
            view, bare = feature.split(":", 1)
            by_view[VIEWS.index(view)][bare] = index + 1
        chars, readings, lemmas, bigrams = by_view
        self._by_view: tuple[GramTable, GramTable, dict[str, int], dict[str, int]] = (
            GramTable(chars, max(CHAR_SIZES)),
            GramTable(readings, max(READING_SIZES)),
            lemmas,
            bigrams,
        )
        self._bias = float(arrays["crisis_bias"][0])

    def score(self, analysis: Analysis) -> Score:
        # The features of `views`, looked up without building them: the known n-grams straight from the text
        # (bot/kernel.py), each feature once, in the order it first occurs (so every sum below adds up in
        # the same order in every process).
        compact, reading, lemmas = _read(analysis.normalized, analysis.tokens)
        chars, readings, words, pairs = self._by_view
        found = chars.ids(compact, CHAR_SIZES)
        found += readings.ids(reading, READING_SIZES)
        found.extend(filter(None, map(words.get, dict.fromkeys(lemmas))))
        found.extend(filter(None, map(pairs.get, dict.fromkeys(f"{a}|{b}" for a, b in pairwise(lemmas)))))
        if not found:
            return Score(0.0, self.kinds[0])
        index = np.fromiter(found, dtype=np.intp, count=len(found)) - 1
        norm = math.sqrt(float(self._idf2[index].sum()))
        logit = self._bias + float(self._crisis[index].sum()) / norm
        crisis = 1.0 / (1.0 + math.exp(-logit))

        def kind() -> str:  # (features, kinds) weights times idf, for the message's features only
            rows = self._kind_row[index]
            weighted = self._kind_weighted[rows[rows >= 0]]
            logits = self._arrays["kind_bias"] + weighted.sum(axis=0, dtype=np.float64) / norm
            return self.kinds[int(logits.argmax())]

        return Score(crisis, kind)

    # ---------------------------------------------------------------- training and the on-disk cache

    @classmethod
    def train(cls, samples: Sequence[tuple[set[str], str]], c: float = REGULARISATION_C) -> CrisisModel:
        """Fit both models with scikit-learn, which is needed only here."""
        from scipy.sparse import csr_matrix
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        frequency = Counter(f for feats, _ in samples for f in feats)
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for row, (feats, _) in enumerate(samples):
            for f in sorted(feats):
                if frequency[f] >= MIN_FREQUENCY:
                    rows.append(row)
                    cols.append(vocabulary.setdefault(f, len(vocabulary)))
        counts = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(samples), len(vocabulary)))
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        matrix = tfidf.transform(counts)
        labels = np.array([label for _, label in samples])
        is_crisis = labels != NOT_CRISIS
        # Unweighted classes: weighting crisis up ("balanced") bought 2 points of recall for twice the
        # false alarms on ordinary questions, in cross-validation by author.
        binary = LogisticRegression(C=c, solver="liblinear", random_state=TRAINING_SEED).fit(matrix, is_crisis)
        # Which kind: a linear SVM, the most accurate and fastest of the linear models tried (5-fold
        # accuracy 0.84 against 0.79 for multinomial logistic regression, in a fifth of a second).
        by_kind = LinearSVC(C=KIND_C, random_state=TRAINING_SEED).fit(matrix[is_crisis], labels[is_crisis])
        arrays = {
            "idf": np.asarray(tfidf.idf_, dtype=np.float64),
            "crisis_weights": np.asarray(binary.coef_[0], dtype=np.float64),
            "crisis_bias": np.asarray(binary.intercept_, dtype=np.float64),
            "kind_weights": np.asarray(by_kind.coef_.T, dtype=np.float64),
            "kind_bias": np.asarray(by_kind.intercept_, dtype=np.float64),
        }
        return cls([str(k) for k in by_kind.classes_], vocabulary, arrays)

    def save(self, path: Path) -> None:
        """Write atomically: a half-written cache must never be read by another process."""
        buffer = io.BytesIO()
        vocabulary = [""] * len(self._arrays["idf"])
        chars, readings, lemmas, bigrams = self._by_view
        listed = (chars.items(), readings.items(), lemmas.items(), bigrams.items())
        for view, items in zip(VIEWS, listed, strict=True):
            for bare, number in items:
                vocabulary[number - 1] = f"{view}:{bare}"
        meta = json.dumps({"kinds": self.kinds, "vocabulary": vocabulary}, ensure_ascii=False)
        np.savez(buffer, meta=np.array(meta), **self._arrays)  # type: ignore[arg-type]
        write_atomically(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> CrisisModel:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            arrays = {name: stored[name] for name in stored.files if name != "meta"}
        vocabulary = {f: i for i, f in enumerate(meta["vocabulary"])}
        return cls(meta["kinds"], vocabulary, arrays)


def training_key(samples: Sequence[tuple[str, str]]) -> str:
    """A digest of everything a trained model depends on: the data, the features, the settings."""
    settings = f"v{FEATURE_VERSION} C{REGULARISATION_C} K{KIND_C} F{MIN_FREQUENCY} s{TRAINING_SEED}"
    settings += f" {_library_version()}"
    digest = hashlib.sha256(settings.encode())
    for text, label in samples:
        digest.update(f"\x1e{label}\x1f{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def _library_version() -> str:
    return package_version("scikit-learn") or "none"
