"""The 地域包括支援センター: the four named ones listed with phones while towns are unassigned, and the
assignment path (town or 丁目 → centre and 圏域) proven on a fixture copy with `assignments:` filled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.assistant import Assistant, build_assistant
from bot.core.dialogue import Dialogue, State
from bot.data.check import check_data
from tests.conftest import DATA_DIR

CENTRES = {
    "地域包括支援センター中央センター": "042-345-0691",
    "地域包括支援センター小川ホーム": "042-347-6033",
    "地域包括支援センター小平健成苑": "042-451-8813",
    "地域包括支援センター多摩済生ケアセンター": "042-349-2123",
}
WHICH = "お住まいの町を担当するセンターがどこかは、高齢者支援課（電話 042-346-9539）で教えてもらえます。"

# Not facts: a fixture, so the test proves the routing the day staff fill `assignments:` from a source.
SOURCE = 'source: テスト用の仮の割り当て, source_date: "2099-01-01"'
FIXTURE_ASSIGNMENTS = f"""
assignments:
  - {{town: ogawa_nishimachi, centre: houkatsu_ogawa_home, area: area_nishi, {SOURCE}}}
  - {{town: ogawa_nishimachi, chome: 3, centre: houkatsu_kenseien, area: area_chuo_nishi, {SOURCE}}}
  - {{town: misono_cho, centre: houkatsu_tama_saisei, area: area_chuo_higashi, {SOURCE}}}
"""


def _centres_named(text: str) -> list[str]:
    return [name for name in CENTRES if name in text]


def test_the_two_new_centres_are_sourced_windows(assistant: Assistant) -> None:
    windows = assistant.data.knowledge.windows
    for wid, phone in (("houkatsu_kenseien", "042-451-8813"), ("houkatsu_tama_saisei", "042-349-2123")):
        w = windows[wid]
        assert w.phone == phone and w.kind == "地域包括支援センター"
        assert w.source == "https://www.city.kodaira.tokyo.jp/kurashi/086/086126.html" and w.source_date
        assert w.address is None and w.hours is None  # UNKNOWN in the facts: left out


def test_without_a_town_every_named_centre_is_listed_and_the_guide_said_once(assistant: Assistant) -> None:
    card = assistant.data.knowledge.cards["dementia_consult"]
    reply = assistant.composer.answer("母の物忘れが心配", card, 1.0, None)
    assert _centres_named(reply.text) == list(CENTRES)
    for phone in CENTRES.values():
        assert f"電話 {phone}" in reply.text
    assert reply.text.count("高齢者支援課（電話") == 1 and WHICH in reply.text
    assert {"houkatsu_kenseien", "houkatsu_tama_saisei"} <= {w.id for w in reply.windows}


def test_a_card_without_a_local_centre_is_unchanged(assistant: Assistant) -> None:
    reply = assistant.composer.answer("生活費", assistant.data.knowledge.cards["living_costs"], 1.0, None)
    assert _centres_named(reply.text) == [] and WHICH not in reply.text


def test_the_town_menu_is_not_a_dead_end(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "console")
    towns = dialogue.choose(State(), "m:town")
    assert "w:ogawa_nishimachi" in [c.data for c in towns.messages[0].choices]
    turn = dialogue.choose(towns.state, "w:ogawa_nishimachi")
    text = turn.messages[-1].text
    assert _centres_named(text) == list(CENTRES) and all(p in text for p in CENTRES.values())
    assert "小川西町にお住まいですね" in text and text.count(WHICH) == 1
    assert turn.state.town_id == "ogawa_nishimachi"


@pytest.fixture(scope="module")
def assigned(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The project's data with `assignments:` filled (fixture values, not facts)."""
    root = tmp_path_factory.mktemp("assigned")
    for part in ("knowledge", "intents"):
        shutil.copytree(DATA_DIR / part, root / part)
    areas = root / "knowledge" / "areas.yaml"
    text = areas.read_text(encoding="utf-8")
    assert re.search(r"^assignments: \[\]$", text, flags=re.M)
    areas.write_text(re.sub(r"^assignments: \[\]$", FIXTURE_ASSIGNMENTS, text, flags=re.M), encoding="utf-8")
    assert check_data(root) == []
    return build_assistant(root)


@pytest.mark.parametrize(
    ("said", "centre", "area", "town"),
    [
        ("小川西町3丁目", "地域包括支援センター小平健成苑", "中央西圏域", "小川西町3丁目"),
        ("おがわにしまち三丁目", "地域包括支援センター小平健成苑", "中央西圏域", "小川西町3丁目"),
        ("小川西町1丁目", "地域包括支援センター小川ホーム", "西圏域", "小川西町1丁目"),
        ("小川西町", "地域包括支援センター小川ホーム", "西圏域", "小川西町"),
        ("美園町2丁目", "地域包括支援センター多摩済生ケアセンター", "中央東圏域", "美園町2丁目"),
    ],
)
def test_an_assigned_town_or_chome_routes_to_its_centre_and_area(
    assigned: Assistant, said: str, centre: str, area: str, town: str
) -> None:
    match = assigned.towns.find(said)
    assert match is not None
    reply = assigned.composer.answer(said, assigned.data.knowledge.cards["dementia_consult"], 1.0, match)
    assert _centres_named(reply.text) == [centre]  # only the resident's own centre
    assert f"{town}の担当の地域包括支援センターは {centre}（電話 {CENTRES[centre]}）、圏域は{area}です。" in reply.text
    assert WHICH not in reply.text
    assert reply.area is not None and reply.area["name"] == area and reply.area["town"] == town
    assert [w.name for w in reply.windows].count(centre) == 1


def test_every_reply_that_is_not_an_answer_names_the_assigned_area(assigned: Assistant) -> None:
    """The JSON's area for a resident of an assigned 丁目, on the safety paths too: an empty message, no
    match, a list to choose from, a crisis."""
    match = assigned.towns.find("小川西町3丁目")
    assert match is not None
    composer, card = assigned.composer, assigned.data.knowledge.cards["dv"]
    expected = {"id": "area_chuo_nishi", "name": "中央西圏域", "town": "小川西町3丁目"}
    for reply in (
        composer.ask_for_text("", match),
        composer.no_match("q", match),
        composer.clarify("q", [(card, 0.3)], match),
        composer.crisis("q", ("dv",), match),
    ):
        assert reply.area == expected, reply.status


def test_an_unassigned_town_still_lists_every_centre(assigned: Assistant) -> None:
    match = assigned.towns.find("津田町")
    reply = assigned.composer.answer("津田町", assigned.data.knowledge.cards["town_centre"], 1.0, match)
    assert _centres_named(reply.text) == list(CENTRES) and reply.text.count(WHICH) == 1
    assert reply.area == {"id": None, "name": None, "town": "津田町"}


def test_the_town_menu_routes_exactly_once_assigned(assigned: Assistant) -> None:
    dialogue = Dialogue(assigned, "console")
    turn = dialogue.choose(State(), "w:misono_cho")
    text = turn.messages[-1].text
    assert _centres_named(text) == ["地域包括支援センター多摩済生ケアセンター"] and "圏域は中央東圏域" in text
    typed = dialogue.text(State(), "小川西町3丁目です")
    assert _centres_named(typed.messages[-1].text) == ["地域包括支援センター小平健成苑"]


def test_kb_check_catches_a_misspelt_assignment(data_copy: Path) -> None:
    areas = data_copy / "knowledge" / "areas.yaml"
    text = areas.read_text(encoding="utf-8")
    bad = FIXTURE_ASSIGNMENTS.replace("houkatsu_ogawa_home", "houkatsu_ogawa_hom").replace("chome: 3", "chome: 9")
    areas.write_text(re.sub(r"^assignments: \[\]$", bad, text, flags=re.M), encoding="utf-8")
    shown = [str(p) for p in check_data(data_copy)]
    assert any("センター「houkatsu_ogawa_hom」が見つかりません。もしかして: houkatsu_ogawa_home" in s for s in shown)
    assert any("町「小川西町9丁目」が見つかりません" in s for s in shown)
    assert all(s.startswith("knowledge/areas.yaml:") for s in shown), shown
