"""The declared shape of every YAML file under knowledge/ and intents/: the one place that defines the data.

Unknown keys are refused (a misspelt `windwos:` is an error, not a card that silently loses its windows),
phones must look like Japanese numbers, and required lists must not be empty. The loaders validate each
file against its model here and build their records from the result; `scripts/export_schema.py` writes
the same models as JSON Schema (schema/*.json) so editors can complete and check the fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

# The kinds of danger the crisis check must tell apart; each needs terms, a lead and a hotline.
CRISIS_KINDS = (
    "suicide",
    "self_harm",
    "overdose",
    "child_abuse",
    "sexual_abuse",
    "dv",
    "elder_abuse",
    "violence",
    "medical",
    "missing_person",
    "harm_urge",
)
NOT_CRISIS = "none"
GENERAL_LINE = "general"  # a hotline for any worry (the safety net takes one open 24 hours)

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
# Japanese phone numbers as residents dial them: 110/119/189, #7119, a 10-digit landline or 0120/0570
# number written with hyphens, an 11-digit mobile/0800/050 number. The lookaheads count the digits, so
# 042-346-953 (a digit missing) fails. ECMAScript and Python read this pattern alike (JSON Schema too).
PHONE_PATTERN = (
    r"^(?:1\d\d|#\d{4}"
    r"|(?=(?:\d-?){10}$)(?!0[5789]0|0120|0800)0[1-9]\d{0,3}-\d{1,4}-\d{3,4}"
    r"|(?=(?:\d-?){10}$)0(?:120|570)-\d{1,3}-?\d{3,6}"
    r"|(?=(?:\d-?){11}$)0(?:[5789]0|800)-\d{3,4}-\d{4})$"
)
_PHONE = re.compile(PHONE_PATTERN)


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise PydanticCustomError("phone_format", "not a Japanese phone number: {value}", {"value": value})
    return value


def _as_text(value: Any) -> Any:
    """Numbers and dates written without quotes (8050, 2023-03-01) are still text: a keyword, a date."""
    if isinstance(value, dt.date | int | float) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[
    str,
    BeforeValidator(_as_text),
    StringConstraints(strip_whitespace=True, min_length=1),
    WithJsonSchema({"type": ["string", "number"], "minLength": 1}),
]
DateText = Text
Phone = Annotated[str, AfterValidator(_phone), Field(json_schema_extra={"pattern": PHONE_PATTERN})]
CrisisKind = Literal[CRISIS_KINDS]  # type: ignore[valid-type]
LineKind = Literal[(*CRISIS_KINDS, GENERAL_LINE)]  # type: ignore[valid-type]
CorpusLabel = Literal[(*CRISIS_KINDS, NOT_CRISIS)]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- knowledge/ -----------------------------------------------------------------------------------


class Contact(Strict):
    """A consultation window (windows.yaml) or a hotline (hotlines.yaml): one model for both, so a new
    field (structured opening hours, say) is declared here once."""

    id: Id = Field(description="英小文字・数字・_ の id（ほかと重ならないもの）")
    name: Text = Field(description="住民に見せる名前")
    kind: Text | None = Field(None, description="窓口の種類（地域包括支援センター など）")
    serves: Text | None = Field(None, description="ここで何を相談できるか（1行）")
    phone: Phone | None = Field(None, description='電話番号。" で囲みます（"042-346-9530"、"#8008"、"110"）')
    hours: Text | None = Field(None, description="受付時間。出典が必要")
    schedule: dict[str, Any] | None = Field(
        None,
        description="受付時間を機械が読める形で（days, time, holidays, year_end）。hours の文と同じ内容にします",
    )
    address: Text | None = Field(None, description="住所。出典が必要")
    email: Text | None = Field(None, description="メールアドレス。出典が必要")
    note: Text | None = Field(None, description="住民に見せる短い注意書き")
    fallback: list[Id] = Field([], description="電話番号がないとき、代わりに案内できる窓口の id")
    crisis: list[LineKind] = Field([], description="この番号が役に立つ危機の種類（と general）")
    source: Text | None = Field(None, description="出典（資料名・ページのアドレス）")
    source_date: DateText | None = Field(None, description="出典の日付（\"2023-10-20\" など）")


class WindowsFile(Strict):
    windows: list[Contact] = Field(min_length=1)


class HotlinesFile(Strict):
    hotlines: list[Contact] = Field(min_length=1)


class Card(Strict):
    """Anything the assistant answers about: a life problem, a measure, a guardianship type, an area."""

    id: Id
    title: Text
    summary: Text
    easy: Text | None = Field(None, description="summary の「やさしい日本語」版（短い文、です・ます）")
    windows: list[Id] = []
    hotlines: list[Id] = []
    needs_town: bool = False
    related: list[Id] = []
    keywords: list[Text] = []
    source: Text
    source_date: DateText | None = None


class TopicsFile(Strict):
    topics: list[Card] = Field(min_length=1)


class Numbered(Card):
    number: int | None = None


class Philosophy(Card):
    text: Text | None = None  # the plan's wording, kept beside the plain summary


class Repeat(Strict):
    """An initiative the plan lists again （再掲）: it points at the first listing."""

    id: Id
    number: int | None = None
    repeat_of: Id


def _initiative_kind(value: Any) -> str:
    repeat = isinstance(value, Repeat) or (isinstance(value, dict) and "repeat_of" in value)
    return "repeat" if repeat else "card"


Initiative = Annotated[
    Annotated[Numbered, Tag("card")] | Annotated[Repeat, Tag("repeat")], Discriminator(_initiative_kind)
]


class Policy(Numbered):
    initiatives: list[Initiative] = []


class Pillar(Numbered):
    policies: list[Policy] = []


class MeasuresFile(Strict):
    plan_overview: Card
    philosophy: Philosophy
    goals: list[Numbered] = Field(min_length=1)
    pillars: list[Pillar] = Field(min_length=1)


class GuardianshipType(Card):
    person_state: Text | None = None  # the plan's description of the person this type is for


class Consultation(Strict):
    general: Text
    specialist: Text


class CentreCard(Card):
    role: list[Text] = []
    consultation: Consultation | None = None
    other_services: list[Text] = []


class Answer(Strict):
    label: Text
    next: Id


class SelfCheckQuestion(Strict):
    id: Id
    text: Text
    answers: list[Answer] = Field(min_length=1)


class SelfCheckResult(Strict):
    id: Id
    card: Id
    text: Text


class SelfCheck(Strict):
    intro: Text
    start: Id
    questions: list[SelfCheckQuestion] = Field(min_length=1)
    results: list[SelfCheckResult] = Field(min_length=1)
    closing: Text


class GuardianshipFile(Strict):
    overview: Card
    systems: list[GuardianshipType] = []
    types: list[GuardianshipType] = []
    guardian_kinds: Card | None = None
    citizen_guardian: Card | None = None
    centre: CentreCard | None = None
    daily_life_support: Card | None = None
    petition: Card | None = None
    figures_card: Card | None = None
    figures: dict[str, Any] = {}  # sourced tables the reports draw; free-form by design
    self_check: SelfCheck


class TownEntry(Strict):
    id: Id
    name: Text
    kana: Text
    chome: list[int] = []  # [] when the town has no 丁目
    source: Text | None = None
    source_date: DateText | None = None


class AreaCard(Card):
    name: Text
    activities: Text | None = None


class AssignmentEntry(Strict):
    """Which centre and 圏域 serve a town (or one 丁目 of it). Only from a named source."""

    town: Id
    chome: int | None = None
    area: Id | None = None
    centre: Id | None = None
    source: Text
    source_date: DateText


class AreasFile(Strict):
    csw_areas: list[AreaCard] = Field(min_length=1)
    assignments: list[AssignmentEntry] = []


class MenuCategory(Strict):
    id: Id
    label: Text
    topics: list[Id] = Field(min_length=1)


class MenuFile(Strict):
    categories: list[MenuCategory] = Field(min_length=1)


# --- intents/ -------------------------------------------------------------------------------------


class TopicExamples(Strict):
    topic: Id
    examples: list[Text] = Field(min_length=1)


class TopicExamplesFile(Strict):
    topics: list[TopicExamples] = Field(min_length=1)


class Synonym(Strict):
    canonical: Text
    variants: list[Text] = Field(min_length=1)


class SynonymsFile(Strict):
    synonyms: list[Synonym] = Field(min_length=1)


class CrisisEntry(Strict):
    kind: CrisisKind
    lead: Text  # the first words of the crisis reply for this kind
    easy_lead: Text | None = None  # the lead in やさしい日本語
    terms: list[Text] = Field(min_length=1)
    unless: list[Text] = []


class CrisisPatternEntry(Strict):
    kind: CrisisKind
    signals: list[Text] = Field(min_length=2)


class CrisisFile(Strict):
    crisis: list[CrisisEntry] = Field(min_length=1)  # every kind must be there: checked by the loader
    allow: list[Text] = []
    signals: dict[str, list[Text]] = {}
    patterns: list[CrisisPatternEntry] = []


class CorpusMessage(Strict):
    q: Text
    crisis: CorpusLabel
    register_: Text | None = Field(None, alias="register")  # `register` is taken by pydantic


class CorpusFile(Strict):
    messages: list[CorpusMessage] = Field(min_length=1)


class OutOfScopeFile(Strict):
    examples: list[Text] = Field(min_length=1)


class SmallTalkEntry(Strict):
    kind: Text
    phrases: list[Text] = Field(min_length=1)
    reply: Text


class SmallTalkFile(Strict):
    smalltalk: list[SmallTalkEntry] = Field(min_length=1)


class DomainEntry(Strict):
    id: Id
    name: Text = Field(description="分野の名前（住民の方が返事で読みます）")
    topics: list[Id] = Field(min_length=1, description="この分野のカードの id（1つのカードは1つの分野だけ）")


class DomainsFile(Strict):
    whole_situation_window: Id = Field(description="いくつもの困りごとが重なるとき、最初に案内する窓口の id")
    whole_situation_card: Id = Field(description="その説明に使うカードの id")
    source: Text
    source_date: DateText
    domains: list[DomainEntry] = Field(min_length=2)


class ReadingEntry(Strict):
    word: Text = Field(description="漢字のある言葉")
    reading: Text = Field(description="よみ（ひらがな か カタカナ）")


class ReadingsFile(Strict):
    readings: list[ReadingEntry] = Field(min_length=1)


# --- knowledge/municipality.yaml -----------------------------------------------------------------------


class Say(Strict):
    """One resident-facing sentence: the ordinary text and, optionally, its やさしい日本語 version."""

    text: Text = Field(description="ふつうの日本語の文")
    easy: Text | None = Field(None, description="やさしい日本語の文（なければ text に読みがなをつけて出します）")

    def pick(self, easy: bool = False) -> str:
        """The text for the mode: the easy version in easy mode where one is written."""
        return self.easy if easy and self.easy else self.text

    def fill(self, easy: bool = False, **values: str) -> str:
        """The text for the mode with its {placeholders} filled in (kb check proves the names)."""
        return self.pick(easy).format(**values)


class City(Strict):
    name: Text = Field(description="市の名前（住民に見せる正式な名前）")
    short: Text = Field(description="文の中でこの市を指す短い言葉（「市」を除いた名前）")
    reading: Text = Field(description="市の名前の読み（ひらがな）")


class Service(Strict):
    name: Text = Field(description="サービスの名前（あいさつで名のります）")
    report_name: Text = Field(description="職員向けの報告書・グラフの題（市の名前のあとに続きます）")


class CodeWindows(Strict):
    general: list[Id] = Field(min_length=1, description="どこにも当てはまらないときに案内する窓口の id（順に）")
    town_guide: list[Id] = Field(min_length=1, description="町の担当センターを教えてくれる窓口の id（最初の1つ）")
    local_centre_kind: Text = Field(description="町ごとに担当が分かれる窓口の kind（地域包括支援センター）")


class CodeCards(Strict):
    town_centre: Id = Field(description="町名だけが送られたときの答えのカード")
    guardianship: Id = Field(description="メニュー「成年後見制度のしくみ」の答えのカード")


class Emergency(Strict):
    police: Id = Field(description="110 の id（hotlines.yaml）")
    fire: Id = Field(description="119 の id（hotlines.yaml）")


class StartWording(Strict):
    greeting: Say
    help: Say
    privacy: Say
    menu: Say
    unknown_command: Say
    stale: Say
    empty: Say
    easy_on: Say
    easy_off: Say


class ButtonWording(Strict):
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


class PromptWording(Strict):
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


class FallbackWording(Strict):
    no_match: Say
    clarify: Say
    maybe: Say
    none_fit: Say
    other_city: Say


class AnswerWording(Strict):
    contacts: Say
    other_contacts: Say
    plan_detail: Say
    ask_town: Say
    town_assigned: Say
    town_centre: Say
    town_area: Say
    town_unassigned: Say
    which_centre: Say


class ContactWording(Strict):
    first: Say
    no_phone: Say
    ask_below: Say


class SeveralWording(Strict):
    lead: Say
    whole: Say
    heading: Say


class SafetyWording(Strict):
    net: Say
    net_maybe: Say
    crisis_call: Say
    crisis_heading: Say
    crisis_closing: Say


MEDIA_KINDS = (
    "sticker", "animation", "photo", "voice", "audio", "video_note", "video", "document", "venue", "location",
    "contact", "poll", "dice", "other",
)


class MenuHint(Strict):
    telegram: Say
    line: Say


class NoticeWording(Strict):
    kinds: dict[Literal[MEDIA_KINDS], Text] = Field(  # type: ignore[valid-type]
        description="届いたものの名前（sticker: スタンプ …）。other はそのほか"
    )
    unreadable: Say
    menu_hint: MenuHint
    location: Say
    venue: Say
    contact: Say
    edited: Say

    def kind(self, name: str) -> str:
        return self.kinds.get(name) or self.kinds.get("other") or name


class Wording(Strict):
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


class MunicipalityFile(Strict):
    """The city in data: its name, its towns, the ids the code relies on and every fixed sentence."""

    city: City
    service: Service
    windows: CodeWindows
    cards: CodeCards
    emergency: Emergency
    kana_source: Text | None = None
    towns: list[TownEntry] = Field(min_length=1)
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


# Every file, by its path under the data folder (a folder ends in "/": each of its *.yaml files).
FILES: dict[str, type[Strict]] = {
    "knowledge/municipality.yaml": MunicipalityFile,
    "knowledge/windows.yaml": WindowsFile,
    "knowledge/hotlines.yaml": HotlinesFile,
    "knowledge/topics.yaml": TopicsFile,
    "knowledge/measures.yaml": MeasuresFile,
    "knowledge/guardianship.yaml": GuardianshipFile,
    "knowledge/areas.yaml": AreasFile,
    "knowledge/menu.yaml": MenuFile,
    "knowledge/domains.yaml": DomainsFile,
    "knowledge/readings.yaml": ReadingsFile,
    "intents/topics/": TopicExamplesFile,
    "intents/synonyms.yaml": SynonymsFile,
    "intents/crisis.yaml": CrisisFile,
    "intents/crisis_corpus/": CorpusFile,
    "intents/out_of_scope.yaml": OutOfScopeFile,
    "intents/smalltalk.yaml": SmallTalkFile,
}
OPTIONAL_FILES = frozenset({"intents/smalltalk.yaml"})


def schema_file_name(data_path: str) -> str:
    """knowledge/windows.yaml → knowledge.windows.schema.json; intents/topics/ → intents.topics.schema.json."""
    return data_path.rstrip("/").removesuffix(".yaml").replace("/", ".") + ".schema.json"


def json_schemas() -> dict[str, str]:
    """Every file's model as JSON Schema text (schema/*.json), for editors: completion and checks as you type."""
    import json

    out = {}
    for data_path, model in FILES.items():
        schema = model.model_json_schema()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
            "title": data_path + ("*.yaml" if data_path.endswith("/") else ""),
        }
        out[schema_file_name(data_path)] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
