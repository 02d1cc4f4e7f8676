"""The emergency lines: the crisis reply per kind, and the safety net on every reply that is not an answer.

Every number comes from knowledge/ (hotlines.yaml, windows.yaml), never from here. What this module
guarantees instead is that the lines exist: `safety_problems` is part of `kb check` and of every load,
so a data edit that would leave a resident without 110, 119 or a 24-hour line stops the bot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.core.contacts import crisis_line
from bot.core.opening import open_now
from bot.data import Knowledge, Window
from bot.data.crisis_intents import CRISIS_KINDS

# The national numbers themselves are the one thing data cannot change: municipality.yaml names the
# entries (emergency.police, emergency.fire) and kb check refuses any whose phone is not this.
POLICE, FIRE = "police", "fire"
EMERGENCY_PHONES = {POLICE: "110", FIRE: "119"}
LISTENING_KIND = "general"  # the hotline kind for any worry; the safety net takes one open 24 hours
ALWAYS_OPEN = "24時間"  # the words kb check's message names; the test itself is the window's schedule
MAX_LINES_PER_KIND = 4  # in a crisis every extra line is in the way


@dataclass(frozen=True)
class CrisisLines:
    lines: tuple[str, ...]
    windows: tuple[Window, ...]


def always_open(window: Window) -> bool:
    """Open around the clock every day, by the schedule that restates its sourced hours."""
    return window.schedule is not None and window.schedule.always


def by_open_now(windows: list[Window], at: datetime) -> list[Window]:
    """Lines open now first, then those whose hours are unknown, then closed ones; file order within each.

    A line open around the clock always stands among the first two, so the first numbers a resident
    in crisis sees can be called now.
    """
    rank = {True: 0, None: 1, False: 2}
    ordered = sorted(windows, key=lambda w: rank[open_now(w.schedule, at)])
    if ordered and not any(always_open(w) for w in ordered[:2]):
        first = next((w for w in ordered if always_open(w)), None)
        if first is not None:
            ordered.remove(first)
            ordered.insert(0, first)
    return ordered


def _always_open_listener(knowledge: Knowledge) -> Window | None:
    return next(
        (
            w
            for w in knowledge.windows.values()
            if w.is_hotline and LISTENING_KIND in w.crisis and w.phone and always_open(w)
        ),
        None,
    )


def emergency_ids(knowledge: Knowledge) -> dict[str, str]:
    """police/fire → the id of its entry in hotlines.yaml, as municipality.yaml names them."""
    emergency = knowledge.municipality.emergency
    return {POLICE: emergency.police, FIRE: emergency.fire}


@dataclass(frozen=True)
class SafetyProblem:
    entry: str  # the window id or crisis kind at fault
    code: str  # the kb check message code (bot/data/problems.py)
    phone: str | None = None  # for a missing emergency line: the number it must have


def safety_problems(knowledge: Knowledge) -> list[SafetyProblem]:
    """Every way the data would leave a resident in danger without a number."""
    problems = []
    for role, wid in emergency_ids(knowledge).items():
        window = knowledge.windows.get(wid)
        phone = EMERGENCY_PHONES[role]
        if window is None or window.phone != phone:
            problems.append(SafetyProblem(wid, "emergency_line", phone))
    if _always_open_listener(knowledge) is None:
        problems.append(SafetyProblem(LISTENING_KIND, "no_24h_line"))
    served = {kind for w in knowledge.windows.values() if w.phone for kind in w.crisis}
    problems += [SafetyProblem(kind, "crisis_kind_unserved") for kind in CRISIS_KINDS if kind not in served]
    return problems


class SafetyLines:
    """Composes the emergency lines; built once per data load, after `safety_problems` found none."""

    def __init__(
        self, knowledge: Knowledge, leads: Mapping[str, str], easy_leads: Mapping[str, str] | None = None
    ) -> None:
        ids = emergency_ids(knowledge)
        self._police = knowledge.windows[ids[POLICE]]
        self._fire = knowledge.windows[ids[FIRE]]
        self._say = knowledge.municipality.wording.safety
        listener = _always_open_listener(knowledge)
        assert listener is not None  # guaranteed by safety_problems at load
        self._listener = listener
        self._leads = leads
        self._easy_leads = easy_leads or {}
        # Hotlines before the city's windows, each in file order: the data puts the best line first.
        ordered = sorted(knowledge.windows.values(), key=lambda w: not w.is_hotline)
        self._serving = {
            kind: [w for w in ordered if kind in w.crisis and w.phone] for kind in (*CRISIS_KINDS, LISTENING_KIND)
        }

    @property
    def net_windows(self) -> tuple[Window, ...]:
        return (self._police, self._fire, self._listener)

    def net_line(self, *, easy: bool, maybe: bool = False) -> str:
        """One short line for replies that are not answers: 110, 119 and a line open 24 hours.

        `maybe`: the message may be a crisis, so the line stands first and says so. `easy`: in
        やさしい日本語. kb check proves every version keeps the numbers' placeholders.
        """
        listener = self._listener
        say = self._say.net_maybe if maybe else self._say.net
        return say.fill(
            easy,
            police=self._police.phone or "",
            fire=self._fire.phone or "",
            listener=listener.name,
            listener_phone=listener.phone or "",
            hours=listener.hours or "",
        )

    def crisis(self, kinds: tuple[str, ...], at: datetime, *, easy: bool) -> CrisisLines:
        """The crisis reply's body for these kinds (most urgent first); every kind gets its own lines.

        No kind (the menu's 「緊急のとき」) gives the lines for any worry. The lines open at `at` come
        first, and a line open around the clock is always among the first two (the listener, when no
        line serving the kind is).
        """
        kinds = tuple(k for k in kinds if k in self._serving) or (LISTENING_KIND,)
        chosen: list[Window] = [self._police, self._fire]
        for kind in kinds:
            extra = [w for w in self._serving[kind] if w not in chosen]
            chosen.extend(extra[:MAX_LINES_PER_KIND])
        listed = chosen[2:]
        if not any(always_open(w) for w in listed):
            listed.insert(0, self._listener)
        listed = by_open_now(listed, at)
        lead = (self._easy_leads.get(kinds[0]) if easy else None) or self._leads.get(kinds[0])
        say = self._say
        lines = [
            *([lead] if lead else []),
            say.crisis_call.fill(easy, police=self._police.phone or "", fire=self._fire.phone or ""),
            "",
            say.crisis_heading.pick(easy),
            *(crisis_line(w, at) for w in listed),
            "",
            say.crisis_closing.pick(easy),
        ]
        return CrisisLines(tuple(lines), (self._police, self._fire, *listed))
