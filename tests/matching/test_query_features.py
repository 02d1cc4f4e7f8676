"""A query's features (TfidfMatcher._query): the word-level ones looked up by name, the reading and
character grams in gram tables; together exactly the index's rows of every feature `extract` finds, in
feature order."""

from __future__ import annotations

from bot.core.assistant import Assistant
from bot.data.bundle import AssistantData
from bot.language.synonyms import SynonymRewriter
from bot.matching.tfidf import TfidfMatcher, cached_index, training_pairs
from tests.test_kernel import _messages


def test_a_query_reads_the_row_of_every_feature_extract_finds(
    assistant: Assistant, project_data: AssistantData
) -> None:
    matcher = assistant.matcher
    assert isinstance(matcher, TfidfMatcher)
    intents = project_data.intents
    pairs = training_pairs(project_data.knowledge, intents)
    features = cached_index(pairs, matcher._extractor, SynonymRewriter(intents.synonyms)).features
    checked = 0
    for text in _messages()[::3]:
        # With the words a message without kanji spells (bot/language/respelling.py).
        words, readings, characters = matcher._extractor.extract_parts(text, matcher._respeller)
        feats = words | {"g:" + g for g in readings} | {"c:" + c for c in characters}
        words = {f for f in feats if f[0] not in "gc"}
        feats |= set(matcher._corrections(words, [features.get(f) for f in words]).values())
        expected = sorted(features[f] for f in feats if f in features)
        query = matcher._query(text)
        assert (query.rows.tolist() if query is not None else []) == expected, text
        checked += bool(expected)
    assert checked > 700


def test_extract_is_its_parts_with_their_prefixes(assistant: Assistant) -> None:
    matcher = assistant.matcher
    assert isinstance(matcher, TfidfMatcher)
    for text in ["母が認知症かもしれない", "ﾊﾊﾉ ｶｲｺﾞ", "kaigo no soudan", "だれに そうだん したら いい？", ""]:
        words, readings, characters = matcher._extractor.extract_parts(text)
        assert all(f[:2] in ("w:", "s:", "r:") for f in words)
        assert all(len(g) == 3 for g in readings) and all(len(c) == 2 for c in characters)
        prefixed = words | {"g:" + g for g in readings} | {"c:" + c for c in characters}
        assert matcher._extractor.extract(text) == prefixed
