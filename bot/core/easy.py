"""やさしい日本語 mode: every word with kanji followed by its reading, 相談（そうだん）.

The last step before a reply leaves: the text is already composed (from the `easy:` texts where the
data has them), and this adds readings. Readings come from Sudachi, except for the words in
knowledge/readings.yaml, which Sudachi reads wrong or not at all (小平, 保佐, town names).
Phone numbers, times and web addresses are left exactly as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from ahocorasick import Automaton

from bot.language.text import KANJI, Analyzer, has_kanji, to_hiragana

_KANA = re.compile(r"[ぁ-ゖァ-ヺー]")
# Spans never touched: web addresses, phone numbers, times (9時, 17時30分), dates.
_KEEP = re.compile(
    r"https?://\S+|[#＃]?\d[\d\-‐－]{5,}\d|\d+(?:時間|時半|時|分|日|か月|ヶ月|月|年|歳|件|人|回)(?:\d+分)?"
)


def _ruby(surface: str, reading: str) -> str:
    """surface（reading） with kana the surface shares with its reading kept outside: お金（かね）."""
    reading = to_hiragana(reading)
    head = ""
    while surface and reading and not has_kanji(surface[0]) and to_hiragana(surface[0]) == reading[0]:
        head, surface, reading = head + surface[0], surface[1:], reading[1:]
    tail = ""
    while surface and reading and not has_kanji(surface[-1]) and to_hiragana(surface[-1]) == reading[-1]:
        tail, surface, reading = surface[-1] + tail, surface[:-1], reading[:-1]
    if not surface or not reading or reading == to_hiragana(surface):
        return head + surface + tail
    return f"{head}{surface}（{reading}）{tail}"


class Furigana:
    def __init__(self, analyzer: Analyzer, overrides: Mapping[str, str]) -> None:
        self._analyzer = analyzer
        self._overrides = {word: to_hiragana(reading) for word, reading in overrides.items()}
        self._words: Automaton | None = None
        if self._overrides:
            self._words = Automaton()
            for word in self._overrides:
                self._words.add_word(word, word)
            self._words.make_automaton()
        # Lines read ahead (every card's easy reply): kept with the assistant in the disk cache
        # (bot/core/snapshot.py), so a process started from it does not read them again.
        self._ahead: dict[str, str] = {}
        # A reply is made of lines from the data (card texts, window lines, fixed sentences), so most
        # lines come back again and again: each is read once.
        self._line = lru_cache(maxsize=4096)(self._read_line)

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_line"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._line = lru_cache(maxsize=4096)(self._read_line)
        for line in self._ahead:
            self._line(line)

    def lines_read(self) -> int:
        """How many distinct lines have been read so far (the rest came from the cache)."""
        return self._line.cache_info().misses

    def forget(self) -> None:
        """Drop every line read so far (the benchmark's cold case)."""
        self._line.cache_clear()
        self._ahead.clear()

    def read_ahead(self, text: str) -> None:
        """Read a text's lines now, and keep them with the assistant's disk cache."""
        for line in text.splitlines(keepends=True):
            self._ahead[line] = self._line(line)

    def add(self, text: str) -> str:
        """The text with a reading after every word that has kanji (already annotated text is left alone)."""
        return "".join(self._line(line) for line in text.splitlines(keepends=True))

    def _read_line(self, line: str) -> str:
        ahead = self._ahead.get(line)
        if ahead is not None:
            return ahead
        out: list[str] = []
        for piece, kept in self._pieces(line):
            out.append(piece if kept else self._words_of(piece))
        return "".join(out)

    def _pieces(self, text: str) -> Iterator[tuple[str, bool]]:
        """Split into (piece, keep as is?): protected spans and override words are kept whole."""
        spans: list[tuple[int, int, str | None]] = [(m.start(), m.end(), None) for m in _KEEP.finditer(text)]
        if self._words is not None:
            for end, word in self._words.iter(text):
                spans.append((end - len(word) + 1, end + 1, word))
        # Leftmost, then longest, non-overlapping.
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        at = 0
        for start, end, word in spans:
            if start < at:
                continue
            if start > at:
                yield text[at:start], False
            chunk = text[start:end]
            yield (chunk if word is None else _ruby(chunk, self._overrides[word])), True
            at = end
        if at < len(text):
            yield text[at:], False

    def _words_of(self, text: str) -> str:
        """Sudachi's words; consecutive words written in kanji share one reading (地域包括支援（…）)."""
        if not has_kanji(text):
            return text
        out: list[str] = []
        run_surface, run_reading = "", ""
        for surface, reading in self._analyzer.surface_readings(text):
            if KANJI.fullmatch(surface[:1] or " ") and not _KANA.search(surface) and reading:
                run_surface, run_reading = run_surface + surface, run_reading + reading
                continue
            if run_surface:
                out.append(_ruby(run_surface, run_reading))
                run_surface, run_reading = "", ""
            out.append(_ruby(surface, reading) if has_kanji(surface) and reading else surface)
        if run_surface:
            out.append(_ruby(run_surface, run_reading))
        return "".join(out)


def kanji_words(text: str) -> int:
    """How many runs of kanji a text has, outside numbers, times and addresses (left as written)."""
    return len(re.findall(r"[\u3400-\u9fff々〆ヶ]+", _KEEP.sub(" ", text)))


_READ_WORD = re.compile(r"(?:[\u3400-\u9fff々〆ヶ]+[ぁ-ゖァ-ヺー]*)+（[ぁ-ゖー]+）")


def kanji_words_with_reading(text: str) -> int:
    """How many of those runs are in a word a reading follows (問い合（といあ）わせ: two runs, one reading)."""
    kept = _KEEP.sub(" ", text)
    return sum(len(re.findall(r"[\u3400-\u9fff々〆ヶ]+", m.group(0))) for m in _READ_WORD.finditer(kept))
