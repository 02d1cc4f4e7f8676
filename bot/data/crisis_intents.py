"""intents/crisis.yaml and intents/crisis_corpus/ → the crisis vocabulary and the labelled crisis corpus.

The crisis check must not be switched off by a data edit: an empty or unreadable file, a kind
without terms or without its first words, or a corpus too small to learn a kind is a problem that
`kb check` reports and that stops every command which answers residents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.data.problems import ProblemLog
from bot.data.yamlio import entries_of, read_yaml

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
MIN_CORPUS_PER_KIND = 10  # with fewer labelled messages the learned layer cannot learn a kind
CORPUS_DIR = "crisis_corpus"


@dataclass(frozen=True)
class CrisisKind:
    kind: str
    terms: tuple[str, ...]
    unless: tuple[str, ...] = ()  # context words that make this kind's terms a story, not a crisis
    lead: str = ""  # the first words of the crisis reply for this kind
    easy_lead: str = ""  # the same in やさしい日本語 (the lead is used where this is empty)


@dataclass(frozen=True)
class CrisisPattern:
    """A crisis told by signals together (a method and a time), where no single term says it."""

    kind: str
    signals: tuple[str, ...]  # every one of these signal groups must occur


@dataclass(frozen=True)
class CrisisMessage:
    """One labelled message of the crisis corpus: a crisis kind, or NOT_CRISIS."""

    q: str
    crisis: str
    register: str = ""
    origin: str = ""  # the file it came from (one author each), for cross-validation by author


@dataclass(frozen=True)
class CrisisVocabulary:
    kinds: tuple[CrisisKind, ...]
    allow: tuple[str, ...]
    signals: Mapping[str, tuple[str, ...]]
    patterns: tuple[CrisisPattern, ...]
    corpus: tuple[CrisisMessage, ...]


def strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def _kinds(path: Path, data: Any, log: ProblemLog) -> tuple[CrisisKind, ...]:
    kinds: list[CrisisKind] = []
    for index, item in enumerate(entries_of(data, "crisis", path, log)):
        kind, terms = str(item.get("kind") or "").strip(), strings(item.get("terms"))
        lead = str(item.get("lead") or "").strip()
        if kind not in CRISIS_KINDS:
            log.add(path, f"crisis[{index}]", f"unknown kind '{kind}'; the kinds are {', '.join(CRISIS_KINDS)}")
            continue
        if not terms or not lead:
            log.add(path, kind, "needs a non-empty 'terms' list and a 'lead' (the first words of the reply)")
            continue
        easy_lead = str(item.get("easy_lead") or "").strip()
        kinds.append(CrisisKind(kind, terms, strings(item.get("unless")), lead, easy_lead))
    seen = Counter(k.kind for k in kinds)
    for kind in CRISIS_KINDS:
        if not seen[kind] and data is not None:
            log.add(path, kind, "crisis kind is missing: the crisis check needs terms for every kind")
        if seen[kind] > 1:
            log.add(path, kind, "crisis kind is listed twice; keep one entry per kind")
    return tuple(kinds)


def _signals_and_patterns(
    path: Path, data: dict[str, Any], log: ProblemLog
) -> tuple[dict[str, tuple[str, ...]], tuple[CrisisPattern, ...]]:
    raw = data.get("signals") or {}
    if not isinstance(raw, dict):
        log.add(path, "signals", "expected a mapping of signal name → list of phrases")
        raw = {}
    signals = {str(name): strings(phrases) for name, phrases in raw.items()}
    for name, phrases in signals.items():
        if not phrases:
            log.add(path, f"signals.{name}", "has no phrases")
    patterns: list[CrisisPattern] = []
    for index, item in enumerate(entries_of(data, "patterns", path, log) if "patterns" in data else []):
        kind, needed = str(item.get("kind") or ""), strings(item.get("signals"))
        unknown = [s for s in needed if s not in signals]
        if kind not in CRISIS_KINDS or len(needed) < 2 or unknown:
            log.add(
                path,
                f"patterns[{index}]",
                "needs a known 'kind' and at least two 'signals' defined under signals:"
                + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
            )
            continue
        patterns.append(CrisisPattern(kind, needed))
    return signals, tuple(patterns)


def read_crisis_messages(path: Path, log: ProblemLog) -> list[CrisisMessage]:
    """One file of labelled crisis messages: `messages: [{q, crisis, register}]`."""
    out: list[CrisisMessage] = []
    for index, item in enumerate(entries_of(read_yaml(path, log), "messages", path, log)):
        q, label = str(item.get("q") or "").strip(), str(item.get("crisis") or "").strip()
        if not q or label not in (*CRISIS_KINDS, NOT_CRISIS):
            log.add(path, f"messages[{index}]", f"needs 'q' and 'crisis' (a crisis kind or {NOT_CRISIS})")
            continue
        out.append(CrisisMessage(q, label, str(item.get("register") or "").strip(), path.stem))
    return out


def _corpus(intents_dir: Path, log: ProblemLog) -> tuple[CrisisMessage, ...]:
    folder = intents_dir / CORPUS_DIR
    messages = [m for path in sorted(folder.glob("*.yaml")) for m in read_crisis_messages(path, log)]
    counts = Counter(m.crisis for m in messages)
    for label in (*CRISIS_KINDS, NOT_CRISIS):
        if counts[label] < MIN_CORPUS_PER_KIND:
            log.add(
                folder,
                label,
                f"only {counts[label]} labelled messages (at least {MIN_CORPUS_PER_KIND} are needed "
                "for the learned crisis check)",
            )
    return tuple(messages)


def load_crisis_vocabulary(intents_dir: Path, log: ProblemLog) -> CrisisVocabulary:
    path = intents_dir / "crisis.yaml"
    before = len(log.problems)
    data = read_yaml(path, log)
    if data is None and len(log.problems) == before:
        log.add(path, "", "file is empty: the crisis check cannot run without it")
    kinds = _kinds(path, data, log)
    mapping = data if isinstance(data, dict) else {}
    signals, patterns = _signals_and_patterns(path, mapping, log)
    return CrisisVocabulary(kinds, strings(mapping.get("allow")), signals, patterns, _corpus(intents_dir, log))
