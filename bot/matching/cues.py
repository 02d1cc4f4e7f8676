"""Words that ask for one card in particular: 「何件」「何人」 want the figures card, not its neighbour.

A question about how many consultations 権利擁護センター has matches the centre's own card a little
better than the card with the plan's figures: the words of the subject outweigh the few words that
make it a question of numbers. Staff name those words per topic (`asked_with:` in intents/topics/);
when a message contains one and that topic is already among its first CUE_RANK candidates, with at
least CUE_SHARE of the best score, the two swap places and scores. Nothing else moves.

A figures card holds the figures of a few subjects only (`in_place_of:`, the cards it stands in for): 「高齢者
虐待の相談は年に何件」 asks for numbers, but about a subject the CSW figures do not count, so the elder-abuse
card keeps first place.

The same serves a child's words about a parent: 「ママがどなる」 from a child asks for the child-abuse card,
which stands in for the DV card (about partners) only.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.language.text import normalize
from bot.matching.decision import Candidate

# Chosen on the register dev sets: the figures questions that lost to a neighbouring card had the
# figures card second or third, at 0.5-0.7 of the winner's score; no other dev answer changed. Round 9: with
# in_place_of, no dev answer changes for a share anywhere from 0.2 to 0.4; 0.3 keeps a figures question
# whose subject card gained examples (権利擁護センターの相談件数: just under 0.4 of the winner's score).
# Round 14: 4, not 3. A child's words (「お父さんがお酒のむとすぐどなって物をなげる…小6です」) had the child-abuse
# card fourth, behind DV, addiction and young carers; on the dev sets that case passes and no other reply changes.
CUE_RANK = 4
CUE_SHARE = 0.3


class CueWords:
    def __init__(
        self, cues: Mapping[str, tuple[str, ...]], in_place_of: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        self._cues = {topic: tuple(normalize(w) for w in words) for topic, words in cues.items()}
        self._places = {topic: frozenset(cards) for topic, cards in (in_place_of or {}).items() if cards}

    def prefer(self, text: str, ranked: list[Candidate]) -> list[Candidate]:
        """`ranked` with the first cued topic near the top moved to first place (scores swapped)."""
        if len(ranked) < 2 or not self._cues:
            return ranked
        best = ranked[0]
        if best.topic in self._cues:
            return ranked
        said = normalize(text)  # (remembered: other steps normalise the same message)
        for place in range(1, min(CUE_RANK, len(ranked))):
            cued = ranked[place]
            words = self._cues.get(cued.topic, ())
            places = self._places.get(cued.topic)
            if places is not None and best.topic not in places:
                continue
            if cued.score >= CUE_SHARE * best.score and any(w in said for w in words):
                moved = [cued._replace(score=best.score), *ranked[1:place], best._replace(score=cued.score)]
                return [*moved, *ranked[place + 1 :]]
        return ranked
