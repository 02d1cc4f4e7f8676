"""Turn a resident's text into weighted matching features.

Three views of the same text, so each kind of mistake is caught by one of them:
- words: Sudachi lemmas of content words (申立て and 申し立て agree), with compound parts and synonyms;
- readings: kana of content words and 3-grams of the whole reading (にんちしょう, 認知賞 → 認知症);
- characters: kanji/kana bigrams of the surface (robust to odd tokenization and typos).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.synonyms import SynonymRewriter
from bot.text import Analysis, Analyzer

# Relative weight of each view in the similarity; words are the most precise, readings the most forgiving.
GROUP_WEIGHTS = {"w": 1.0, "r": 0.55, "g": 0.35, "c": 0.35}


def _is_japanese(ch: str) -> bool:
    return 0x3040 <= ord(ch) <= 0x30FF or 0x3400 <= ord(ch) <= 0x9FFF


@dataclass(frozen=True)
class TextFeatures:
    analysis: Analysis  # of the synonym-rewritten text
    features: frozenset[str]


class FeatureExtractor:
    def __init__(self, analyzer: Analyzer, rewriter: SynonymRewriter) -> None:
        self._analyzer = analyzer
        self._rewriter = rewriter

    def extract(self, text: str) -> TextFeatures:
        original = self._analyzer.analyse(text)
        rewritten_text = self._rewriter.rewrite(original.normalized)
        rewritten = (
            original if rewritten_text == original.normalized else self._analyzer.analyse(rewritten_text)
        )
        feats: set[str] = set()
        for analysis in (original, rewritten):
            for tok in analysis.tokens:
                if not tok.is_content:
                    continue
                lemma = self._rewriter.canonical(tok.lemma)
                feats.add("w:" + lemma)
                feats.update("w:" + self._rewriter.canonical(p) for p in tok.parts)
                if len(tok.reading) >= 2:
                    feats.add("r:" + tok.reading)
            reading = analysis.reading
            feats.update("g:" + reading[i : i + 3] for i in range(len(reading) - 2))
            surface = analysis.normalized
            feats.update(
                "c:" + surface[i : i + 2]
                for i in range(len(surface) - 1)
                if _is_japanese(surface[i]) and _is_japanese(surface[i + 1])
            )
        return TextFeatures(rewritten, frozenset(feats))
