"""`kodaira-bot review …`: the staff commands over the anonymized log. Output is Japanese for staff."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.review.grouping import find_group, load_groups
from bot.review.promote import HOW_TO_APPLY, PromoteResult, promote_example
from bot.review.reports import (
    SORTS,
    STATS_HEADER,
    format_groups,
    format_stats,
    groups_csv,
    load_titles,
    load_weeks,
    to_csv,
)
from bot.review.stats import table_rows
from bot.storage.base import DONE, IN_PROGRESS, OPEN, REVIEW_STATUSES, ReviewStatus, StorageError
from bot.storage.sqlite import SqliteLogStore

Clock = Callable[[], datetime]
Promoter = Callable[[Path, str, str], PromoteResult]  # (data dir, topic, example) → result

STATUS_ALIASES: dict[str, ReviewStatus] = {
    **{s: s for s in REVIEW_STATUSES},
    "open": OPEN, "todo": OPEN, "doing": IN_PROGRESS, "in_progress": IN_PROGRESS, "done": DONE,
}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def add_review_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = subparsers.add_parser("review", help="職員向け: 該当なしの質問・集計・例文の追加")
    sub = review.add_subparsers(dest="review_command", required=True)

    show = sub.add_parser("list", help="該当なしの質問（マスク済み）を似たものでまとめて件数の多い順に表示")
    show.add_argument("--status", choices=REVIEW_STATUSES, help="この状態のグループだけ表示")
    show.add_argument("--limit", type=int, default=None, help="表示するグループ数の上限")
    show.add_argument("--sort", choices=SORTS, default="count", help="count: 件数の多い順（既定） / date: 新しい順")

    export = sub.add_parser("export", help="一覧を CSV（Excel で開ける UTF-8 BOM 付き）に書き出す")
    export.add_argument("file", metavar="FILE.csv")
    export.add_argument("--sort", choices=SORTS, default="count", help="count（既定）または date")

    report = sub.add_parser("report", help="月ごとの報告書（印刷用 PDF、2ページ以上）")
    report.add_argument("--month", type=_month, metavar="YYYY-MM", help="対象の月（既定: 先月）")
    report.add_argument("--out", required=True, metavar="FILE.pdf")

    stats = sub.add_parser("stats", help="週ごとの件数・トピック・対応状況・該当なし率")
    stats.add_argument("--plot", metavar="FILE.png", help="グラフを PNG で保存")
    stats.add_argument("--csv", metavar="FILE.csv", help="集計表を CSV で保存")
    stats.add_argument("--weeks", type=int, default=12, help="何週間分か（既定 12）")

    promote = sub.add_parser("promote", help="質問をトピックの例文として intents/ に追加（確認つき）")
    promote.add_argument("id", type=int, metavar="ID")
    promote.add_argument("--topic", required=True, metavar="TOPIC", help="knowledge/ のカード id")

    sub.add_parser("purge", help="保存期間を過ぎた質問文を今すぐ削除")

    status = sub.add_parser("status", help="グループの対応状況を変える（未対応 / 対応中 / 対応済み）")
    status.add_argument("id", type=int, metavar="ID")
    status.add_argument("status", choices=sorted(STATUS_ALIASES), metavar="STATUS")

    review.set_defaults(func=run_review)


def run_review(
    args: argparse.Namespace,
    settings: Settings,
    *,
    clock: Clock = _utc_now,
    promoter: Promoter = promote_example,
) -> int:
    """Run one `review` subcommand; returns the exit code (0 done, 1 refused or failed)."""
    try:
        return asyncio.run(_run(args, settings, clock, promoter))
    except StorageError as exc:
        print(f"記録のデータベースを使えません: {exc.reason}（{settings.db_path}）", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"ファイルを書き込めません: {exc.filename or ''} {exc.strerror or exc}", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace, settings: Settings, clock: Clock, promoter: Promoter) -> int:
    store = SqliteLogStore(settings.db_path, retention_days=settings.retention_days, clock=clock)
    try:
        command: str = args.review_command
        if command != "purge":
            # The retention rule is applied at every staff command, not only while the bot runs. A
            # read-only copy cannot be purged, and needs no purge to be safe: reads skip expired texts.
            with contextlib.suppress(StorageError):
                await store.purge(clock())
        if command == "list":
            groups = await load_groups(store)
            if args.status:
                groups = [g for g in groups if g.status == args.status]
            titles = load_titles(settings.data_dir)
            print(format_groups(groups, args.limit, sort=args.sort, status=args.status, titles=titles))
            return 0
        if command == "export":
            groups = await load_groups(store)
            Path(args.file).write_bytes(groups_csv(groups, load_titles(settings.data_dir), args.sort))
            print(f"{len(groups)} グループを {args.file} に書き出しました（UTF-8 BOM 付き CSV）。")
            return 0
        if command == "stats":
            return await _stats(args, settings, store, clock())
        if command == "promote":
            return await _promote(args, settings, store, promoter)
        if command == "purge":
            count = await store.purge(clock())
            print(f"保存期間（{settings.retention_days} 日）を過ぎた質問文を {count} 件削除しました。"
                  "件数の集計は残ります。")
            return 0
        if command == "status":
            return await _status(args, store)
        if command == "report":
            return await _report(args, settings, store, clock())
        print(f"不明なコマンドです: review {command}", file=sys.stderr)
        return 2
    finally:
        await store.close()


async def _stats(args: argparse.Namespace, settings: Settings, store: SqliteLogStore, now: datetime) -> int:
    if args.weeks < 1:
        print("--weeks は 1 以上にしてください。", file=sys.stderr)
        return 2
    titles = load_titles(settings.data_dir)
    weeks = await load_weeks(store, now, args.weeks)
    print(format_stats(weeks, titles))
    if args.csv:
        Path(args.csv).write_bytes(to_csv(STATS_HEADER, table_rows(weeks, titles)))
        print(f"\n集計表を {args.csv} に保存しました。")
    if args.plot:
        from bot.review.plot import render_png

        Path(args.plot).write_bytes(render_png(weeks, titles))
        print(f"\nグラフを {args.plot} に保存しました。")
    return 0


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.strip().split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError("YYYY-MM の形で指定してください（例: 2026-11）") from None
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise argparse.ArgumentTypeError("YYYY-MM の形で指定してください（例: 2026-11）")
    return year, month


async def _report(args: argparse.Namespace, settings: Settings, store: SqliteLogStore, now: datetime) -> int:
    from bot.review.monthly import last_month, load_month
    from bot.review.pdf import render_pdf

    year, month = args.month or last_month(now)
    data = await load_month(store, year, month, load_titles(settings.data_dir))
    pdf, pages = await asyncio.to_thread(render_pdf, data)
    Path(args.out).write_bytes(pdf)
    print(f"{year}年{month}月の報告書（{pages} ページ）を {args.out} に保存しました。")
    return 0


async def _promote(
    args: argparse.Namespace, settings: Settings, store: SqliteLogStore, promoter: Promoter
) -> int:
    group = find_group(await load_groups(store), args.id)
    if group is None:
        print(f"ID {args.id} の質問は見つかりません（review list で確認できます）。", file=sys.stderr)
        return 1
    print(f"グループ {group.id}（{group.count} 件）「{group.text}」を"
          f" トピック {args.topic} の例文として確認します…")
    # kb check and the dev-set evaluation are blocking work of their own (and may run an event
    # loop inside): a worker thread keeps them apart from this one.
    result = await asyncio.to_thread(promoter, settings.data_dir, args.topic, group.text)
    if not result.ok:
        print(result.message, file=sys.stderr)
        return 1
    await store.set_status(group.member_ids, DONE)
    print(result.message)
    print(f"グループ {group.id} を「{DONE}」にしました。")
    if result.changed:
        print(HOW_TO_APPLY)
    return 0


async def _status(args: argparse.Namespace, store: SqliteLogStore) -> int:
    group = find_group(await load_groups(store), args.id)
    if group is None:
        print(f"ID {args.id} の質問は見つかりません。", file=sys.stderr)
        return 1
    status = STATUS_ALIASES[args.status]
    await store.set_status(group.member_ids, status)
    print(f"グループ {group.id}（{group.count} 件）を「{status}」にしました。")
    return 0
