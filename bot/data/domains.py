"""knowledge/domains.yaml → the life-problem domains and the window that takes a whole situation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.data.problems import ProblemLog, suggest
from bot.data.records import Knowledge

if TYPE_CHECKING:
    pass

FILE = "domains.yaml"


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Domains:
    domains: tuple[Domain, ...]
    whole_situation_window: str  # the window that takes several problems at once
    whole_situation_card: str  # the card that explains it
    source: str
    source_date: str
    # Cards whose subject is already a combination of domains (ダブルケア, 8050): a message they fit best is
    # answered by them, not split into domains.
    combined_cards: frozenset[str] = frozenset()
    # Cards that answer "where do I go?" rather than a problem (どこに相談すればいいかわからない): a message they
    # fit best may still name problems of several domains, and each domain's window is named too.
    asking_cards: frozenset[str] = frozenset()

    def of_topic(self, topic: str) -> Domain | None:
        return next((d for d in self.domains if topic in d.topics), None)


NO_DOMAINS = Domains((), "", "", "", "")


def load_domains(knowledge_dir: Path, knowledge: Knowledge, log: ProblemLog) -> Domains:
    """Read and check the domains: every card and window they name exists, and each card is in one domain."""
    from bot.data import schema as s  # the models and YAML reading only when files are read
    from bot.data.yamlio import load_file

    path = knowledge_dir / FILE
    data, doc = load_file(path, s.DomainsFile, log)
    if data is None:
        return NO_DOMAINS

    def is_card(entry: str, card: str, line: int | None) -> bool:
        if card in knowledge.cards:
            return True
        hint = suggest(card, knowledge.cards)
        log.add(path, entry, "unknown_ref", line=line, hint=hint, what="card", what_ja="カード", ref=card)
        return False

    seen: dict[str, str] = {}
    for index, domain in enumerate(data.domains):
        for t_index, topic in enumerate(domain.topics):
            line = doc.line(("domains", index, "topics", t_index))
            if is_card(domain.id, topic, line) and topic in seen:
                log.add(path, domain.id, "topic_in_two_domains", line=line, ref=topic, other=seen[topic])
            seen.setdefault(topic, domain.id)
    for field in ("combined_cards", "asking_cards"):
        for index, card in enumerate(getattr(data, field)):
            is_card(field, card, doc.line((field, index)))
    for field, ids, what, what_ja in (
        ("whole_situation_window", knowledge.windows, "window", "窓口"),
        ("whole_situation_card", knowledge.cards, "card", "カード"),
    ):
        ref = getattr(data, field)
        if ref not in ids:
            log.add(path, field, "unknown_ref", line=doc.line((field,)), what=what, what_ja=what_ja, ref=ref)
    domains = tuple(Domain(d.id, d.name, tuple(d.topics)) for d in data.domains)
    return Domains(
        domains,
        data.whole_situation_window,
        data.whole_situation_card,
        data.source,
        data.source_date,
        frozenset(data.combined_cards),
        frozenset(data.asking_cards),
    )
