"""knowledge/domains.yaml → the life-problem domains and the window that takes a whole situation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.data.problems import ProblemLog
from bot.data.records import Knowledge
from bot.data.yamlio import entries_of, read_yaml

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

    def of_topic(self, topic: str) -> Domain | None:
        return next((d for d in self.domains if topic in d.topics), None)


NO_DOMAINS = Domains((), "", "", "", "")


def load_domains(knowledge_dir: Path, knowledge: Knowledge, log: ProblemLog) -> Domains:
    """Read and check the domains; every topic and window they name must exist, each topic once."""
    path = knowledge_dir / FILE
    raw = read_yaml(path, log)
    domains: list[Domain] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(entries_of(raw, "domains", path, log)):
        entry = str(item.get("id") or f"domains[{index}]")
        topics = tuple(str(t) for t in item.get("topics") or ())
        if not item.get("id") or not item.get("name") or not topics:
            log.add(path, entry, "a domain needs id, name and topics")
            continue
        for topic in topics:
            if topic not in knowledge.cards:
                log.add(path, entry, f"topic '{topic}' is not a card id in knowledge/")
            elif topic in seen:
                log.add(path, entry, f"topic '{topic}' is already in domain '{seen[topic]}'")
            seen[topic] = entry
        domains.append(Domain(entry, str(item["name"]), topics))
    if not isinstance(raw, dict):
        return NO_DOMAINS
    window = str(raw.get("whole_situation_window") or "")
    card = str(raw.get("whole_situation_card") or "")
    if window not in knowledge.windows:
        log.add(path, "whole_situation_window", f"window '{window}' is not in knowledge/windows.yaml")
    if card not in knowledge.cards:
        log.add(path, "whole_situation_card", f"card '{card}' is not in knowledge/")
    if not raw.get("source") or not raw.get("source_date"):
        log.add(path, "", "source and source_date are needed")
    return Domains(tuple(domains), window, card, str(raw.get("source") or ""), str(raw.get("source_date") or ""))
