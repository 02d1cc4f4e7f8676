"""intents/crisis.yaml and intents/crisis_corpus/ → the crisis vocabulary and the labelled crisis corpus.

The crisis check must not be switched off by a data edit: an empty or unreadable file, a kind
without terms or without its first words, a term fused with the next by a missing comma, or a corpus
too small to learn a kind is a problem that `kb check` reports and that stops every command which
answers residents.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.data.declared import CRISIS_KINDS, NOT_CRISIS
from bot.data.problems import ProblemLog

if TYPE_CHECKING:
    from bot.data import schema as s
    from bot.data.yamlio import Doc

__all__ = ["CRISIS_KINDS", "NOT_CRISIS", "CrisisKind", "CrisisMessage", "CrisisPattern", "load_crisis_vocabulary"]

MIN_CORPUS_PER_KIND = 10  # with fewer labelled messages the learned layer cannot learn a kind
CORPUS_DIR = "crisis_corpus"
# `terms: [a b]` reads as the one term "a b", which no message ever contains: a forgotten comma.
# A space next to Japanese in a term is a missing comma ([死にたい 消えたい]); English phrases have spaces.
_SPACE_IN_JAPANESE = re.compile(r"[^\x00-\x7f][\s\u3000]|[\s\u3000][^\x00-\x7f]|\u3000")


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


def _spaced_terms(data: s.CrisisFile, doc: Doc, log: ProblemLog) -> None:
    lists: list[tuple[str, tuple[str | int, ...], list[str]]] = []
    for index, kind in enumerate(data.crisis):
        lists += [(kind.kind, ("crisis", index, "terms"), kind.terms), (kind.kind, ("crisis", index, "unless"),
                                                                        kind.unless)]
    lists += [(f"signals.{name}", ("signals", name), phrases) for name, phrases in data.signals.items()]
    for entry, loc, terms in lists:
        for t_index, term in enumerate(terms):
            if _SPACE_IN_JAPANESE.search(term):
                log.add(doc.path, entry, "term_with_space", line=doc.line((*loc, t_index)), term=term)


def _kinds(data: s.CrisisFile, doc: Doc, log: ProblemLog) -> tuple[CrisisKind, ...]:
    kinds = tuple(
        CrisisKind(k.kind, tuple(k.terms), tuple(k.unless), k.lead, k.easy_lead or "") for k in data.crisis
    )
    seen = Counter(k.kind for k in kinds)
    for kind in CRISIS_KINDS:
        if not seen[kind]:
            log.add(doc.path, kind, "crisis_kind_missing", line=doc.line(("crisis",)))
        if seen[kind] > 1:
            index = [k.kind for k in kinds].index(kind, [k.kind for k in kinds].index(kind) + 1)
            log.add(doc.path, kind, "crisis_kind_twice", line=doc.line(("crisis", index)))
    return kinds


def _patterns(data: s.CrisisFile, doc: Doc, log: ProblemLog) -> tuple[CrisisPattern, ...]:
    for name, phrases in data.signals.items():
        if not phrases:
            log.add(doc.path, f"signals.{name}", "empty_list", line=doc.line(("signals", name)), key=name)
    patterns = []
    for index, item in enumerate(data.patterns):
        unknown = [(i, sig) for i, sig in enumerate(item.signals) if sig not in data.signals]
        for s_index, sig in unknown:
            line = doc.line(("patterns", index, "signals", s_index))
            log.add(doc.path, f"patterns[{index}]", "unknown_ref", line=line, what="signal", ref=sig)
        if not unknown:
            patterns.append(CrisisPattern(item.kind, tuple(item.signals)))
    return tuple(patterns)


def read_crisis_messages(path: Path, log: ProblemLog) -> list[CrisisMessage]:
    """One file of labelled crisis messages: `messages: [{q, crisis, register}]`."""
    from bot.data import schema as s  # the models and YAML reading only when files are read
    from bot.data.yamlio import load_file

    data, _ = load_file(path, s.CorpusFile, log)
    return [CrisisMessage(m.q, m.crisis, m.register_ or "", path.stem) for m in (data.messages if data else [])]


def _corpus(intents_dir: Path, log: ProblemLog) -> tuple[CrisisMessage, ...]:
    folder = intents_dir / CORPUS_DIR
    before = len(log.problems)
    messages = [m for path in sorted(folder.glob("*.yaml")) for m in read_crisis_messages(path, log)]
    if len(log.problems) > before:  # a broken file: its counts would only repeat that problem
        return tuple(messages)
    counts = Counter(m.crisis for m in messages)
    for label in (*CRISIS_KINDS, NOT_CRISIS):
        if counts[label] < MIN_CORPUS_PER_KIND:
            log.add(folder, label, "corpus_too_small", count=counts[label], min=MIN_CORPUS_PER_KIND)
    return tuple(messages)


def load_crisis_vocabulary(intents_dir: Path, log: ProblemLog) -> CrisisVocabulary:
    from bot.data import schema as s  # the models and YAML reading only when files are read
    from bot.data.yamlio import load_file

    data, doc = load_file(intents_dir / "crisis.yaml", s.CrisisFile, log, empty="crisis_file_empty")
    corpus = _corpus(intents_dir, log)
    if data is None:
        return CrisisVocabulary((), (), {}, (), corpus)
    _spaced_terms(data, doc, log)
    kinds = _kinds(data, doc, log)
    signals = {name: tuple(phrases) for name, phrases in data.signals.items()}
    return CrisisVocabulary(kinds, tuple(data.allow), signals, _patterns(data, doc, log), corpus)
