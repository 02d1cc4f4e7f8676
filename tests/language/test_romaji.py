"""Romaji read as the hiragana it spells (bot/language/romaji.py)."""

import pytest

from bot.language.romaji import to_kana, word_to_kana


@pytest.mark.parametrize(
    ("word", "kana"),
    [
        ("shinitai", "しにたい"),  # Hepburn shi
        ("sinitai", "しにたい"),  # kunrei si
        ("tsurai", "つらい"),
        ("tutomete", "つとめて"),
        ("chiisai", "ちいさい"),
        ("tiisai", "ちいさい"),
        ("fukushi", "ふくし"),
        ("jisatsu", "じさつ"),
        ("kyuukyuusha", "きゅうきゅうしゃ"),  # palatal syllables, long vowels as written
        ("ryōshin", "りょうしん"),  # a macron is the long vowel
        ("kitte", "きって"),  # a doubled consonant is っ
        ("ookii", "おおきい"),  # a doubled vowel is not
        ("iie", "いいえ"),
        ("matcha", "まっちゃ"),  # tch is っち
        ("konnichiwa", "こんにちわ"),  # nn before a vowel: ん then a syllable
        ("hoken", "ほけん"),  # n at the end
        ("shinpai", "しんぱい"),  # n before a consonant
        ("hon'ya", "ほんや"),  # the apostrophe keeps ん apart from the vowel
        ("KAIGO", "かいご"),
        ("jouhou", "じょうほう"),  # ja, ju, jo: j needs no y before the small kana (nor sh, ch)
        ("juusho", "じゅうしょ"),
        ("shakai", "しゃかい"),
        ("chotto", "ちょっと"),
        ("jyagaimo", "じゃがいも"),  # and with the y some write
        ("jyuusho", "じゅうしょ"),
        ("jyouhou", "じょうほう"),
    ],
)
def test_romaji_words(word: str, kana: str) -> None:
    assert word_to_kana(word) == kana


@pytest.mark.parametrize("word", ["help", "hello", "my", "lunch", "x", "care", "visa7"])
def test_english_words_are_not_romaji(word: str) -> None:
    assert word_to_kana(word) is None


def test_a_romaji_message_is_spelled_in_kana_with_its_punctuation() -> None:
    assert to_kana("kaigo hoken ryou takai, nenkin sukunai") == "かいご ほけん りょう たかい, ねんきん すくない"


def test_japanese_script_and_english_loanwords_stay_as_they_are() -> None:
    assert to_kana("otto ga byouki, LINE de soudan shitai") == "おっと が びょうき, LINE で そうだん したい"


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",  # English: few words read as romaji
        "I go to school",  # every word reads as romaji, but all of them are also short English words
        "My mother has dementia, where can I get help?",
        "母が認知症です",  # no Latin letters at all
        "",
        "no",
    ],
)
def test_english_and_japanese_are_not_romaji(text: str) -> None:
    assert to_kana(text) is None


def test_one_telling_word_is_enough_when_it_is_the_whole_message() -> None:
    assert to_kana("shinitai") == "しにたい"
    assert to_kana("tasukete!") == "たすけて!"


def test_the_share_of_romaji_words_and_the_two_telling_words_are_thresholds_reached_at_their_value() -> None:
    # 2 of 5 Latin words read as romaji: exactly MIN_SHARE (0.4), enough; 2 of 6 is not.
    assert to_kana("shinitai tasukete help please now") == "しにたい たすけて help please now"
    assert to_kana("shinitai tasukete help please now thanks") is None
    # Two words that are not also short English words are enough, whatever the length of the message.
    assert to_kana("haha ga taoreta") == "はは が たおれた"
