"""Each slip a clerk made in issue 11 passed `kb check` with "OK". Now each one fails it, naming file,
line and entry, with one problem per slip (no knock-on lines), in Japanese by default."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.config import Settings
from bot.data.check import check_data

# (file, text as the project has it, the slip)
ELDER_CARE_WINDOWS = "    windows: [houkatsu_chuo, houkatsu_ogawa_home, koreisha_shien]\n    related: [dementia_consult"
SLIPS: dict[str, tuple[str, str, str]] = {
    "windwos": ("knowledge/topics.yaml", ELDER_CARE_WINDOWS, ELDER_CARE_WINDOWS.replace("windows:", "windwos:")),
    "keywrods": ("knowledge/topics.yaml", "    keywords: [介護, 親の介護", "    keywrods: [介護, 親の介護"),
    "phnoe": ("knowledge/windows.yaml", '    phone: "042-347-6033"', '    phnoe: "042-347-6033"'),
    "adress": (
        "knowledge/windows.yaml",
        "    address: 健康福祉事務センター1階\n    source: https://www.city.kodaira.tokyo.jp/shihou/106",
        "    adress: 健康福祉事務センター1階\n    source: https://www.city.kodaira.tokyo.jp/shihou/106",
    ),
}


def _slip(root: Path, file: str, old: str, new: str) -> int:
    """Apply the slip; return its line (1-based)."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


KbCheck = Callable[..., str]


@pytest.fixture
def kb_check(data_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> KbCheck:
    """`kodaira-bot kb check [args]` on the copy: its output, with the exit code checked against it."""

    def run(*args: str) -> str:
        monkeypatch.setenv("KODAIRA_DATA_DIR", str(data_copy))
        # The parsed command itself: `main` would also set the process's logging up for good (other tests
        # read the log at their own level), and the exit codes of main are covered in test_check.py.
        parsed = build_parser().parse_args(["kb", "check", *args])
        code = parsed.func(parsed, Settings.from_env())
        out = capsys.readouterr().out
        assert code == (0 if "OK" in out else 1), out
        return out

    return run


def _problem_lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines()[1:] if line.strip()]


def test_an_untouched_copy_passes(data_copy: Path, kb_check: KbCheck) -> None:
    out = kb_check()
    assert out.startswith("kb check: OK")


@pytest.mark.parametrize("name", sorted(SLIPS))
def test_a_misspelt_key_names_file_line_entry_and_the_right_key(name: str, data_copy: Path, kb_check: KbCheck) -> None:
    file, old, new = SLIPS[name]
    line = _slip(data_copy, file, old, new)
    right = {"windwos": "windows", "keywrods": "keywords", "phnoe": "phone", "adress": "address"}[name]
    lines = _problem_lines(kb_check())
    assert len(lines) == 1, lines  # the card does not also "lose" its windows further down
    pattern = rf"{re.escape(file)}:{line} \w+: 知らない項目名「{name}」です。もしかして: {right}$"
    assert re.match(pattern, lines[0]), lines


def test_a_phone_with_a_digit_missing(data_copy: Path, kb_check: KbCheck) -> None:
    line = _slip(data_copy, "knowledge/windows.yaml", '"042-346-9539"', '"042-346-953"')
    lines = _problem_lines(kb_check())
    assert len(lines) == 1
    assert lines[0].startswith(f"knowledge/windows.yaml:{line} koreisha_shien: 電話番号「042-346-953」の形が")


def test_an_empty_crisis_file(data_copy: Path, kb_check: KbCheck) -> None:
    (data_copy / "intents" / "crisis.yaml").write_text("# 全部消してしまった\n", encoding="utf-8")
    lines = _problem_lines(kb_check())
    assert lines == ["intents/crisis.yaml: ファイルが空です。これがないと危機の確認ができません"]


def test_a_missing_comma_in_a_flow_list_of_crisis_terms(data_copy: Path, kb_check: KbCheck) -> None:
    line = _slip(data_copy, "intents/crisis.yaml", "死にたい, しにたい,", "死にたい しにたい,")
    lines = _problem_lines(kb_check())
    assert len(lines) == 1 and lines[0].startswith(f"intents/crisis.yaml:{line} suicide: ことば「死にたい しにたい」")
    assert "カンマ" in lines[0]


def test_the_same_example_under_two_topics(data_copy: Path, kb_check: KbCheck) -> None:
    line = _slip(data_copy, "intents/topics/living.yaml", "examples:\n", "examples:\n      - 子育てがつらい\n") + 1
    lines = _problem_lines(kb_check())
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"intents/topics/living.yaml:{line} ")
    assert "例文「子育てがつらい」はトピック childcare（intents/topics/children.yaml:" in lines[0]


def test_an_example_that_is_also_out_of_scope(data_copy: Path, kb_check: KbCheck) -> None:
    line = _slip(data_copy, "intents/topics/elderly.yaml", "examples:\n", "examples:\n      - 明日の天気は？\n") + 1
    lines = _problem_lines(kb_check())
    assert lines == [
        f"intents/topics/elderly.yaml:{line} dementia_consult: 例文「明日の天気は？」は intents/out_of_scope.yaml"
        "（答えない質問）にもあります。どちらか1つだけにしてください"
    ]


def test_an_example_that_triggers_the_crisis_check(data_copy: Path, kb_check: KbCheck) -> None:
    _slip(data_copy, "intents/topics/elderly.yaml", "examples:\n", "examples:\n      - 介護に疲れてもう死にたい\n")
    lines = _problem_lines(kb_check())
    assert len(lines) == 1 and "dementia_consult: 例文「介護に疲れてもう死にたい」は危機のことば（suicide）" in lines[0]


@pytest.mark.parametrize("indent", ["   ", "      "])
def test_an_indentation_slip_in_windows_is_one_problem(indent: str, data_copy: Path, kb_check: KbCheck) -> None:
    line = _slip(data_copy, "knowledge/windows.yaml", '    phone: "042-347-6033"', f'{indent}phone: "042-347-6033"')
    lines = _problem_lines(kb_check())
    assert len(lines) == 1, lines  # issue 11: "189 problem(s)", one syntax error and 188 knock-on lines
    assert re.match(rf"knowledge/windows.yaml:{line} houkatsu_ogawa_home: YAML の書き方に誤りがあります", lines[0])


def test_a_misspelt_id_gets_a_suggestion(data_copy: Path, kb_check: KbCheck) -> None:
    slip = ELDER_CARE_WINDOWS.replace("koreisha_shien", "hoken_nenkn")
    line = _slip(data_copy, "knowledge/topics.yaml", ELDER_CARE_WINDOWS, slip)
    lines = _problem_lines(kb_check())
    expected = f"knowledge/topics.yaml:{line} elder_care: 窓口「hoken_nenkn」が見つかりません。もしかして: hoken_nenkin"
    assert lines == [expected]


def test_english_on_request(data_copy: Path, kb_check: KbCheck) -> None:
    line = _slip(data_copy, "knowledge/windows.yaml", '    phone: "042-347-6033"', '    phnoe: "042-347-6033"')
    out = kb_check("--lang", "en")
    assert out.startswith("kb check: 1 problem(s)")
    assert _problem_lines(out) == [
        f"knowledge/windows.yaml:{line} houkatsu_ogawa_home: unknown key 'phnoe'; did you mean: phone"
    ]


def test_a_key_written_twice(data_copy: Path, kb_check: KbCheck) -> None:
    old = '    phone: "042-347-6033"\n'
    line = _slip(data_copy, "knowledge/windows.yaml", old, old + '    phone: "042-347-6034"\n') + 1
    lines = _problem_lines(kb_check())
    assert len(lines) == 1
    assert lines[0].startswith(f"knowledge/windows.yaml:{line} houkatsu_ogawa_home: 項目名「phone」が同じ所に2回")


def test_problems_in_several_files_are_all_reported(data_copy: Path) -> None:
    _slip(data_copy, "knowledge/windows.yaml", '    phone: "042-347-6033"', '    phnoe: "042-347-6033"')
    _slip(data_copy, "intents/crisis.yaml", "死にたい, しにたい,", "死にたい しにたい,")
    files = sorted(p.file for p in check_data(data_copy))
    assert files == ["intents/crisis.yaml", "knowledge/windows.yaml"]
