"""The per-message inner loops (bot/kernel.py): the compiled ones and numpy's or Python's give the same
results, to the bit, on every eval message; the compiled ones refuse arrays that do not fit together;
and an install with a C compiler builds them."""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from bot import kernel
from bot.config import PROJECT_ROOT
from bot.core.assistant import Assistant
from bot.core.crisis.model import CHAR_SIZES, READING_SIZES, _read
from bot.kernel import ExampleSums, GramTable, class_sums, content_grams
from bot.language.text import analyzer
from bot.matching.tfidf import TfidfMatcher
from bot.review.evaluation import load_cases

needs_compiled = pytest.mark.skipif(kernel.compiled is None, reason="the C kernel was not built (no compiler)")
# A test run once with the compiled kernel (skipped without it) and once with numpy or Python.
both_kernels = pytest.mark.parametrize("use_compiled", [pytest.param(True, marks=needs_compiled), False])


def _messages() -> list[str]:
    texts = [case.q for path in sorted((PROJECT_ROOT / "eval").glob("*.yaml")) for case in load_cases(path)]
    return [*texts, "", "😀", "zzzz", "介護", "ﾊﾊﾉ ｶｲｺﾞ", "kaigo no soudan"]


def _matcher(assistant: Assistant) -> TfidfMatcher:
    assert isinstance(assistant.matcher, TfidfMatcher)
    return assistant.matcher


def test_a_compiler_at_install_builds_the_kernel() -> None:
    """Where this Python can compile extensions, `pip install` built the kernel: without it every message
    would quietly take the slower path."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip("no C compiler here")
    assert kernel.compiled is not None and kernel.compiled.__file__ is not None
    assert Path(kernel.compiled.__file__).parent == Path(kernel.__file__).parent


@needs_compiled
def test_both_kernels_give_the_same_bits_on_every_eval_message(assistant: Assistant) -> None:
    matcher = _matcher(assistant)
    sums, classifier = matcher._sums, matcher._classifier
    numpy_sums = ExampleSums(sums._target, sums._weight, sums._n_docs, sums._group_start, use_compiled=False)
    checked = 0
    for text in _messages():
        query = matcher._query(text)
        if query is None:
            continue
        compiled = sums(query.weights, query.spans[0], query.spans[1])
        plain = numpy_sums(query.weights, query.spans[0], query.spans[1])
        for got, expected in zip(compiled, plain, strict=True):
            assert got.tobytes() == expected.tobytes(), text
        scale = (query.group / np.sqrt(np.sum(query.group**2))).astype(np.float32)
        args = (scale, query.spans[2], query.spans[3], classifier.weights, classifier.targets, len(classifier.classes))
        assert class_sums(*args).tobytes() == class_sums(*args, use_compiled=False).tobytes(), text
        checked += 1
    assert checked > 2000


@needs_compiled
def test_rankings_are_the_same_without_the_compiled_kernel(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    matcher = _matcher(assistant)
    texts = _messages()[::7]
    compiled = [matcher.rank(t) for t in texts]
    monkeypatch.setattr(kernel, "compiled", None)
    assert [matcher.rank(t) for t in texts] == compiled  # same topics, same floats, same order


@both_kernels
def test_each_kernel_takes_each_topics_best_example_once(use_compiled: bool) -> None:
    # Topic 0: examples 0-2 (two share the best score); topic 1: example 3 alone; then two centroids.
    sums = ExampleSums(
        np.array([0, 1, 2, 3, 4, 5], dtype=np.int32),
        np.array([0.5, 0.25, 0.5, 0.375, 0.75, 0.125]),  # exact in single precision
        4,
        np.array([0, 3], dtype=np.int64),
        use_compiled=use_compiled,
    )
    first, second, centroid = sums(np.array([2.0]), np.array([0]), np.array([6]))
    assert first.tolist() == [1.0, 0.75]
    assert second.tolist() == [1.0, 0.0]  # a tie counts twice; a lone example has no second
    assert centroid.tolist() == [1.5, 0.25]


@both_kernels
def test_both_kernels_agree_on_scores_of_any_sign(use_compiled: bool) -> None:
    """Scores are never negative in the matcher, but the two must still agree if one were."""
    sums = ExampleSums(
        np.array([0, 1, 2, 3, 4], dtype=np.int32), np.array([-2.0, -1.0, 3.0, -1.0, 0.5]), 4,
        np.array([0, 2], dtype=np.int64), use_compiled=use_compiled,
    )
    first, second, centroid = sums(np.array([1.0]), np.array([0]), np.array([5]))
    assert (first.tolist(), second.tolist(), centroid.tolist()) == ([-1.0, 3.0], [0.0, 0.0], [0.5, 0.0])


@needs_compiled
def test_the_compiled_kernel_refuses_what_does_not_fit() -> None:
    assert kernel.compiled is not None
    run = kernel.compiled.example_scores
    ok = dict(
        w=np.array([1.0]), st=np.array([0], dtype=np.int64), ln=np.array([2], dtype=np.int64),
        tg=np.array([0, 1], dtype=np.int32), pw=np.array([0.5, 0.5], dtype=np.float32),
        gs=np.array([0], dtype=np.int64),
    )

    def call(**changed: np.ndarray) -> None:
        a = {**ok, **changed}
        run(a["w"], a["st"], a["ln"], a["tg"], a["pw"], 1, a["gs"], np.empty(2), np.empty(1), np.empty(1))

    call()
    with pytest.raises(ValueError, match="outside"):
        call(tg=np.array([0, 7], dtype=np.int32))  # a target past the scores
    with pytest.raises(ValueError, match="outside"):
        call(ln=np.array([3], dtype=np.int64))  # a run past the postings
    with pytest.raises(ValueError, match="agree"):
        call(pw=np.array([0.5], dtype=np.float32))  # fewer weights than targets
    with pytest.raises(TypeError, match="bytes"):
        call(tg=np.array([0, 1], dtype=np.int64))  # targets of the wrong width
    with pytest.raises(TypeError, match="bytes"):
        call(pw=np.array([0.5, 0.5]))  # posting weights in double, not single, precision
    with pytest.raises(ValueError, match="outside"):
        kernel.compiled.class_sums(
            np.array([1.0], dtype=np.float32), np.array([0], dtype=np.int64), np.array([1], dtype=np.int64),
            np.array([1.0], dtype=np.float32), np.array([5], dtype=np.int16), np.empty(2),
        )


@needs_compiled
def test_both_find_the_same_crisis_grams_on_every_eval_message(assistant: Assistant) -> None:
    """The compiled table lookup and a dict of the same entries find the same values, in the same order."""
    assert assistant.crisis is not None
    chars, readings, _, _ = assistant.crisis.model._by_view
    found = 0
    for text in _messages():
        analysis = assistant.crisis._analyzer.analyse(text)
        compact, reading, _ = _read(analysis.normalized, analysis.tokens)
        for string, sizes, table in ((compact, CHAR_SIZES, chars), (reading, READING_SIZES, readings)):
            compiled = table.ids(string, sizes)
            assert compiled == table.ids(string, sizes, use_compiled=False), text
            found += len(compiled)
    assert found > 100_000


@both_kernels
def test_a_gram_table_gives_each_known_value_once_in_the_order_first_seen(use_compiled: bool) -> None:
    table = GramTable({"し": 1, "しに": 2, "にた": 3, "たい": 4, "に": 5, "😀": 6, "\x00": 7, "あいうえ": 8}, width=4)
    assert table.ids("しにたいしに", (2, 1), use_compiled) == [2, 3, 4, 1, 5]
    assert table.ids("😀😀", (1, 2, 3), use_compiled) == [6]  # a character beyond the BMP is one
    assert table.ids("\x00あいうえ", (1, 4), use_compiled) == [7, 8]  # a NUL is a character like any other
    assert table.ids("あいう", (1, 2, 3), use_compiled) == []  # a key's first characters are not the key
    assert table.ids("", (1, 2), use_compiled) == []
    assert table.ids("しに", (), use_compiled) == []


def test_a_gram_table_holds_exactly_its_entries() -> None:
    pairs = [a + b for a in "あいうえおかきくけこ" for b in "さしすせそ"]
    entries = {pair: number for number, pair in enumerate(pairs, start=1)}
    table = GramTable(entries, width=2)
    assert len(table) == len(entries) and table.as_dict() == entries and dict(table.items()) == entries
    assert table == GramTable(dict(entries), width=2) and table != GramTable({"あ": 1}, width=2)
    assert len(table._info) >= len(entries) / GramTable.MAX_LOAD  # room left: every probe ends at an empty slot
    for bad in ({"": 1}, {"あいう": 1}, {"あ": 0}, {"あ": 1 << 24}):
        with pytest.raises(ValueError):
            GramTable(bad, width=2)


def test_a_gram_table_survives_the_disk_cache_without_its_dict() -> None:
    import pickle

    table = GramTable({"しに": 2, "たい": 3}, width=2)
    table.ids("しにたい", (2,), use_compiled=False)  # builds its dict
    copy = pickle.loads(pickle.dumps(table))
    assert copy._lookup is None and copy == table and copy.ids("しにたい", (2,)) == [2, 3]


@needs_compiled
def test_the_compiled_table_lookup_refuses_what_is_not_a_table() -> None:
    assert kernel.compiled is not None
    table = GramTable({"しに": 2}, width=2)
    run = kernel.compiled.table_ids
    with pytest.raises(ValueError, match="width"):
        run("しに", (3,), table._keys, table._info, 2)  # a gram wider than the table
    with pytest.raises(ValueError, match="width"):
        run("しに", (0,), table._keys, table._info, 2)
    with pytest.raises(ValueError, match="table"):
        run("しに", (2,), table._keys, table._info[:-1], 2)  # not a power of two
    with pytest.raises(TypeError, match="bytes"):
        run("しに", (2,), table._keys.astype(np.uint64), table._info, 2)
    with pytest.raises(TypeError):
        run("しに", [2], table._keys, table._info, 2)  # sizes come as a tuple


@both_kernels
def test_a_gram_table_gives_the_values_of_the_grams_it_holds(use_compiled: bool) -> None:
    table = GramTable({"かい": 3, "いご": 5, "😀x": 7}, width=2)
    grams = ["いご", "ない", "かい", "", "かいご", "😀x", "いご"]
    assert table.values_of(grams, use_compiled) == [5, 3, 7, 5]  # in the list's order, unknown ones left out
    assert table.values_of([], use_compiled) == []


@needs_compiled
def test_both_find_the_same_matcher_grams_on_every_eval_message(assistant: Assistant) -> None:
    matcher = assistant.matcher
    assert isinstance(matcher, TfidfMatcher)
    found = 0
    for text in _messages()[::2]:
        _, readings, characters = matcher._extractor.extract_parts(text)
        for table, grams in ((matcher._reading_grams, list(readings)), (matcher._character_grams, list(characters))):
            compiled = table.values_of(grams)
            assert compiled == table.values_of(grams, use_compiled=False), text
            found += len(compiled)
    assert found > 30_000


@needs_compiled
def test_both_find_the_same_content_grams_on_every_eval_message() -> None:
    found = 0
    for text in _messages():
        tokens = analyzer().analyse(text).tokens
        for pieces, size, japanese in (
            ([(t.reading, t.is_content) for t in tokens], 3, False),
            ([(t.surface, t.is_content) for t in tokens], 2, True),
        ):
            for keep_all in (False, True):
                compiled = content_grams(pieces, size, keep_all, japanese)
                assert compiled == content_grams(pieces, size, keep_all, japanese, use_compiled=False), text
                found += len(compiled)
    assert found > 100_000


@both_kernels
def test_content_grams_touch_a_content_piece(use_compiled: bool) -> None:
    pieces = [("の", False), ("介護", True), ("は", False), ("どこ", False), ("ab", True)]
    assert content_grams(pieces, 2, False, use_compiled=use_compiled) == {"の介", "介護", "護は", "こa", "ab"}
    assert content_grams(pieces, 2, False, japanese_only=True, use_compiled=use_compiled) == {"の介", "介護", "護は"}
    assert content_grams(pieces, 3, True, use_compiled=use_compiled) == {
        "の介護", "介護は", "護はど", "はどこ", "どこa", "こab"
    }
    assert content_grams([], 2, False, use_compiled=use_compiled) == set()
    assert content_grams([("介", True)], 2, True, use_compiled=use_compiled) == set()


@needs_compiled
def test_the_compiled_content_grams_refuse_what_is_not_pieces() -> None:
    with pytest.raises(TypeError, match="pieces"):
        content_grams([("介護", True, 1)], 2, False)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="pieces"):
        content_grams([(1, True)], 2, False)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="positive"):
        content_grams([("介護", True)], 0, False)
