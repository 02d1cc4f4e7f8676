"""knowledge/readings.yaml (and the towns' kana) → the readings やさしい日本語 mode uses over Sudachi's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.data.problems import ProblemLog
from bot.data.records import Knowledge
from bot.language.text import KANA_ONLY, has_kanji

if TYPE_CHECKING:
    pass

FILE = "readings.yaml"


def load_readings(knowledge_dir: Path, knowledge: Knowledge, log: ProblemLog) -> dict[str, str]:
    """Word → reading; each reading is kana only and each word has kanji (the reading check of kb check)."""
    from bot.data import schema as s  # the models and YAML reading only when files are read
    from bot.data.yamlio import load_file

    path = knowledge_dir / FILE
    data, doc = load_file(path, s.ReadingsFile, log)
    readings: dict[str, str] = {}
    for index, item in enumerate(data.readings if data else ()):
        line = doc.line(("readings", index))
        if not has_kanji(item.word):
            log.add(path, item.word, "reading_needs_kanji", line=line, word=item.word)
        elif not KANA_ONLY.fullmatch(item.reading):
            log.add(path, item.word, "reading_not_kana", line=line, reading=item.reading)
        elif item.word in readings:
            log.add(path, item.word, "reading_twice", line=line, word=item.word)
        else:
            readings[item.word] = item.reading
    for town in knowledge.towns:
        if town.kana and has_kanji(town.name) and town.name not in readings:
            readings[town.name] = town.kana
    return readings
