"""Training the crisis model, and its file on disk (bot/core/crisis/model.py): the same samples give the same
weights; the weights are those of the documented models; a saved model reads back the same."""

from __future__ import annotations

import random
from collections import Counter
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from bot.core.crisis import model as crisis_model
from bot.core.crisis.model import (
    KIND_C,
    MIN_FREQUENCY,
    REGULARISATION_C,
    TRAINING_SEED,
    VIEWS,
    CrisisModel,
    training_key,
)
from bot.data.crisis_intents import NOT_CRISIS

KINDS = ("suicide", "dv", "medical", NOT_CRISIS)


def vocabulary_of(model: CrisisModel) -> dict[str, int]:
    """The model's training vocabulary (feature → index), read back from its per-view tables, which hold
    each bare feature with its index counted from 1."""
    chars, readings, lemmas, bigrams = model._by_view
    listed = (chars.items(), readings.items(), lemmas.items(), bigrams.items())
    return {f"{view}:{bare}": at - 1 for view, items in zip(VIEWS, listed, strict=True) for bare, at in items}


def noisy_samples(seed: int = 4, count: int = 300) -> list[tuple[set[str], str]]:
    """More features than samples (as in the corpus, so the dual solvers run) and noisy labels: the solvers
    stop at a tolerance, where the order they visit the samples in shows. Every view is used."""
    rng = random.Random(seed)
    return [({f"{v}:{rng.randrange(900)}" for v in VIEWS for _ in range(6)}, rng.choice(KINDS)) for _ in range(count)]


def test_training_twice_on_the_same_samples_gives_the_same_model() -> None:
    """The solvers shuffle: unseeded, two starts over the same data could disagree near a threshold."""
    samples = noisy_samples()
    first, second = CrisisModel.train(samples), CrisisModel.train(samples)
    for name in ("crisis_weights", "crisis_bias", "kind_weights", "kind_bias"):
        assert np.array_equal(first._arrays[name], second._arrays[name]), name


def test_training_gives_the_documented_models() -> None:
    """Features seen at least MIN_FREQUENCY times, numbered in the order first met (each sample's features
    sorted); sublinear tf-idf; a seeded liblinear logistic regression (C=REGULARISATION_C) over crisis
    against the rest; a seeded linear SVM (C=KIND_C) over the crisis samples alone for the kind."""
    samples = noisy_samples(seed=7, count=200)
    frequency = Counter(f for feats, _ in samples for f in feats)
    assert min(frequency.values()) < MIN_FREQUENCY <= max(frequency.values())  # some are dropped, some kept
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, (feats, _) in enumerate(samples):
        for f in sorted(feats):
            if frequency[f] >= MIN_FREQUENCY:
                rows.append(row)
                cols.append(vocabulary.setdefault(f, len(vocabulary)))
    counts = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(samples), len(vocabulary)))
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    matrix = tfidf.transform(counts)
    labels = np.array([label for _, label in samples])
    crisis = labels != NOT_CRISIS
    binary = LogisticRegression(C=REGULARISATION_C, solver="liblinear", random_state=TRAINING_SEED)
    binary.fit(matrix, crisis)
    by_kind = LinearSVC(C=KIND_C, random_state=TRAINING_SEED).fit(matrix[crisis], labels[crisis])

    model = CrisisModel.train(samples)
    assert model.kinds == ("dv", "medical", "suicide")  # the SVM's classes, sorted; not the ordinary label
    assert vocabulary_of(model) == vocabulary
    expected = {
        "idf": tfidf.idf_,
        "crisis_weights": binary.coef_[0],
        "crisis_bias": binary.intercept_,
        "kind_weights": by_kind.coef_.T.astype(np.float32),  # kept in single precision
        "kind_bias": by_kind.intercept_,
    }
    assert sorted(model._arrays) == sorted(expected)
    for name, array in expected.items():
        assert model._arrays[name].dtype == array.dtype, name
        assert np.array_equal(model._arrays[name], array), name
    assert model._bias == float(binary.intercept_[0])
    assert np.array_equal(model._crisis, binary.coef_[0] * tfidf.idf_)
    assert np.array_equal(model._idf2, tfidf.idf_**2)


def test_a_saved_model_reads_back_the_same(tmp_path: Path) -> None:
    colon = ({"c::", "l:10:30"}, "dv")  # a feature may hold the separator itself (a gram of 「:」, a time)
    model = CrisisModel.train([*noisy_samples(seed=9, count=120), colon, colon])
    assert model._by_view[0].as_dict()[":"] and model._by_view[2]["10:30"]
    path = tmp_path / "cache" / "crisis-test.npz"
    model.save(path)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # written whole, no scratch file left
    loaded = CrisisModel.load(path)
    assert loaded.kinds == model.kinds and isinstance(loaded.kinds, tuple)
    assert loaded._by_view == model._by_view
    assert sorted(loaded._arrays) == sorted(model._arrays)
    for name, array in model._arrays.items():
        assert np.array_equal(loaded._arrays[name], array), name
    assert loaded._bias == model._bias
    assert np.array_equal(loaded._crisis, model._crisis) and np.array_equal(loaded._idf2, model._idf2)


def test_a_cache_file_holding_a_pickle_is_refused(tmp_path: Path) -> None:
    """A model file is only ever read as plain arrays: one that would need unpickling (which can run code)
    is refused, so the detector trains a fresh model instead."""
    model = CrisisModel.train(noisy_samples(seed=9, count=120))
    path = tmp_path / "crisis-test.npz"
    model.save(path)
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["meta"] = np.array([{"kinds": list(model.kinds)}], dtype=object)  # pickled by savez
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="pickle"):
        CrisisModel.load(path)


def test_the_training_key_changes_with_every_setting_the_model_depends_on(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = [("もう死にたい", "suicide"), ("介護保険の申請", NOT_CRISIS)]
    key = training_key(samples)
    assert len(key) == 24 and key == training_key(list(samples))
    for changed in (
        [("もう死にたい", "dv"), samples[1]],  # a label
        [("もう死にたくない", "suicide"), samples[1]],  # a text
        samples[:1],  # a sample fewer
    ):
        assert training_key(changed) != key, changed
    assert training_key([("x", "suicide")]) != training_key([("ex", "suicid")])  # label and text kept apart
    # YAML's "\ud800" escape gives a lone surrogate, which plain UTF-8 cannot encode: keyed all the same.
    assert training_key([("\ud800死にたい", "suicide")]) != training_key([("\ud801死にたい", "suicide")])
    for name, value in (("FEATURE_VERSION", 99), ("REGULARISATION_C", 1.0), ("KIND_C", 2.0),
                        ("MIN_FREQUENCY", 3), ("TRAINING_SEED", 1)):
        with monkeypatch.context() as patch:
            patch.setattr(crisis_model, name, value)
            assert training_key(samples) != key, name
    with monkeypatch.context() as patch:
        patch.setattr(crisis_model, "_library_version", lambda: "0.0")
        assert training_key(samples) != key


def test_the_library_version_is_scikit_learns_or_none(monkeypatch: pytest.MonkeyPatch) -> None:
    import sklearn

    assert crisis_model._library_version() == sklearn.__version__

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)  # the module is imported where it is used
    assert crisis_model._library_version() == "none"


def test_a_last_sample_with_no_kept_feature_still_trains() -> None:
    """A sample whose features are all too rare has an empty row: the count matrix still has a row for it."""
    samples = [*noisy_samples(seed=11, count=100), ({"c:seen-once"}, NOT_CRISIS)]
    model = CrisisModel.train(samples)
    assert "seen-once" not in model._by_view[0].as_dict()


def test_the_kind_model_uses_its_own_regularisation(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = noisy_samples(seed=5, count=150)
    default = CrisisModel.train(samples)
    monkeypatch.setattr(crisis_model, "KIND_C", KIND_C / 100)
    assert not np.array_equal(CrisisModel.train(samples)._arrays["kind_weights"], default._arrays["kind_weights"])


def test_a_feature_without_kind_weights_adds_nothing_to_the_kind() -> None:
    """Only features with some kind weight keep a row of kind weights (bot/core/crisis/model.py); a message's
    other features are left out of the sum, not read from another feature's row."""
    from bot.language.text import analyzer

    analysis = analyzer().analyse("母が倒れた")
    lemmas = [t.lemma for t in analysis.tokens if t.pos not in ("補助記号", "空白")]
    # The message's first word has no kind weights, its second says "medical"; a word it lacks says "dv".
    vocabulary = {f"l:{lemmas[0]}": 0, f"l:{lemmas[1]}": 1, "l:関係のない語": 2}
    arrays = {
        "idf": np.ones(3), "crisis_weights": np.ones(3), "crisis_bias": np.zeros(1),
        "kind_weights": np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 0.0]]), "kind_bias": np.zeros(2),
    }
    model = CrisisModel(["dv", "medical"], vocabulary, arrays)
    assert model.score(analysis).kind == "medical"
