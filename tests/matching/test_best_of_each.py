"""Scoring many texts at once (TfidfMatcher.best_of_each, used for the pieces of a story) gives each
text exactly the first candidate `rank` gives it alone, to the bit."""

from __future__ import annotations

from bot.core.assistant import Assistant
from bot.core.situations import _pieces
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
