from bot.data.intents import Synonym
from bot.language.synonyms import SynonymRewriter


def test_variants_become_canonical_longest_first() -> None:
    rw = SynonymRewriter([Synonym("認知症", ("ボケ", "物忘れ", "もの忘れ")), Synonym("親", ("おふくろ",))])
    assert rw.rewrite("おふくろがボケてきた") == "親が認知症てきた"
    assert rw.rewrite("もの忘れ") == "認知症"
    assert rw.canonical("物忘れ") == "認知症"
    assert rw.canonical("介護") == "介護"


def test_normalizes_variants_and_ignores_self_mapping() -> None:
    rw = SynonymRewriter([Synonym("ケア", ("ｹｱ", "ケア"))])
    assert rw.rewrite("ケア") == "ケア"


def test_empty_rewriter_is_identity() -> None:
    assert SynonymRewriter([]).rewrite("そのまま") == "そのまま"


def test_variant_inside_its_own_canonical_word_is_left_alone() -> None:
    rw = SynonymRewriter([Synonym("認知症", ("認知", "ボケ"))])
    assert rw.rewrite("認知症が心配") == "認知症が心配"
    assert rw.rewrite("認知が心配") == "認知症が心配"


def test_features_hold_the_words_as_written_and_as_rewritten() -> None:
    """The matcher reads both the message and its rewritten copy; a message no synonym changes is read
    once, with the same features as before."""
    from bot.language.features import FeatureExtractor
    from bot.language.text import analyzer

    extractor = FeatureExtractor(analyzer(), SynonymRewriter([Synonym("認知症", ("ボケ",))]))
    rewritten = extractor.extract("母がボケてきた")
    assert {"w:認知症", "c:認知"} <= rewritten  # from the rewritten copy
    assert "c:ボケ" in rewritten  # from the message as written
    unchanged = extractor.extract("母の介護について")
    plain = FeatureExtractor(analyzer(), SynonymRewriter([])).extract("母の介護について")
    assert unchanged == plain and "w:介護" in unchanged


def test_latin_variants_replace_whole_words_only() -> None:
    """English words among Japanese ones (介護 の help) are rewritten, but never inside a longer word."""
    rw = SynonymRewriter([Synonym("介護", ("care", "day care")), Synonym("親", ("mom",)), Synonym("支援", ("help",))])
    assert rw.rewrite("mom の care の help どこ") == "親 の 介護 の 支援 どこ"
    assert rw.rewrite("day care に行きたい") == "介護 に行きたい"
    assert rw.rewrite("careful に moment helpful") == "careful に moment helpful"
    assert rw.rewrite("momの介護") == "親の介護"  # a Japanese letter next to it is a word's end


def test_the_copies_in_other_letters_are_rewritten_too() -> None:
    """Romaji and half-width katakana are read again as hiragana; the synonyms apply to that copy as to
    the message (にんちしょう → 認知症), so a resident's word is found whatever letters spelt it."""
    from bot.language.features import FeatureExtractor
    from bot.language.text import analyzer

    extractor = FeatureExtractor(analyzer(), SynonymRewriter([Synonym("認知症", ("にんちしょう",))]))
    assert "w:認知症" in extractor.extract("haha ga ninchishou kamo shiremasen")
    assert "w:認知症" in extractor.extract("ﾊﾊｶﾞ ﾆﾝﾁｼｮｳ ｶﾓ")
    plain = FeatureExtractor(analyzer(), SynonymRewriter([]))
    assert "w:認知症" not in plain.extract("haha ga ninchishou kamo shiremasen")
