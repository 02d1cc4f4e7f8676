"""The declared shape of every YAML file under knowledge/ and intents/: the one place that defines the data.

Unknown keys are refused (a misspelt `windwos:` is an error, not a card that silently loses its windows),
phones must look like Japanese numbers, and required lists must not be empty. The loaders validate each
file against its model here and build their records from the result; `scripts/export_schema.py` writes
the same models as JSON Schema (schema/*.json) so editors can complete and check the fields.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from bot.data.declared import CRISIS_KINDS, GENERAL_LINE, NOT_CRISIS
from bot.data.fields import (
    ID_PATTERN,
    PHONE_PATTERN,
    CorpusLabel,
    CrisisKind,
    DateText,
    Id,
    LineKind,
    Phone,
    Strict,
    Text,
)
from bot.data.municipality import MunicipalityFile, TownEntry

# The building blocks and the municipality's models live in their own modules; they are named here too,
# so this module stays the one place to look a file's model up.
__all__ = [
    "CRISIS_KINDS",
    "FILES",
    "GENERAL_LINE",
    "ID_PATTERN",
    "NOT_CRISIS",
    "OPTIONAL_FILES",
    "PHONE_PATTERN",
    "CorpusLabel",
    "CrisisKind",
    "DateText",
    "Id",
    "LineKind",
    "MunicipalityFile",
    "Phone",
    "Strict",
    "Text",
    "TownEntry",
    "json_schemas",
    "schema_file_name",
]


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
    # Words that ask for this card in particular (何件, 何人: the figures card): a question with one of
    # them prefers this topic when it is already among the message's first few (bot/matching/cues.py).
    asked_with: list[Text] = Field(default_factory=list)
    # The cards it answers in place of when asked so (the subjects of its figures): a figures question about
    # another subject (「高齢者虐待は年に何件」) keeps that subject's card. Empty: in place of any card.
    in_place_of: list[Id] = Field(default_factory=list)


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
    combined_cards: list[Id] = Field(
        default_factory=list,
        description="それ自体が困りごとの組み合わせについてのカードの id（ダブルケア・8050 など）。"
        "これが一番に合うときは分野に分けません",
    )
    asking_cards: list[Id] = Field(
        default_factory=list,
        description="分野ではなく「どこに相談すればいいか」を答えるカードの id。これが一番に合う文でも、"
        "2つ以上の分野の困りごとが書かれていれば分野ごとの窓口も案内します",
    )
    source: Text
    source_date: DateText
    domains: list[DomainEntry] = Field(min_length=2)


class ReadingEntry(Strict):
    word: Text = Field(description="漢字のある言葉")
    reading: Text = Field(description="よみ（ひらがな か カタカナ）")


class ReadingsFile(Strict):
    readings: list[ReadingEntry] = Field(min_length=1)


# Every file, by its path under the data folder (a folder ends in "/": each of its *.yaml files).
FILES: dict[str, type[Any]] = {  # a pydantic model, or a record of bot/data/declared.py
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

    from bot.data.yamlio import adapter

    out = {}
    for data_path, model in FILES.items():
        schema = adapter(model).json_schema()
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema,
            "title": data_path + ("*.yaml" if data_path.endswith("/") else ""),
        }
        out[schema_file_name(data_path)] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
