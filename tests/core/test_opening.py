"""Replies at fixed times: a weekday, Sunday 3 a.m., a public holiday and 年末年始.

`open_now` of each line, the 受付時間外 marks, and the order of the numbers in the crisis reply of
every crisis kind (lines open now first; a line open around the clock among the first two).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.assistant import Assistant
from bot.core.opening import TOKYO, closed_mark, open_now
from bot.core.safety import always_open
from bot.data.crisis_intents import CRISIS_KINDS

WEEKDAY = datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO)  # Wednesday
SUNDAY_3AM = datetime(2026, 12, 6, 3, 0, tzinfo=TOKYO)
HOLIDAY = datetime(2026, 11, 23, 10, 0, tzinfo=TOKYO)  # 勤労感謝の日, a Monday
YEAR_END = datetime(2026, 12, 30, 10, 0, tzinfo=TOKYO)  # Wednesday, not a public holiday
MOMENTS = {"weekday": WEEKDAY, "sunday_3am": SUNDAY_3AM, "holiday": HOLIDAY, "year_end": YEAR_END}

# What the sourced hours say at each moment; None where the source does not say.
EXPECTED: dict[str, dict[str, bool | None]] = {
    "weekday": {
        "tokyo_inochi": True, "tokyo_jisatsu_dial": False, "tama_inochi": True, "josei_soudan_tama": True,
        "womens_plaza": True, "kodomo_jinken": True, "keishicho_soudan": True, "jido_hattatsu_center": True,
        "kokoro_dial": None, "city_hall": None,
    },
    "sunday_3am": {
        "tokyo_inochi": True, "tokyo_jisatsu_dial": True, "tama_inochi": False, "josei_soudan_tama": False,
        "womens_plaza": False, "kodomo_jinken": False, "keishicho_soudan": False, "jido_hattatsu_center": False,
    },
    "holiday": {
        "tokyo_inochi": True, "tama_inochi": True, "josei_soudan_tama": False, "womens_plaza": True,
        "kodomo_jinken": False, "keishicho_soudan": None, "jido_hattatsu_center": False, "aozora_fukushi": None,
    },
    "year_end": {
        "tokyo_inochi": True, "tama_inochi": True, "josei_soudan_tama": False, "womens_plaza": False,
        "kodomo_jinken": None, "keishicho_soudan": None, "jido_hattatsu_center": False,
        "kosodate_hiroba_window": False, "tokyo_jisatsu_dial": False,
    },
}


@pytest.mark.parametrize("moment", list(EXPECTED))
def test_open_now_follows_the_sourced_hours(assistant: Assistant, moment: str) -> None:
    windows = assistant.data.knowledge.windows
    got = {wid: open_now(windows[wid].schedule, MOMENTS[moment]) for wid in EXPECTED[moment]}
    assert got == EXPECTED[moment]


def test_closed_lines_say_when_they_open(assistant: Assistant) -> None:
    windows = assistant.data.knowledge.windows
    assert closed_mark(windows["tokyo_jisatsu_dial"].schedule, WEEKDAY) == "受付時間外（12時から）"
    assert closed_mark(windows["josei_soudan_tama"].schedule, SUNDAY_3AM) == "受付時間外（あす9時から）"
    assert closed_mark(windows["kodomo_jinken"].schedule, SUNDAY_3AM) == "受付時間外（あす8時30分から）"
    # Tuesday after the holiday; over 年末年始 the centre reopens on Monday 4 January.
    assert closed_mark(windows["josei_soudan_tama"].schedule, HOLIDAY) == "受付時間外（あす9時から）"
    assert closed_mark(windows["jido_hattatsu_center"].schedule, YEAR_END) == "受付時間外（月曜9時から）"
    assert closed_mark(windows["tokyo_inochi"].schedule, SUNDAY_3AM) is None


def test_json_carries_open_now_for_every_window(assistant: Assistant) -> None:
    data = assistant.at(SUNDAY_3AM).reply("夫に殴られる").to_json()
    states = {w["id"]: w["open_now"] for w in data["windows"]}
    assert all("open_now" in w for w in data["windows"])
    assert states["dv_plus"] is True and states["josei_soudan_tama"] is False
    assert "東京都女性相談センター 多摩支所 042-522-4232　受付時間外（あす9時から）" in data["text"]


@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("kind", CRISIS_KINDS)
def test_crisis_numbers_open_now_first(assistant: Assistant, moment: str, kind: str) -> None:
    at = MOMENTS[moment]
    reply = assistant.at(at).composer.crisis("q", (kind,), None)
    ids = [w.id for w in reply.windows]
    assert ids[:2] == ["police_110", "fire_119"]
    listed = reply.windows[2:]
    assert any(always_open(w) for w in listed[:2]), (kind, moment, ids)
    rank = {True: 0, None: 1, False: 2}
    states = [rank[open_now(w.schedule, at)] for w in listed]
    assert states == sorted(states), (kind, moment, ids)
    # The text names the numbers in the same order as `windows`.
    positions = [reply.text.index(w.phone or "") for w in listed]
    assert positions == sorted(positions)
    for w in listed:
        if open_now(w.schedule, at) is False:
            assert f"{w.phone}　受付時間外" in reply.text


def test_ask_at_answers_as_at_that_time(assistant: Assistant) -> None:
    from bot.cli import _moment

    assert _moment("2026-12-06T03:00+09:00") == SUNDAY_3AM
    assert _moment("2026-12-05T18:00Z") == SUNDAY_3AM  # the same moment, given in UTC
    assert _moment("2026-12-06T03:00") == SUNDAY_3AM  # no zone: Tokyo
