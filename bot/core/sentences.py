"""One sentence, said once: a reply assembled from several data fields must not repeat itself.

Card summaries, window notes and town lines are written by different hands; where two of them say
the same sentence, the reply keeps the first. Sentences end at 。！？ or a line break.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_MARKUP = re.compile(r"^[\s・※　]+")


def sentences(text: str) -> list[str]:
    """The sentences of a text, without the list marks a line may begin with."""
    out = []
    for match in _SENTENCE.finditer(text):
        bare = _MARKUP.sub("", match.group()).strip()
        if bare:
            out.append(bare)
    return out


def is_sentence(piece: str) -> bool:
    """A said thing: ends like a sentence, or is a whole explanation in brackets (a window's 「（…）」)."""
    return piece.endswith(("。", "！", "？", "!", "?")) or (piece.startswith("（") and piece.endswith("）"))


def repeated_sentences(text: str) -> list[str]:
    """Sentences that occur more than once (what a test checks on every reply)."""
    seen: set[str] = set()
    repeats = []
    for s in filter(is_sentence, sentences(text)):
        if s in seen and s not in repeats:
            repeats.append(s)
        seen.add(s)
    return repeats


def without_repeats(lines: list[str]) -> list[str]:
    """The lines with every sentence already said earlier removed; a line left empty is dropped."""
    return list(_without_repeats(tuple(lines)))


@lru_cache(maxsize=512)
def _without_repeats(lines: tuple[str, ...]) -> tuple[str, ...]:
    """Remembered: a card's reply is mostly the same lines each time it is given."""
    seen: set[str] = set()
    out = []
    for line in lines:
        if not line.strip():
            out.append(line)
            continue
        prefix = _MARKUP.match(line)
        head = prefix.group() if prefix else ""
        kept = []
        for match in _SENTENCE.finditer(line[len(head):]):
            piece = match.group()
            bare = piece.strip()
            if bare in seen and is_sentence(bare):
                continue
            seen.add(bare)
            kept.append(piece)
        if "".join(kept).strip():
            out.append(head + "".join(kept))
    # Blank lines left next to each other by a dropped line collapse into one.
    return tuple(line for i, line in enumerate(out) if line.strip() or (i and out[i - 1].strip()))
