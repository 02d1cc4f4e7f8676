"""Staff commands /unmatched, /stats (text + chart), /export (CSV), /report (last month's PDF), /reload
(knowledge/ and intents/ read again, bot.core.reload): staff_ids only, in a private chat.

Anyone else (or staff in a group, where others would see the report) gets exactly what an unknown
command gets, with no hint that the command exists. Staff see the commands in their own command menu
(a BotCommandScopeChat per staff id); residents never do.

A new staff command is one `StaffCommand` in STAFF_COMMANDS: its name, its menu line, and what it does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Chat, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.core.reload import STARTED
from bot.handlers.telegram.messages import on_text
from bot.handlers.telegram.session import Context, StaffReports, deps_of, say
from bot.storage.base import LogStore, StorageError

NO_STORE = "記録のデータベースが設定されていないため、この機能は使えません。"
NO_RELOAD = "このボットはデータを読み込み直せない設定で動いています。再起動してください。"
UNMATCHED_LIMIT = 20

_LOGGER = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class StaffCall:
    """One staff command being run: where to answer, and the reports (None without a log store)."""

    update: Update
    context: Context
    chat_id: int
    reports: StaffReports | None

    async def say(self, text: str) -> None:
        await say(self.update, self.context, text)


@dataclass(frozen=True)
class StaffCommand:
    name: str
    description: str  # its line in the staff's command menu
    run: Callable[[StaffCall], Awaitable[None]]
    needs_store: bool = True  # answered with NO_STORE when the bot runs without a log store


async def _unmatched(call: StaffCall) -> None:
    assert call.reports is not None
    await call.say(await call.reports.unmatched())


async def _stats(call: StaffCall) -> None:
    assert call.reports is not None
    text, png = await call.reports.stats()
    await call.say(text)
    if png:
        await call.context.bot.send_photo(call.chat_id, png, filename="kodaira-stats.png", caption="週ごとの集計")


async def _export(call: StaffCall) -> None:
    assert call.reports is not None
    data = await call.reports.export()
    name = f"kodaira-unmatched-{_now():%Y%m%d}.csv"
    await call.context.bot.send_document(call.chat_id, data, filename=name, caption="該当なしの質問（マスク済み）")


async def _report(call: StaffCall) -> None:
    if not isinstance(call.reports, StoreReports):  # the report reads the log store itself
        await call.say(NO_STORE)
        return
    pdf = await call.reports.report()
    name = "kodaira-monthly-report.pdf"
    await call.context.bot.send_document(call.chat_id, pdf, filename=name, caption="先月の月次報告")


async def _reload(call: StaffCall) -> None:
    reloader = deps_of(call.context).reloader
    if reloader is None:
        await call.say(NO_RELOAD)
        return
    if not reloader.busy:
        await call.say(STARTED)
    await call.say((await reloader.reload()).staff_text())


STAFF_COMMANDS: tuple[StaffCommand, ...] = (
    StaffCommand("unmatched", "職員用：答えられなかった質問", _unmatched),
    StaffCommand("stats", "職員用：週ごとの集計とグラフ", _stats),
    StaffCommand("export", "職員用：該当なしの質問をCSVで", _export),
    StaffCommand("report", "職員用：先月の月次報告（PDF）", _report),
    StaffCommand("reload", "職員用：データ（knowledge・intents）を読み込み直す", _reload, needs_store=False),
)


def is_staff(update: Update, staff_ids: frozenset[int]) -> bool:
    user, chat = update.effective_user, update.effective_chat
    return user is not None and chat is not None and chat.type == Chat.PRIVATE and user.id in staff_ids


def _command(update: Update) -> str:
    text = update.message.text if update.message and update.message.text else ""
    return text.split(maxsplit=1)[0].lstrip("/").partition("@")[0].lower() if text.strip() else ""


async def on_staff_command(update: Update, context: Context) -> None:
    deps = deps_of(context)
    chat = update.effective_chat
    command = next((c for c in STAFF_COMMANDS if c.name == _command(update)), None)
    if chat is None or command is None or not is_staff(update, deps.staff_ids):
        await on_text(update, context)  # as if the command did not exist: an unknown command
        return
    if command.needs_store and deps.reports is None:
        await say(update, context, NO_STORE)
        return
    try:
        await command.run(StaffCall(update, context, chat.id, deps.reports))
    except StorageError as exc:  # the reason is plain words with no personal data
        await say(update, context, f"記録を読めませんでした（{exc.reason}）。少し待ってから、もう一度お試しください。")


async def publish_staff_menus(bot: Bot, staff_ids: Iterable[int], everyone: Sequence[BotCommand]) -> None:
    """Each staff member's own command menu: everyone's commands and the staff commands. A staff id the
    bot cannot reach yet (they never opened the chat) is skipped with a warning that names no id."""
    menu = [*everyone, *(BotCommand(c.name, c.description) for c in STAFF_COMMANDS)]
    for staff_id in sorted(staff_ids):
        try:
            await bot.set_my_commands(menu, scope=BotCommandScopeChat(staff_id))
        except TelegramError as exc:
            _LOGGER.warning("a staff command menu was not set: %s", type(exc).__name__)


def handlers() -> list[BaseHandler[Update, Context, Any]]:
    return [CommandHandler([c.name for c in STAFF_COMMANDS], on_staff_command, filters=filters.UpdateType.MESSAGE)]
