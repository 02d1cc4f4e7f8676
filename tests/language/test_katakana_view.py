"""A message in katakana only is read as words through its hiragana copy (bot/language/features.py)."""

import pytest

from bot.language.features import FeatureExtractor
from bot.language.synonyms import SynonymRewriter
from bot.language.text import analyzer, normalize, typed_as_sounds


def test_a_katakana_message_is_read_as_words() -> None:
    """ｼﾞﾄﾞｳﾃｱﾃ is one unknown word to Sudachi; its hiragana copy is じどう・てあて, which finds 児童手当."""
    extractor = FeatureExtractor(analyzer(), SynonymRewriter([]))
    feats = extractor.extract("ｼﾞﾄﾞｳﾃｱﾃ ﾏﾀﾞ ﾌﾘｺﾏﾚﾃﾅｲ")
    assert "r:テアテ" in feats and "r:ジド" in feats
    assert {"g:ジドテ", "g:テアテ", "g:フリコ"} <= feats & extractor.extract("児童手当がまだ振り込まれていない")


def test_half_width_katakana_among_kanji_is_read_as_sound() -> None:
    """Half-width katakana is typed as sound even next to kanji: ﾊﾊﾉ ｶｲｺﾞﾃﾞ is read as はは の かいご で."""
    extractor = FeatureExtractor(analyzer(), SynonymRewriter([]))
    shared = extractor.extract("ﾊﾊﾉ ｶｲｺﾞﾃﾞ 仕事ｦ ﾔﾒﾙｶ ﾏﾖｯﾃﾏｽ") & extractor.extract("母の介護で仕事を辞めるか迷っています")
    assert {"g:カイゴ", "g:ハハノ", "r:ヤメル"} <= shared


def test_a_romaji_message_is_read_as_the_kana_it_spells() -> None:
    extractor = FeatureExtractor(analyzer(), SynonymRewriter([]))
    shared = extractor.extract("kaigo hoken ryou takai") & extractor.extract("介護保険料が高い")
    assert {"g:カイゴ", "g:ホケン", "w:高い"} <= shared


@pytest.mark.parametrize(
    ("text", "as_sounds"),
    [
        ("ﾊﾊﾉ ｶｲｺﾞﾃﾞ 仕事ｦ ﾔﾒﾙｶ", True),  # half-width katakana, even beside kanji
        ("ハハガ ボケテキタ", True),  # full-width katakana only
        ("ヘルパーさん きてほしい", False),  # no kanji, but more hiragana than katakana
        ("デイサービスを使いたい", False),  # a loanword in a sentence with kanji
        ("こんにちは", False),
    ],
)
def test_katakana_typed_for_its_sounds_is_told_from_loanwords(text: str, as_sounds: bool) -> None:
    assert typed_as_sounds(text, normalize(text)) is as_sounds
