"""Two plain baselines over the same intents data, for side-by-side comparison with the main engine.

- `bm25`: BM25 over Sudachi tokens of the examples, nothing else (no synonyms, readings or crisis check).
- `fuzzy`: rapidfuzz over the raw example strings, nothing else.
Each answers or says no_match with thresholds tuned on the project's labelled set, like `main`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from bot.language.text import Analyzer, normalize
from bot.matching.decision import Candidate, Thresholds

# Tuned on eval/dev.yaml with scripts/tune_thresholds.py.
BM25_THRESHOLDS = Thresholds(floor=0.12, sure=0.16, margin=0.02)
FUZZY_THRESHOLDS = Thresholds(floor=0.68, sure=0.92, margin=0.10)


def _best_per_topic(scored: Iterable[tuple[str, float]]) -> list[Candidate]:
    best: dict[str, float] = {}
    for topic, score in scored:
        if score > best.get(topic, 0.0):
            best[topic] = score
    return sorted((Candidate(t, s) for t, s in best.items()), key=lambda c: c.score, reverse=True)


class Bm25Matcher:
    name = "bm25"
    k1 = 1.5
    b = 0.75

    def __init__(
        self, pairs: Iterable[tuple[str, str]], analyzer: Analyzer, thresholds: Thresholds = BM25_THRESHOLDS
    ) -> None:
        self.thresholds = thresholds
        self._analyzer = analyzer
        self._topics: list[str] = []
        self._docs: list[Counter[str]] = []
        for topic, text in pairs:
            tokens = self._tokens(text)
            if tokens:
                self._topics.append(topic)
                self._docs.append(Counter(tokens))
        n = len(self._docs)
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc.keys())
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._avg_len = sum(sum(d.values()) for d in self._docs) / max(n, 1)
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, doc in enumerate(self._docs):
            for term in doc:
                self._postings[term].append(index)

    def _tokens(self, text: str) -> list[str]:
        analysis = self._analyzer.analyse(text)
        return [t.lemma for t in analysis.tokens if t.pos not in ("補助記号", "空白")]

    def rank(self, text: str) -> list[Candidate]:
        terms = set(self._tokens(text)) & self._idf.keys()
        # The score a document could reach if it matched every query term: scales scores into [0, 1].
        ceiling = sum(self._idf[t] * (self.k1 + 1) for t in terms)
        if not ceiling:
            return []
        scores: dict[int, float] = defaultdict(float)
        for term in terms:
            idf = self._idf[term]
            for index in self._postings[term]:
                doc = self._docs[index]
                tf = doc[term]
                length_norm = 1 - self.b + self.b * sum(doc.values()) / self._avg_len
                scores[index] += idf * tf * (self.k1 + 1) / (tf + self.k1 * length_norm)
        return _best_per_topic((self._topics[i], min(1.0, s / ceiling)) for i, s in scores.items())


class FuzzyMatcher:
    name = "fuzzy"

    def __init__(self, pairs: Iterable[tuple[str, str]], thresholds: Thresholds = FUZZY_THRESHOLDS) -> None:
        self.thresholds = thresholds
        pair_list = list(pairs)
        self._topics = [t for t, _ in pair_list]
        self._texts = [normalize(e) for _, e in pair_list]

    def rank(self, text: str) -> list[Candidate]:
        query = normalize(text)
        if not query:
            return []
        hits = process.extract(query, self._texts, scorer=fuzz.WRatio, limit=50)
        return _best_per_topic((self._topics[index], score / 100.0) for _, score, index in hits)
