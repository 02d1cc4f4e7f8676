"""The term layer of the crisis check: phrases found as written, as dictionary forms and as kana."""

import pytest

from bot.core.crisis.terms import PhraseMatcher
from bot.language.text import analyzer

GROUPS = {"suicide": ("死にたい", "自殺", "消えたい"), "violence": ("殴られている",)}


@pytest.fixture(scope="module")
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
