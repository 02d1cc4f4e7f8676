import pytest

from bot.core.towns import TownFinder
from bot.data.bundle import AssistantData


@pytest.fixture(scope="module")
def finder(project_data: AssistantData) -> TownFinder:
    return TownFinder(project_data.knowledge)


@pytest.mark.parametrize(
    ("text", "town", "chome"),
    [
        ("小川西町に住んでいます", "小川西町", None),
        ("小川西町3丁目です", "小川西町", 3),
        ("小川西町３丁目", "小川西町", 3),
        ("花小金井南町二丁目", "花小金井南町", 2),
        ("花小金井8丁目", "花小金井", 8),
        ("はなこがねいに住んでる", "花小金井", None),
        ("オガワニシマチ", "小川西町", None),
        ("めぐりたちょうです", "回田町", None),
        ("たかの台", "たかの台", None),
        ("小川町1-2", "小川町", 1),
    ],
)
def test_towns_in_kanji_and_kana_with_chome(
    finder: TownFinder, text: str, town: str, chome: int | None
) -> None:
    match = finder.find(text)
    assert match is not None
    assert (match.town.name, match.chome) == (town, chome)


def test_a_chome_the_town_does_not_have_is_dropped(finder: TownFinder) -> None:
    match = finder.find("中島町5丁目")
    assert match is not None and match.chome is None
    match = finder.find("花小金井9丁目")
    assert match is not None and match.chome is None


def test_no_town(finder: TownFinder) -> None:
    assert finder.find("母の物忘れが心配") is None
    assert finder.find("") is None


def test_all_22_towns_and_no_invented_assignments(project_data: AssistantData) -> None:
    assert len(project_data.knowledge.towns) == 22
    # Which towns belong to which area is UNKNOWN in the sources: nothing may be assigned without one.
    assert all(a.source and a.source_date for a in project_data.knowledge.assignments)


def test_label(finder: TownFinder) -> None:
    match = finder.find("上水本町6丁目")
    assert match is not None and match.label == "上水本町6丁目"


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("小川西町です", True),
        ("小川西町3丁目です", True),  # the 丁目 belongs to the town
        ("花小金井南町に住んでいます", True),
        ("小川西町で介護の相談をしたい", False),
        ("小川西町のごみの日", False),
    ],
)
def test_a_message_that_is_only_a_town(finder: TownFinder, text: str, only: bool) -> None:
    match = finder.find(text)
    assert match is not None and finder.only_town(text, match) is only
