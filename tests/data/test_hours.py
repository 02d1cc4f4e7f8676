"""Structured hours: read from the sourced text only, and `kb check` refuses any other schedule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.data.bundle import AssistantData
from bot.data.check import check_data
from bot.data.hours import read_hours
from tests.conftest import FACTS_DIR

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))


@pytest.mark.parametrize(
    ("text", "days", "span", "holidays", "year_end"),
    [
        ("月〜金 9:00-16:00 (祝日・年末年始除く)", WEEKDAYS, (540, 960), "closed", "closed"),
        ("月〜金 8:30-17:15", WEEKDAYS, (510, 1035), "unknown", "unknown"),
        ("平日 8:30-17:15", WEEKDAYS, (510, 1035), "closed", "unknown"),
        ("火〜土 10:00-18:00 (日・月・祝日・12/29-1/3 休館)", frozenset(range(1, 6)), (600, 1080), "closed", "closed"),
        ("毎日 9:00-21:00 (年末年始除く)", EVERY_DAY, (540, 1260), "open", "closed"),
        ("10:00-21:00 年中無休", EVERY_DAY, (600, 1260), "open", "open"),
        ("正午〜翌午前5時30分 年中無休", EVERY_DAY, (720, 1440 + 330), "open", "open"),
        ("24時間 (夜間・休日含む)", EVERY_DAY, (0, 1440), "open", "open"),
    ],
)
def test_hours_text_reads_as_the_source_says(
    text: str, days: frozenset[int], span: tuple[int, int], holidays: str, year_end: str
) -> None:
    schedule = read_hours(text)
    assert schedule is not None
    assert (schedule.days, (schedule.start, schedule.end)) == (days, span)
    assert (schedule.holidays, schedule.year_end) == (holidays, year_end)


@pytest.mark.parametrize("text", ["毎月第3金曜日 13:00-16:00 (原則)", "受付時間は都道府県によってちがいます"])
def test_hours_that_are_not_weekly_stay_unknown(text: str) -> None:
    assert read_hours(text) is None


def test_every_schedule_restates_hours_found_in_the_facts(project_data: AssistantData) -> None:
    def plain(text: str) -> str:
        return re.sub(r"\s+", "", text.replace("–", "-"))

    if not FACTS_DIR.is_dir():
        pytest.skip("../shared/facts is not beside the checkout")
    facts = plain("".join(p.read_text(encoding="utf-8") for p in sorted(FACTS_DIR.glob("kodaira_facts.*"))))
    scheduled = [w for w in project_data.knowledge.windows.values() if w.schedule is not None]
    assert len(scheduled) >= 15
    for w in scheduled:
        assert w.hours and plain(w.hours) in facts, w.id
        assert read_hours(w.hours) == w.schedule


def _edit(path: Path, wid: str, key: str, value: object) -> None:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for item in next(iter(data.values())):
        if item["id"] == wid:
            item[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_kb_check_refuses_a_schedule_that_differs_from_the_hours(data_copy: Path) -> None:
    wrong = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "time": "09:00-16:00",
             "holidays": "closed", "year_end": "closed"}
    _edit(data_copy / "knowledge" / "hotlines.yaml", "josei_soudan_tama", "schedule", wrong)
    problems = [str(p) for p in check_data(data_copy)]
    assert any("josei_soudan_tama" in p and "does not match the sourced hours" in p for p in problems), problems


def test_kb_check_asks_for_a_schedule_where_hours_state_one(data_copy: Path) -> None:
    path = data_copy / "knowledge" / "hotlines.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["hotlines"]:
        if item["id"] == "tama_inochi":
            item.pop("schedule")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in check_data(data_copy)]
    assert any("tama_inochi" in p and "add schedule" in p for p in problems), problems


def test_kb_check_refuses_a_schedule_the_hours_do_not_state(data_copy: Path) -> None:
    invented = {"days": ["fri"], "time": "13:00-16:00", "holidays": "unknown", "year_end": "unknown"}
    _edit(data_copy / "knowledge" / "windows.yaml", "jinken_soudan", "schedule", invented)
    problems = [str(p) for p in check_data(data_copy)]
    assert any("jinken_soudan" in p and "leave schedule out" in p for p in problems), problems


def test_kb_check_names_a_malformed_time(data_copy: Path) -> None:
    bad = {"days": ["mon"], "time": "9時から", "holidays": "open", "year_end": "open"}
    _edit(data_copy / "knowledge" / "hotlines.yaml", "tama_inochi", "schedule", bad)
    assert any(re.search(r"tama_inochi.*time must look like", str(p)) for p in check_data(data_copy))
