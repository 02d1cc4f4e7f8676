"""The Reply value (the contract's JSON) and its composition from knowledge.

Texts are short, polite and plain, with phone numbers written out so every channel shows them
(Telegram makes them tappable). Nothing here gives medical or legal advice: it says what a thing is
and who to ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from bot.core.contacts import first_contact, lead_block, lead_first, short_source, window_lines
from bot.core.opening import now_tokyo, open_now
from bot.core.safety import SafetyLines
from bot.core.sentences import without_repeats
from bot.core.towns import TownFinder, TownMatch
from bot.data import Card, Knowledge, Window, iter_windows_of
from bot.language.text import has_japanese

Status = Literal["answer", "clarify", "no_match", "crisis"]
# A word in Latin letters: with no kana or kanji in the message, the resident may not read Japanese.
_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}")


def _not_japanese(query: str) -> bool:
    """Words in Latin letters and no Japanese (an English question): the reply says it is in Japanese."""
    return bool(_LATIN_WORDS.search(query)) and not has_japanese(query)


@dataclass(frozen=True)
class Reply:
    query: str
    status: Status
    text: str
    topic: str | None = None
    title: str | None = None
    windows: tuple[Window, ...] = ()
    area: dict[str, str | None] | None = None
    alternatives: tuple[tuple[str, str], ...] = ()  # (topic, title)
    score: float = 0.0
    crisis_hint: bool = False  # not a crisis reply, but the emergency line stands first
    domains: tuple[str, ...] = ()  # life-problem domains seen in the message (two or more: 複合的な課題)
    easy: bool = False  # the text is in やさしい日本語 with readings
    at: datetime | None = None  # the moment the reply speaks for (open_now of each window)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "topic": self.topic,
            "title": self.title,
            "text": self.text,
            "windows": [
                {"id": w.id, "name": w.name, "phone": w.phone, "open_now": self.open_now(w)} for w in self.windows
            ],
            "area": self.area,
            "alternatives": [{"topic": t, "title": title} for t, title in self.alternatives],
            "score": round(self.score, 3),
            "crisis_hint": self.crisis_hint,
            "domains": list(self.domains),
            "easy": self.easy,
        }

    def open_now(self, window: Window) -> bool | None:
        return open_now(window.schedule, self.at) if self.at is not None else None


def area_json(match: TownMatch | None, finder: TownFinder, knowledge: Knowledge) -> dict[str, str | None] | None:
    if match is None:
        return None
    assignment = finder.assignment(match)
    area_id = assignment.area if assignment else None
    area_name = knowledge.area_names.get(area_id) if area_id else None
    return {"id": area_id, "name": area_name, "town": match.label}


class Composer:
    def __init__(
        self,
        knowledge: Knowledge,
        towns: TownFinder,
        safety: SafetyLines,
        clock: Callable[[], datetime] = now_tokyo,
        easy: bool = False,
    ) -> None:
        self.knowledge = knowledge
        self.towns = towns
        self.safety = safety
        self.clock = clock
        self.easy = easy  # cards', crisis leads' and fixed sentences' やさしい日本語 texts where the data has them
        city = knowledge.municipality
        self.say = city.wording
        # Windows offered when nothing fits (the centre that takes "I don't know where to ask", the city);
        # windows that can tell a resident which centre serves their town; the kind of centre that serves
        # one part of the city (a named town must not be told "any of them will do").
        self.general_ids = tuple(city.windows.general)
        self.town_guide_ids = tuple(city.windows.town_guide)
        self.local_centre_kind = city.windows.local_centre_kind

    def at(self, when: datetime) -> Composer:
        """The same composer answering as at `when` (`ask --at`, tests at fixed times)."""
        return Composer(self.knowledge, self.towns, self.safety, lambda: when, self.easy)

    def _general_windows(self) -> list[Window]:
        return [self.knowledge.windows[w] for w in self.general_ids if w in self.knowledge.windows]

    def depends_on_town(self, card: Card) -> bool:
        """True when the right window for this card differs by town (a local centre, an area)."""
        return (
            card.needs_town
            or card.group == "areas"
            or any(w.kind == self.local_centre_kind for w in iter_windows_of(self.knowledge, card))
        )

    def _windows_block(self, windows: list[Window], at: datetime, heading: str | None = None) -> list[str]:
        if not windows:
            return []
        lines = ["", heading or self.say.answers.contacts.pick(self.easy)]
        for w in windows:
            lines.extend(window_lines(w, at, self.say, self.easy))
        return lines

    def _town_lines(self, card: Card, match: TownMatch) -> list[str]:
        assignment = self.towns.assignment(match)
        centre = self.knowledge.windows.get(assignment.centre or "") if assignment else None
        area = self.knowledge.area_names.get(assignment.area or "") if assignment else None
        say, easy = self.say.answers, self.easy
        if assignment and (centre or area):
            phone = f"（電話 {centre.phone}）" if centre and centre.phone else ""
            told = [say.town_centre.fill(easy, centre=centre.name, phone=phone)] if centre else []
            told += [say.town_area.fill(easy, area=area)] if area else []
            source = short_source(assignment.source, assignment.source_date)
            return ["", say.town_assigned.fill(easy, town=match.label, told="、".join(told), source=source)]
        if not self.depends_on_town(card):
            return []  # the windows above serve every town: the area in the JSON is enough
        return ["", say.town_unassigned.fill(easy, town=match.label, town_name=match.town.name)]

    def _centres(self, card: Card, windows: list[Window], match: TownMatch | None) -> tuple[list[Window], list[str]]:
        """Where the resident's own 地域包括支援センター is meant: the assigned one when the town is assigned;
        else every named centre with its phone, and once who can tell which one covers the town."""
        kind = self.local_centre_kind
        local = [i for i, w in enumerate(windows) if w.kind == kind]
        if not local and not card.needs_town:
            return windows, []
        assignment = self.towns.assignment(match) if match else None
        own = self.knowledge.windows.get(assignment.centre or "") if assignment else None
        centres = [own] if own else [w for w in self.knowledge.windows.values() if w.kind == kind]
        at = local[0] if local else 0
        rest = [w for w in windows if w.kind != kind and w not in centres]
        listed = [*rest[:at], *centres, *rest[at:]]
        guide = next((self.knowledge.windows[w] for w in self.town_guide_ids if w in self.knowledge.windows), None)
        if own or guide is None or not guide.phone:
            return listed, []
        return listed, ["", self.say.answers.which_centre.fill(self.easy, window=guide.name, phone=guide.phone)]

    def answer(
        self, query: str, card: Card, score: float, match: TownMatch | None, intro: str | None = None
    ) -> Reply:
        """Who to call first, then what this is, the other windows, the town, the source in one line.

        `intro` replaces the card's summary (a self-check result says what fits in its own words).
        """
        at = self.clock()
        named = list(iter_windows_of(self.knowledge, card)) or self._general_windows()
        windows, which_centre = self._centres(card, named, match)
        windows = lead_first(windows, at)
        first = first_contact(windows, at)
        lines = [f"【{card.title}】", *(lead_block(first, at, self.say, self.easy) if first else [])]
        if _not_japanese(query):
            lines[:0] = [self.say.fallbacks.answered_not_japanese.pick(self.easy), ""]
        if intro:
            lines.append(intro)
        else:
            lines.append(card.easy if self.easy and card.easy else card.summary)
            if card.detail:
                lines.append(self.say.answers.plan_detail.fill(self.easy, detail=card.detail))
        others = [w for w in windows if w is not first]
        heading = self.say.answers.other_contacts if first else self.say.answers.contacts
        lines.extend(self._windows_block(others, at, heading.pick(self.easy)))
        if match is not None:
            lines.extend(self._town_lines(card, match))
        elif card.needs_town:
            lines.extend(["", self.say.answers.ask_town.pick(self.easy)])
        lines.extend(which_centre)
        if card.source:
            lines.extend(["", short_source(card.source, card.source_date)])
        return Reply(
            query=query,
            status="answer",
            text="\n".join(without_repeats(lines)),
            topic=card.id,
            title=card.title,
            windows=tuple(windows),
            area=area_json(match, self.towns, self.knowledge),
            score=score,
            at=at,
        )

    def clarify(
        self, query: str, cards: list[tuple[Card, float]], match: TownMatch | None, unsure: bool = False
    ) -> Reply:
        """Several cards fit about equally: list each with its main window, so the reply helps as is.

        `unsure`: no card fits well, the list is a guess and says so, and the general window follows.
        """
        say = self.say.fallbacks
        lines = [(say.maybe if unsure else say.clarify).pick(self.easy)]
        if _not_japanese(query):
            lines[:0] = [say.answered_not_japanese.pick(self.easy), ""]
        windows: list[Window] = []
        for card, _ in cards:
            main = next(iter_windows_of(self.knowledge, card), None)
            if main is None:
                lines.append(f"・{card.title}")
                continue
            phone = f" 電話 {main.phone}" if main.phone else ""
            lines.append(f"・{card.title}（{main.name}{phone}）")
            if main not in windows:
                windows.append(main)
        if unsure:
            general = [w for w in self._general_windows()[:1] if w not in windows]
            for w in general:
                phone = f" 電話 {w.phone}" if w.phone else ""
                lines.extend(["", say.none_fit.fill(self.easy, window=w.name, phone=phone)])
            windows.extend(general)
        lines.extend(["", self.safety.net_line(easy=self.easy)])
        windows.extend(w for w in self.safety.net_windows if w not in windows)
        return Reply(
            query=query,
            status="clarify",
            text="\n".join(without_repeats(lines)),
            at=self.clock(),
            windows=tuple(windows),
            area=area_json(match, self.towns, self.knowledge),
            alternatives=tuple((card.id, card.title) for card, _ in cards),
            score=cards[0][1] if cards else 0.0,
        )

    def no_match(self, query: str, match: TownMatch | None, score: float = 0.0) -> Reply:
        windows = self._general_windows()
        lines = [self.say.fallbacks.no_match.pick(self.easy)]
        if _not_japanese(query):
            lines[:0] = [self.say.fallbacks.not_japanese.pick(self.easy), ""]
        lines.extend(self._windows_block(windows, self.clock()))
        lines.extend(["", self.safety.net_line(easy=self.easy)])
        return Reply(
            query=query,
            status="no_match",
            at=self.clock(),
            text="\n".join(lines),
            windows=(*windows, *(w for w in self.safety.net_windows if w not in windows)),
            area=area_json(match, self.towns, self.knowledge),
            score=score,
        )

    def ask_for_text(self, query: str, match: TownMatch | None) -> Reply:
        """An empty message: what to write, and the emergency line (this is not an answer either)."""
        hint = self.say.start.empty.pick(self.easy)
        return Reply(
            query=query,
            status="no_match",
            text=f"{hint}\n\n{self.safety.net_line(easy=self.easy)}",
            at=self.clock(),
            windows=self.safety.net_windows,
            area=area_json(match, self.towns, self.knowledge),
        )

    def other_city(self, query: str, city: str) -> Reply:
        general = self.no_match(query, None)
        lines = [
            self.say.fallbacks.other_city.fill(self.easy, city=city),
            *self._windows_block(self._general_windows(), self.clock()),
            "",
            self.safety.net_line(easy=self.easy),
        ]
        return replace(general, text="\n".join(lines))

    def crisis(self, query: str, kinds: tuple[str, ...], match: TownMatch | None) -> Reply:
        at = self.clock()
        body = self.safety.crisis(kinds, at, easy=self.easy)
        return Reply(
            at=at,
            query=query,
            status="crisis",
            text="\n".join(body.lines),
            topic=None,
            title=self.say.buttons.crisis.text,
            windows=body.windows,
            area=area_json(match, self.towns, self.knowledge),
            score=1.0,
        )

    def emergency_first(self, reply: Reply) -> Reply:
        """The same reply with the emergency line first: the message may be a crisis (the grey zone)."""
        net = self.safety.net_windows
        return replace(
            reply,
            text=f"{self.safety.net_line(maybe=True, easy=self.easy)}\n\n{reply.text}",
            windows=(*net, *(w for w in reply.windows if w not in net)),
            crisis_hint=True,
        )
