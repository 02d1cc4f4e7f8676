"""knowledge/readings.yaml (and the towns' kana) → the readings やさしい日本語 mode uses over Sudachi's."""

from __future__ import annotations

import re
from pathlib import Path

from bot.data.problems import ProblemLog
from bot.data.records import Knowledge
from bot.data.yamlio import entries_of, read_yaml

FILE = "readings.yaml"
_KANA_ONLY = re.compile(r"[ぁ-ゖァ-ヺー]+")
_HAS_KANJI = re.compile(r"[\u3400-\u9fff々〆ヶ]")


def load_readings(knowledge_dir: Path, knowledge: Knowledge, log: ProblemLog) -> dict[str, str]:
    """Word → reading; each reading is kana only and each word has kanji (a reading check in kb check)."""
    path = knowledge_dir / FILE
    readings: dict[str, str] = {}
    for index, item in enumerate(entries_of(read_yaml(path, log), "readings", path, log)):
        word, reading = str(item.get("word") or ""), str(item.get("reading") or "")
        entry = word or f"readings[{index}]"
        if not _HAS_KANJI.search(word):
            log.add(path, entry, "word needs kanji (a word without kanji gets no reading)")
        elif not _KANA_ONLY.fullmatch(reading):
            log.add(path, entry, f"reading '{reading}' must be hiragana or katakana only")
        elif word in readings:
            log.add(path, entry, "word is listed twice")
        else:
            readings[word] = reading
    for town in knowledge.towns:
        if town.kana and _HAS_KANJI.search(town.name) and town.name not in readings:
            readings[town.name] = town.kana
    return readings
