"""A real SQLite log store on a disk that can fill up, for fault tests (no mock of sqlite anywhere).

While `full` is set, `PRAGMA max_page_count` pins the database at its current size: any write that
needs one more page fails inside SQLite with SQLITE_FULL ("database or disk is full"), the same error
and the same code path as a disk with no space left. The pragma holds per connection and the store
reconnects after every error, so it is applied each time the store takes its connection.
"""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from bot.storage import Record, SqliteLogStore, StorageError

UNCAPPED = 1_073_741_823  # SQLite's default max_page_count
FILLER = Record(datetime(2000, 1, 1, tzinfo=UTC), "-", "-")  # the smallest row the events table holds


class CappedStore(SqliteLogStore):
    full = False

    async def _connection(self) -> aiosqlite.Connection:
        conn = await super()._connection()
        # max_page_count never goes below the current size: 1 means "not one page more".
        await conn.execute(f"PRAGMA max_page_count = {1 if self.full else UNCAPPED}")
        return conn


async def fill_up(store: CappedStore, limit: int = 10_000) -> int:
    """Fill the store's last pages with the smallest possible rows until SQLite reports the disk full,
    so no real event (always larger) fits any more; returns how many filler rows went in."""
    store.full = True
    for count in range(limit):
        try:
            await store.record([FILLER])
        except StorageError as exc:
            assert "full" in exc.reason, exc.reason
            return count
    raise AssertionError(f"the database was not full after {limit} rows")
