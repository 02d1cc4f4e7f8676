"""What every matcher shares: candidates, the decision rule and its thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Literal, NamedTuple, Protocol

OUT_OF_SCOPE = "__out_of_scope__"  # pseudo-topic of intents/out_of_scope.yaml examples

MatchStatus = Literal["answer", "clarify", "no_match"]


class Candidate(NamedTuple):
    """A topic and its score. A named tuple: a ranking makes about a hundred per message, and a tuple is
    built several times faster than a frozen dataclass."""

    topic: str
    score: float


@dataclass(frozen=True)
class Thresholds:
    floor: float  # below this the best candidate is not trusted at all: no_match
    sure: float  # at or above this the best candidate is answered even when others are close
    margin: float  # runners-up within this distance of the best make a weaker answer ambiguous
    # From here up to the floor the best candidates are offered as choices ("もしかして…") instead
    # of one confident card or nothing; at or above the floor this plays no part.
    maybe: float = 1.0
    # Declined when the closest out-of-scope examples score at least this share of the best card's
    # score: a card only a little closer than 「ごみの日」-like messages is no better than them.
    out_of_scope_share: float = 1.0
    # The guess band's lower edge for a story (STORY_CHARS or longer): its many words spread its scores
    # thin, so the card it is about scores lower than in a short question about the same thing. Never
    # above `maybe`: the default leaves a story the short question's edge.
    story_maybe: float = 1.0


# A message this long tells a situation rather than asks one question (a third of the dev sets' messages).
STORY_CHARS = 50


@dataclass(frozen=True)
class Decision:
    status: MatchStatus
    candidates: tuple[Candidate, ...]  # in-scope candidates, best first
    unsure: bool = False  # a clarify below the floor: the choices are a guess, said as one
    out_of_scope: bool = False  # a no_match because out-of-scope examples are as close as any card

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Matcher(Protocol):
    name: str
    thresholds: Thresholds

    def rank(self, text: str) -> list[Candidate]:
        """Topics (and possibly OUT_OF_SCOPE) with scores in [0, 1], best first."""
        ...


def decide(ranked: list[Candidate], t: Thresholds, max_alternatives: int = 3, story: bool = False) -> Decision:
    """Turn a ranking into answer / clarify / no_match; `story`: the ranking is of a story (`is_story`)."""
    # Only the first few in-scope topics are ever read (the best, its close rivals, the alternatives).
    in_scope = list(islice((c for c in ranked if c.topic != OUT_OF_SCOPE), max(max_alternatives, 2)))
    oos = next((c.score for c in ranked if c.topic == OUT_OF_SCOPE), 0.0)
    if not in_scope:
        return Decision("no_match", ())
    if oos >= in_scope[0].score * t.out_of_scope_share:
        return Decision("no_match", tuple(in_scope[:max_alternatives]), out_of_scope=True)
    if in_scope[0].score < t.floor:
        maybe = min(t.maybe, t.story_maybe) if story else t.maybe
        if in_scope[0].score >= maybe and len(in_scope) >= 2:
            return Decision("clarify", tuple(in_scope[:max_alternatives]), unsure=True)
        return Decision("no_match", tuple(in_scope[:max_alternatives]))
    best = in_scope[0]
    close = [
        c for c in in_scope[1:max_alternatives] if best.score - c.score < t.margin and c.score >= t.floor
    ]
    if close and best.score < t.sure:
        return Decision("clarify", (best, *close))
    return Decision("answer", tuple(in_scope[:max_alternatives]))


def is_story(text: str) -> bool:
    return len(text) >= STORY_CHARS
