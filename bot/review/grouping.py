"""Grouping of similar unmatched questions, so staff read 「駐輪場… (12件)」 instead of twelve rows.

Rows are taken oldest first; each joins the first group whose *first* question it resembles, or
starts a new group. A group's id is the id of that first row, so it stays the same when more
similar questions arrive: the id staff noted yesterday still works today. (Once the retention rule
deletes that first text the next row leads the group and the id changes; by then the question is
months old.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process

from bot.language.text import analyzer
from bot.storage.base import DONE, IN_PROGRESS, OPEN, LogStore, ReviewStatus, UnmatchedRow

SIMILARITY = 80  # rapidfuzz token_set_ratio over content words, 0–100

_TAGS = re.compile(r"\[[^\]]{1,8}\]")
_PUNCT = re.compile(r"[\s、。,.!?！？「」『』()（）・…〜~ー-]+")
_PROGRESS = {OPEN: 0, IN_PROGRESS: 1, DONE: 2}


@dataclass(frozen=True)
class Group:
    id: int  # id of the group's first row
    text: str  # that row's masked question
    count: int
    newest: datetime  # hour (UTC) of the newest question in the group
    status: ReviewStatus
    member_ids: tuple[int, ...]
    area: str | None = None  # the town most of its questions came with (a town id), if any
    oldest: datetime | None = None  # hour (UTC) of its oldest question


@dataclass(frozen=True)
class _Key:
    plain: str  # the text read aloud, without tags and punctuation: ゴミ/ごみ/塵 repeats are one
    words: str  # readings of the content words, joined by spaces: what token_set_ratio compares
    word_set: frozenset[str]


def _key(text: str) -> _Key:
    analysis = analyzer().analyse(_TAGS.sub(" ", text))
    # Readings, not lemmas: Sudachi gives ゴミ and ごみ different lemmas but one reading.
    words = [t.reading or t.lemma for t in analysis.tokens if t.is_content]
    plain = _PUNCT.sub("", analysis.reading) or _PUNCT.sub("", analysis.normalized)
    return _Key(plain, " ".join(words), frozenset(words))


def _similar(a: _Key, b: _Key) -> bool:
    if a.plain == b.plain:
        return True
    if not a.word_set or not b.word_set:
        return bool(a.plain and b.plain) and fuzz.ratio(a.plain, b.plain) >= SIMILARITY
    if fuzz.token_set_ratio(a.words, b.words) < SIMILARITY:
        return False
    small, large = sorted((a.word_set, b.word_set), key=len)
    # token_set_ratio scores 100 whenever one word set contains the other, so a one-word question
    # (「母」) would swallow every question mentioning 母: the shared words must be at least half.
    return not small <= large or 2 * len(small) >= len(large)


def group_rows(rows: Sequence[UnmatchedRow]) -> list[Group]:
    """Groups of similar questions, newest activity first."""
    leaders: list[tuple[UnmatchedRow, _Key]] = []
    members: list[list[UnmatchedRow]] = []
    by_plain: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: r.id):
        key = _key(row.text)
        index = by_plain.get(key.plain) if key.plain else None
        if index is None:
            index = _find_leader(key, leaders)
        if index is None:
            index = len(leaders)
            leaders.append((row, key))
            members.append([])
            if key.plain:
                by_plain[key.plain] = index
        members[index].append(row)
    groups = [
        Group(
            id=leader.id,
            text=leader.text,
            count=len(rows_),
            newest=max(r.hour for r in rows_),
            # The least advanced status: a new similar question after 対応済み reopens the group.
            status=min((r.review for r in rows_), key=lambda s: _PROGRESS[s]),
            member_ids=tuple(r.id for r in rows_),
            area=_main_area(rows_),
            oldest=min(r.hour for r in rows_),
        )
        for (leader, _), rows_ in zip(leaders, members, strict=True)
    ]
    return sorted(groups, key=lambda g: (g.newest, max(g.member_ids)), reverse=True)


def _main_area(rows: Sequence[UnmatchedRow]) -> str | None:
    areas = Counter(r.area for r in rows if r.area)
    return areas.most_common(1)[0][0] if areas else None


def sort_groups(groups: Sequence[Group], by: str = "count") -> list[Group]:
    """Most frequent first (ties: newest first), or newest first with `by="date"`."""
    newest = sorted(groups, key=lambda g: (g.newest, max(g.member_ids)), reverse=True)
    return newest if by == "date" else sorted(newest, key=lambda g: g.count, reverse=True)


def _find_leader(key: _Key, leaders: Sequence[tuple[UnmatchedRow, _Key]]) -> int | None:
    if not key.word_set:
        return next((i for i, (_, k) in enumerate(leaders) if _similar(key, k)), None)
    # rapidfuzz narrows thousands of leaders to a few candidates in C; the guard then decides.
    choices = [k.words for _, k in leaders]
    found = process.extract(
        key.words, choices, scorer=fuzz.token_set_ratio, score_cutoff=SIMILARITY, limit=20
    )
    for index in sorted(i for _, _, i in found):
        if _similar(key, leaders[index][1]):
            return index
    return None


async def load_groups(store: LogStore) -> list[Group]:
    return group_rows(await store.unmatched())


def find_group(groups: Sequence[Group], wanted: int) -> Group | None:
    """The group with this id, or the group holding a row with this id (an id from an old export)."""
    for group in groups:
        if group.id == wanted:
            return group
    return next((g for g in groups if wanted in g.member_ids), None)
