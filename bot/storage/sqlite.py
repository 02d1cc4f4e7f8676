"""The SQLite log store: one file, WAL mode, schema versioned with PRAGMA user_version.

The connection opens lazily and is dropped after any error, so a missing folder, a locked file or a
full disk turns into a StorageError on that call and a fresh attempt on the next one.

An open connection keeps writing into its file even after someone deleted or replaced it, so every
operation first checks that the path still names the file the connection opened (device and inode);
when it does not, the store warns once, reopens the path (creating a new file if needed) and goes on
there, so no event lands in a file nobody can see.

Question texts older than the retention period are invisible to reads even before a purge removes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.config import DEFAULT_RETENTION_DAYS
from bot.storage.base import (
    CountRow,
    Record,
    ReviewStatus,
    StorageError,
    UnmatchedRow,
    as_review_status,
    hour_key,
    parse_hour,
    to_utc,
)

# Ordered: migration n (1-based) brings a database from user_version n-1 to n. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    # 1: the event log. AUTOINCREMENT keeps ids unique for ever, so an id staff wrote down stays valid.
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        hour TEXT NOT NULL,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT,
        topic TEXT,
        area TEXT,
        score REAL,
        feedback TEXT,
        text TEXT
    );
    """,
    # 2: staff review status, and indexes for the retention sweep and the unmatched list.
    """
    ALTER TABLE events ADD COLUMN review TEXT NOT NULL DEFAULT '未対応';
    CREATE INDEX events_hour ON events (hour);
    CREATE INDEX events_with_text ON events (id) WHERE text IS NOT NULL;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

log = logging.getLogger("bot.storage")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def describe(error: BaseException) -> str:
    """A database error in plain words. sqlite messages carry no row data, but we still only pick
    from fixed phrases so nothing a resident typed can ever reach the log."""
    message = str(error).lower()
    if isinstance(error, sqlite3.OperationalError) and ("locked" in message or "busy" in message):
        return "the log database is locked by another process"
    if "readonly" in message or "read-only" in message:
        return "the log database is read-only"
    if "full" in message or "no space" in message:
        return "the disk holding the log database is full"
    if "unable to open" in message or isinstance(error, (FileNotFoundError, NotADirectoryError,
                                                         FileExistsError)):
        return "the log database file cannot be opened (its folder is missing or not writable)"
    if isinstance(error, PermissionError):
        return "the log database folder is not writable"
    if "disk i/o" in message:
        return "the disk holding the log database reported an input/output error"
    if "newer than this program" in message:
        return "the log database was written by a newer version of this program"
    if "malformed" in message or "not a database" in message:
        return "the log database file is damaged or is not a database"
    return f"the log database reported an error ({type(error).__name__})"


class SqliteLogStore:
    """`LogStore` on a local SQLite file."""

    def __init__(
        self,
        path: Path | str,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        busy_timeout: float = 1.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self.clock = clock  # what "now" is for the retention limit of reads
        self._opened: tuple[int, int] | None = None  # (device, inode) of the file the connection opened
        # Short on purpose: the writer retries later anyway, and a staff command should fail fast.
        self.busy_timeout = busy_timeout
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()  # one operation at a time: each is its own transaction

    async def _connection(self) -> aiosqlite.Connection:
        if self._conn is not None:
            if _identity(self.path) == self._opened:
                return self._conn
            log.warning(
                "The log database file was deleted or replaced while in use; writing goes on in a file "
                "opened anew at its path."
            )
            await self._drop()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                row = await cursor.fetchone()
            if row is None or str(row[0]).lower() != "wal":
                raise sqlite3.OperationalError("cannot switch the log database to WAL mode")
            await conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, and far fewer fsyncs
            await migrate(conn)
        except BaseException:
            await conn.close()
            raise
        self._conn = conn
        self._opened = _identity(self.path)
        return conn

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            # Already broken, probably; a fresh connection comes next time.
            with contextlib.suppress(sqlite3.Error, OSError, ValueError):
                await conn.close()

    async def _run(self, statements: Sequence[tuple[str, Sequence[object]]], many: bool = False) -> int:
        """Run write statements in one transaction; returns the total of changed rows."""
        async with self._lock:
            try:
                conn = await self._connection()
                await conn.execute("BEGIN IMMEDIATE")
                changed = 0
                try:
                    for sql, params in statements:
                        if many:
                            cursor = await conn.executemany(sql, params)
                        else:
                            cursor = await conn.execute(sql, params)
                        changed += max(cursor.rowcount, 0)
                    await conn.execute("COMMIT")
                except BaseException:
                    # SQLite may have rolled back already (disk full): keep the first error, not this one.
                    if conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            await conn.execute("ROLLBACK")
                    raise
                return changed
            except (sqlite3.Error, OSError) as exc:
                await self._drop()
                raise StorageError(describe(exc)) from exc

    async def _select(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            try:
                conn = await self._connection()
                conn.row_factory = sqlite3.Row
                async with conn.execute(sql, params) as cursor:
                    return list(await cursor.fetchall())
            except (sqlite3.Error, OSError) as exc:
                await self._drop()
                raise StorageError(describe(exc)) from exc

    async def record(self, records: Sequence[Record]) -> None:
        if not records:
            return
        rows = [
            (hour_key(r.hour), r.channel, r.kind, r.status, r.topic, r.area, r.score, r.feedback, r.text)
            for r in records
        ]
        sql = (
            "INSERT INTO events (hour, channel, kind, status, topic, area, score, feedback, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        await self._run([(sql, rows)], many=True)

    def _limit(self, now: datetime) -> str:
        """The oldest hour whose text is still kept: an hour bucket goes as soon as its start is past
        the retention limit (up to an hour early, never late)."""
        return to_utc(now - timedelta(days=self.retention_days)).strftime("%Y-%m-%d %H:%M")

    async def unmatched(self) -> list[UnmatchedRow]:
        rows = await self._select(
            "SELECT id, hour, text, review, area FROM events WHERE text IS NOT NULL AND hour >= ? ORDER BY id",
            (self._limit(self.clock()),),
        )
        return [
            UnmatchedRow(r["id"], parse_hour(r["hour"]), r["text"], as_review_status(r["review"]), r["area"])
            for r in rows
        ]

    async def set_status(self, row_ids: Sequence[int], status: ReviewStatus) -> int:
        if not row_ids:
            return 0
        params = [(status, row_id) for row_id in row_ids]
        return await self._run([("UPDATE events SET review = ? WHERE id = ?", params)], many=True)

    async def stats_rows(self, since: datetime | None = None) -> list[CountRow]:
        rows = await self._select(
            "SELECT hour, kind, status, topic, area, feedback, review, COUNT(*) AS n FROM events"
            " WHERE hour >= ? GROUP BY hour, kind, status, topic, area, feedback, review ORDER BY hour",
            (hour_key(since) if since is not None else "",),
        )
        return [
            CountRow(
                parse_hour(r["hour"]), r["kind"], r["status"], r["topic"], r["area"], r["feedback"],
                as_review_status(r["review"]), int(r["n"]),
            )
            for r in rows
        ]

    async def purge(self, now: datetime) -> int:
        sql = "UPDATE events SET text = NULL WHERE text IS NOT NULL AND hour < ?"
        return await self._run([(sql, (self._limit(now),))])

    async def close(self) -> None:
        async with self._lock:
            await self._drop()


async def migrate(conn: aiosqlite.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION, one committed step per migration."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row is not None else 0
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"the log database has schema version {version}, newer than this program ({SCHEMA_VERSION})"
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        # executescript commits what is pending first; BEGIN…COMMIT makes each step all-or-nothing.
        try:
            script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[number - 1]}\nPRAGMA user_version = {number};\nCOMMIT;"
            await conn.executescript(script)
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")
            raise
