"""The term layer of the crisis check: phrases found as written, as dictionary forms and as kana."""

import pytest

from bot.core.crisis.terms import OPEN_END_READING, PhraseMatcher, _automaton, allowed_spans
from bot.language.text import analyzer

GROUPS = {"suicide": ("死にたい", "自殺", "消えたい"), "violence": ("殴られている",)}


# Built for each test, not once per module: mutmut credits a fixture's calls to the first test that
# builds it, so a module-wide matcher would leave the constructor's mutants judged by one test only.
@pytest.fixture
def matcher() -> PhraseMatcher:
    return PhraseMatcher(GROUPS, ("死ぬほど忙しい", "自殺予防"), analyzer())


def found(matcher: PhraseMatcher, text: str) -> set[str]:
    return set(matcher.find(analyzer().analyse(text)))


@pytest.mark.parametrize("text", ["死にたい", "もう しにたい", "シニタイ", "ｼﾆﾀｲ", "消えたい…", "自殺を考えてる"])
def test_terms_in_any_script(matcher: PhraseMatcher, text: str) -> None:
    assert found(matcher, text) == {"suicide"}


def test_dictionary_forms_match_conjugations(matcher: PhraseMatcher) -> None:
    assert found(matcher, "夫に殴られています") == {"violence"}
    assert found(matcher, "毎日殴られてる") == {"violence"}


def test_allow_list_blanks_only_its_own_span(matcher: PhraseMatcher) -> None:
    assert found(matcher, "死ぬほど忙しい毎日です") == set()
    assert found(matcher, "自殺予防の講演会はありますか") == set()
    assert found(matcher, "死ぬほど忙しい。もう死にたい") == {"suicide"}


def test_several_groups_are_all_reported(matcher: PhraseMatcher) -> None:
    assert found(matcher, "夫に殴られている。死にたい") == {"suicide", "violence"}


def test_ordinary_text_has_no_terms(matcher: PhraseMatcher) -> None:
    assert found(matcher, "母の物忘れが心配です") == set()
    assert found(matcher, "") == set()


def test_reading_matches_only_at_word_starts(matcher: PhraseMatcher) -> None:
    # 市に対して reads シニタイシテ: シニタイ is inside it, but no word there means 死にたい.
    assert found(matcher, "市に対して意見があります") == set()
    assert found(matcher, "医師に対して相談したい") == set()


def test_long_kana_phrase_matches_inside_a_longer_word() -> None:
    matcher = PhraseMatcher({"dv": ("夫に首を絞め",)}, (), analyzer())
    assert found(matcher, "さっき夫に首をしめられた") == {"dv"}


def test_one_phrase_may_serve_several_groups() -> None:
    matcher = PhraseMatcher({"now": ("今から",), "plan": ("今から", "飛び降り")}, (), analyzer())
    assert found(matcher, "今から行きます") == {"now", "plan"}


def test_each_group_reports_the_phrase_found(matcher: PhraseMatcher) -> None:
    assert matcher.find(analyzer().analyse("もう死にたい")) == {"suicide": "死にたい"}


def test_an_allowed_phrase_covers_exactly_its_span(matcher: PhraseMatcher) -> None:
    assert allowed_spans(_automaton(["死ぬほど"]), "もう死ぬほど眠い") == [(2, 6)]
    assert allowed_spans(None, "もう死ぬほど眠い") == []
    # a crisis phrase right after an allowed one is still found
    assert found(matcher, "死ぬほど忙しい死にたい") == {"suicide"}


def test_a_longer_crisis_phrase_around_an_allowed_one_counts() -> None:
    """"don't want to live in" is allowed ("... in Tokyo"), so the shorter term inside it is not found;
    a term that holds the whole allowed phrase ("... in this world") still is."""
    terms = {"suicide": ("don't want to live", "want to live in this world")}
    matcher = PhraseMatcher(terms, ("don't want to live in",), analyzer())
    assert found(matcher, "I don't want to live in Tokyo, the rent is too high") == set()
    assert found(matcher, "I don't want to live in this world anymore") == {"suicide"}
    assert found(matcher, "I don't want to live anymore") == {"suicide"}


def test_punctuation_and_spaces_do_not_hide_a_dictionary_form() -> None:
    matcher = PhraseMatcher({"violence": ("殴られている",), "overdose": ("ODしている",)}, (), analyzer())
    assert found(matcher, "毎日殴られ…てる") == {"violence"}  # only the dictionary forms match here
    assert found(matcher, "薬を OD してる") == {"overdose"}
    assert found(matcher, "ああ、毎日殴られてる") == {"violence"}  # words after a punctuation mark count


def test_a_short_phrase_matches_as_written_and_as_dictionary_form() -> None:
    # 死ぬ is too short as a reading (シヌ), so only the written and dictionary views find it in しにたい.
    matcher = PhraseMatcher({"self_death": ("死ぬ",)}, (), analyzer())
    assert found(matcher, "しにたい") == {"self_death"}


def test_a_reading_of_exactly_the_open_end_length_matches_inside_a_word() -> None:
    # 首を絞められ reads クビオシメラレ (7 kana); in くびをしめられる it ends inside られる.
    assert len("クビオシメラレ") == OPEN_END_READING
    matcher = PhraseMatcher({"dv": ("首を絞められ",)}, (), analyzer())
    assert found(matcher, "くびをしめられる") == {"dv"}


def test_a_hit_inside_a_word_does_not_end_the_search() -> None:
    # 親 is found inside 親父 (not a whole word in the dictionary-form view); 殴られてた after it still counts.
    matcher = PhraseMatcher({"violence": ("殴られている",), "parent": ("親",)}, (), analyzer())
    assert found(matcher, "子どもの頃、親父によく殴られてた") == {"parent", "violence"}


def test_an_allowed_phrase_hides_the_terms_of_every_view_inside_its_words() -> None:
    """An allowed phrase found in one view (as dictionary forms, as kana) hides a term found in another view
    inside the same words: 「死にたいわけではない」 allowed in kanji also covers しにたい written in kana, which
    only the written view finds. A term outside those words still counts."""
    terms = {"suicide": ("死にたい", "しにたい", "消えたい")}
    matcher = PhraseMatcher(terms, ("死にたいわけではない",), analyzer())
    assert found(matcher, "しにたいわけではないです。ただ眠れない") == set()
    assert found(matcher, "しにたいわけではないけど、もう消えたい") == {"suicide"}
    assert found(matcher, "しにたい。わけがわからない") == {"suicide"}
    assert found(matcher, "もうしにたい") == {"suicide"}


def test_an_allowed_phrase_found_only_as_kana_hides_nothing_in_other_views() -> None:
    """A reading is a homophone's too: 辞書を (allowed, so that ジショヲ is not read as 自傷を) must not hide
    自傷 written in kanji."""
    matcher = PhraseMatcher({"self_harm": ("自傷",)}, ("辞書を",), analyzer())
    assert found(matcher, "夫に隠れて自傷を続けています") == {"self_harm"}
    assert found(matcher, "辞書を引いた") == set()


def test_a_very_long_message_keeps_its_terms_past_the_analysed_words() -> None:
    """Characters past the analysed tokens belong to no word: an allowed phrase in the words does not hide a
    term written after them."""
    from bot.language.text import MAX_ANALYSED_CHARS

    matcher = PhraseMatcher({"suicide": ("死にたい",)}, ("死にたいわけではない",), analyzer())
    text = "死にたいわけではない。" + "あ" * MAX_ANALYSED_CHARS + "死にたい"
    assert found(matcher, text) == {"suicide"}
