"""Staff commands /unmatched, /stats (text + chart), /export (CSV), /report (last month's PDF): staff_ids
only, in a private chat.

Anyone else (or staff in a group, where others would see the report) gets exactly what an unknown
command gets: the ordinary dialogue reply, with no hint that the command exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import Chat, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.handlers.telegram.messages import on_text
from bot.handlers.telegram.session import Context, StaffReports, deps_of, say
from bot.storage.base import LogStore, StorageError

COMMANDS = ("unmatched", "stats", "export", "report")
NO_STORE = "記録のデータベースが設定されていないため、この機能は使えません。"
UNMATCHED_LIMIT = 20


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StoreReports:
    """The review reports (bot.review.reports) over the resident log store."""

    store: LogStore
    titles: Mapping[str, str] = field(default_factory=dict)
    clock: Callable[[], datetime] = _now

    async def unmatched(self) -> str:
        from bot.review.reports import unmatched_text

        return await unmatched_text(self.store, limit=UNMATCHED_LIMIT, titles=self.titles)

    async def stats(self) -> tuple[str, bytes | None]:
        from bot.review.reports import stats_png, stats_text

        now = self.clock()
        return (
            await stats_text(self.store, now, titles=self.titles),
            await stats_png(self.store, now, titles=self.titles),
        )

    async def export(self) -> bytes:
        from bot.review.reports import export_csv

        return await export_csv(self.store)

    async def report(self) -> bytes:
        from bot.review.reports import monthly_pdf

        return await monthly_pdf(self.store, self.clock(), titles=self.titles)


def is_staff(update: Update, staff_ids: frozenset[int]) -> bool:
    user, chat = update.effective_user, update.effective_chat
    return user is not None and chat is not None and chat.type == Chat.PRIVATE and user.id in staff_ids


def _command(update: Update) -> str:
    text = update.message.text if update.message and update.message.text else ""
    return text.split(maxsplit=1)[0].lstrip("/").partition("@")[0].lower() if text.strip() else ""


async def on_staff_command(update: Update, context: Context) -> None:
    deps = deps_of(context)
    chat = update.effective_chat
    if chat is None or not is_staff(update, deps.staff_ids):
        await on_text(update, context)  # as if the command did not exist
        return
    reports = deps.reports
    if reports is None:
        await say(update, context, NO_STORE)
        return
    try:
        await _report(update, context, reports, chat.id)
    except StorageError as exc:  # the reason is plain words with no personal data
        await say(update, context, f"記録を読めませんでした（{exc.reason}）。少し待ってから、もう一度お試しください。")


async def _report(update: Update, context: Context, reports: StaffReports, chat_id: int) -> None:
    command = _command(update)
    if command == "unmatched":
        await say(update, context, await reports.unmatched())
    elif command == "stats":
        text, png = await reports.stats()
        await say(update, context, text)
        if png:
            await context.bot.send_photo(chat_id, png, filename="kodaira-stats.png", caption="週ごとの集計")
    elif command == "export":
        data = await reports.export()
        name = f"kodaira-unmatched-{_now():%Y%m%d}.csv"
        await context.bot.send_document(chat_id, data, filename=name, caption="該当なしの質問（マスク済み）")
    elif command == "report" and isinstance(reports, StoreReports):
        pdf = await reports.report()
        await context.bot.send_document(chat_id, pdf, filename="kodaira-monthly-report.pdf", caption="先月の月次報告")


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    return [CommandHandler(list(COMMANDS), on_staff_command, filters=filters.UpdateType.MESSAGE)]
