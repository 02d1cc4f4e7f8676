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
