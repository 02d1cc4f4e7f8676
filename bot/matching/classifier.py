"""A linear topic classifier over the matcher's features, blended into the nearest-example ranking.

Nearest examples find a message that resembles one example; a long story, a child's words or a
foreign resident's simple Japanese rarely resembles any one of them, but its words still lean
towards a topic. A linear SVM learns that lean from all examples at once (scikit-learn's LinearSVC,
trained here in about a second, no model downloaded). Out-of-scope examples are one class like any
topic, so the classifier also learns what to decline.

Scoring needs no scikit-learn: the weights of the features present are summed, one sparse row per
feature, so it adds a few hundred array look-ups to a message.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

import numpy as np
import numpy.typing as npt

from bot.kernel import Counts, class_sums
from bot.language.features import GROUP_WEIGHTS

FloatArray = npt.NDArray[np.float32]

# Chosen on the dev sets (eval/dev.yaml, eval/registers_dev_*.yaml, eval/faq_dev.yaml) with
# scripts/tune_thresholds.py --share; see README "How it works".
SVM_C = 1.0
TRAINING_SEED = 0  # the solver shuffles; a fixed seed makes every build of the same data give the same weights
BLEND = 0.5  # the classifier's share of a topic's score; the rest is the nearest-example score
STEEPNESS = 2.0  # how fast a margin turns into a score in [0, 1]
CANDIDATE_MARGIN = -0.5  # topics the classifier scores above this join the ranking
MIN_WEIGHT = 0.01  # smaller weights are dropped from the stored model


@dataclass(frozen=True)
class TopicClassifier:
    """The SVM's weights, one sparse row per feature (the few classes each feature speaks for)."""

    classes: tuple[str, ...]
    columns: dict[str, int]  # feature → row
    starts: npt.NDArray[np.int32]  # row r's weights are at starts[r]:starts[r + 1]
    targets: npt.NDArray[np.int16]  # the class of each weight
    weights: FloatArray
    intercepts: FloatArray  # (classes,)

    @classmethod
    def train(cls, docs: Sequence[frozenset[str]], labels: Sequence[str], c: float = SVM_C) -> TopicClassifier:
        from scipy.sparse import csr_matrix
        from sklearn.svm import LinearSVC

        if len(set(labels)) < 2:  # nothing to tell apart: the nearest examples decide alone
            return cls((), {}, np.zeros(1, dtype=np.int32), np.zeros(0, dtype=np.int16),
                       np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32))
        columns: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for row, feats in enumerate(docs):
            norm = math.sqrt(sum(GROUP_WEIGHTS[f[0]] ** 2 for f in feats)) or 1.0
            for f in feats:
                rows.append(row)
                cols.append(columns.setdefault(f, len(columns)))
                values.append(GROUP_WEIGHTS[f[0]] / norm)
        matrix = csr_matrix((values, (rows, cols)), shape=(len(docs), len(columns)))
        svm = LinearSVC(C=c, class_weight="balanced", random_state=TRAINING_SEED).fit(matrix, list(labels))
        classes = tuple(str(k) for k in svm.classes_)
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercepts = np.asarray(svm.intercept_, dtype=np.float32)
        if len(classes) == 2:  # LinearSVC keeps one row for two classes: margin of the second
            coef = np.vstack([-coef, coef])
            intercepts = np.concatenate([-intercepts, intercepts])
        # Most weights are near zero; dropping them keeps a sixteenth of the matrix (a few MB, not 25)
        # and moves no margin by more than a rounding error.
        by_feature = csr_matrix(np.where(np.abs(coef.T) >= MIN_WEIGHT, coef.T, 0.0))
        return cls(
            classes,
            columns,
            by_feature.indptr.astype(np.int32),
            by_feature.indices.astype(np.int16),
            by_feature.data.astype(np.float32),
            intercepts,
        )

    def row_margins(self, rows: npt.NDArray[np.intp], values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The margins of a message given as its known features' rows and their group weights (scaled
        here to unit length, as the training rows were)."""
        begin = self.starts[rows].astype(np.int64)
        return self.margins_at(begin, self.starts[rows + 1] - begin, values)

    def margins_at(self, starts: Counts, lengths: Counts, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """`row_margins` with the rows' weights already located: row i's are the run of `lengths[i]` from
        `starts[i]`."""
        listed = values.tolist()
        norm = math.sqrt(sum(map(mul, listed, listed)))  # added in order, as a loop would
        scale = (values / norm).astype(np.float32)  # float32 products, as the model is stored
        counted = class_sums(scale, starts, lengths, self.weights, self.targets, len(self.classes))
        return np.asarray(counted + self.intercepts, dtype=np.float64)


def blend_scores(
    nearest: npt.NDArray[np.float64], margins: npt.NDArray[np.float64], share: float
) -> npt.NDArray[np.float64]:
    """Each topic's score: its nearest-example score and its classifier margin squashed to [0, 1]
    (with math.exp on each value: numpy's exp may differ in the last bit), the share of each."""
    squashed = 1.0 / (1.0 + np.fromiter(map(math.exp, (-STEEPNESS * margins).tolist()), np.float64, len(margins)))
    return np.minimum(1.0, (1 - share) * nearest + share * squashed)


def candidates(touched: npt.NDArray[np.bool_], margins: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """The topics that join a ranking: those with an example sharing a feature with the message, and
    those the classifier scores above CANDIDATE_MARGIN (a topic it knows nothing of has a margin of -1)."""
    return touched | (margins > CANDIDATE_MARGIN)
