"""A month of generated traffic in a log database, for trying the monthly report.

Usage: python scripts/month_traffic.py DB.sqlite3 [YYYY-MM]

The questions are the labelled dev set's (eval/dev.yaml), answered by the real assistant; each becomes
the log event a conversation would write (masked by storage), spread over the month's days and hours,
with some 👍/👎 feedback and staff review statuses. Deterministic: the same file for the same month.
"""

from __future__ import annotations

import asyncio
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

import yaml

from bot.config import PROJECT_ROOT
from bot.core.assistant import build_assistant
from bot.core.events import LogEvent
from bot.review.monthly import month_bounds
from bot.storage.base import DONE, IN_PROGRESS, Record
from bot.storage.masking import Places
from bot.storage.records import to_record
from bot.storage.sqlite import SqliteLogStore

TOWNS = ("ogawa_nishimachi", "gakuen_nishimachi", "hanakoganei", None, None, None)


async def generate(db: Path, year: int, month: int, seed: int = 7) -> int:
    """Write the month's events into `db`; returns how many."""
    rng = random.Random(seed)
    cases = yaml.safe_load((PROJECT_ROOT / "eval" / "dev.yaml").read_text(encoding="utf-8"))["cases"]
    assistant = build_assistant(PROJECT_ROOT)
    places = Places.of(assistant.data.knowledge.municipality)  # the log keeps town names, as the bot's does
    start, end = month_bounds(year, month)
    days = (end - start).days
    records: list[Record] = []
    for index, case in enumerate(cases):
        at = start + timedelta(days=rng.randrange(days), hours=rng.randrange(8, 23))
        reply = assistant.reply(str(case["q"]))
        area = rng.choice(TOWNS)
        event = LogEvent(
            kind="message", channel="telegram", status=reply.status, topic=reply.topic, area=area,
            score=reply.score, unmatched_text=str(case["q"]) if reply.status == "no_match" else None, at=at,
        )
        records.append(to_record(event, at, places))
        if reply.status == "answer" and index % 3 == 0:
            vote: Literal["up", "down"] = "up" if rng.random() < 0.75 else "down"
            feedback = LogEvent(kind="feedback", channel="telegram", topic=reply.topic, feedback=vote, at=at)
            records.append(to_record(feedback, at))
    store = SqliteLogStore(db, clock=lambda: end - timedelta(hours=1))
    try:
        await store.record(records)
        unmatched = await store.unmatched()
        for row in unmatched[: len(unmatched) // 3]:
            await store.set_status([row.id], rng.choice((IN_PROGRESS, DONE)))
    finally:
        await store.close()
    return len(records)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    today = date.today()
    year, month = (int(p) for p in sys.argv[2].split("-")) if len(sys.argv) > 2 else (today.year, today.month)
    count = asyncio.run(generate(Path(sys.argv[1]), year, month))
    print(f"{count} events for {year}-{month:02d} written to {sys.argv[1]} ({datetime.now():%H:%M})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
