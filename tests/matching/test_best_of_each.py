"""Scoring many texts at once (TfidfMatcher.best_of_each, used for the pieces of a story) gives each
text exactly the first candidate `rank` gives it alone, to the bit."""

from __future__ import annotations

import numpy as np

from bot.core.assistant import Assistant
from bot.core.situations import _pieces
from bot.data.bundle import AssistantData
from bot.matching.decision import Candidate
from bot.matching.tfidf import TfidfMatcher

STORIES = [
    "母の物忘れがひどくなって介護が大変なうえに、カードの借金も返せなくて、中学生の息子は学校に行っていません",
    "兄は精神の病気で通院していて、母は要介護2で家にいます。私はアルバイトを掛け持ちしていて、家賃も滞納しそうです。",
    "ﾊﾊﾉ ｶｲｺﾞﾃﾞ ｼｺﾞﾄｦ ﾔﾒﾙｶ ﾏﾖｯﾃﾏｽ",
    "kaigo no soudan shitai",
]
ODD = ["", "😀", "zzzz qqqq", "。。。", "家賃が払えない", "家賃が払えない"]


def _matcher(assistant: Assistant) -> TfidfMatcher:
    assert isinstance(assistant.matcher, TfidfMatcher)
    return assistant.matcher


def _alone(matcher: TfidfMatcher, text: str) -> Candidate | None:
    ranked = matcher.rank(text)
    return ranked[0] if ranked else None


def test_each_text_gets_what_rank_gives_it_alone(assistant: Assistant) -> None:
    matcher = _matcher(assistant)
    texts = [piece for story in STORIES for piece in [story, *_pieces(story)]] + ODD
    together = matcher.best_of_each(texts)
    assert len(together) == len(texts)
    for text, got in zip(texts, together, strict=True):
        assert got == _alone(matcher, text), text  # same topic, same float
    assert together[texts.index("")] is None and together[texts.index("😀")] is None


def test_a_text_scores_the_same_whatever_its_neighbours(assistant: Assistant) -> None:
    matcher = _matcher(assistant)
    text = "介護も借金もあって"
    alone = matcher.best_of_each([text])
    for neighbours in (["", text, "😀"], [STORIES[0], text, STORIES[1]], [text] * 3):
        got = matcher.best_of_each(neighbours)
        assert got[neighbours.index(text)] == alone[0]
    assert matcher.best_of_each([]) == []


def test_equal_scores_go_to_the_topic_rank_puts_first() -> None:
    from bot.language.synonyms import SynonymRewriter
    from bot.language.text import analyzer

    # The same example under two topics, nearest examples only: an exact tie, which rank breaks by name.
    pairs = [("b_topic", "介護の相談"), ("a_topic", "介護の相談"), ("c_topic", "天気の話")]
    matcher = TfidfMatcher(pairs, analyzer(), SynonymRewriter([]), use_cache=False, blend_share=0.0)
    ranked = matcher.rank("介護の相談")
    assert ranked[0].score == ranked[1].score and ranked[0].topic == "a_topic"
    assert matcher.best_of_each(["介護の相談"]) == [ranked[0]]


def test_each_feature_lists_its_examples_then_its_centroids_in_the_index_order(
    assistant: Assistant, project_data: AssistantData
) -> None:
    """The scoring reads one merged list per feature: its examples (numbered in topic order) in the
    index's order, then its topic centroids (numbered after every example) in the index's order, so
    every sum adds up in the order of the index."""
    from bot.language.synonyms import SynonymRewriter
    from bot.matching.tfidf import cached_index, training_pairs

    matcher = _matcher(assistant)
    intents = project_data.intents
    pairs = training_pairs(project_data.knowledge, intents)
    index = cached_index(pairs, matcher._extractor, SynonymRewriter(intents.synonyms))  # the one it was built from
    n_docs = len(index.doc_topic)
    place = {int(doc): at for at, doc in enumerate(sorted(range(n_docs), key=lambda d: int(index.doc_topic[d])))}
    sums = matcher._sums
    starts, counts, targets, weights = matcher._row_spans[:, 0], matcher._row_spans[:, 1], sums._target, sums._weight
    for feature in [0, 1, len(index.features) // 2, len(index.features) - 1, *range(0, len(index.features), 997)]:
        docs = slice(index.post_start[feature], index.post_start[feature + 1])
        centroids = slice(index.centroid_start[feature], index.centroid_start[feature + 1])
        examples = zip(index.post_doc[docs], index.post_weight[docs], strict=True)
        # The weights are kept in single precision (bot/kernel.py).
        expected = [(place[int(d)], float(np.float32(w))) for d, w in examples]
        expected += [
            (n_docs + int(t), float(np.float32(w)))
            for t, w in zip(index.centroid_topic[centroids], index.centroid_weight[centroids], strict=True)
        ]
        got = slice(starts[feature], starts[feature] + counts[feature])
        assert list(zip(targets[got].tolist(), weights[got].tolist(), strict=True)) == expected, feature
