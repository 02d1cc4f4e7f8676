"""The town → area and centre path, run on a fixture: a private copy of the data whose areas.yaml has
assignments filled in. The project's own file has none (no source names them yet), so without this
fixture the path that tells a resident "your centre is …" would never run in any test.

The assignments below are invented for the test and live only in a temporary folder; they are not
facts and must never be copied into knowledge/.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.assistant import Assistant, build_assistant
from bot.core.dialogue import Dialogue, State
from bot.data.check import check_data
from tests.conftest import DATA_DIR

FIXTURE_SOURCE = "test fixture (invented; not a fact)"
TOWN_LEVEL = {"town": "ogawa_nishimachi", "area": "area_nishi", "centre": "houkatsu_ogawa_home",
              "source": FIXTURE_SOURCE, "source_date": "2026-12-01"}
CHOME_LEVEL = {"town": "ogawa_nishimachi", "chome": 3, "area": "area_chuo_nishi", "centre": "houkatsu_chuo",
               "source": FIXTURE_SOURCE, "source_date": "2026-12-01"}
CENTRE_ONLY = {"town": "hanakoganei", "centre": "houkatsu_chuo", "source": FIXTURE_SOURCE, "source_date": "2026-12-01"}


def _windows() -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load((DATA_DIR / "knowledge" / "windows.yaml").read_text(encoding="utf-8"))["windows"]
    return {w["id"]: w for w in raw}


def _areas() -> dict[str, dict[str, Any]]:
    raw = yaml.safe_load((DATA_DIR / "knowledge" / "areas.yaml").read_text(encoding="utf-8"))["csw_areas"]
    return {a["id"]: a for a in raw}


WINDOWS, AREAS = _windows(), _areas()


def write_assignments(root: Path, assignments: list[dict[str, Any]]) -> None:
    path = root / "knowledge" / "areas.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["assignments"] = assignments
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def copy_data(root: Path) -> Path:
    for name in ("knowledge", "intents"):
        shutil.copytree(DATA_DIR / name, root / name)
    return root


@pytest.fixture(scope="module")
def assigned(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = copy_data(tmp_path_factory.mktemp("assigned"))
    write_assignments(root, [TOWN_LEVEL, CHOME_LEVEL, CENTRE_ONLY])
    assert check_data(root) == []
    return build_assistant(root, "main")


def test_the_fixture_names_real_windows_and_areas() -> None:
    for a in (TOWN_LEVEL, CHOME_LEVEL, CENTRE_ONLY):
        assert WINDOWS[a["centre"]]["kind"] == "地域包括支援センター" and WINDOWS[a["centre"]]["phone"]
    assert {TOWN_LEVEL["area"], CHOME_LEVEL["area"]} <= set(AREAS)


def _centre_sentence(town: str, assignment: dict[str, Any]) -> str:
    centre = WINDOWS[assignment["centre"]]
    return f"{town}の担当は {centre['name']}（電話 {centre['phone']}） です。（出典：{FIXTURE_SOURCE}）"


def test_a_named_town_gets_its_centre_and_area(assigned: Assistant) -> None:
    reply = assigned.reply("小川西町に住んでいます。父の物忘れが心配です")
    assert reply.status == "answer"
    assert _centre_sentence("小川西町", TOWN_LEVEL) in reply.text
    assert "確認できていません" not in reply.text
    assert reply.area == {"id": "area_nishi", "name": AREAS["area_nishi"]["title"], "town": "小川西町"}


def test_a_chome_assignment_wins_over_the_towns(assigned: Assistant) -> None:
    reply = assigned.reply("小川西町3丁目に住んでいます。父の物忘れが心配です")
    assert _centre_sentence("小川西町3丁目", CHOME_LEVEL) in reply.text
    assert reply.area == {"id": "area_chuo_nishi", "name": AREAS["area_chuo_nishi"]["title"], "town": "小川西町3丁目"}
    other = assigned.reply("小川西町1丁目に住んでいます。父の物忘れが心配です")  # no 丁目 entry: the town's
    assert _centre_sentence("小川西町1丁目", TOWN_LEVEL) in other.text


def test_a_centre_without_an_area(assigned: Assistant) -> None:
    reply = assigned.reply("花小金井に住んでいます。父の物忘れが心配です")
    assert _centre_sentence("花小金井", CENTRE_ONLY) in reply.text
    assert reply.area == {"id": None, "name": None, "town": "花小金井"}


def test_a_town_without_an_assignment_is_still_not_invented(assigned: Assistant) -> None:
    reply = assigned.reply("中島町に住んでいます。父の物忘れが心配です")
    assert "の担当は" not in reply.text and "確認できていません" in reply.text
    assert reply.area == {"id": None, "name": None, "town": "中島町"}


def test_the_town_chosen_by_button_brings_its_centre(assigned: Assistant) -> None:
    dialogue = Dialogue(assigned, "console")
    chosen = dialogue.choose(State(), f"w:{TOWN_LEVEL['town']}")
    turn = dialogue.text(chosen.state, "父の物忘れがひどい")
    assert _centre_sentence("小川西町", TOWN_LEVEL) in turn.messages[0].text
    assert turn.events[0].area == TOWN_LEVEL["town"]


@pytest.mark.parametrize(
    ("change", "entry", "message"),
    [
        ({"town": "atlantis"}, "assignment atlantis", "unknown town"),
        ({"area": "area_nowhere"}, "assignment ogawa_nishimachi", "unknown area"),
        ({"centre": "no_such_centre"}, "assignment ogawa_nishimachi", "unknown centre"),
        ({"source": None}, "assignments[0]", "source and source_date"),
        ({"source_date": ""}, "assignments[0]", "source and source_date"),
    ],
)
def test_kb_check_refuses_an_assignment_that_does_not_land(
    data_copy: Path, change: dict[str, Any], entry: str, message: str
) -> None:
    write_assignments(data_copy, [{**TOWN_LEVEL, **change}])
    problems = check_data(data_copy)
    assert any(p.file == "knowledge/areas.yaml" and p.entry == entry and message in p.message for p in problems)


def test_a_typed_town_is_kept_for_the_next_question(assigned: Assistant) -> None:
    dialogue = Dialogue(assigned, "console")
    told = dialogue.text(State(), "小川西町3丁目です")
    turn = dialogue.text(told.state, "父の物忘れがひどい")
    assert _centre_sentence("小川西町3丁目", CHOME_LEVEL) in turn.messages[0].text
