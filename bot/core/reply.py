"""The Reply value (the contract's JSON) and its composition from knowledge.

Texts are short, polite and plain, with phone numbers written out so every channel shows them
(Telegram makes them tappable). Nothing here gives medical or legal advice: it says what a thing is
and who to ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.core.safety import SafetyLines
from bot.core.towns import TownFinder, TownMatch
from bot.data import Card, Knowledge, Window, iter_windows_of

Status = Literal["answer", "clarify", "no_match", "crisis"]

# Windows offered when nothing fits: the centre that takes "I don't know where to ask", and the city.
GENERAL_WINDOWS = ("seikatsu_soudan", "city_hall")
# Centres that serve one part of the city: a named town must not be told "any of them will do".
LOCAL_CENTRE_KIND = "地域包括支援センター"
# Sourced windows that can tell a resident which centre and area serve their town (the first with a phone).
TOWN_GUIDE_WINDOWS = ("koreisha_shien", "seikatsu_soudan")


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

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "topic": self.topic,
            "title": self.title,
            "text": self.text,
            "windows": [{"id": w.id, "name": w.name, "phone": w.phone} for w in self.windows],
            "area": self.area,
            "alternatives": [{"topic": t, "title": title} for t, title in self.alternatives],
            "score": round(self.score, 3),
            "crisis_hint": self.crisis_hint,
        }


def window_lines(w: Window) -> list[str]:
    lines = [f"・{w.name}"]
    if w.phone:
        lines.append(f"　電話 {w.phone}")
    if w.hours:
        lines.append(f"　受付 {w.hours}")
    if w.address and not w.phone:
        lines.append(f"　場所 {w.address}")
    if w.serves:
        lines.append(f"　（{w.serves}）")
    if not w.phone and w.fallback:
        lines.append("　電話番号は確認できていません。下の窓口でご案内を受けられます。")
    if w.note and (w.is_hotline or not w.phone):
        # Caveats that change what the resident should do (hours, no phone); staff notes stay in YAML.
        lines.append(f"　※{w.note}")
    return lines


def short_source(source: str, date: str | None) -> str:
    """The source in one short line: its first part, without addresses of web pages."""
    first = re.split(r"\s*[;；]\s*", source)[0]
    first = re.sub(r"\s*https?://\S+", "", first).strip() or "公開資料"
    more = " ほか" if re.search(r"[;；]", source) else ""
    shown_date = f"（{date}）" if date and date not in first else ""
    return f"出典：{first}{shown_date}{more}"


def area_json(match: TownMatch | None, finder: TownFinder, knowledge: Knowledge) -> dict[str, str | None] | None:
    if match is None:
        return None
    assignment = finder.assignment(match)
    area_id = assignment.area if assignment else None
    area_name = knowledge.area_names.get(area_id) if area_id else None
    return {"id": area_id, "name": area_name, "town": match.label}


class Composer:
    def __init__(self, knowledge: Knowledge, towns: TownFinder, safety: SafetyLines) -> None:
        self.knowledge = knowledge
        self.towns = towns
        self.safety = safety

    def _general_windows(self) -> list[Window]:
        return [self.knowledge.windows[w] for w in GENERAL_WINDOWS if w in self.knowledge.windows]

    def depends_on_town(self, card: Card) -> bool:
        """True when the right window for this card differs by town (a local centre, an area)."""
        return (
            card.needs_town
            or card.group == "areas"
            or any(w.kind == LOCAL_CENTRE_KIND for w in iter_windows_of(self.knowledge, card))
        )

    def _windows_block(self, windows: list[Window]) -> list[str]:
        lines = ["", "■ 相談先"]
        for w in windows:
            lines.extend(window_lines(w))
        return lines

    def _town_lines(self, card: Card, match: TownMatch) -> list[str]:
        assignment = self.towns.assignment(match)
        centre = self.knowledge.windows.get(assignment.centre or "") if assignment else None
        area = self.knowledge.area_names.get(assignment.area or "") if assignment else None
        if assignment and (centre or area):
            phone = f"（電話 {centre.phone}）" if centre and centre.phone else ""
            told = [f"担当の地域包括支援センターは {centre.name}{phone}"] if centre else []
            told += [f"圏域は{area}"] if area else []
            source = short_source(assignment.source, assignment.source_date)
            return ["", f"{match.label}の{'、'.join(told)}です。（{source}）"]
        if not self.depends_on_town(card):
            return ["", f"{match.label}にお住まいですね。上の窓口に相談できます。"]
        return [
            "",
            f"{match.label}にお住まいですね。{match.town.name}を担当する地域包括支援センターと圏域は、"
            "このサービスではまだ確認できていません。",
        ]

    def _centres(self, card: Card, windows: list[Window], match: TownMatch | None) -> tuple[list[Window], list[str]]:
        """Where the resident's own 地域包括支援センター is meant: the assigned one when the town is assigned;
        else every named centre with its phone, and once who can tell which one covers the town."""
        local = [i for i, w in enumerate(windows) if w.kind == LOCAL_CENTRE_KIND]
        if not local and not card.needs_town:
            return windows, []
        assignment = self.towns.assignment(match) if match else None
        own = self.knowledge.windows.get(assignment.centre or "") if assignment else None
        centres = [own] if own else [w for w in self.knowledge.windows.values() if w.kind == LOCAL_CENTRE_KIND]
        at = local[0] if local else 0
        rest = [w for w in windows if w.kind != LOCAL_CENTRE_KIND and w not in centres]
        listed = [*rest[:at], *centres, *rest[at:]]
        guide = next((self.knowledge.windows[w] for w in TOWN_GUIDE_WINDOWS if w in self.knowledge.windows), None)
        if own or guide is None or not guide.phone:
            return listed, []
        which = f"お住まいの町を担当するセンターがどこかは、{guide.name}（電話 {guide.phone}）で教えてもらえます。"
        return listed, ["", which]

    def answer(self, query: str, card: Card, score: float, match: TownMatch | None) -> Reply:
        windows = list(iter_windows_of(self.knowledge, card)) or self._general_windows()
        windows, which_centre = self._centres(card, windows, match)
        lines = [f"【{card.title}】", card.summary]
        if card.detail:
            lines.append(f"計画での説明：{card.detail}")
        lines.extend(self._windows_block(windows))
        if match is not None:
            lines.extend(self._town_lines(card, match))
        elif card.needs_town:
            lines.extend(["", "お住まいの町名を教えていただくと、担当の窓口の探し方をご案内します。"])
        lines.extend(which_centre)
        if card.source:
            lines.extend(["", short_source(card.source, card.source_date)])
        return Reply(
            query=query,
            status="answer",
            text="\n".join(lines),
            topic=card.id,
            title=card.title,
            windows=tuple(windows),
            area=area_json(match, self.towns, self.knowledge),
            score=score,
        )

    def clarify(self, query: str, cards: list[tuple[Card, float]], match: TownMatch | None) -> Reply:
        """Several cards fit about equally: list each with its main window, so the reply helps as is."""
        lines = ["ご質問に近いものがいくつかあります。あてはまるものを選んでください。"]
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
        lines.extend(["", self.safety.net_line()])
        windows.extend(w for w in self.safety.net_windows if w not in windows)
        return Reply(
            query=query,
            status="clarify",
            text="\n".join(lines),
            windows=tuple(windows),
            area=area_json(match, self.towns, self.knowledge),
            alternatives=tuple((card.id, card.title) for card, _ in cards),
            score=cards[0][1] if cards else 0.0,
        )

    def no_match(self, query: str, match: TownMatch | None, score: float = 0.0) -> Reply:
        windows = self._general_windows()
        lines = [
            "ごめんなさい。このご質問には、このサービスではお答えできません。",
            "福祉の困りごと（介護、生活費、子育て、障がい、成年後見など）なら、短い言葉で書いてみてください。",
            "どこに相談すればよいかわからないときは、次の窓口が話を聞いて、合う窓口につないでくれます。",
        ]
        lines.extend(self._windows_block(windows))
        lines.extend(["", self.safety.net_line()])
        return Reply(
            query=query,
            status="no_match",
            text="\n".join(lines),
            windows=(*windows, *(w for w in self.safety.net_windows if w not in windows)),
            area=area_json(match, self.towns, self.knowledge),
            score=score,
        )

    def ask_for_text(self, query: str, hint: str, match: TownMatch | None) -> Reply:
        """An empty message: what to write, and the emergency line (this is not an answer either)."""
        return Reply(
            query=query,
            status="no_match",
            text=f"{hint}\n\n{self.safety.net_line()}",
            windows=self.safety.net_windows,
            area=area_json(match, self.towns, self.knowledge),
        )

    def other_city(self, query: str, city: str) -> Reply:
        general = self.no_match(query, None)
        lines = [
            f"ごめんなさい。このサービスは小平市の相談先だけをご案内しています。{city}のことは、{city}の窓口におたずねください。",
            "小平市にお住まいの方のご相談なら、次の窓口が話を聞いてくれます。",
            *self._windows_block(self._general_windows()),
            "",
            self.safety.net_line(),
        ]
        return replace(general, text="\n".join(lines))

    def crisis(self, query: str, kinds: tuple[str, ...], match: TownMatch | None) -> Reply:
        body = self.safety.crisis(kinds)
        return Reply(
            query=query,
            status="crisis",
            text="\n".join(body.lines),
            topic=None,
            title="緊急のとき",
            windows=body.windows,
            area=area_json(match, self.towns, self.knowledge),
            score=1.0,
        )

    def emergency_first(self, reply: Reply) -> Reply:
        """The same reply with the emergency line first: the message may be a crisis (the grey zone)."""
        net = self.safety.net_windows
        return replace(
            reply,
            text=f"{self.safety.net_line(maybe=True)}\n\n{reply.text}",
            windows=(*net, *(w for w in reply.windows if w not in net)),
            crisis_hint=True,
        )
