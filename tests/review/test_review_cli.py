"""`kodaira-bot review …` through the real parser, a real SQLite file and a copy of the real data."""

from __future__ import annotations

import argparse
import asyncio
import csv
import functools
import io
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.core.events import LogEvent
from bot.data.intents import load_intents
from bot.data.problems import ProblemLog
from bot.review.cli import Promoter, add_review_parser, run_review
from bot.review.promote import HOW_TO_APPLY, promote_example
from bot.storage.records import to_record
from bot.storage.sqlite import SqliteLogStore

NOW = datetime(2025, 2, 5, 3, 0, tzinfo=UTC)
QUESTIONS = ["駐輪場の場所を教えて", "駐輪場はどこですか", "明日の天気", "田中さんに電話したい 090-1234-5678"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    for part in ("knowledge", "intents"):
        shutil.copytree(PROJECT_ROOT / part, data / part)
    return Settings(db_path=tmp_path / "db" / "log.sqlite3", data_dir=data, retention_days=90)


def seed(settings: Settings, at: datetime = NOW - timedelta(days=1)) -> None:
    async def write() -> None:
        store = SqliteLogStore(settings.db_path, clock=lambda: NOW)
        events = [LogEvent("message", "telegram", status="no_match", unmatched_text=q, at=at,
                           area="ogawa_nishimachi" if "駐輪場" in q else None)
                  for q in QUESTIONS]
        events += [LogEvent("message", "telegram", status="answer", topic="dementia_consult", at=at)] * 4
        await store.record([to_record(e, at) for e in events])
        await store.close()

    asyncio.run(write())


def review(settings: Settings, *argv: str, promoter: Promoter = promote_example) -> int:
    parser = argparse.ArgumentParser(prog="kodaira-bot")
    add_review_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["review", *argv])
    assert args.func == run_review  # how bot/cli.py dispatches
    return run_review(args, settings, clock=lambda: NOW, promoter=promoter)


def texts(settings: Settings) -> list[tuple[str | None, str]]:
    conn = sqlite3.connect(settings.db_path)
    try:
        return list(conn.execute("SELECT text, review FROM events WHERE status = 'no_match' ORDER BY id"))
    finally:
        conn.close()


def test_wired_into_the_main_parser() -> None:
    from bot.cli import build_parser

    args = build_parser().parse_args(["review", "stats", "--plot", "out.png"])
    assert args.review_command == "stats" and args.plot == "out.png"


def test_list_shows_masked_groups(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert review(settings, "list") == 0
    assert "まだありません" in capsys.readouterr().out
    seed(settings)
    assert review(settings, "list") == 0
    out = capsys.readouterr().out
    assert "3 グループ / 4 件" in out
    assert "駐輪場の場所を教えて" in out and "2件" in out and "未対応" in out
    assert "[名前]さんに電話したい [電話番号]" in out and "090" not in out


def test_export_writes_excel_csv(settings: Settings, tmp_path: Path) -> None:
    seed(settings)
    target = tmp_path / "unmatched.csv"
    assert review(settings, "export", str(target)) == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["id", "日付", "質問（マスク済み）", "件数", "状態", "地域"]
    assert rows[1] == ["1", "2025-02-04", "駐輪場の場所を教えて", "2", "未対応", "小川西町"]  # most frequent first


def test_list_sorts_by_count_or_date(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    seed(settings)
    seed(settings, NOW - timedelta(hours=2))  # a later day: every group grows, 駐輪場 stays the biggest
    later = NOW - timedelta(minutes=30)

    async def one_more() -> None:
        store = SqliteLogStore(settings.db_path, clock=lambda: NOW)
        await store.record([to_record(LogEvent("message", "telegram", status="no_match",
                                               unmatched_text="粗大ごみの出し方", at=later), later)])
        await store.close()

    asyncio.run(one_more())
    assert review(settings, "list") == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "件  " in line]
    assert "駐輪場の場所を教えて" in rows[0] and "4件" in rows[0] and "小川西町" in rows[0]
    assert "粗大ごみの出し方" in rows[-1]
    assert review(settings, "list", "--sort", "date") == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "件  " in line]
    assert "粗大ごみの出し方" in rows[0]


def test_an_empty_filter_says_so(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    seed(settings)
    assert review(settings, "list", "--status", "対応中") == 0
    out = capsys.readouterr().out
    assert "「対応中」の質問はありません。" in out and "まだありません" not in out


def test_stats_prints_and_draws(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(settings)
    plot, table = tmp_path / "stats.png", tmp_path / "stats.csv"
    assert review(settings, "stats", "--weeks", "2", "--plot", str(plot), "--csv", str(table)) == 0
    out = capsys.readouterr().out
    assert "2025-W06" in out and "該当なし率 50.0%" in out
    assert "認知症" in out  # card titles are read from the data folder
    assert plot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")


def test_status_and_purge(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    seed(settings)
    assert review(settings, "status", "1", "対応中") == 0
    assert [r[1] for r in texts(settings)][:2] == ["対応中", "対応中"]
    assert review(settings, "status", "2", "done") == 0  # a member id finds its group too
    assert review(settings, "status", "99", "done") == 1
    assert review(settings, "purge") == 0
    assert "0 件削除" in capsys.readouterr().out  # nothing is old yet
    seed(settings, at=NOW - timedelta(days=100))
    assert review(settings, "purge") == 0
    assert "4 件削除" in capsys.readouterr().out
    assert [r[0] for r in texts(settings)][-4:] == [None] * 4


@pytest.mark.parametrize("command", [["list"], ["export", "out.csv"], ["status", "1", "done"]])
def test_expired_texts_are_never_shown_and_review_commands_purge_them(
    settings: Settings, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 9: texts past KODAIRA_LOG_RETENTION_DAYS stayed visible until a purge happened to run."""
    seed(settings, at=NOW - timedelta(days=91))
    if command[0] == "export":
        command = ["export", str(tmp_path / "out.csv")]
    review(settings, *command)
    shown = capsys.readouterr().out + (Path(command[1]).read_text("utf-8-sig") if command[0] == "export" else "")
    assert "駐輪場" not in shown and "天気" not in shown
    assert all(text is None for text, _ in texts(settings))  # and they are gone from the file


async def test_reads_skip_expired_texts_even_before_any_purge(tmp_path: Path) -> None:
    now = [NOW]
    store = SqliteLogStore(tmp_path / "log.sqlite3", retention_days=90, clock=lambda: now[0])
    old = LogEvent("message", "telegram", status="no_match", unmatched_text="駐輪場はどこ", at=NOW)
    await store.record([to_record(old, NOW)])
    assert [r.text for r in await store.unmatched()] == ["駐輪場はどこ"]
    now[0] = NOW + timedelta(days=90, hours=1)
    assert await store.unmatched() == []  # the text is still in the file, but no read returns it
    await store.close()


def test_promote_success_marks_the_group_done(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    seed(settings)
    files = load_intents(settings.intents_dir, ProblemLog(settings.data_dir)).example_files
    topic = sorted(files)[0]
    promoter = functools.partial(
        promote_example, check=lambda _: [], outcomes=lambda _s, _d: {}, out_of_scope=lambda _d, _e: False
    )
    assert review(settings, "promote", "1", "--topic", topic, promoter=promoter) == 0
    out = capsys.readouterr().out
    assert "例文を追加しました" in out
    # It ends by saying how a running bot takes the change: /reload, SIGHUP or a restart.
    assert out.rstrip().endswith(HOW_TO_APPLY)
    assert "/reload" in HOW_TO_APPLY and "kill -HUP" in HOW_TO_APPLY and "再起動" in HOW_TO_APPLY
    assert "駐輪場の場所を教えて" in files[topic].read_text(encoding="utf-8")
    assert [r[1] for r in texts(settings)][:2] == ["対応済み", "対応済み"]


def test_promote_refusal_leaves_data_and_status(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(settings)
    before = {p: p.read_bytes() for p in settings.intents_dir.rglob("*.yaml")}
    assert review(settings, "promote", "1", "--topic", "no_such_topic") == 1
    assert "no_such_topic" in capsys.readouterr().err
    assert review(settings, "promote", "42", "--topic", "dementia_consult") == 1
    assert {p: p.read_bytes() for p in settings.intents_dir.rglob("*.yaml")} == before
    assert all(r[1] == "未対応" for r in texts(settings))


def test_unusable_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings = Settings(db_path=blocker / "log.sqlite3", data_dir=PROJECT_ROOT)
    assert review(settings, "list") == 1
    assert "データベースを使えません" in capsys.readouterr().err
