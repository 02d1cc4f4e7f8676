from pathlib import Path

import pytest

from bot.language.text import (
    DICTIONARY_COPY,
    Analyzer,
    analyzer,
    dictionary_file,
    fold_reading,
    normalize,
    to_hiragana,
    to_katakana,
)
from bot.mapped import copy_path, read_only_mappings
from tests.resident import HAS_SMAPS, resident_kib


def test_normalize_widths_spaces_and_invisible_characters() -> None:
    assert normalize("ＡＢＣ　１２３") == "abc 123"
    assert normalize("母が　認知症") == "母が認知症"
    assert normalize("ﾎﾞｹ") == "ボケ"
    assert normalize("a\u200bb\u202ec\x07") == "abc"
    assert normalize("すごーーーい!!!") == "すごーい!"


def test_kana_conversion_round_trips() -> None:
    assert to_katakana("にんちしょう") == "ニンチショウ"
    assert to_hiragana("ニンチショウ") == "にんちしょう"


def test_fold_reading_joins_long_vowel_spellings() -> None:
    assert fold_reading("コウケン") == fold_reading("コーケン") == fold_reading("こうけん")
    assert fold_reading("ケイサツ") == fold_reading("ケーサツ")


def test_analysis_gives_lemmas_readings_and_compound_parts() -> None:
    a = analyzer().analyse("父の物忘れがひどい")
    assert "物忘れ" in a.content_lemmas
    assert "父" in a.content_lemmas
    compound = analyzer().analyse("成年後見制度")
    assert compound.tokens[0].parts == ("成年", "後見", "制度")


def test_kana_only_and_kanji_share_a_reading() -> None:
    kanji = analyzer().analyse("認知症")
    kana = analyzer().analyse("にんちしょう")
    assert kanji.reading == kana.reading


def test_person_names_are_tagged() -> None:
    tokens = analyzer().analyse("山田太郎さんに電話").tokens
    assert tokens[0].is_person_name


def test_empty_and_emoji_only_input() -> None:
    assert analyzer().analyse("").tokens == ()
    assert analyzer().analyse("😀🙏").tokens == ()


def test_very_long_input_is_cut_for_analysis() -> None:
    a = analyzer().analyse("あ" * 20000)
    assert sum(len(t.surface) for t in a.tokens) <= 2000


def test_the_shared_analyzer_serves_several_threads_at_once() -> None:
    """A reload builds the new data in a worker thread while the event loop reads residents' messages:
    one Sudachi tokenizer would refuse ("Tokenizer is already in use")."""
    import threading

    shared = analyzer()
    expected = [shared.tokens(f"母の物忘れが{i}回ひどい") for i in range(200)]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for i in range(200):
                assert shared.tokens(f"母の物忘れが{i}回ひどい") == expected[i]
        except BaseException as exc:  # any failure in a thread is the test's failure
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_kana_conversion_moves_exactly_the_kana_between_the_scripts() -> None:
    """ぁ…ゖ and ァ…ヶ swap one for one (0x60 apart); every other code point stays as it is."""
    every = "".join(chr(c) for c in range(0x3000, 0x3100)) + "ヷヸヹヺー・ｱｶﾞ漢字abc😀"
    expected_kata = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in every)
    expected_hira = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in every)
    assert to_katakana(every) == expected_kata
    assert to_hiragana(every) == expected_hira
    assert to_hiragana("ヴァイオリン") == "ゔぁいおりん" and to_katakana("ゖ") == "ヶ"


def test_a_remembered_word_gives_the_token_a_fresh_read_gives() -> None:
    """Tokens are remembered by dictionary word id: the same as read afresh, each keeping its own surface
    (ＡＢＣ, abc and ABC are one entry), and unknown words (all one made-up id) are never remembered."""
    shared = analyzer()
    texts = ["ＡＢＣ", "abc", "ABC", "ｱｲｳ", "カイゴ", "母の介護保険の申請をしたい", "成年後見制度の申立て"]
    shared._words.clear()
    fresh = [shared.tokens(t) for t in texts]
    again = [shared.tokens(t) for t in texts]  # every dictionary word now remembered
    assert again == fresh
    assert [t[0].surface for t in again[:5]] == ["ＡＢＣ", "abc", "ABC", "ｱｲｳ", "カイゴ"]
    assert again[3][0].lemma != again[4][0].lemma
    assert not {"ｱｲｳ", "カイゴ"} & {token.surface for token in shared._words.values()}


@pytest.mark.skipif(not HAS_SMAPS, reason="needs Linux /proc")
def test_loading_the_dictionary_leaves_its_pages_out_of_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sudachi reads every entry of the dictionary while loading it (about 70 MB of the file); those pages
    are given back, so a process starts without them. It maps its copy in the cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    installed = dictionary_file()
    assert installed is not None and installed.exists()
    fresh = Analyzer()  # copies the file, maps it and reads it through
    mapped = fresh.dictionary_path
    assert mapped is not None and mapped.parent == tmp_path / "kodaira-bot"
    assert mapped.stat().st_size == installed.stat().st_size
    assert read_only_mappings(mapped)
    assert resident_kib(mapped) < 16 * 1024
    assert "物忘れ" in fresh.analyse("父の物忘れがひどい").content_lemmas  # and it still reads


def test_a_copy_sudachi_cannot_load_is_removed_and_the_installed_dictionary_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    installed = dictionary_file()
    assert installed is not None
    damaged = copy_path(installed, DICTIONARY_COPY)
    damaged.parent.mkdir()
    with damaged.open("wb") as out:  # the right size, so it is taken for a copy; zeros, so Sudachi refuses it
        out.truncate(installed.stat().st_size)
    fresh = Analyzer()
    assert fresh.dictionary_path == installed
    assert not damaged.exists()
    assert "物忘れ" in fresh.analyse("父の物忘れがひどい").content_lemmas
