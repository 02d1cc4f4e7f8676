"""The emergency lines: every reply that is not an answer shows 110, 119 and a 24-hour line, and
the crisis reply gives each kind its own lines. A data edit cannot take them away."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
import yaml

from bot.core.assistant import Assistant
from bot.core.reply import Reply
from bot.data.check import check_data
from bot.data.crisis_intents import CRISIS_KINDS


def shows_the_safety_net(reply: Reply) -> bool:
    ids = [w.id for w in reply.windows]
    return (
        "110（警察）" in reply.text
        and "119（救急）" in reply.text
        and "東京いのちの電話 03-3264-4343（24時間" in reply.text
        and {"police_110", "fire_119", "tokyo_inochi"} <= set(ids)
    )


@pytest.mark.parametrize("text", ["明日の天気は晴れますか", "むにゃむにゃ ぽよぽよ", "", "   ", "国分寺市の介護の窓口"])
def test_every_no_match_shows_the_emergency_lines(assistant: Assistant, text: str) -> None:
    reply = assistant.reply(text)
    assert reply.status == "no_match"
    assert shows_the_safety_net(reply), reply.text


def test_every_clarify_shows_the_emergency_lines(assistant: Assistant) -> None:
    cards = assistant.data.knowledge.cards
    reply = assistant.composer.clarify("q", [(cards["dv"], 0.3), (cards["women_consult"], 0.29)], None)
    assert shows_the_safety_net(reply), reply.text


def test_an_answer_carries_no_safety_net_line(assistant: Assistant) -> None:
    reply = assistant.reply("母が認知症かもしれない")
    assert reply.status == "answer" and not shows_the_safety_net(reply)


@pytest.mark.parametrize("kind", CRISIS_KINDS)
def test_each_crisis_kind_gets_110_119_and_its_own_lines(assistant: Assistant, kind: str) -> None:
    reply = assistant.composer.crisis("q", (kind,), None)
    assert "110（警察）" in reply.text and "119（救急）" in reply.text
    lead = next(k.lead for k in assistant.data.intents.crisis if k.kind == kind)
    assert reply.text.startswith(lead)
    serving = [w for w in reply.windows if kind in w.crisis and w.id not in ("police_110", "fire_119")]
    assert serving or kind in ("missing_person",), kind
    for w in reply.windows[2:]:
        assert f"{w.name} {w.phone}" in reply.text


@pytest.mark.parametrize(
    ("text", "first", "also"),
    [
        ("ぼく まいにち おとうさんに たたかれる。ごはんも もらえない", "189", "0120-0-78310"),
        ("夫に殴られています。助けて", "0120-279-889", "#8008"),
        ("認知症の母が朝から帰ってきません", "110", "042-346-9539"),
        ("父が倒れて息をしていない", "119", "#7119"),
        ("介護に疲れて、母に手をあげてしまいそう", "042-346-9539", "03-3264-4343"),
    ],
)
def test_crisis_replies_per_kind(assistant: Assistant, text: str, first: str, also: str) -> None:
    reply = assistant.reply(text)
    assert reply.status == "crisis"
    assert first in reply.text and also in reply.text


def _edit(path: Path, edit: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_empty_crisis_file_is_an_error(data_copy: Path) -> None:
    (data_copy / "intents" / "crisis.yaml").write_text("", encoding="utf-8")
    problems = check_data(data_copy)
    assert any(p.file == "intents/crisis.yaml" and "empty" in p.message for p in problems)


def test_a_missing_crisis_kind_is_an_error(data_copy: Path) -> None:
    _edit(data_copy / "intents" / "crisis.yaml", lambda d: d.update(crisis=d["crisis"][1:]))
    problems = check_data(data_copy)
    assert any(p.entry == "suicide" and "missing" in p.message for p in problems)


def test_removing_an_emergency_line_is_an_error(data_copy: Path) -> None:
    _edit(
        data_copy / "knowledge" / "hotlines.yaml",
        lambda d: d.update(hotlines=[h for h in d["hotlines"] if h["id"] != "fire_119"]),
    )
    problems = check_data(data_copy)
    assert any(p.entry == "fire_119" for p in problems)


def test_a_kind_without_a_line_is_an_error(data_copy: Path) -> None:
    def strip(d: dict[str, list[dict[str, object]]]) -> None:
        for item in d["hotlines"]:
            kinds = cast(list[str], item.get("crisis") or [])
            item["crisis"] = [k for k in kinds if k != "medical"]

    _edit(data_copy / "knowledge" / "hotlines.yaml", strip)
    assert any(p.entry == "medical" for p in check_data(data_copy))


def test_no_24_hour_line_is_an_error(data_copy: Path) -> None:
    def drop_hours(d: dict[str, list[dict[str, object]]]) -> None:
        for item in d["hotlines"]:
            if "24時間" in str(item.get("hours", "")):
                item.pop("hours")
                item.pop("schedule", None)  # a schedule restates its hours text

    _edit(data_copy / "knowledge" / "hotlines.yaml", drop_hours)
    assert any(p.entry == "general" and "24時間" in p.message for p in check_data(data_copy))


def test_too_small_a_corpus_is_an_error(data_copy: Path) -> None:
    for path in (data_copy / "intents" / "crisis_corpus").glob("*.yaml"):
        path.unlink()
    problems = check_data(data_copy)
    assert any("crisis_corpus" in p.file and p.entry == "overdose" for p in problems)


def test_the_safety_check_names_each_way_data_could_leave_a_resident_without_a_number(assistant: Assistant) -> None:
    """bot.core.safety.safety_problems, which kb check and every load run: each broken line is named with
    the kb check code it is reported under; the real data have none."""
    from dataclasses import replace

    from bot.core.safety import SafetyProblem, safety_problems

    knowledge = assistant.data.knowledge
    assert safety_problems(knowledge) == []
    windows = dict(knowledge.windows)
    windows["police_110"] = replace(windows["police_110"], phone="111")
    # No line for feelings open around the clock, and no line at all for a missing person.
    windows = {
        wid: replace(w, crisis=tuple(k for k in w.crisis if k not in ("missing_person", "general")))
        for wid, w in windows.items()
    }
    problems = safety_problems(replace(knowledge, windows=windows))
    assert SafetyProblem("police_110", "emergency_line", "110") in problems
    assert SafetyProblem("missing_person", "crisis_kind_unserved") in problems
    assert SafetyProblem("general", "no_24h_line") in problems
    assert len(problems) == 3  # nothing else is reported
    del windows["fire_119"]
    assert SafetyProblem("fire_119", "emergency_line", "119") in safety_problems(replace(knowledge, windows=windows))


@pytest.mark.parametrize("easy", [False, True])
def test_the_crisis_lines_and_the_net_line_speak_in_the_conversations_mode(assistant: Assistant, easy: bool) -> None:
    """Each sentence of the crisis body and of the net line comes in the mode asked for, from the wording."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    safety = assistant.composer.safety
    say = assistant.data.knowledge.municipality.wording.safety
    at = datetime(2026, 12, 2, 13, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    body = "\n".join(safety.crisis(("dv",), at, easy=easy).lines)
    for sentence in (say.crisis_heading, say.crisis_closing):
        assert sentence.easy and sentence.easy != sentence.text  # the data give both versions
        assert sentence.pick(easy) in body and sentence.pick(not easy) not in body
    call = say.crisis_call.fill(easy, police="110", fire="119")
    assert call in body and say.crisis_call.fill(not easy, police="110", fire="119") not in body
    net = safety.net_line(easy=easy)
    other = safety.net_line(easy=not easy)
    assert net != other and "110" in net and "119" in net and "24時間" in net


def test_a_kind_lists_its_hotlines_before_the_citys_windows(assistant: Assistant) -> None:
    """Lines of the same open-now standing keep the chosen order: hotlines first, then the city's
    windows, whatever order the windows file has."""
    from dataclasses import replace
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.core.safety import SafetyLines

    knowledge = assistant.data.knowledge
    hotline = next(
        w for w in knowledge.windows.values()
        if w.is_hotline and "dv" in w.crisis and w.phone and w.id not in ("police_110", "fire_119")
    )
    window = next(w for w in knowledge.windows.values() if not w.is_hotline and w.phone and "dv" not in w.crisis)
    # Only these two serve DV; both of unknown hours; the city window first in the file.
    others = {
        wid: replace(w, crisis=tuple(k for k in w.crisis if k != "dv"))
        for wid, w in knowledge.windows.items()
        if wid not in (hotline.id, window.id)
    }
    windows = {
        window.id: replace(window, crisis=(*window.crisis, "dv"), schedule=None),
        **others,
        hotline.id: replace(hotline, schedule=None),
    }
    lines = SafetyLines(replace(knowledge, windows=windows), {})
    at = datetime(2026, 12, 2, 13, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    listed = [w.id for w in lines.crisis(("dv",), at, easy=False).windows[2:]]
    assert listed.index(hotline.id) < listed.index(window.id)
