"""The main matcher: nearest examples in a weighted TF-IDF space of words, readings and characters.

Built once from intents/ (examples, synonyms, out-of-scope examples) and from the knowledge cards'
titles and keywords, so a card staff add to knowledge/ is findable before anyone writes examples.
A query is scored against every example through an inverted index. A topic's score blends its
best example's cosine (plus a little for a second agreeing example) with the cosine to the topic's
centroid, so a long story that touches several of a topic's words still finds it, and one lucky
phrase counts less than a topic that several examples support. A linear classifier trained on the
same features (bot/matching/classifier.py) is blended in, for messages that resemble no one example.
"""

from __future__ import annotations

import hashlib
import logging
import math
import pickle
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.data import Knowledge
from bot.data.intents import Intents
from bot.diskcache import cache_dir, prune, write_atomically
from bot.language.features import GROUP_WEIGHTS, FeatureExtractor
from bot.language.synonyms import SynonymRewriter
from bot.language.text import Analyzer
from bot.matching.classifier import BLEND, TopicClassifier, blend
from bot.matching.decision import OUT_OF_SCOPE, Candidate, Thresholds

logger = logging.getLogger(__name__)
INDEX_VERSION = 7  # bump when build_index or the features change, so cached indexes are rebuilt
SECOND_EXAMPLE_BONUS = 0.15
# Share of the best-example score in a topic's score; the rest is the topic centroid's cosine.
EXAMPLE_WEIGHT = 0.6
UNKNOWN_WORD_WEIGHT = 0.8  # share of the rarest known word's weight given to each never-seen word
# Chosen together with the classifier's share (classifier.BLEND) on the four dev sets (eval/dev.yaml,
# eval/registers_dev_*.yaml, eval/faq_dev.yaml; the script's default) by scripts/tune_thresholds.py: the mean of
# the answer and the declined pass rates; see README, "How it works".
MAIN_THRESHOLDS = Thresholds(floor=0.34, sure=0.50, margin=0.04, maybe=0.24)


def training_pairs(knowledge: Knowledge, intents: Intents) -> list[tuple[str, str]]:
    """(topic, text) pairs: intents' examples, each card's title and keywords, out-of-scope examples."""
    pairs: list[tuple[str, str]] = []
    for topic, examples in intents.examples.items():
        pairs.extend((topic, e) for e in examples)
    for card_id, card in knowledge.cards.items():
        if card.id != card_id:  # a （再掲） alias points at the original card; index it once
            continue
        pairs.append((card.id, card.title))
        pairs.extend((card.id, k) for k in card.keywords)
    pairs.extend((OUT_OF_SCOPE, e) for e in intents.out_of_scope)
    return pairs


@dataclass(frozen=True)
class Index:
    """Everything built from the examples; what the disk cache holds."""

    topics: list[str]
    idf: dict[str, float]
    max_idf: float
    postings: dict[str, list[tuple[int, float]]]
    centroid_postings: dict[str, list[tuple[str, float]]]
    vocabulary: list[str]
    classifier: TopicClassifier


def build_index(pairs: Iterable[tuple[str, str]], extractor: FeatureExtractor) -> Index:
    topics: list[str] = []
    docs: list[frozenset[str]] = []
    for topic, text in pairs:
        feats = extractor.extract(text)
        if feats:
            topics.append(topic)
            docs.append(feats)
    df: dict[str, int] = defaultdict(int)
    for feats in docs:
        for f in feats:
            df[f] += 1
    n = len(docs)
    idf = {f: math.log((n + 1) / (c + 1)) + 1.0 for f, c in df.items()}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, feats in enumerate(docs):
        weights = {f: GROUP_WEIGHTS[f[0]] * idf[f] for f in feats}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for f, w in weights.items():
            postings[f].append((index, w / norm))
    # Each topic's centroid: the sum of its examples' unit vectors, normalized. It rewards a long
    # message that touches several of a topic's words even when no single example matches well.
    centroid: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f, posted in postings.items():
        for index, w in posted:
            centroid[topics[index]][f] += w
    centroid_postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for topic, vector in centroid.items():
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        for f, w in vector.items():
            centroid_postings[f].append((topic, w / norm))
    # Known content words, for correcting a misspelt word the index has never seen.
    vocabulary = sorted({f[2:] for f in idf if f.startswith("w:") and len(f) > 3})
    classifier = TopicClassifier.train(docs, topics)
    return Index(topics, idf, math.log(n + 1) + 1.0, dict(postings), dict(centroid_postings), vocabulary, classifier)


def index_key(pairs: list[tuple[str, str]], rewriter: SynonymRewriter) -> str:
    """A digest of all the index depends on: examples, synonyms, feature weights, the dictionary."""
    digest = hashlib.sha256(f"v{INDEX_VERSION} {sorted(GROUP_WEIGHTS.items())} {_dictionary_version()}".encode())
    for topic, text in pairs:
        digest.update(f"\x1e{topic}\x1f{text}".encode("utf-8", "surrogatepass"))
    digest.update(repr(rewriter.fingerprint()).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def _dictionary_version() -> str:
    try:
        return metadata.version("sudachidict-core")
    except metadata.PackageNotFoundError:
        return "none"


def cached_index(pairs: list[tuple[str, str]], extractor: FeatureExtractor, rewriter: SynonymRewriter) -> Index:
    """The index from the disk cache when the data is unchanged; else built and cached."""
    path = cache_dir() / f"index-{index_key(pairs, rewriter)}.pickle"
    try:
        with path.open("rb") as fh:
            stored = pickle.load(fh)
        if isinstance(stored, Index):
            return stored
    except Exception:  # any unreadable cache (missing, truncated, another version) is rebuilt
        pass
    index = build_index(pairs, extractor)
    try:
        write_atomically(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        prune(path, "index-*.pickle")
    except OSError as exc:  # a read-only home: build again next start, but keep working
        logger.warning("matching index cache not written (%s); it will be built again next start", exc.strerror)
    return index


class TfidfMatcher:
    name = "main"

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]],
        analyzer: Analyzer,
        rewriter: SynonymRewriter,
        thresholds: Thresholds = MAIN_THRESHOLDS,
        use_cache: bool = True,
        blend_share: float = BLEND,
    ) -> None:
        self.thresholds = thresholds
        self.blend_share = blend_share
        self._extractor = FeatureExtractor(analyzer, rewriter)
        pairs = list(pairs)
        index = cached_index(pairs, self._extractor, rewriter) if use_cache else build_index(pairs, self._extractor)
        self._topics = index.topics
        self._idf = index.idf
        self._max_idf = index.max_idf
        self._postings = index.postings
        self._centroid_postings = index.centroid_postings
        self._vocabulary = index.vocabulary
        self._classifier = index.classifier

    def _weight(self, feature: str) -> float:
        return GROUP_WEIGHTS[feature[0]] * self._idf.get(feature, 0.0)

    def _corrections(self, feats: frozenset[str]) -> dict[str, str]:
        """Unknown word features → the known word one edit away (介語 → 介護)."""
        extra: dict[str, str] = {}
        for f in feats:
            if f.startswith("w:") and f not in self._idf and len(f) >= 4:
                match = process.extractOne(f[2:], self._vocabulary, scorer=Levenshtein.distance, score_cutoff=1)
                if match is not None:
                    extra[f] = "w:" + match[0]
        return extra

    def rank(self, text: str) -> list[Candidate]:
        feats = self._extractor.extract(text)
        corrections = self._corrections(feats)
        feats = feats | set(corrections.values())
        weights = {f: self._weight(f) for f in feats if f in self._idf}
        if not weights:
            return []
        # Words no example has ever used still count in the message's length: a question mostly
        # about something else (駐輪場, 天気) matches less, however well its one known word fits.
        unknown = [f for f in feats if f.startswith("w:") and f not in self._idf and f not in corrections]
        unknown_weight = UNKNOWN_WORD_WEIGHT * GROUP_WEIGHTS["w"] * self._max_idf
        norm = math.sqrt(sum(w * w for w in weights.values()) + len(unknown) * unknown_weight**2)
        scores: dict[int, float] = defaultdict(float)
        for f, w in weights.items():
            qw = w / norm
            for index, dw in self._postings[f]:
                scores[index] += qw * dw
        best: dict[str, list[float]] = {}
        for index, score in scores.items():
            top = best.setdefault(self._topics[index], [0.0, 0.0])
            if score > top[0]:
                top[0], top[1] = score, top[0]
            elif score > top[1]:
                top[1] = score
        centroid_scores: dict[str, float] = defaultdict(float)
        for f, w in weights.items():
            qw = w / norm
            for topic, cw in self._centroid_postings[f]:
                centroid_scores[topic] += qw * cw
        nearest = {
            topic: min(
                1.0,
                EXAMPLE_WEIGHT * (first + SECOND_EXAMPLE_BONUS * second)
                + (1 - EXAMPLE_WEIGHT) * centroid_scores[topic],
            )
            for topic, (first, second) in best.items()
        }
        blended = blend(nearest, self._classifier.margins(feats), self.blend_share)
        ranked = [Candidate(topic, score) for topic, score in blended.items()]
        ranked.sort(key=lambda c: (-c.score, c.topic))
        return ranked


def main_matcher(knowledge: Knowledge, intents: Intents, analyzer: Analyzer) -> TfidfMatcher:
    """The product's matcher over this data (its index from the disk cache when unchanged)."""
    return TfidfMatcher(training_pairs(knowledge, intents), analyzer, SynonymRewriter(intents.synonyms))
