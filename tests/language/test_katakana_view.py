"""A message in katakana only is read as words through its hiragana copy (bot/language/features.py)."""

from bot.language.features import FeatureExtractor
from bot.language.synonyms import SynonymRewriter
from bot.language.text import analyzer


def test_a_katakana_message_is_read_as_words() -> None:
    """ｼﾞﾄﾞｳﾃｱﾃ is one unknown word to Sudachi; its hiragana copy is じどう・てあて, which finds 児童手当."""
    extractor = FeatureExtractor(analyzer(), SynonymRewriter([]))
    feats = extractor.extract("ｼﾞﾄﾞｳﾃｱﾃ ﾏﾀﾞ ﾌﾘｺﾏﾚﾃﾅｲ")
    assert "r:テアテ" in feats and "r:ジド" in feats
    assert {"g:ジドテ", "g:テアテ", "g:フリコ"} <= feats & extractor.extract("児童手当がまだ振り込まれていない")
