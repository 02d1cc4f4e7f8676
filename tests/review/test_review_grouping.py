"""Grouping of similar unmatched questions, on real masked text from a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.events import LogEvent
from bot.review.grouping import find_group, group_rows, load_groups
from bot.storage.base import DONE, IN_PROGRESS, UnmatchedRow
from bot.storage.records import to_record
from bot.storage.sqlite import SqliteLogStore

T0 = datetime(2025, 2, 3, 1, 0, tzinfo=UTC)

QUESTIONS = [
    "駐輪場の場所を教えて",
    "明日の天気は？",
    "駐輪場はどこですか",
    "ゴミの出し方",
    "駐輪場",
    "ごみの出し方を知りたい",
    "母",
    "母の介護保険の申請をしたい",
    "自転車の駐輪場の場所",
    "明日の天気",
]


def rows(questions: list[str]) -> list[UnmatchedRow]:
    return [UnmatchedRow(i + 1, T0 + timedelta(hours=i), q, "未対応") for i, q in enumerate(questions)]


def test_similar_questions_share_a_group_with_a_count() -> None:
    groups = group_rows(rows(QUESTIONS))
    by_text = {g.text: g for g in groups}
    assert by_text["駐輪場の場所を教えて"].count == 4
    assert by_text["明日の天気は？"].count == 2
    assert by_text["ゴミの出し方"].count == 2  # ゴミ and ごみ read the same
    # a one-word question does not swallow every longer question that mentions the word
    assert by_text["母"].count == 1 and by_text["母の介護保険の申請をしたい"].count == 1
    assert sum(g.count for g in groups) == len(QUESTIONS)


def test_groups_are_newest_first_and_ids_are_stable() -> None:
    groups = group_rows(rows(QUESTIONS))
    assert [g.id for g in groups][:2] == [2, 1]  # 天気 (newest row 10), then 駐輪場 (row 9)
    assert groups[0].newest == T0 + timedelta(hours=9)
    more = rows([*QUESTIONS, "駐輪場の場所が知りたい"])
    again = {g.text: g for g in group_rows(more)}
    assert again["駐輪場の場所を教えて"].id == 1  # a new similar question keeps the id
    assert again["駐輪場の場所を教えて"].count == 5
    assert group_rows(more)[0].id == 1  # and brings the group back to the top


def test_status_is_the_least_advanced_of_the_members() -> None:
    data = rows(["駐輪場の場所", "駐輪場の場所は", "駐輪場の場所を"])
    data[0] = UnmatchedRow(1, data[0].hour, data[0].text, DONE)
    data[1] = UnmatchedRow(2, data[1].hour, data[1].text, IN_PROGRESS)
    (group,) = group_rows(data)
    assert group.status == "未対応"
    (group,) = group_rows(data[:2])
    assert group.status == IN_PROGRESS


def test_find_group_by_group_id_or_member_id() -> None:
    groups = group_rows(rows(QUESTIONS))
    assert find_group(groups, 1) is not None
    member = find_group(groups, 5)
    assert member is not None and member.id == 1
    assert find_group(groups, 999) is None


async def test_groups_over_a_real_store_use_masked_text(tmp_path: Path) -> None:
    store = SqliteLogStore(tmp_path / "log.sqlite3", clock=lambda: T0)
    texts = ["田中さんの電話番号を変えたい", "佐藤さんの電話番号を変えたい", "高橋様の電話番号を変えたい"]
    events = [LogEvent("message", "telegram", status="no_match", unmatched_text=t, at=T0) for t in texts]
    await store.record([to_record(e, T0) for e in events])
    (group,) = await load_groups(store)
    await store.close()
    assert group.count == 3
    assert group.text == "[名前]さんの電話番号を変えたい"
