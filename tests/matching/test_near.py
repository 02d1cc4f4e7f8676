"""Known words one edit away (bot/matching/near.py): the word rapidfuzz's extractOne would pick from the
whole vocabulary, found through the keys of the word's length band."""

from __future__ import annotations

import pytest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.core.assistant import Assistant
from bot.matching.near import KEY_WIDTHS, NearWords
from bot.matching.tfidf import TfidfMatcher


def _extract_one(word: str, vocabulary: list[str]) -> str | None:
    found = process.extractOne(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=1)
    return found[0] if found else None


def test_a_misspelt_word_is_corrected_to_the_word_extract_one_finds(assistant: Assistant) -> None:
    matcher = assistant.matcher
    assert isinstance(matcher, TfidfMatcher)
    near = matcher._near
    vocabulary = near._vocabulary
    words = ["介語", "認知賞", "生活保穫", "ヘルバー", "家貸", "虐侍", "保育圓", "後検人", "まったく知らない語"]
    words += [w[:-1] + "ゑ" for w in vocabulary[::97]] + [w[1:] for w in vocabulary[::89] if len(w) > 2]
    words += [w + "ゑ" for w in vocabulary if len(w) in KEY_WIDTHS]  # one past a band's width
    for word in words:
        assert near.find(word) == _extract_one(word, vocabulary), word
    assert near.find("介語") == "介護"


@pytest.mark.parametrize("width", KEY_WIDTHS)
def test_words_across_a_band_edge_still_meet(width: int) -> None:
    """A word of a band's full width and the same word one character longer or shorter: their shared
    key lies in one band or the next, and each is found from the other."""
    word = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"[:width]
    longer, shorter = word + "ん", word[:-1]
    vocabulary = [longer, "介護", shorter + "x" * 30]
    near = NearWords(vocabulary)
    for asked in (word, longer, word[:-1] + "ゑ", word + "ゑ", longer + "ん"):
        assert near.find(asked) == _extract_one(asked, vocabulary), asked
    assert near.find(word) == longer
    assert NearWords([]).find(word) is None
