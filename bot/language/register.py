"""Is a message written the way children and newcomers write? Then the reply offers やさしい日本語.

Three signs, each cheap to see: kana only (no kanji at all); words spaced apart like a learner's
Japanese (分かち書き: 「こども 毎日 泣く、わたし どうしたら いい」); English words mixed into Japanese
(「rent 払う できない」). Upper-case abbreviations (DV, NPO, LINE) are ordinary Japanese and do not count.
Measured on the register dev sets: 25 of 26 foreign residents' messages and every kana-only one, and
none of the dev set's other questions.
"""

from __future__ import annotations

import re

_JAPANESE = re.compile(r"[ぁ-ゖァ-ヺー\u3400-\u9fff々]")
_KANA_ONLY = re.compile(r"[ぁ-ゖァ-ヺー\s、。！？!?]{4,}")
_SPACES = re.compile(r"[ \u3000]+")
_LOWER_CASE_WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z']+(?![A-Za-z])")
MIN_SPACED_WORDS = 4
MAX_SPACED_WORD_CHARS = 5  # a learner's chunks are short; a sentence with a stray space is not


def writes_simply(text: str) -> bool:
    text = text.strip()
    if _KANA_ONLY.fullmatch(text):
        return True
    words = [w for w in _SPACES.split(text) if _JAPANESE.search(w)]
    if len(words) >= MIN_SPACED_WORDS and sum(map(len, words)) / len(words) <= MAX_SPACED_WORD_CHARS:
        return True
    return bool(_JAPANESE.search(text)) and _LOWER_CASE_WORD.search(text) is not None
