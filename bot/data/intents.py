"""intents/ YAML → how residents talk: examples per topic, synonyms, crisis vocabulary, out-of-scope.

Every file is validated against its declared model (bot/data/schema.py) before anything is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.data.crisis_intents import CrisisKind, CrisisMessage, CrisisPattern, load_crisis_vocabulary
from bot.data.problems import DataError, ProblemLog

if TYPE_CHECKING:
    from bot.data.yamlio import Doc


@dataclass(frozen=True)
class Synonym:
    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class SmallTalk:
    kind: str
    phrases: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class ExampleSite:
    """Where one example is written: for `kb check` to name file, line and topic of a collision."""

    topic: str
    path: Path
    line: int | None


@dataclass(frozen=True)
class Intents:
    examples: Mapping[str, tuple[str, ...]]  # topic (card id) → example phrasings
    example_files: Mapping[str, Path]  # topic → the file that holds its examples
    synonyms: tuple[Synonym, ...]
    crisis: tuple[CrisisKind, ...]
    crisis_allow: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    smalltalk: tuple[SmallTalk, ...] = ()
    crisis_signals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    crisis_patterns: tuple[CrisisPattern, ...] = ()
    crisis_corpus: tuple[CrisisMessage, ...] = ()
    # Where each example and out-of-scope example is written (empty when built by hand in a test).
    example_sites: Mapping[str, tuple[ExampleSite, ...]] = field(default_factory=dict)
    out_of_scope_sites: Mapping[str, ExampleSite] = field(default_factory=dict)
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # topic → words that ask for it
    cue_places: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # topic → cards it stands in for


class _TopicFiles(NamedTuple):
    examples: dict[str, tuple[str, ...]]
    files: dict[str, Path]
    sites: dict[str, list[ExampleSite]]
    cues: dict[str, tuple[str, ...]]
    cue_places: dict[str, tuple[str, ...]]


def _topics(intents_dir: Path, log: ProblemLog) -> _TopicFiles:
    from bot.data import schema as s  # the models and YAML reading only when files are read
    from bot.data.yamlio import load_file

    examples: dict[str, list[str]] = {}
    files: dict[str, Path] = {}
    sites: dict[str, list[ExampleSite]] = {}
    cues: dict[str, tuple[str, ...]] = {}
    places: dict[str, tuple[str, ...]] = {}
    for path in sorted((intents_dir / "topics").glob("*.yaml")):
        data, doc = load_file(path, s.TopicExamplesFile, log)
        for index, item in enumerate(data.topics if data else []):
            if item.topic in files and files[item.topic] != path:
                log.add(path, item.topic, "topic_twice", line=doc.line(("topics", index)),
                        other=log.shown(files[item.topic]))
            files.setdefault(item.topic, path)
            examples.setdefault(item.topic, []).extend(item.examples)
            if item.asked_with:
                cues[item.topic] = tuple(dict.fromkeys((*cues.get(item.topic, ()), *item.asked_with)))
            if item.in_place_of:
                places[item.topic] = tuple(dict.fromkeys((*places.get(item.topic, ()), *item.in_place_of)))
            for e_index, example in enumerate(item.examples):
                site = ExampleSite(item.topic, path, doc.line(("topics", index, "examples", e_index)))
                sites.setdefault(example, []).append(site)
    return _TopicFiles({t: tuple(dict.fromkeys(p)) for t, p in examples.items()}, files, sites, cues, places)


def _sites(doc: Doc, key: str, items: list[str]) -> dict[str, ExampleSite]:
    return {text: ExampleSite("", doc.path, doc.line((key, i))) for i, text in enumerate(items)}


def load_intents(intents_dir: Path, log: ProblemLog | None = None) -> Intents:
    from bot.data import schema as s  # the models and YAML reading only when files are read
    from bot.data.yamlio import load_file

    own_log = log is None
    log = log or ProblemLog(intents_dir.parent)
    examples, files, sites, cues, cue_places = _topics(intents_dir, log)
    if not files and not any(p.file.startswith(log.shown(intents_dir / "topics")) for p in log.problems):
        log.add(intents_dir / "topics", "", "no_topic_files")

    synonyms_file, _ = load_file(intents_dir / "synonyms.yaml", s.SynonymsFile, log)
    synonyms = tuple(Synonym(x.canonical, tuple(x.variants)) for x in (synonyms_file.synonyms if synonyms_file else []))

    crisis = load_crisis_vocabulary(intents_dir, log)

    scope_file, scope_doc = load_file(intents_dir / "out_of_scope.yaml", s.OutOfScopeFile, log)
    out_of_scope = tuple(scope_file.examples) if scope_file else ()

    smalltalk: tuple[SmallTalk, ...] = ()
    path = intents_dir / "smalltalk.yaml"
    if path.exists():
        talk_file, _ = load_file(path, s.SmallTalkFile, log)
        smalltalk = tuple(
            SmallTalk(t.kind, tuple(t.phrases), t.reply) for t in (talk_file.smalltalk if talk_file else [])
        )

    if own_log and log.problems:
        raise DataError(log.problems)
    return Intents(
        examples,
        files,
        synonyms,
        crisis.kinds,
        crisis.allow,
        out_of_scope,
        smalltalk,
        crisis.signals,
        crisis.patterns,
        crisis.corpus,
        {text: tuple(found) for text, found in sites.items()},
        _sites(scope_doc, "examples", list(out_of_scope)),
        cues,
        cue_places,
    )
