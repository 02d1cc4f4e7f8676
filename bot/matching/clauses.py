"""Long messages: split into sentences and clauses, and let the clearest one decide.

A resident's story ("突然すみません。実家の母のことで… 最近同じことを何回も… どこに聞けば") matches
every example weakly as a whole: its greetings, apologies and side details dilute the one sentence
that names the need. Each clause is ranked on its own too, and a topic keeps the better of its
whole-text score and its best clause's (slightly discounted, since a clause has less context).
Short questions are one clause and are ranked exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.matching.decision import Candidate, Matcher, Thresholds

# Sentence ends, and the joints where a long sentence turns to its next thought (…けど、…ので、).
_SENTENCE_END = re.compile(r"(?<=[。．！？!?\n])|(?<=\.\s)")
_JOINTS = ("けど", "けれど", "ですが", "ますが", "ので", "のに", "から", "たら", "ても")
_CLAUSE_JOINT = re.compile("(?:" + "|".join(f"(?<={j})" for j in _JOINTS) + ")[、,]")
# Clauses that carry no need of their own: greetings, apologies, thanks, self-introductions.
_FILLER = re.compile(
    r"^(?:突然|夜分|お忙しい|はじめまして|初めまして|こんにちは|こんばんは|おはよう|すみません|すいません|"
    r"失礼|申し訳|よろしく|宜しく|ありがとう|お世話に|いつも|長文|愚痴)"
)
MIN_CLAUSE_CHARS = 6  # shorter pieces ("母です。") hold no need on their own
MAX_CLAUSES = 8  # a very long story: the first sentences and the last ones carry the need
CLAUSE_DISCOUNT = 0.92  # a clause has less context than the whole message


def clauses(text: str) -> list[str]:
    """The message's sentences and clauses with content, greetings and apologies left out."""
    pieces = [p.strip() for s in _SENTENCE_END.split(text) for p in _CLAUSE_JOINT.split(s)]
    kept = [p for p in pieces if len(p) >= MIN_CLAUSE_CHARS and not _FILLER.match(p)]
    if len(kept) > MAX_CLAUSES:
        kept = kept[: MAX_CLAUSES // 2] + kept[-MAX_CLAUSES // 2 :]
    return kept


class ClauseRanker:
    """A matcher that also ranks each clause of a long message, over an inner matcher."""

    def __init__(self, inner: Matcher) -> None:
        self.inner = inner
        self.name = inner.name

    @property
    def thresholds(self) -> Thresholds:
        return self.inner.thresholds

    def rank(self, text: str) -> list[Candidate]:
        whole = self.inner.rank(text)
        parts = clauses(text)
        if len(parts) < 2:
            return whole
        best = {c.topic: c.score for c in whole}
        for ranked in self.rank_clauses(parts):
            for c in ranked:
                score = c.score * CLAUSE_DISCOUNT
                if score > best.get(c.topic, 0.0):
                    best[c.topic] = score
        return sorted((Candidate(t, s) for t, s in best.items()), key=lambda c: c.score, reverse=True)

    def rank_clauses(self, parts: list[str]) -> Iterator[list[Candidate]]:
        for part in parts:
            yield self.inner.rank(part)
