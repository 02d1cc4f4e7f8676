"""knowledge/municipality.yaml: its declared shape, and the kb check of what a shape cannot say: every
{placeholder} of a sentence is one the code fills in, the emergency numbers stay in the safety sentences,
and the ids the code relies on exist.

The sentences themselves are read through `Knowledge.municipality` (the validated `MunicipalityFile`):
`wording.start.greeting.pick(easy)`, `wording.fallbacks.other_city.fill(easy, city=…)`. The records are
plain dataclasses (bot/data/declared.py): answering needs no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from string import Formatter
from typing import TYPE_CHECKING, Literal

from bot.data.declared import DateText, Id, Record, Text
from bot.data.problems import ProblemLog, suggest

if TYPE_CHECKING:
    from bot.data.yamlio import Doc, Loc


@dataclass(frozen=True, kw_only=True)
class TownEntry(Record):
    id: Id
    name: Text
    kana: Text
    chome: tuple[int, ...] = ()  # () when the town has no 丁目
    source: Text | None = None
    source_date: DateText | None = None


@dataclass(frozen=True, kw_only=True)
class Say(Record):
    """One resident-facing sentence: the ordinary text and, optionally, its やさしい日本語 version."""

    text: Text = field(metadata={"description": "ふつうの日本語の文"})
    easy: Text | None = field(
        default=None, metadata={"description": "やさしい日本語の文（なければ text に読みがなをつけて出します）"}
    )

    def pick(self, easy: bool = False) -> str:
        """The text for the mode: the easy version in easy mode where one is written."""
        return self.easy if easy and self.easy else self.text

    def fill(self, easy: bool = False, **values: str) -> str:
        """The text for the mode with its {placeholders} filled in (kb check proves the names)."""
        return self.pick(easy).format(**values)


@dataclass(frozen=True, kw_only=True)
class City(Record):
    name: Text = field(metadata={"description": "市の名前（住民に見せる正式な名前）"})
    short: Text = field(metadata={"description": "文の中でこの市を指す短い言葉（「市」を除いた名前）"})
    reading: Text = field(metadata={"description": "市の名前の読み（ひらがな）"})


@dataclass(frozen=True, kw_only=True)
class Service(Record):
    name: Text = field(metadata={"description": "サービスの名前（あいさつで名のります）"})
    report_name: Text = field(metadata={"description": "職員向けの報告書・グラフの題（市の名前のあとに続きます）"})


@dataclass(frozen=True, kw_only=True)
class CodeWindows(Record):
    general: tuple[Id, ...] = field(
        metadata={"min_length": 1, "description": "どこにも当てはまらないときに案内する窓口の id（順に）"}
    )
    town_guide: tuple[Id, ...] = field(
        metadata={"min_length": 1, "description": "町の担当センターを教えてくれる窓口の id（最初の1つ）"}
    )
    local_centre_kind: Text = field(
        metadata={"description": "町ごとに担当が分かれる窓口の kind（地域包括支援センター）"}
    )


@dataclass(frozen=True, kw_only=True)
class CodeCards(Record):
    town_centre: Id = field(metadata={"description": "町名だけが送られたときの答えのカード"})
    guardianship: Id = field(metadata={"description": "メニュー「成年後見制度のしくみ」の答えのカード"})


@dataclass(frozen=True, kw_only=True)
class Emergency(Record):
    police: Id = field(metadata={"description": "110 の id（hotlines.yaml）"})
    fire: Id = field(metadata={"description": "119 の id（hotlines.yaml）"})


@dataclass(frozen=True, kw_only=True)
class StartWording(Record):
    greeting: Say
    help: Say
    privacy: Say
    menu: Say
    unknown_command: Say
    stale: Say
    empty: Say
    easy_on: Say
    easy_off: Say


@dataclass(frozen=True, kw_only=True)
class ButtonWording(Record):
    find: Say
    town: Say
    guardianship: Say
    crisis: Say
    privacy: Say
    easy_on: Say
    easy_off: Say
    back: Say
    more: Say
    self_check: Say
    stop_check: Say
    pick_town: Say
    source: Say
    helpful: Say
    not_helpful: Say
    none_of_these: Say
    clear_town: Say


@dataclass(frozen=True, kw_only=True)
class PromptWording(Record):
    ask_topic: Say
    ask_town: Say
    category: Say
    town_noted: Say
    town_cleared: Say
    no_source_yet: Say
    source_title: Say
    source_window: Say
    check_cancelled: Say
    thanks_helpful: Say
    thanks_not_helpful: Say


@dataclass(frozen=True, kw_only=True)
class FallbackWording(Record):
    no_match: Say
    # Put before the no-match reply to a message with no Japanese in it (English, say): the reply is in
    # Japanese, so it says so, and where the emergency numbers are, in the language the resident used.
    not_japanese: Say
    # Put before an answer or a list of choices given to such a message (English words the synonyms
    # know: mother, dementia, rent): the windows follow in Japanese, so it says what they are.
    answered_not_japanese: Say
    clarify: Say
    maybe: Say
    none_fit: Say
    other_city: Say


@dataclass(frozen=True, kw_only=True)
class AnswerWording(Record):
    contacts: Say
    other_contacts: Say
    plan_detail: Say
    ask_town: Say
    town_assigned: Say
    town_centre: Say
    town_area: Say
    town_unassigned: Say
    which_centre: Say


@dataclass(frozen=True, kw_only=True)
class ContactWording(Record):
    first: Say
    no_phone: Say
    ask_below: Say


@dataclass(frozen=True, kw_only=True)
class SeveralWording(Record):
    lead: Say
    whole: Say
    heading: Say


@dataclass(frozen=True, kw_only=True)
class SafetyWording(Record):
    net: Say
    net_maybe: Say
    crisis_call: Say
    crisis_heading: Say
    crisis_closing: Say


MEDIA_KINDS = (
    "sticker", "animation", "photo", "voice", "audio", "video_note", "video", "document", "venue", "location",
    "contact", "poll", "dice", "other",
)


@dataclass(frozen=True, kw_only=True)
class MenuHint(Record):
    telegram: Say
    line: Say


@dataclass(frozen=True, kw_only=True)
class NoticeWording(Record):
    kinds: dict[Literal[MEDIA_KINDS], Text] = field(  # type: ignore[valid-type]
        metadata={"description": "届いたものの名前（sticker: スタンプ …）。other はそのほか"}
    )
    unreadable: Say
    menu_hint: MenuHint
    location: Say
    venue: Say
    contact: Say
    edited: Say

    def kind(self, name: str) -> str:
        return self.kinds.get(name) or self.kinds.get("other") or name


@dataclass(frozen=True, kw_only=True)
class Wording(Record):
    """Every fixed sentence a resident reads, grouped by purpose."""

    start: StartWording
    buttons: ButtonWording
    prompts: PromptWording
    fallbacks: FallbackWording
    answers: AnswerWording
    contacts: ContactWording
    several: SeveralWording
    safety: SafetyWording
    notices: NoticeWording


@dataclass(frozen=True, kw_only=True)
class MunicipalityFile(Record):
    """The city in data: its name, its towns, the ids the code relies on and every fixed sentence."""

    city: City
    service: Service
    windows: CodeWindows
    cards: CodeCards
    emergency: Emergency
    kana_source: Text | None = None
    towns: tuple[TownEntry, ...] = field(metadata={"min_length": 1})
    wording: Wording

    def place_names(self) -> tuple[str, ...]:
        """The towns and the city: names the log's masking keeps (a town is no personal detail)."""
        return (*(t.name for t in self.towns), self.city.name)


# The {placeholders} each sentence may use ("group.key"); any other name is an error in kb check. The
# sentences under REQUIRED_PLACEHOLDERS must keep those names in every version: they carry the numbers.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "prompts.category": frozenset({"category"}),
    "prompts.town_noted": frozenset({"town"}),
    "prompts.source_title": frozenset({"title"}),
    "prompts.source_window": frozenset({"window"}),
    "fallbacks.none_fit": frozenset({"window", "phone"}),
    "fallbacks.other_city": frozenset({"city"}),
    "answers.plan_detail": frozenset({"detail"}),
    "answers.town_assigned": frozenset({"town", "told", "source"}),
    "answers.town_centre": frozenset({"centre", "phone"}),
    "answers.town_area": frozenset({"area"}),
    "answers.town_unassigned": frozenset({"town", "town_name"}),
    "answers.which_centre": frozenset({"window", "phone"}),
    "contacts.first": frozenset({"window", "phone", "when"}),
    "several.lead": frozenset({"domains"}),
    "several.whole": frozenset({"window", "phone"}),
    "safety.net": frozenset({"police", "fire", "listener", "listener_phone", "hours"}),
    "safety.net_maybe": frozenset({"police", "fire", "listener", "listener_phone", "hours"}),
    "safety.crisis_call": frozenset({"police", "fire"}),
    "notices.unreadable": frozenset({"kind", "menu"}),
}
REQUIRED_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "safety.net": frozenset({"police", "fire", "listener", "listener_phone"}),
    "safety.net_maybe": frozenset({"police", "fire", "listener", "listener_phone"}),
    "safety.crisis_call": frozenset({"police", "fire"}),
}



def sentences(wording: Wording) -> Iterator[tuple[str, Loc, Say]]:
    """Every sentence of the wording with its key ("safety.net") and place in the file."""
    for group_field in fields(wording):
        group_name = group_field.name
        group = getattr(wording, group_name)
        for key in (f.name for f in fields(group)):
            value = getattr(group, key)
            loc: Loc = ("wording", group_name, key)
            if isinstance(value, Say):
                yield f"{group_name}.{key}", loc, value
            elif is_dataclass(value):
                for sub in (f.name for f in fields(value)):
                    say = getattr(value, sub)
                    if isinstance(say, Say):
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


def check_wording(data: MunicipalityFile, doc: Doc, log: ProblemLog) -> None:
    for key, loc, say in sentences(data.wording):
        allowed = PLACEHOLDERS.get(key, frozenset())
        required = REQUIRED_PLACEHOLDERS.get(key, frozenset())
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
    data: MunicipalityFile, doc: Doc, log: ProblemLog, windows: set[str], hotlines: set[str], cards: set[str]
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
