"""`kb check`: load knowledge/ and intents/ together and prove every pointer between them lands, that no
example contradicts another, and that no edit switches safety off.

Order matters for clerks: the shape of every file first (syntax, declared keys, phones); only when all
files are sound, the links between them and the collisions between examples. A slip is then reported
once, at its line, instead of as dozens of knock-on problems.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.safety import safety_problems
from bot.data import Knowledge
from bot.data.bundle import AssistantData
from bot.data.domains import load_domains
from bot.data.intents import ExampleSite, Intents, load_intents
from bot.data.loader import contacts_readable, load_knowledge
from bot.data.problems import DataError, Problem, ProblemLog, suggest
from bot.data.readings import load_readings
from bot.language.text import normalize


def _safety(data_dir: Path, knowledge: Knowledge, log: ProblemLog) -> None:
    path = data_dir / "knowledge" / "hotlines.yaml"
    for problem in safety_problems(knowledge):
        if problem.phone is not None:  # an emergency line: say which number the entry must have
            log.add(path, problem.entry, problem.code, ref=problem.entry, phone=problem.phone)
        else:
            log.add(path, problem.entry, problem.code)


def _topics_are_cards(knowledge: Knowledge, intents: Intents, log: ProblemLog) -> None:
    cards = set(knowledge.cards)
    for topic, path in intents.example_files.items():
        if topic not in cards:
            line = next((s.line for sites in intents.example_sites.values() for s in sites if s.topic == topic), None)
            log.add(path, topic, "topic_not_card", line=line, hint=suggest(topic, cards), ref=topic)
    for topic, places in intents.cue_places.items():
        for place in places:
            if place not in cards:
                path = intents.example_files[topic]
                log.add(path, topic, "topic_not_card", hint=suggest(place, cards), ref=place)


def _collisions(intents: Intents, log: ProblemLog) -> None:
    """An example under two topics, or under a topic and in out_of_scope: the data contradicts itself."""
    first: dict[str, ExampleSite] = {}
    scope = {normalize(text): site for text, site in intents.out_of_scope_sites.items()}
    for text, sites in intents.example_sites.items():
        key = normalize(text)
        for site in sites:
            seen = first.setdefault(key, site)
            if seen.topic != site.topic:
                log.add(site.path, site.topic, "example_in_two_topics", line=site.line, example=text,
                        other=seen.topic, other_file=f"{log.shown(seen.path)}:{seen.line}")
            if key in scope:
                log.add(site.path, site.topic, "example_out_of_scope", line=site.line, example=text)


def _crisis_examples(intents: Intents, log: ProblemLog) -> None:
    """An example the crisis check catches can never be answered by its topic: the resident who writes
    it gets the crisis reply. The rule layers decide this (terms with the allow-list and story contexts,
    and patterns), as in the detector; the learned layer is trained on these very examples as ordinary
    phrasings, so it cannot judge them."""
    from bot.core.crisis.examples import crisis_examples
    from bot.language.text import analyzer

    for text, kinds in crisis_examples(intents, analyzer()).items():
        for site in intents.example_sites[text]:
            log.add(site.path, site.topic, "example_is_crisis", line=site.line, example=text,
                    kinds=", ".join(sorted(kinds)))


def _load(data_dir: Path, log: ProblemLog) -> AssistantData | None:
    before = len(log.problems)
    knowledge = load_knowledge(data_dir / "knowledge", log)
    intents = load_intents(data_dir / "intents", log)
    # The emergency lines are checked whatever else is wrong: they are what must never go missing.
    if contacts_readable(log, data_dir / "knowledge") and knowledge.municipality_file is not None:
        _safety(data_dir, knowledge, log)
    if len(log.problems) == before:
        _topics_are_cards(knowledge, intents, log)
        _collisions(intents, log)
        _crisis_examples(intents, log)
    if len(log.problems) > before:
        return None
    domains = load_domains(data_dir / "knowledge", knowledge, log)
    readings = load_readings(data_dir / "knowledge", knowledge, log)
    if len(log.problems) > before:
        return None
    return AssistantData(knowledge, intents, domains, readings)


def check_data(data_dir: Path) -> list[Problem]:
    """Every problem in the data folder; empty when it is valid."""
    log = ProblemLog(data_dir)
    _load(data_dir, log)
    return log.problems


def load_data(data_dir: Path) -> AssistantData:
    log = ProblemLog(data_dir)
    data = _load(data_dir, log)
    if data is None:
        raise DataError(log.problems)
    return data
