"""One question in, one Reply out: crisis check, town, matching, decision, composition.

Channel-free: the console, Telegram, `ask` and `eval` all call `Assistant.reply`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.baselines import Bm25Matcher, FuzzyMatcher
from bot.crisis import CrisisDetector
from bot.engine import TfidfMatcher, training_pairs
from bot.kbcheck import AssistantData, load_data
from bot.matching import Candidate, Matcher, decide
from bot.reply import Composer, Reply
from bot.synonyms import SynonymRewriter
from bot.text import analyzer, normalize
from bot.towns import TownFinder, TownMatch, other_municipality

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

    def reply(self, text: str, town: TownMatch | None = None, ranked: list[Candidate] | None = None) -> Reply:
        """Reply to one message; `town` is the one the conversation already knows, if any.

        `ranked` lets a caller that already ranked the text (threshold tuning) skip the matcher.
        """
        return self.crisis_reply(text, town) or self.matched_reply(text, town, ranked)

    def crisis_reply(self, text: str, town: TownMatch | None = None) -> Reply | None:
        """The crisis reply when the text needs one; checked before anything else. None otherwise."""
        hit = self.crisis.detect(text) if self.crisis is not None else None
        if hit is None:
            return None
        return self.composer.crisis(text, hit.kinds, self.towns.find(text) or town)

    def matched_reply(self, text: str, town: TownMatch | None = None, ranked: list[Candidate] | None = None) -> Reply:
        """The reply from matching alone, for text that `crisis_reply` has already let through."""
        query = text
        if not normalize(text):
            empty = self.composer.no_match(query, town)
            return Reply(query, "no_match", EMPTY_HINT, windows=empty.windows, area=empty.area)
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
        crisis = CrisisDetector(data.intents.crisis, data.intents.crisis_allow, shared)
    elif engine == "bm25":
        matcher = Bm25Matcher(pairs, shared)
    else:
        matcher = FuzzyMatcher(pairs)
    towns = TownFinder(data.knowledge)
    return Assistant(data, matcher, crisis, towns, Composer(data.knowledge, towns))
