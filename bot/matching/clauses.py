"""Long messages split into sentences and clauses, greetings and apologies left out.

Used to see which problems a story names, one piece at a time (bot/core/situations.py). Ranking a
story by its best clause instead of as a whole was measured and not kept: on the register dev sets
it put the expected topic first less often (114 against 129 of 179) and answered more out-of-scope
stories, since a clause loses the context that tells a welfare need from an everyday remark. The last
sentence, and then the first, are used more narrowly: only when one asks clearly for the card the whole
story ranks first (`SituationReader.asked`).
"""

from __future__ import annotations

import re

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


def clauses(text: str) -> list[str]:
    """The message's sentences and clauses with content, greetings and apologies left out."""
    pieces = [p.strip() for s in _SENTENCE_END.split(text) for p in _CLAUSE_JOINT.split(s)]
    kept = [p for p in pieces if len(p) >= MIN_CLAUSE_CHARS and not _FILLER.match(p)]
    if len(kept) > MAX_CLAUSES:
        kept = kept[: MAX_CLAUSES // 2] + kept[-MAX_CLAUSES // 2 :]
    return kept


def asking_sentences(text: str) -> list[str]:
    """Where a message of two or more sentences with content asks: the last sentence (at the end of a
    story), then the first (a question, then why it is asked: 「CSWってなに？貼り紙で見た」)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text)]
    kept = [s for s in sentences if len(s) >= MIN_CLAUSE_CHARS]
    return [kept[-1], kept[0]] if len(kept) >= 2 else []
