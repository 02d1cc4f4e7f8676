"""Phrase groups found in a resident's text: the crisis terms and the signals the patterns combine.

A phrase is looked for in the normalized text, in its dictionary forms and in its kana reading
(しにたい, シニタイ and 死にたい are one phrase; 殴られています matches 殴られている). A phrase inside an
allow-listed everyday phrase (死ぬ in 死ぬほど忙しい, "don't want to live" in "don't want to live in") does
not count; a real one elsewhere in the same message still does, and so does a longer crisis phrase
around the allowed one ("want to live in this world").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ahocorasick import Automaton

from bot.language.text import Analysis, Analyzer, Token

MIN_READING_MATCH = 4  # shorter readings collide with ordinary words too often
# A phrase this long (in kana) is specific enough to match even when the text's word goes on past it:
# 夫に首を絞め inside おっとにくびをしめられた, where Sudachi splits しめら|れ differently.
OPEN_END_READING = 7
# Colloquial contractions whose lemma differs from the full form: 殴られてる = 殴られている.
_LEMMA_VARIANTS = {"てる": "て居る", "とる": "て居る", "ちゃう": "て仕舞う", "じゃう": "て仕舞う"}


def _lemma_pieces(tokens: tuple[Token, ...]) -> list[str]:
    """Each token as its dictionary form (none for punctuation and spaces), so 殴られています matches the
    phrase 殴られている."""
    return ["" if tok.pos in ("補助記号", "空白") else _LEMMA_VARIANTS.get(tok.lemma, tok.lemma) for tok in tokens]


def _joined(pieces: list[str]) -> tuple[str, set[int]]:
    """The pieces as one string, and where each non-empty piece starts."""
    out, starts = "", set()
    for piece in pieces:
        if piece:
            starts.add(len(out))
            out += piece
    return out, starts


def _lemma_string(tokens: tuple[Token, ...]) -> tuple[str, set[int]]:
    return _joined(_lemma_pieces(tokens))


def _reading_string(tokens: tuple[Token, ...]) -> tuple[str, set[int]]:
    return _joined([tok.reading for tok in tokens])


def _owners(pieces: list[str]) -> list[int]:
    """For each character of the pieces joined, the index of the piece (the token) it belongs to."""
    return [index for index, piece in enumerate(pieces) for _ in piece]


def _automaton(keys: Iterable[str]) -> Automaton | None:
    """An Aho-Corasick automaton over the keys: every occurrence of every key in one C-speed pass."""
    automaton = Automaton()
    for key in keys:
        if key:
            automaton.add_word(key, key)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def allowed_spans(allowed: Automaton | None, text: str) -> list[tuple[int, int]]:
    """(start, stop) of every allow-listed phrase in the text."""
    if allowed is None:
        return []
    return [(end - len(key) + 1, end + 1) for end, key in allowed.iter(text)]


def _inside(spans: list[tuple[int, int]], start: int, stop: int) -> bool:
    return any(a <= start and stop <= b for a, b in spans)


class PhraseMatcher:
    """Which named groups of phrases occur in a text (each group: its first phrase found)."""

    def __init__(self, groups: Mapping[str, tuple[str, ...]], allow: tuple[str, ...], analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        # Three views of each phrase: as written, as dictionary forms, as kana. A phrase may serve
        # several groups (今から is both a time word and part of a plan), so a key maps to a list.
        self._views: list[dict[str, list[str]]] = [{}, {}, {}]
        for group, phrases in groups.items():
            for phrase in phrases:
                analysed = analyzer.analyse(phrase)
                keys = (analysed.normalized, _lemma_string(analysed.tokens)[0], _reading_string(analysed.tokens)[0])
                for view, key in zip(self._views, keys, strict=True):
                    long_enough = view is not self._views[2] or len(key) >= MIN_READING_MATCH
                    if key and long_enough and group not in view.setdefault(key, []):
                        view[key].append(group)
        allowed = [analyzer.analyse(a) for a in allow]
        self._allow = [
            _automaton(a.normalized for a in allowed),
            _automaton(_lemma_string(a.tokens)[0] for a in allowed),
            _automaton(_reading_string(a.tokens)[0] for a in allowed),
        ]
        self._phrases = [_automaton(view) for view in self._views]

    def find(self, analysis: Analysis) -> dict[str, str]:
        """Group → the first phrase of it found in the analysed text."""
        if not analysis.normalized:
            return {}
        tokens = analysis.tokens
        surfaces = [tok.surface for tok in tokens]
        lemma_pieces = _lemma_pieces(tokens)
        reading_pieces = [tok.reading for tok in tokens]
        lemmas, lemma_starts = _joined(lemma_pieces)
        reading, reading_starts = _joined(reading_pieces)
        views = (
            (analysis.normalized, None),  # the written form matches anywhere
            (lemmas, lemma_starts),  # the others only on whole words:
            (reading, reading_starts),  # 市に対して reads シニタイシテ but holds no シニタイ word
        )
        spans_of = [allowed_spans(allow, string) for (string, _), allow in zip(views, self._allow, strict=True)]
        # An allowed phrase found as written or as dictionary forms hides the phrases of every view inside the
        # same tokens (しにたいわけではない is allowed as dictionary forms, while しにたい is found as written).
        # Not one found only as kana: a reading is a homophone's too (辞書を, allowed, reads as 自傷を). Which
        # token each character belongs to is worked out only then (most messages hold no allowed phrase).
        owners: list[list[int]] = [[], [], []]
        allowed_tokens: list[tuple[int, int]] = []
        if spans_of[0] or spans_of[1]:
            # Characters past the analysed tokens (a very long message) belong to no token.
            covered, past = "".join(surfaces), len(tokens)
            written = (
                _owners(surfaces) + [past] * (len(analysis.normalized) - len(covered))
                if analysis.normalized.startswith(covered)
                else [past] * len(analysis.normalized)  # (never seen: then the written view stands alone)
            )
            owners = [written, _owners(lemma_pieces), _owners(reading_pieces)]
            pairs = zip(owners[:2], spans_of[:2], strict=True)
            allowed_tokens = [(owner[a], owner[b - 1]) for owner, spans in pairs for a, b in spans]
        found: dict[str, str] = {}
        for (string, starts), phrases, spans, owner, table in zip(
            views, self._phrases, spans_of, owners, self._views, strict=True
        ):
            if phrases is None:
                continue
            # Only whole words count in the lemma and reading views, except a long reading, which may
            # end inside a word.
            ends = None if starts is None else starts | {len(string)}
            open_end = table is self._views[2]
            for last, key in phrases.iter(string):
                first = last + 1 - len(key)
                if spans and _inside(spans, first, last + 1):
                    continue
                if allowed_tokens and _inside(allowed_tokens, owner[first], owner[last]):
                    continue
                if ends is not None and starts is not None:
                    whole_end = last + 1 in ends or (open_end and len(key) >= OPEN_END_READING)
                    if first not in starts or not whole_end:
                        continue
                for group in table[key]:
                    found.setdefault(group, key)
        return found
