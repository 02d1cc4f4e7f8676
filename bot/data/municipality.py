"""kb check for knowledge/municipality.yaml: every {placeholder} of a sentence is one the code fills in,
the emergency numbers stay in the safety sentences, and the ids the code relies on exist.

The sentences themselves are read through `Knowledge.municipality` (the validated `MunicipalityFile`):
`wording.start.greeting.pick(easy)`, `wording.fallbacks.other_city.fill(easy, city=…)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from string import Formatter

from bot.data import schema as s
from bot.data.problems import ProblemLog, suggest
from bot.data.yamlio import Doc, Loc


def sentences(wording: s.Wording) -> Iterator[tuple[str, Loc, s.Say]]:
    """Every sentence of the wording with its key ("safety.net") and place in the file."""
    for group_name in s.Wording.model_fields:
        group = getattr(wording, group_name)
        for key in type(group).model_fields:
            value = getattr(group, key)
            loc: Loc = ("wording", group_name, key)
            if isinstance(value, s.Say):
                yield f"{group_name}.{key}", loc, value
            elif isinstance(value, s.Strict):
                for sub in type(value).model_fields:
                    say = getattr(value, sub)
                    if isinstance(say, s.Say):
                        yield f"{group_name}.{key}.{sub}", (*loc, sub), say


def _names(text: str) -> list[str]:
    """The {names} in `text`; ValueError when a brace is left open or a name is not plain."""
    names = []
    for _, name, spec, conversion in Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name or "{}")
        names.append(name)
    return names


def check_wording(data: s.MunicipalityFile, doc: Doc, log: ProblemLog) -> None:
    for key, loc, say in sentences(data.wording):
        allowed = s.PLACEHOLDERS.get(key, frozenset())
        required = s.REQUIRED_PLACEHOLDERS.get(key, frozenset())
        for variant in ("text", "easy"):
            text = getattr(say, variant)
            if text is None:
                continue
            line = doc.line((*loc, variant))
            try:
                names = _names(text)
            except ValueError as exc:
                log.add(doc.path, key, "wording_braces", line=line, reason=str(exc))
                continue
            for name in names:
                if name not in allowed:
                    log.add(doc.path, key, "wording_placeholder", line=line, hint=suggest(name, allowed),
                            name=name, allowed=", ".join(sorted(allowed)) or "-")
            for name in sorted(required - set(names)):
                log.add(doc.path, key, "wording_number_missing", line=line, name=name)


def check_ids(
    data: s.MunicipalityFile, doc: Doc, log: ProblemLog, windows: set[str], hotlines: set[str], cards: set[str]
) -> None:
    """The window, card and emergency-line ids the code relies on exist in the other files."""
    refs: list[tuple[Loc, str, str, set[str]]] = [
        *((("windows", "general", i), w, "window", windows) for i, w in enumerate(data.windows.general)),
        *((("windows", "town_guide", i), w, "window", windows) for i, w in enumerate(data.windows.town_guide)),
        (("cards", "town_centre"), data.cards.town_centre, "card", cards),
        (("cards", "guardianship"), data.cards.guardianship, "card", cards),
        (("emergency", "police"), data.emergency.police, "hotline", hotlines),
        (("emergency", "fire"), data.emergency.fire, "hotline", hotlines),
    ]
    for loc, ref, what, known in refs:
        if ref not in known:
            entry = ".".join(str(part) for part in loc[:2])
            log.add(doc.path, entry, "unknown_ref", line=doc.line(loc), hint=suggest(ref, known), what=what, ref=ref)
