"""The emergency lines, checked against the data files themselves rather than against the code's own
windows: knowledge/hotlines.yaml and windows.yaml say which numbers a resident in danger must see, and
eval/dev.yaml says what a crisis reply must name. Removing the lines from the crisis reply or from the
safety net of any reply that is not an answer fails here, whatever `Reply.windows` claims."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.core.assistant import Assistant
from bot.core.reply import Reply
from bot.data.crisis_intents import CRISIS_KINDS
from tests.conftest import DATA_DIR


def _entries(name: str, key: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((DATA_DIR / "knowledge" / name).read_text(encoding="utf-8"))[key])


HOTLINES = _entries("hotlines.yaml", "hotlines")
# Hotlines first, then the city's windows, each in file order: the order the data ranks them in.
LINES = HOTLINES + [w for w in _entries("windows.yaml", "windows") if w.get("crisis")]
BY_ID = {h["id"]: h for h in HOTLINES}
POLICE, FIRE = BY_ID["police_110"]["phone"], BY_ID["fire_119"]["phone"]
ALWAYS_OPEN = next(h for h in HOTLINES if "general" in (h.get("crisis") or []) and "24時間" in str(h.get("hours")))
DEV_CRISIS = [
    c for c in yaml.safe_load((DATA_DIR / "eval" / "dev.yaml").read_text(encoding="utf-8"))["cases"]
    if c["kind"] == "crisis"
]


def named(line: dict[str, Any]) -> str:
    return f"{line['name']} {line['phone']}"


def assert_safety_net(text: str) -> None:
    """110, 119 and the data's 24-hour line for any worry, with its hours, in the text itself."""
    assert f"{POLICE}（警察）" in text and f"{FIRE}（救急）" in text, text
    assert f"{named(ALWAYS_OPEN)}（{ALWAYS_OPEN['hours']}）" in text, text


def test_the_data_has_what_this_file_checks() -> None:
    assert (POLICE, FIRE) == ("110", "119")
    assert len(DEV_CRISIS) >= 20 and all(c.get("expect_any") for c in DEV_CRISIS)


@pytest.mark.parametrize("kind", CRISIS_KINDS)
def test_each_crisis_kind_names_the_first_line_the_data_lists_for_it(assistant: Assistant, kind: str) -> None:
    text = assistant.composer.crisis("q", (kind,), None).text
    assert f"すぐに {POLICE}（警察）か {FIRE}（救急）に電話してください" in text
    serving = [h for h in LINES if kind in (h.get("crisis") or []) and h.get("phone") not in (None, POLICE, FIRE)]
    first = serving[0] if serving else ALWAYS_OPEN  # nothing beyond 110 and 119: the line open 24 hours
    assert f"・{named(first)}" in text, (kind, text)


def test_the_menus_crisis_reply_names_the_24_hour_line(assistant: Assistant) -> None:
    text = assistant.composer.crisis("q", (), None).text
    assert f"{POLICE}（警察）" in text and f"・{named(ALWAYS_OPEN)}" in text


@pytest.mark.parametrize("case", DEV_CRISIS[::3], ids=lambda c: str(c["id"]))
def test_dev_crisis_questions_get_the_lines_their_label_names(assistant: Assistant, case: dict[str, Any]) -> None:
    reply = assistant.reply(case["q"])
    assert reply.status == "crisis"
    assert f"{POLICE}（警察）" in reply.text and f"{FIRE}（救急）" in reply.text
    assert any(expected in reply.text for expected in case["expect_any"]), (case, reply.text)


def _clarify(assistant: Assistant) -> Reply:
    cards = assistant.data.knowledge.cards
    return assistant.composer.clarify("q", [(cards["dv"], 0.3), (cards["women_consult"], 0.29)], None)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda a: a.reply("明日の天気は晴れますか"), id="no_match"),
        pytest.param(lambda a: a.reply(""), id="empty"),
        pytest.param(lambda a: a.reply("国分寺市の介護の窓口"), id="other_city"),
        pytest.param(_clarify, id="clarify"),
        pytest.param(lambda a: a.composer.emergency_first(a.reply("母が認知症かもしれない")), id="grey_zone"),
    ],
)
def test_every_reply_that_is_not_an_answer_carries_the_safety_net(assistant: Assistant, make: Any) -> None:
    reply = make(assistant)
    assert reply.status != "answer" or reply.crisis_hint
    assert_safety_net(reply.text)
    # Only a message that may be a crisis is told "if you are in danger now"; the others get the plain line.
    assert ("もし いま危険な状態なら" in reply.text) == reply.crisis_hint


def test_a_grey_zone_reply_puts_the_safety_net_first(assistant: Assistant) -> None:
    reply = assistant.reply("昔は死にたいと思ったけど今は元気")
    assert reply.status != "crisis" and reply.crisis_hint
    first_paragraph = reply.text.split("\n\n")[0]
    assert_safety_net(first_paragraph)


WEEKDAY_NOON = datetime(2026, 12, 2, 13, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Wednesday, no holiday


def _listed(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("・")]


@pytest.mark.parametrize("kind", CRISIS_KINDS)
def test_each_crisis_reply_lists_the_datas_lines_in_its_order_with_their_hours(
    assistant: Assistant, kind: str
) -> None:
    """Hotlines first, then the city's windows, each as the data writes it: name, number, (hours). At a
    weekday noon every line is open, so the open-now ordering (issue 14) keeps the data's order."""
    text = assistant.composer.at(WEEKDAY_NOON).crisis("q", (kind,), None).text
    serving = [h for h in LINES if kind in (h.get("crisis") or []) and h.get("phone") not in (None, POLICE, FIRE)]
    expected = [f"・{named(h)}" + (f"（{h['hours']}）" if h.get("hours") else "") for h in serving][:4]
    if not any("24時間" in str(h.get("hours")) for h in serving[:4]):
        # Issue 14: a line open around the clock is always among the first two; the 24-hour listener
        # comes first when none of the kind's own lines is.
        listener = next(h for h in LINES if "general" in (h.get("crisis") or []) and "24時間" in str(h.get("hours")))
        expected.insert(0, f"・{named(listener)}（{listener['hours']}）")
    assert _listed(text) == expected
    # Three paragraphs: the lead and the call to 110/119, the lines under their heading, the closing.
    first, lines, closing = text.split("\n\n")
    assert first.endswith("に電話してください。") and lines.startswith("■ ") and closing.startswith("ひとりで")


def test_a_kind_with_no_line_beyond_110_and_119_gets_the_24_hour_line(assistant: Assistant) -> None:
    from dataclasses import replace

    from bot.core.safety import SafetyLines

    knowledge = assistant.data.knowledge
    only_police = {
        wid: replace(w, crisis=tuple(k for k in w.crisis if k != "violence" or wid == "police_110"))
        for wid, w in knowledge.windows.items()
    }
    lines = SafetyLines(replace(knowledge, windows=only_police), {})
    text = "\n".join(lines.crisis(("violence",), WEEKDAY_NOON, easy=False).lines)
    assert _listed(text) == [f"・{named(ALWAYS_OPEN)}（{ALWAYS_OPEN['hours']}）"]


def test_a_24_hour_line_listed_third_is_moved_first(assistant: Assistant) -> None:
    """Issue 14's rule at the level of the ordering itself: the first two numbers include one that can
    be called now, whatever order the data gives."""
    from bot.core.safety import always_open, by_open_now

    windows = list(assistant.data.knowledge.windows.values())
    around_the_clock = next(w for w in windows if always_open(w))
    others = [w for w in windows if w.phone and not always_open(w) and w.schedule is not None][:2]
    ordered = by_open_now([*others, around_the_clock], WEEKDAY_NOON)
    assert ordered[0] == around_the_clock and set(ordered[1:]) == set(others)


WEEKDAY_NIGHT = datetime(2026, 12, 2, 23, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Wednesday


def _ordering_windows(assistant: Assistant) -> tuple[Any, Any, Any]:
    """A line open at a weekday noon and closed at night, one whose hours are unknown, one always open."""
    from bot.core.opening import open_now
    from bot.core.safety import always_open

    windows = [w for w in assistant.data.knowledge.windows.values() if w.phone]
    office = next(
        w
        for w in windows
        if open_now(w.schedule, WEEKDAY_NOON) is True and open_now(w.schedule, WEEKDAY_NIGHT) is False
    )
    unknown = next(w for w in windows if w.schedule is None and not always_open(w))
    return office, unknown, next(w for w in windows if always_open(w))


def test_open_lines_come_before_lines_of_unknown_hours(assistant: Assistant) -> None:
    from bot.core.safety import by_open_now

    office, unknown, _ = _ordering_windows(assistant)
    assert by_open_now([unknown, office], WEEKDAY_NOON) == [office, unknown]


def test_lines_of_unknown_hours_come_before_closed_ones(assistant: Assistant) -> None:
    from bot.core.safety import by_open_now

    office, unknown, _ = _ordering_windows(assistant)
    assert by_open_now([office, unknown], WEEKDAY_NIGHT) == [unknown, office]


def test_a_24_hour_line_already_second_stays_second(assistant: Assistant) -> None:
    from bot.core.safety import by_open_now

    office, _, around_the_clock = _ordering_windows(assistant)
    assert by_open_now([office, around_the_clock], WEEKDAY_NOON) == [office, around_the_clock]
