"""The SQLite store on a real file: WAL, migrations, hour rounding, retention, review status."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.events import LogEvent
from bot.storage.base import DONE, Record, StorageError
from bot.storage.records import to_record
from bot.storage.sqlite import SCHEMA_VERSION, SqliteLogStore

T0 = datetime(2025, 1, 6, 9, 41, 27, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteLogStore]:
    s = SqliteLogStore(tmp_path / "nested" / "log.sqlite3", retention_days=90, clock=lambda: T0)
    yield s
    await s.close()


def raw_rows(path: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute("SELECT * FROM events ORDER BY id"))
    finally:
        conn.close()


def unmatched(text: str, at: datetime = T0) -> Record:
    return to_record(LogEvent("message", "telegram", status="no_match", unmatched_text=text, at=at), at)


async def test_creates_folder_and_uses_wal_and_latest_schema(store: SqliteLogStore) -> None:
    await store.record([unmatched("駐輪場の場所")])
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


async def test_time_is_rounded_down_to_the_hour_in_utc(store: SqliteLogStore) -> None:
    jst = timezone(timedelta(hours=9))
    at = datetime(2025, 1, 6, 18, 59, 59, 999999, tzinfo=jst)  # 09:59:59.999 UTC
    await store.record([to_record(LogEvent("message", "console", status="answer", topic="dementia_consult",
                                           score=0.876543, at=at), T0)])
    (row,) = raw_rows(store.path)
    assert row["hour"] == "2025-01-06 09:00"
    assert row["score"] == 0.88
    assert row["text"] is None
    (count,) = await store.stats_rows()
    assert count.hour == datetime(2025, 1, 6, 9, tzinfo=UTC)


async def test_only_allowed_fields_are_stored(store: SqliteLogStore) -> None:
    await store.record([unmatched("田中さんの電話は090-1234-5678")])
    (row,) = raw_rows(store.path)
    assert set(row.keys()) == {
        "id", "hour", "channel", "kind", "status", "topic", "area", "score", "feedback", "text", "review"
    }
    assert row["text"] == "[名前]さんの電話は[電話番号]"
    assert row["review"] == "未対応"


async def test_retention_deletes_old_texts_but_keeps_counts(store: SqliteLogStore) -> None:
    await store.record([unmatched("古い質問", T0), unmatched("新しい質問", T0 + timedelta(days=30))])
    assert await store.purge(T0 + timedelta(days=89)) == 0
    assert await store.purge(T0 + timedelta(days=90, hours=1)) == 1
    texts = [r.text for r in await store.unmatched()]
    assert texts == ["新しい質問"]
    assert sum(r.count for r in await store.stats_rows()) == 2  # the old event still counts
    assert await store.purge(T0 + timedelta(days=200)) == 1
    assert await store.unmatched() == []


async def test_set_status_and_read_back(store: SqliteLogStore) -> None:
    await store.record([unmatched("a"), unmatched("b")])
    ids = [r.id for r in await store.unmatched()]
    assert await store.set_status(ids[:1], DONE) == 1
    assert [r.review for r in await store.unmatched()] == ["対応済み", "未対応"]
    assert await store.set_status([999], DONE) == 0


async def test_stats_rows_aggregate_and_filter_by_time(store: SqliteLogStore) -> None:
    events = [LogEvent("message", "telegram", status="answer", topic="elder_care", at=T0)] * 4
    next_week = T0 + timedelta(days=8)
    events.append(LogEvent("feedback", "telegram", topic="elder_care", feedback="up", at=next_week))
    await store.record([to_record(e, T0) for e in events])
    rows = await store.stats_rows()
    assert [(r.kind, r.count) for r in rows] == [("message", 4), ("feedback", 1)]
    recent = await store.stats_rows(since=T0 + timedelta(days=7))
    assert [(r.kind, r.feedback) for r in recent] == [("feedback", "up")]


V1_SCHEMA = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hour TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL,
    status TEXT, topic TEXT, area TEXT, score REAL, feedback TEXT, text TEXT
);
INSERT INTO events (hour, channel, kind, status, text) VALUES ('2025-01-06 09:00', 'console', 'message',
    'no_match', '駐輪場はどこ');
PRAGMA user_version = 1;
"""


async def test_migrates_a_version_1_database_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.close()
    store = SqliteLogStore(path, clock=lambda: T0)  # V1_SCHEMA's row is from early 2025
    try:
        (row,) = await store.unmatched()
        assert (row.text, row.review) == ("駐輪場はどこ", "未対応")
        await store.set_status([row.id], DONE)
        await store.record([unmatched("新しい質問")])
    finally:
        await store.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "events_hour" in indexes
    finally:
        conn.close()


async def test_refuses_a_database_from_a_newer_program(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    store = SqliteLogStore(path)
    with pytest.raises(StorageError, match="newer version"):
        await store.unmatched()
    await store.close()


async def test_unusable_path_raises_storage_error_in_plain_words(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    store = SqliteLogStore(blocker / "log.sqlite3")
    with pytest.raises(StorageError) as info:
        await store.record([unmatched("質問")])
    assert "cannot be opened" in info.value.reason
    await store.close()


async def test_locked_database_raises_and_recovers(tmp_path: Path) -> None:
    store = SqliteLogStore(tmp_path / "log.sqlite3", busy_timeout=0.05, clock=lambda: T0)
    await store.record([unmatched("最初")])
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked"):
            await store.record([unmatched("ロック中")])
    finally:
        other.execute("ROLLBACK")
        other.close()
    await store.record([unmatched("ロック後")])
    assert [r.text for r in await store.unmatched()] == ["最初", "ロック後"]
    await store.close()
