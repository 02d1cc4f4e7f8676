"""`kb check` on broken and inconsistent copies of the real data: every problem names file and entry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from bot.data.check import check_data, load_data
from tests.conftest import DATA_DIR


def _edit(path: Path, edit: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_project_data_is_valid() -> None:
    assert check_data(DATA_DIR) == []


def test_broken_yaml_names_file_and_line(data_copy: Path) -> None:
    path = data_copy / "knowledge" / "windows.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  - id: [unclosed\n", encoding="utf-8")
    problems = check_data(data_copy)
    assert [(p.file, p.code) for p in problems] == [("knowledge/windows.yaml", "yaml_syntax")]
    assert problems[0].line is not None and problems[0].line >= len(path.read_text(encoding="utf-8").splitlines())


def test_missing_window_reference(data_copy: Path) -> None:
    _edit(
        data_copy / "knowledge" / "topics.yaml", lambda d: d["topics"][0].update(windows=["no_such_window"])
    )
    problems = check_data(data_copy)
    first = yaml.safe_load((DATA_DIR / "knowledge" / "topics.yaml").read_text(encoding="utf-8"))["topics"][0][
        "id"
    ]
    assert any(p.entry == first and "no_such_window" in p.message for p in problems)


def test_duplicate_id(data_copy: Path) -> None:
    def dup(d: dict[str, list[dict[str, object]]]) -> None:
        d["windows"].append(dict(d["windows"][0]))

    _edit(data_copy / "knowledge" / "windows.yaml", dup)
    problems = check_data(data_copy)
    assert any("duplicate id" in p.message and p.file == "knowledge/windows.yaml" for p in problems)


def test_phone_without_source(data_copy: Path) -> None:
    def strip_source(d: dict[str, list[dict[str, object]]]) -> None:
        w = next(w for w in d["windows"] if w.get("phone"))
        w.pop("source", None)

    _edit(data_copy / "knowledge" / "windows.yaml", strip_source)
    assert any("no source" in p.message for p in check_data(data_copy))


def test_window_without_phone_needs_a_fallback(data_copy: Path) -> None:
    def drop(d: dict[str, list[dict[str, object]]]) -> None:
        w = next(w for w in d["windows"] if not w.get("phone"))
        w.pop("fallback", None)

    _edit(data_copy / "knowledge" / "windows.yaml", drop)
    assert any("fallback" in p.message for p in check_data(data_copy))


def test_intent_topic_must_be_a_card(data_copy: Path) -> None:
    path = next((data_copy / "intents" / "topics").glob("*.yaml"))
    path.write_text(
        path.read_text(encoding="utf-8") + "\n  - topic: not_a_card\n    examples: [テスト]\n",
        encoding="utf-8",
    )
    problems = check_data(data_copy)
    assert any(p.entry == "not_a_card" and p.file.startswith("intents/topics/") for p in problems)


def test_a_card_a_figures_card_stands_in_for_must_exist(data_copy: Path) -> None:
    path = data_copy / "intents" / "topics" / "plan.yaml"
    text = path.read_text(encoding="utf-8")
    assert "in_place_of: [csw," in text
    path.write_text(text.replace("in_place_of: [csw,", "in_place_of: [csw_typo,"), encoding="utf-8")
    problems = [p for p in check_data(data_copy) if p.code == "topic_not_card"]
    assert [(p.file, p.entry) for p in problems] == [("intents/topics/plan.yaml", "csw_figures")]
    assert "csw_typo" in problems[0].message


def test_a_file_that_is_not_a_mapping_is_named(data_copy: Path) -> None:
    (data_copy / "knowledge" / "hotlines.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (data_copy / "intents" / "synonyms.yaml").write_text("- 認知症\n- ボケ\n", encoding="utf-8")
    problems = check_data(data_copy)
    assert any(p.file == "knowledge/hotlines.yaml" and "'hotlines'" in p.message for p in problems)
    assert any(p.file == "intents/synonyms.yaml" and "'synonyms'" in p.message for p in problems)


def test_an_empty_synonyms_file_is_named(data_copy: Path) -> None:
    """An emptied file is a slip the schema reports by name (issue 11: required files are non-empty),
    not a crash and not a silent loss of every synonym."""
    (data_copy / "intents" / "synonyms.yaml").write_text("", encoding="utf-8")
    problems = check_data(data_copy)
    assert [p.file for p in problems] == ["intents/synonyms.yaml"]
    assert load_data(DATA_DIR).intents.synonyms  # the project's own file is valid and has synonyms


def test_cli_exit_codes(data_copy: Path) -> None:
    env_ok = {"KODAIRA_DATA_DIR": str(data_copy), "PATH": ""}
    ok = subprocess.run(
        [sys.executable, "-m", "bot.cli", "kb", "check"], env=env_ok, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (data_copy / "knowledge" / "areas.yaml").write_text("towns: [\n", encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "bot.cli", "kb", "check"], env=env_ok, capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "knowledge/areas.yaml" in bad.stdout and "Traceback" not in bad.stdout + bad.stderr
