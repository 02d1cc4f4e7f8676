"""knowledge/municipality.yaml: the city, its towns, the ids the code relies on and every fixed sentence.
A clerk's slip in it fails `kb check` naming file, line and entry; what staff write there is what the
bot says."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.assistant import build_assistant
from bot.core.dialogue import Dialogue, State
from bot.data.check import check_data
from bot.data.problems import Problem

FILE = "knowledge/municipality.yaml"


def _edit(root: Path, old: str, new: str) -> int:
    """Replace `old` (once) in municipality.yaml; return its line (1-based)."""
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{FILE} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_project_file_is_valid() -> None:
    from tests.wording import ROOT

    assert [p for p in check_data(ROOT) if p.file == FILE] == []


def test_a_misspelt_sentence_key_is_named_with_a_suggestion(data_copy: Path) -> None:
    line = _edit(data_copy, "    greeting:\n", "    greting:\n")
    found = [p for p in check_data(data_copy) if p.file == FILE]
    shown = [p.render() for p in found if p.line == line]
    assert any("greting" in text and "もしかして: greeting" in text for text in shown), [p.render() for p in found]


def test_a_misspelt_placeholder_is_refused(data_copy: Path) -> None:
    line = _edit(data_copy, "{city}のことは、{city}の窓口", "{ctiy}のことは、{city}の窓口")
    problem = _only(check_data(data_copy))
    where = (problem.file, problem.entry, problem.code, problem.line)
    assert where == (FILE, "fallbacks.other_city", "wording_placeholder", line - 1)  # the `text: |-` line
    assert "{ctiy}" in problem.render() and "もしかして: city" in problem.render()


def test_a_broken_brace_is_refused(data_copy: Path) -> None:
    _edit(data_copy, "「{category}」の中から", "「{category」の中から")
    problem = _only(check_data(data_copy))
    assert (problem.entry, problem.code) == ("prompts.category", "wording_braces")


@pytest.mark.parametrize("variant", ["text", "easy"])
def test_the_emergency_numbers_cannot_be_edited_out_of_the_safety_line(data_copy: Path, variant: str) -> None:
    old = {
        "text": "      text: いま危険なときは {police}（警察）・{fire}（救急）へ。",
        "easy": "      easy: あぶない ときは、すぐ {police}（警察）か {fire}（救急車）に",
    }[variant]
    _edit(data_copy, old, old.replace("{police}（警察）", "警察"))
    problem = _only(check_data(data_copy))
    assert (problem.entry, problem.code) == ("safety.net", "wording_number_missing")
    assert "{police}" in problem.render() and "消さないでください" in problem.render()


def test_an_emergency_id_that_is_not_110_is_refused(data_copy: Path) -> None:
    line = _edit(data_copy, "  police: police_110", "  police: fire_119")
    problems = check_data(data_copy)
    assert any(p.code == "emergency_line" and "110" in p.render() for p in problems), [str(p) for p in problems]
    missing = _edit(data_copy, "  fire: fire_119", "  fire: fire_911")
    problems = check_data(data_copy)
    assert any(p.file == FILE and p.line == missing and "fire_911" in p.render() for p in problems), line


def test_an_unknown_window_or_card_the_code_relies_on_is_named(data_copy: Path) -> None:
    window_line = _edit(data_copy, "general: [seikatsu_soudan, city_hall]", "general: [seikatsu_soudan, city_hal]")
    card_line = _edit(data_copy, "  town_centre: town_centre", "  town_centre: town_centr")
    found = {(p.entry, p.line, p.hint) for p in check_data(data_copy)}
    assert ("windows.general", window_line, "city_hall") in found
    assert ("cards.town_centre", card_line, "town_centre") in found


def test_an_unknown_media_kind_is_refused(data_copy: Path) -> None:
    _edit(data_copy, "      sticker: スタンプ", "      stiker: スタンプ")
    assert any(p.file == FILE and "stiker" in p.render() for p in check_data(data_copy))


def test_what_staff_write_is_what_the_bot_says(data_copy: Path) -> None:
    """Behaviour from data: the greeting, a button label, the home city and the out-of-city sentence."""
    _edit(data_copy, "こんにちは。小平市の福祉の相談先", "こんばんは。小平市の福祉の相談先")
    _edit(data_copy, "find: {text: 相談先をさがす,", "find: {text: 窓口をさがす,")
    apology = "このサービスは小平市の相談先だけ"
    _edit(data_copy, f"ごめんなさい。{apology}", f"申し訳ありません。{apology}")
    assistant = build_assistant(data_copy)
    turn = Dialogue(assistant, "console").start(State())
    assert turn.messages[0].text.startswith("こんばんは。") and turn.messages[0].choices[0].label == "窓口をさがす"
    other = assistant.reply("国分寺市の介護の窓口を教えて")
    assert other.text.startswith("申し訳ありません。") and "国分寺市" in other.text
    assert "110" in other.text and "119" in other.text


def test_the_towns_are_read_from_the_municipality_file(data_copy: Path) -> None:
    _edit(data_copy, "    name: 御幸町\n    kana: みゆきちょう", "    name: 御幸台\n    kana: みゆきだい")
    assistant = build_assistant(data_copy)
    match = assistant.towns.find("みゆきだいに住んでいます")
    assert match is not None and match.town.name == "御幸台"
    assert assistant.towns.find("御幸町です") is None


def test_a_group_written_as_one_value_is_refused_by_name(data_copy: Path) -> None:
    """The file's records are plain dataclasses validated by pydantic (bot/data/declared.py): a group written
    as one value instead of keys is named like any other file's."""
    old = "emergency:\n  police: police_110   # 110 の id（hotlines.yaml）\n"
    line = _edit(data_copy, old, "emergency: police_110\n")
    _edit(data_copy, "  fire: fire_119       # 119 の id（hotlines.yaml）\n", "")
    problem = _only([p for p in check_data(data_copy) if p.file == FILE])
    assert (problem.code, problem.line) == ("not_mapping", line)
    assert "emergency" in problem.render()
