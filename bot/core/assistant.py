"""One question in, one Reply out: crisis check, town, matching, decision, composition.

Channel-free: the console, Telegram, `ask` and `eval` all call `Assistant.reply`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from pathlib import Path

from bot.core.crisis import NO_CRISIS, CrisisAssessment, CrisisDetector, build_detector
from bot.core.easy import Furigana
from bot.core.reply import Composer, Reply
from bot.core.safety import SafetyLines
from bot.core.several import several_problems
from bot.core.situations import DOMAINS_NEAR_OUT_OF_SCOPE, SUPPORT_RANK, SituationReader
from bot.core.snapshot import cached
from bot.core.towns import TownFinder, TownMatch, other_municipality
from bot.data.bundle import AssistantData
from bot.language.text import analyzer, normalize
from bot.matching.baselines import Bm25Matcher, FuzzyMatcher
from bot.matching.cues import CueWords
from bot.matching.decision import OUT_OF_SCOPE, Candidate, Decision, Matcher, decide, is_story
from bot.matching.tfidf import main_matcher, training_pairs

ENGINES = ("main", "bm25", "fuzzy")


@dataclass(frozen=True)
class Assistant:
    data: AssistantData
    matcher: Matcher
    crisis: CrisisDetector | None  # None for the plain baselines
    towns: TownFinder
    composer: Composer
    situations: SituationReader | None = None  # None for the plain baselines
    easy_composer: Composer | None = None  # やさしい日本語 texts; None: easy replies use the plain ones
    furigana: Furigana | None = None
    cues: CueWords | None = None  # words that ask for one card (the figures cards); None for the baselines

    @property
    def engine_name(self) -> str:
        return self.matcher.name

    def at(self, when: datetime) -> Assistant:
        """The same assistant answering as at `when`: which lines are open, in what order."""
        easy = self.easy_composer.at(when) if self.easy_composer is not None else None
        return replace(self, composer=self.composer.at(when), easy_composer=easy)

    def assess(self, text: str) -> CrisisAssessment:
        """The crisis check alone (the plain baselines have none)."""
        return self.crisis.assess(text) if self.crisis is not None else NO_CRISIS

    def reply(
        self, text: str, town: TownMatch | None = None, ranked: list[Candidate] | None = None, easy: bool = False
    ) -> Reply:
        """Reply to one message; `town` is the one the conversation already knows, if any.

        `ranked` lets a caller that already ranked the text (threshold tuning) skip the matcher.
        `easy`: the reply in やさしい日本語 with a reading after every kanji word.
        """
        assessment = self.assess(text)
        return self.crisis_reply(text, town, assessment, easy) or self.matched_reply(
            text, town, ranked, assessment, easy
        )

    def crisis_reply(
        self,
        text: str,
        town: TownMatch | None = None,
        assessment: CrisisAssessment | None = None,
        easy: bool = False,
    ) -> Reply | None:
        """The crisis reply when the text needs one; checked before anything else. None otherwise."""
        assessment = assessment or self.assess(text)
        if not assessment.is_crisis:
            return None
        reply = self.composer_for(easy).crisis(text, assessment.kinds, self.towns.find(text) or town)
        return self.in_easy_japanese(reply) if easy else reply

    def matched_reply(
        self,
        text: str,
        town: TownMatch | None = None,
        ranked: list[Candidate] | None = None,
        assessment: CrisisAssessment = NO_CRISIS,
        easy: bool = False,
    ) -> Reply:
        """The reply from matching, for text that `crisis_reply` has let through.

        A message in the crisis check's grey zone is answered as usual, with the emergency line first.
        """
        composer = self.composer_for(easy)
        reply = self._matched(text, town, ranked, composer)
        reply = composer.emergency_first(reply) if assessment.level == "hint" else reply
        return self.in_easy_japanese(reply) if easy else reply

    def in_easy_japanese(self, reply: Reply) -> Reply:
        """The last step of an easy reply: a reading after every kanji word (numbers untouched)."""
        if self.furigana is None or reply.easy:
            return reply
        return replace(reply, text=self.furigana.add(reply.text), easy=True)

    def read_easy_replies_ahead(self) -> None:
        """Read every card's and every crisis kind's easy reply once (about 0.1 s at start), so a resident's
        first easy reply only reads the lines that depend on the moment or the town."""
        if self.furigana is None or self.easy_composer is None:
            return
        for card in self.data.knowledge.cards.values():
            self.furigana.read_ahead(self.easy_composer.answer("", card, 1.0, None).text)
        for kind in self.data.intents.crisis:
            self.furigana.read_ahead(self.easy_composer.crisis("", (kind.kind,), None).text)

    def readings(self, text: str) -> str:
        """Any fixed text of the dialogue with readings (the greeting, help, notices)."""
        return self.furigana.add(text) if self.furigana is not None else text

    def composer_for(self, easy: bool) -> Composer:
        return self.easy_composer if easy and self.easy_composer is not None else self.composer

    def _matched(
        self, text: str, town: TownMatch | None, ranked: list[Candidate] | None, composer: Composer
    ) -> Reply:
        query = text
        if not normalize(text):
            return composer.ask_for_text(query, town)
        named = self.towns.find(text)
        town = named or town
        if self.crisis is not None:  # the main engine; the plain baselines have no rules besides matching
            city = other_municipality(
                analyzer().analyse(text).tokens, self.towns.own_town_names, self.towns.home_city
            )
            if city is not None and named is None:
                return composer.other_city(query, city)
        ranked = self.matcher.rank(text) if ranked is None else ranked
        as_ranked = ranked
        if self.cues is not None:
            ranked = self.cues.prefer(text, ranked)
        thresholds = self.matcher.thresholds
        decision = decide(ranked, thresholds)
        if self.situations is not None and (decision.status == "no_match" or decision.unsure):
            decision = self.situations.asked(text, ranked, thresholds) or decision
        domains = self._domains(text, ranked, decision, as_ranked)
        if len(domains) >= 2:
            return self._several(text, ranked, decision, town, domains, composer)
        if decision.status == "no_match" and is_story(text):
            # A story of ours that no card fits (not one near the out-of-scope examples): guesses under the
            # general window, not 「お答えできません」.
            decision = decide(ranked, thresholds, story=True)
        cards = self.data.knowledge.cards
        if decision.status == "answer" and decision.best is not None:
            answer = composer.answer(query, cards[decision.best.topic], decision.best.score, town)
            return replace(answer, domains=domains)
        local = cards.get(self.data.knowledge.municipality.cards.town_centre)
        if named is not None and local is not None and (decision.best is None or self.towns.only_town(text, named)):
            # Only a town name (「小川西町3丁目です」): the resident wants their local window.
            return composer.answer(query, local, decision.best.score if decision.best else 0.0, town)
        if decision.status == "clarify":
            choices = [(cards[c.topic], c.score) for c in decision.candidates]
            return composer.clarify(query, choices, town, unsure=decision.unsure)
        best = decision.best.score if decision.best else 0.0
        return composer.no_match(query, town, best)

    def _domains(
        self, text: str, ranked: list[Candidate], decision: Decision, as_ranked: list[Candidate]
    ) -> tuple[str, ...]:
        """The life-problem domains the message names (for an answer or a guess); `as_ranked`: the
        matcher's ranking, before any cue moved a card."""
        confident_choice = decision.status == "clarify" and not decision.unsure
        if self.situations is None or confident_choice:
            return ()
        cards = self.data.knowledge.cards
        # The situations read the first SUPPORT_RANK topics on cards (and never more).
        on_cards = list(islice((c for c in ranked if c.topic in cards), SUPPORT_RANK))
        if decision.status == "no_match":  # split only a story that reads as ours, not as out of scope
            if not on_cards:
                return ()
            if not decision.out_of_scope:
                return self.situations.domains_unmatched(text, on_cards, as_ranked)
            # Declined because out-of-scope examples come near the best card, though behind it: a story of
            # several troubles often reads so. Then it must name more domains to be taken as several problems.
            oos = next((c.score for c in ranked if c.topic == OUT_OF_SCOPE), 0.0)
            if oos >= on_cards[0].score:
                return ()
            found = self.situations.domains_unmatched(text, on_cards, as_ranked)
            return found if len(found) >= DOMAINS_NEAR_OUT_OF_SCOPE else ()
        return self.situations.domains(text, on_cards, as_ranked)

    def _several(
        self,
        text: str,
        ranked: list[Candidate],
        decision: Decision,
        town: TownMatch | None,
        domains: tuple[str, ...],
        composer: Composer,
    ) -> Reply:
        """Problems of two or more domains: the window for the whole situation first (複合的な課題)."""
        assert self.situations is not None
        cards = self.data.knowledge.cards
        best_topics = self.situations.best_topics(ranked, domains)
        if decision.status == "answer" and decision.best is not None:
            base = composer.answer(text, cards[decision.best.topic], decision.best.score, town)
        else:
            # No card fits well: the guesses (with none, each domain's best card) stay, under the window
            # that takes the whole situation.
            scores = {c.topic: c.score for c in ranked}
            guesses = [c.topic for c in decision.candidates] or list(best_topics.values())
            base = composer.clarify(text, [(cards[t], scores.get(t, 0.0)) for t in guesses], town, unsure=True)
        return several_problems(base, self.data.knowledge, self.data.domains, best_topics, composer.easy)


def build_assistant(data_dir: Path, engine: str = "main", data: AssistantData | None = None) -> Assistant:
    """The named engine over the data folder's data: from the disk cache when neither the data nor the
    code changed (bot/core/snapshot.py), else loaded, checked and built. Given `data`, built over it."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if data is not None:
        return _build(engine, data)

    def load_and_build() -> Assistant:
        from bot.data.check import load_data

        return _build(engine, load_data(data_dir))

    return cached(data_dir, engine, Assistant, load_and_build)


def _build(engine: str, data: AssistantData) -> Assistant:
    shared = analyzer()
    pairs = training_pairs(data.knowledge, data.intents)
    matcher: Matcher
    crisis: CrisisDetector | None = None
    situations: SituationReader | None = None
    cues: CueWords | None = None
    if engine == "main":
        matcher = main_matcher(data.knowledge, data.intents, shared)
        crisis = build_detector(data.intents, shared)
        situations = SituationReader(data.domains, matcher)
        cues = CueWords(data.intents.cues, data.intents.cue_places)
    elif engine == "bm25":
        matcher = Bm25Matcher(pairs, shared)
    else:
        matcher = FuzzyMatcher(pairs)
    towns = TownFinder(data.knowledge)
    leads = {k.kind: k.lead for k in data.intents.crisis}
    easy_leads = {k.kind: k.easy_lead for k in data.intents.crisis if k.easy_lead}
    safety = SafetyLines(data.knowledge, leads, easy_leads)
    assistant = Assistant(
        data.for_answering(),
        matcher,
        crisis,
        towns,
        Composer(data.knowledge, towns, safety),
        situations,
        Composer(data.knowledge, towns, safety, easy=True),
        Furigana(shared, data.readings),
        cues,
    )
    assistant.read_easy_replies_ahead()
    return assistant
