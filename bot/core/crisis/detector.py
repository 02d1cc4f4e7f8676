"""The crisis check: runs before any matching, on every text a resident sends.

Three layers, any of which can raise the alarm:
- terms: phrases that say it outright (死にたい, 夫に殴られている), with an allow-list of everyday
  phrases (死ぬほど忙しい) and per-kind story contexts (ゲーム) that cancel them;
- patterns: signals that together say it (a method and a time: 今から + 飛び降り);
- the learned model: a classifier trained on the labelled corpus, for everything said another way.
A model score that is high but not decisive is a hint: the question is answered as usual, with the
emergency line first. So is a term in a text the model finds clearly safe (a past, resolved event).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.core.crisis.model import CrisisModel, Score, features, training_key
from bot.core.crisis.terms import PhraseMatcher
from bot.data.crisis_intents import CRISIS_KINDS, NOT_CRISIS, CrisisMessage
from bot.data.intents import Intents
from bot.diskcache import cache_dir, prune
from bot.language.romaji import to_kana
from bot.language.text import Analysis, Analyzer, has_japanese, to_hiragana, typed_as_sounds

logger = logging.getLogger(__name__)

Level = Literal["crisis", "hint", "none"]
TERM, SIGNAL = "term:", "signal:"


@dataclass(frozen=True)
class Thresholds:
    """Model probabilities, chosen by cross-validation by author (scripts/tune_crisis.py)."""

    crisis_at: float = 0.5  # from here the model alone gives the crisis reply
    hint_at: float = 0.15  # from here the answer carries the emergency line first
    # A term or pattern found in a text the model finds clearly safe (「昔、死にたいと思ったこともある
    # けれど今は元気」) gives the emergency line first instead of the crisis reply.
    veto_below: float = 0.1


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class CrisisAssessment:
    level: Level
    kinds: tuple[str, ...] = ()  # most urgent first, in the order of CRISIS_KINDS
    score: float = 0.0  # the learned model's probability of a crisis
    layer: str = ""  # which layer decided: term, pattern or model

    @property
    def is_crisis(self) -> bool:
        return self.level == "crisis"


NO_CRISIS = CrisisAssessment("none")


@dataclass(frozen=True)
class Evidence:
    """What each layer found in one text, before any threshold is applied."""

    rule_kinds: frozenset[str]  # kinds found by terms and patterns
    rule_layer: str  # "term" or "pattern" (the first that found one), or ""
    score: Score
    # The model learned from Japanese: on a text with no Japanese to read (English) its low score says
    # nothing, so it cannot veto a term there.
    model_reads: bool = True
    # The same message in other letters: romaji read as the kana it spells (「mou shinitai」), or katakana
    # typed for its sounds read in hiragana (ｸｽﾘ ｱﾂﾒﾃﾙ): decided on its own; the more urgent reading counts.
    other_letters: Evidence | None = None

    def decide(self, thresholds: Thresholds = THRESHOLDS) -> CrisisAssessment:
        own = self._decide_alone(thresholds)
        if self.other_letters is None:
            return own
        other = self.other_letters.decide(thresholds)
        if _URGENCY[other.level] > _URGENCY[own.level]:
            return other
        if other.level == own.level != "none":
            return replace(own, kinds=_ordered({*own.kinds, *other.kinds}), score=max(own.score, other.score))
        return own

    def _decide_alone(self, thresholds: Thresholds) -> CrisisAssessment:
        score = self.score
        # Romaji is read by the model as the kana it spells (`other_letters`); its score on the Latin letters
        # (learnt from no romaji as written) is noise: 「hoikuen hairitai desu」 scored as a crisis.
        model_counts = self.model_reads or self.other_letters is None
        by_model = model_counts and score.crisis >= thresholds.crisis_at
        by_rules = bool(self.rule_kinds) and (score.crisis >= thresholds.veto_below or not self.model_reads)
        if by_rules or by_model:
            kinds = set(self.rule_kinds) | ({score.kind} if by_model else set())
            return CrisisAssessment("crisis", _ordered(kinds), score.crisis, self.rule_layer if by_rules else "model")
        if self.rule_kinds or (model_counts and score.crisis >= thresholds.hint_at):
            kinds = set(self.rule_kinds) or {score.kind}
            return CrisisAssessment("hint", _ordered(kinds), score.crisis, self.rule_layer or "model")
        return CrisisAssessment("none", (), score.crisis)


_URGENCY: dict[Level, int] = {"none": 0, "hint": 1, "crisis": 2}


def _ordered(kinds: set[str]) -> tuple[str, ...]:
    return tuple(k for k in CRISIS_KINDS if k in kinds)


def other_reading(text: str, analysis: Analysis, analyzer: Analyzer) -> Analysis | None:
    """The same message in other letters, which the crisis check reads as well as the text: romaji as the
    kana it spells (mou shinitai → もう しにたい), katakana typed for its sounds in hiragana (ｸｽﾘ ｱﾂﾒﾃﾙ →
    くすりあつめてる: Sudachi splits those into words, where the katakana is one unknown run); None
    for a message in neither."""
    kana = to_kana(text)
    if kana is not None:
        return analyzer.analyse(kana)
    if typed_as_sounds(text, analysis.normalized):
        return analyzer.analyse(to_hiragana(analysis.normalized))
    return None


class CrisisRules:
    """The rule layers: terms (with the allow-list and each kind's story contexts) and patterns of signals.

    Shared by the detector and by `kb check`, which asks whether an intents example would be caught.
    """

    def __init__(self, intents: Intents, analyzer: Analyzer) -> None:
        # Terms and pattern signals in one matcher, so a message's dictionary forms and reading are built
        # and scanned once: a group is "term:<kind>" or "signal:<name>".
        groups = {f"{TERM}{k.kind}": k.terms for k in intents.crisis}
        groups.update({f"{SIGNAL}{name}": phrases for name, phrases in intents.crisis_signals.items()})
        self._phrases = PhraseMatcher(groups, intents.crisis_allow, analyzer)
        # Every kind has its entry (an empty tuple when nothing cancels it), as every term group is a kind's.
        self._unless = {k.kind: tuple(analyzer.analyse(u).normalized for u in k.unless) for k in intents.crisis}
        self._patterns = intents.crisis_patterns

    def kinds(self, analysis: Analysis) -> tuple[set[str], str]:
        """The kinds the rules find, and the first layer that found one ("term", "pattern" or "")."""
        phrases = self._phrases.find(analysis)
        kinds = [group[len(TERM) :] for group in phrases if group.startswith(TERM)]
        # A kind's story context cancels it: 「ゲームで殺された」.
        found = {k for k in kinds if not any(u in analysis.normalized for u in self._unless[k])}
        layer = "term" if found else ""
        signals = {group[len(SIGNAL) :] for group in phrases if group.startswith(SIGNAL)}
        for pattern in self._patterns:
            if pattern.kind not in found and all(s in signals for s in pattern.signals):
                found.add(pattern.kind)
                layer = layer or "pattern"
        return found, layer


class CrisisDetector:
    def __init__(
        self, intents: Intents, model: CrisisModel, analyzer: Analyzer, thresholds: Thresholds = THRESHOLDS
    ) -> None:
        self._analyzer = analyzer
        self.rules = CrisisRules(intents, analyzer)
        self.model = model
        self.thresholds = thresholds

    def evidence(self, text: str) -> Evidence | None:
        """Every layer's finding; None for a text with nothing to read."""
        analysis = self._analyzer.analyse(text)
        if not analysis.normalized:
            return None
        other = other_reading(text, analysis, self._analyzer)
        return self._evidence_of(analysis, self._evidence_of(other, None) if other is not None else None)

    def _evidence_of(self, analysis: Analysis, other_letters: Evidence | None) -> Evidence:
        found, layer = self.rules.kinds(analysis)
        readable = has_japanese(analysis.normalized)
        return Evidence(frozenset(found), layer, self.model.score(analysis), readable, other_letters)

    def assess(self, text: str) -> CrisisAssessment:
        evidence = self.evidence(text)
        return evidence.decide(self.thresholds) if evidence is not None else NO_CRISIS


def training_samples(intents: Intents) -> list[tuple[str, str]]:
    """(text, label) pairs: the corpus, each kind's terms, and every ordinary phrasing as NOT_CRISIS."""
    return corpus_samples(intents.crisis_corpus) + term_and_ordinary_samples(intents)


def corpus_samples(messages: Sequence[CrisisMessage]) -> list[tuple[str, str]]:
    return [(text, m.crisis) for m in messages if (text := _model_text(m.q)) is not None]


def term_and_ordinary_samples(intents: Intents) -> list[tuple[str, str]]:
    # English terms are rules only: as lone training samples, with no English ordinary text beside them,
    # they would teach the model that any English is a crisis. English allow phrases are rules only too:
    # "don't want to live in" as an ordinary phrasing would teach it that "want to live" is safe.
    samples = [(term, k.kind) for k in intents.crisis for term in k.terms if not term.isascii()]
    ordinary = [e for phrases in intents.examples.values() for e in phrases]
    ordinary += [*intents.out_of_scope, *(a for a in intents.crisis_allow if not a.isascii())]
    ordinary += [p for talk in intents.smalltalk for p in talk.phrases]
    samples += [(to_kana(text) or text, NOT_CRISIS) for text in ordinary]  # romaji as the model reads it
    return samples


def _model_text(text: str) -> str | None:
    """What the model learns from a message: romaji as the kana it spells; nothing from English alone."""
    kana = to_kana(text)
    if kana is not None:
        return kana
    return text if has_japanese(text) else None


def fit_model(samples: Sequence[tuple[str, str]], analyzer: Analyzer) -> CrisisModel:
    featured = []
    for text, label in samples:
        analysis = analyzer.analyse(text)
        featured.append((features(analysis.normalized, analysis.tokens), label))
    return CrisisModel.train(featured)


def load_model(intents: Intents, analyzer: Analyzer) -> CrisisModel:
    """The model for this data: from the cache when the data is unchanged, else trained and cached."""
    samples = training_samples(intents)
    path = cache_dir() / f"crisis-{training_key(samples)}.npz"
    try:
        return CrisisModel.load(path)
    except (OSError, ValueError, KeyError):
        pass
    model = fit_model(samples, analyzer)
    try:
        model.save(path)
        prune(path, "crisis-*.npz")
    except OSError as exc:  # a read-only home: train again next start, but keep working
        logger.warning("crisis model cache not written (%s); it will be trained again next start", exc.strerror)
    return model


def build_detector(intents: Intents, analyzer: Analyzer) -> CrisisDetector:
    return CrisisDetector(intents, load_model(intents, analyzer), analyzer)
