"""Town and 丁目 recognition: 「小川西町3丁目」, 「おがわにしまち」, 「花小金井南町二丁目」 → a known town."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.data import Assignment, Knowledge, Town
from bot.language.text import Token, analyzer, normalize, to_hiragana

_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHOME_PART = r"([0-9]{1,2}|[一二三四五六七八九])\s*(?:丁目|ちょうめ|チョウメ|-|−)"
_CHOME = re.compile(r"^\s*" + _CHOME_PART)


@dataclass(frozen=True)
class TownMatch:
    town: Town
    chome: int | None = None

    @property
    def label(self) -> str:
        return f"{self.town.name}{self.chome}丁目" if self.chome else self.town.name


_MUNICIPALITY_SUFFIXES = ("市", "区", "町", "村")


def other_municipality(tokens: tuple[Token, ...], own_towns: frozenset[str], home: str) -> str | None:
    """Another city named in the text (国分寺市, 八王子市役所), unless the home city (`home`, the
    municipality's short name) is named too."""
    other = None
    for index, tok in enumerate(tokens):
        if tok.pos_detail[:3] != ("名詞", "固有名詞", "地名"):
            continue
        name = tok.surface
        if name.startswith(home):
            return None
        following = tokens[index + 1].surface if index + 1 < len(tokens) else ""
        if name.endswith(_MUNICIPALITY_SUFFIXES):
            city = name
        elif following.startswith(("市", "区", "村")):
            city = name + following[0]
        else:
            continue
        if name not in own_towns and city not in own_towns and other is None:
            other = city
    return other


class TownFinder:
    def __init__(self, knowledge: Knowledge) -> None:
        self._knowledge = knowledge
        names: dict[str, Town] = {}
        for town in knowledge.towns:
            names[normalize(town.name)] = town
            names[to_hiragana(normalize(town.kana))] = town
        self._names = names
        # Longest first, so 花小金井南町 wins over 花小金井 and 小川西町 over 小川町's neighbours.
        self._pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
        self._by_id = {t.id: t for t in knowledge.towns}
        self.own_town_names = frozenset(t.name for t in knowledge.towns)
        self.home_city = knowledge.municipality.city.short

    def find(self, text: str) -> TownMatch | None:
        normalized = normalize(text)
        # Kana-typed town names are matched in hiragana; kanji are unaffected by the conversion.
        hira = to_hiragana(normalized)
        m = self._pattern.search(hira)
        if not m:
            return None
        town = self._names[m.group(0)]
        chome = None
        c = _CHOME.match(hira[m.end() :])
        if c:
            raw = c.group(1)
            number = int(raw) if raw.isdigit() else _KANJI_DIGITS[raw]
            chome = number if number in town.chome else None
        return TownMatch(town, chome)

    def only_town(self, text: str, match: TownMatch) -> bool:
        """True when the message is just a town (「小川西町です」, 「小川西町3丁目に住んでいます」)."""
        rest = normalize(text)
        for name in (match.town.name, match.town.kana):  # the town and its 丁目 go together
            rest = re.sub(re.escape(normalize(name)) + rf"(?:\s*{_CHOME_PART})?", "", rest)
        lemmas = analyzer().analyse(rest).content_lemmas
        return not [lemma for lemma in lemmas if lemma not in ("住む", "丁目", "町", "在住")]

    def by_id(self, town_id: str) -> Town | None:
        return self._by_id.get(town_id)

    def assignment(self, match: TownMatch) -> Assignment | None:
        """The sourced area/centre assignment for this town (丁目-level first), if any is known."""
        best: Assignment | None = None
        for a in self._knowledge.assignments:
            if a.town != match.town.id:
                continue
            if a.chome is not None and a.chome == match.chome:
                return a
            if a.chome is None:
                best = a
        return best
