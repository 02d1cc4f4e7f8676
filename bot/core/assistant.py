"""One question in, one Reply out: crisis check, town, matching, decision, composition.

Channel-free: the console, Telegram, `ask` and `eval` all call `Assistant.reply`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bot.core.crisis import NO_CRISIS, CrisisAssessment, CrisisDetector, build_detector
from bot.core.reply import Composer, Reply
from bot.core.safety import SafetyLines
from bot.core.towns import TownFinder, TownMatch, other_municipality
from bot.data.check import AssistantData, load_data
from bot.language.synonyms import SynonymRewriter
from bot.language.text import analyzer, normalize
from bot.matching.baselines import Bm25Matcher, FuzzyMatcher
from bot.matching.decision import Candidate, Matcher, decide
from bot.matching.tfidf import TfidfMatcher, training_pairs

ENGINES = ("main", "bm25", "fuzzy")
EMPTY_HINT = "ご相談の内容を、文字で書いて送ってください。たとえば「母の物忘れが心配です」のように書けます。"


@dataclass(frozen=True)
class Assistant:
    data: AssistantData
    matcher: Matcher
    crisis: CrisisDetector | None  # None for the plain baselines
    towns: TownFinder
    composer: Composer

    @property
    def engine_name(self) -> str:
        return self.matcher.name

    def at(self, when: datetime) -> Assistant:
        """The same assistant answering as at `when`: which lines are open, in what order."""
        return replace(self, composer=self.composer.at(when))

    def assess(self, text: str) -> CrisisAssessment:
        """The crisis check alone (the plain baselines have none)."""
        return self.crisis.assess(text) if self.crisis is not None else NO_CRISIS

    def reply(self, text: str, town: TownMatch | None = None, ranked: list[Candidate] | None = None) -> Reply:
        """Reply to one message; `town` is the one the conversation already knows, if any.

        `ranked` lets a caller that already ranked the text (threshold tuning) skip the matcher.
        """
        assessment = self.assess(text)
        return self.crisis_reply(text, town, assessment) or self.matched_reply(text, town, ranked, assessment)

    def crisis_reply(
        self, text: str, town: TownMatch | None = None, assessment: CrisisAssessment | None = None
    ) -> Reply | None:
        """The crisis reply when the text needs one; checked before anything else. None otherwise."""
        assessment = assessment or self.assess(text)
        if not assessment.is_crisis:
            return None
        return self.composer.crisis(text, assessment.kinds, self.towns.find(text) or town)

    def matched_reply(
        self,
        text: str,
        town: TownMatch | None = None,
        ranked: list[Candidate] | None = None,
        assessment: CrisisAssessment = NO_CRISIS,
    ) -> Reply:
        """The reply from matching, for text that `crisis_reply` has let through.

        A message in the crisis check's grey zone is answered as usual, with the emergency line first.
        """
        reply = self._matched(text, town, ranked)
        return self.composer.emergency_first(reply) if assessment.level == "hint" else reply

    def _matched(self, text: str, town: TownMatch | None, ranked: list[Candidate] | None) -> Reply:
        query = text
        if not normalize(text):
            return self.composer.ask_for_text(query, EMPTY_HINT, town)
        named = self.towns.find(text)
        town = named or town
        if self.crisis is not None:  # the main engine; the plain baselines have no rules besides matching
            city = other_municipality(analyzer().analyse(text).tokens, self.towns.own_town_names)
            if city is not None and named is None:
                return self.composer.other_city(query, city)
        decision = decide(self.matcher.rank(text) if ranked is None else ranked, self.matcher.thresholds)
        cards = self.data.knowledge.cards
        if decision.status == "answer" and decision.best is not None:
            return self.composer.answer(query, cards[decision.best.topic], decision.best.score, town)
        if decision.status == "clarify":
            return self.composer.clarify(query, [(cards[c.topic], c.score) for c in decision.candidates], town)
        if named is not None and decision.best is None:
            # Only a town name: the resident wants their local window.
            card = cards.get("town_centre")
            if card is not None:
                return self.composer.answer(query, card, 0.0, town)
        best = decision.best.score if decision.best else 0.0
        return self.composer.no_match(query, town, best)


def build_assistant(data_dir: Path, engine: str = "main", data: AssistantData | None = None) -> Assistant:
    """Load the data (unless given) and build the named engine over it."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    data = data or load_data(data_dir)
    shared = analyzer()
    pairs = training_pairs(data.knowledge, data.intents)
    matcher: Matcher
    crisis: CrisisDetector | None = None
    if engine == "main":
        matcher = TfidfMatcher(pairs, shared, SynonymRewriter(data.intents.synonyms))
        crisis = build_detector(data.intents, shared)
    elif engine == "bm25":
        matcher = Bm25Matcher(pairs, shared)
    else:
        matcher = FuzzyMatcher(pairs)
    towns = TownFinder(data.knowledge)
    safety = SafetyLines(data.knowledge, {k.kind: k.lead for k in data.intents.crisis})
    return Assistant(data, matcher, crisis, towns, Composer(data.knowledge, towns, safety))
