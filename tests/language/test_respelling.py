"""A message in kana only is spelled back into the examples' words (bot/language/respelling.py)."""

from bot.core.assistant import Assistant
from bot.language.features import FeatureExtractor
from bot.language.respelling import Respeller
from bot.language.synonyms import SynonymRewriter
from bot.language.text import analyzer
from bot.matching.tfidf import build_index


def test_the_longest_known_word_is_taken_from_the_left() -> None:
    respeller = Respeller({"カイゴ": "介護", "カイゴホケン": "介護保険", "ホケン": "保険", "シンセイ": "申請"})
    assert respeller.words_in("ハハノカイゴホケンノシンセイ") == ["介護保険", "申請"]
    assert respeller.words_in("カイゴ") == ["介護"]
    assert respeller.words_in("") == []


def test_learning_keeps_the_word_written_most_often_and_leaves_readings_of_other_words() -> None:
    pairs = [
        ("トクヨウ", "特養"),
        ("コウエン", "公園"),
        ("コウエン", "講演"),
        ("コウエン", "講演"),
        ("ワタシ", "渡し"),
        ("ワタシ", None),  # 私: not a word to spell
        ("ワタシ", None),
        ("ハハ", "母"),  # too short to be found safely inside other words
    ]
    assert Respeller.learn(pairs).spellings == {"トクヨウ": "特養", "コウエン": "講演"}


def test_a_tie_goes_to_the_first_word_in_order() -> None:
    assert Respeller.learn([("シカク", "資格"), ("シカク", "死角")]).spellings == {"シカク": "死角"}


def test_the_index_learns_the_examples_words_with_their_readings() -> None:
    extractor = FeatureExtractor(analyzer(), SynonymRewriter([]))
    index = build_index(
        [("nursing_home", "特養の食費が高い"), ("nursing_home", "特養の申し込み"), ("other", "私の話を聞いて")],
        extractor,
    )
    assert index.spellings["トクヨ"] == "特養" and index.spellings["シヨクヒ"] == "食費"
    assert "ワタシ" not in index.spellings  # 私 is a stop word, not spelled


def test_only_a_message_without_kanji_is_respelled() -> None:
    extractor = FeatureExtractor(analyzer(), SynonymRewriter([]))
    respeller = Respeller({"トクヨ": "特養", "シヨクヒ": "食費"})  # readings as folded (トクヨウ → トクヨ)
    words, _, _ = extractor.extract_parts("ﾄｸﾖｳﾉ ｼｮｸﾋｶﾞ ﾀｶｲ", respeller)
    assert {"w:特養", "w:食費"} <= words
    assert {"w:特養", "w:食費"} <= extractor.extract_parts("とくようの しょくひが たかい", respeller)[0]
    mixed, _, _ = extractor.extract_parts("母の とくようの しょくひ", respeller)
    assert "w:食費" not in mixed and "w:特養" not in mixed
    assert "w:特養" not in extractor.extract_parts("ﾄｸﾖｳﾉ ｼｮｸﾋｶﾞ ﾀｶｲ")[0]  # no respeller, no respelling


def test_a_half_width_question_is_no_longer_declined(assistant: Assistant) -> None:
    """Half-width, about a care home's food costs: with no kanji only the readings matched and it was
    declined (0.14); spelled back (特養, 食費, 負担) it is offered the card on those costs."""
    reply = assistant.reply("ﾊﾊｶﾞ ﾄｸﾖｳﾆ ﾊｲｯﾃｲﾏｽ ｼｮｸﾋﾉ ﾌﾀﾝｦ ﾍﾗｼﾀｲ")
    assert reply.status in ("answer", "clarify") and reply.score > 0.3
    assert "kaigo_hoken_kyufu" in (reply.topic, *(topic for topic, _ in reply.alternatives))
