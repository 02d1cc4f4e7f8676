"""`kb check`: load knowledge/ and intents/ together and prove every pointer between them lands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.safety import safety_problems
from bot.data import Knowledge, load_knowledge
from bot.data.domains import Domains, load_domains
from bot.data.intents import Intents, load_intents
from bot.data.problems import DataError, Problem, ProblemLog
from bot.data.readings import load_readings


@dataclass(frozen=True)
class AssistantData:
    knowledge: Knowledge
    intents: Intents
    domains: Domains
    readings: dict[str, str]  # word → reading, for やさしい日本語 mode


def _cross_check(data_dir: Path, knowledge: Knowledge, intents: Intents, log: ProblemLog) -> None:
    for topic, path in intents.example_files.items():
        if topic not in knowledge.cards:
            log.add(path, topic, "topic is not a card id in knowledge/")


def _load(data_dir: Path, log: ProblemLog) -> AssistantData | None:
    before = len(log.problems)
    knowledge = load_knowledge(data_dir / "knowledge", log)
    intents = load_intents(data_dir / "intents", log)
    # The emergency lines are checked whatever else is wrong: they are what must never go missing.
    for entry, problem in safety_problems(knowledge):
        log.add(data_dir / "knowledge" / "hotlines.yaml", entry, problem)
    if len(log.problems) == before:
        _cross_check(data_dir, knowledge, intents, log)
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
