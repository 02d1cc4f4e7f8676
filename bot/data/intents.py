"""intents/ YAML → how residents talk: examples per topic, synonyms, crisis vocabulary, out-of-scope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.data.crisis_intents import CrisisKind, CrisisMessage, CrisisPattern, load_crisis_vocabulary, strings
from bot.data.problems import DataError, ProblemLog
from bot.data.yamlio import entries_of, read_yaml


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


def _topics(intents_dir: Path, log: ProblemLog) -> tuple[dict[str, tuple[str, ...]], dict[str, Path]]:
    examples: dict[str, list[str]] = {}
    files: dict[str, Path] = {}
    for path in sorted((intents_dir / "topics").glob("*.yaml")):
        for index, item in enumerate(entries_of(read_yaml(path, log), "topics", path, log)):
            topic = item.get("topic")
            if not isinstance(topic, str) or not topic:
                log.add(path, f"topics[{index}]", "missing 'topic' (the knowledge card id it answers)")
                continue
            phrases = strings(item.get("examples"))
            if not phrases:
                log.add(path, topic, "has no examples")
            if topic in files and files[topic] != path:
                log.add(path, topic, f"topic is also listed in {files[topic].name}; keep one place per topic")
            files.setdefault(topic, path)
            examples.setdefault(topic, []).extend(phrases)
    return {t: tuple(dict.fromkeys(p)) for t, p in examples.items()}, files


def load_intents(intents_dir: Path, log: ProblemLog | None = None) -> Intents:
    own_log = log is None
    log = log or ProblemLog(intents_dir.parent)
    examples, files = _topics(intents_dir, log)
    if not examples and (intents_dir / "topics").is_dir():
        log.add(intents_dir / "topics", "", "no topic examples found")

    path = intents_dir / "synonyms.yaml"
    synonyms = []
    for index, item in enumerate(entries_of(read_yaml(path, log), "synonyms", path, log)):
        canonical = str(item.get("canonical") or "").strip()
        variants = strings(item.get("variants"))
        if not canonical or not variants:
            log.add(path, f"synonyms[{index}]", "needs 'canonical' and a non-empty 'variants' list")
            continue
        synonyms.append(Synonym(canonical, variants))

    crisis = load_crisis_vocabulary(intents_dir, log)

    path = intents_dir / "out_of_scope.yaml"
    data = read_yaml(path, log)
    out_of_scope = strings(data.get("examples")) if isinstance(data, dict) else ()
    if data is not None and not out_of_scope:
        log.add(path, "", "expected a top-level 'examples:' list")

    path = intents_dir / "smalltalk.yaml"
    smalltalk = []
    if path.exists():
        for index, item in enumerate(entries_of(read_yaml(path, log), "smalltalk", path, log)):
            kind, reply, phrases = (
                str(item.get("kind") or ""),
                str(item.get("reply") or ""),
                strings(item.get("phrases")),
            )
            if not kind or not reply.strip() or not phrases:
                log.add(path, f"smalltalk[{index}]", "needs 'kind', 'phrases' and 'reply'")
                continue
            smalltalk.append(SmallTalk(kind, phrases, reply.strip()))

    if own_log and log.problems:
        raise DataError(log.problems)
    return Intents(
        examples,
        files,
        tuple(synonyms),
        crisis.kinds,
        crisis.allow,
        out_of_scope,
        tuple(smalltalk),
        crisis.signals,
        crisis.patterns,
        crisis.corpus,
    )
