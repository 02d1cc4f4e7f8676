"""Staff commands answer staff in a private chat only; anyone else gets the ordinary reply, no hint."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State
from tests.e2e.botapi_double import BotApiDouble
from tests.e2e.harness import STAFF_ID, Harness, serving, settings_for

RESIDENT = 6006
GROUP = -1005550001


async def _log_unmatched(bot: Harness) -> None:
    await bot.say(RESIDENT, "明日の天気はどうですか")
    await bot.say(RESIDENT + 1, "明日の天気はどうですか")
    await bot.logger.wait_for(lambda stats: stats.written >= 2)


async def test_unmatched_for_staff(bot: Harness) -> None:
    await _log_unmatched(bot)
    (report,) = await bot.say(STAFF_ID, "/unmatched")
    assert "該当なし" in report.text and "明日の天気" in report.text


async def test_stats_text_and_chart_for_staff(bot: Harness) -> None:
    await _log_unmatched(bot)
    replies = await bot.say(STAFF_ID, "/stats")
    assert replies and "集計" in replies[0].text
    (photo,) = bot.double.of("sendPhoto", STAFF_ID)
    assert photo.files["photo"].startswith(b"\x89PNG")


async def test_export_csv_for_staff(bot: Harness) -> None:
    await _log_unmatched(bot)
    await bot.say(STAFF_ID, "/export")
    (document,) = bot.double.of("sendDocument", STAFF_ID)
    csv = document.files["document"]
    assert csv.startswith(b"\xef\xbb\xbf") and "明日の天気".encode() in csv


async def test_monthly_report_pdf_for_staff(bot: Harness) -> None:
    await bot.say(STAFF_ID, "/report")
    (document,) = bot.double.of("sendDocument", STAFF_ID)
    assert document.files["document"].startswith(b"%PDF")


@pytest.mark.parametrize("command", ["/unmatched", "/stats", "/export", "/report", "/stats@kodaira_test_bot"])
async def test_others_get_the_ordinary_reply(bot: Harness, assistant: Assistant, command: str) -> None:
    ordinary = Dialogue(assistant, "telegram").text(State(), command).messages[0].text
    (reply,) = await bot.say(RESIDENT, command)
    assert reply.text == ordinary
    # Staff in a group would show the report to everyone: there, too, the command does not exist.
    (in_group,) = await bot.say(GROUP, command, kind="supergroup", user_id=STAFF_ID)
    assert in_group.text == ordinary
    assert bot.double.of("sendPhoto") == [] and bot.double.of("sendDocument") == []


async def test_staff_told_plainly_when_the_log_cannot_be_read(
    double: BotApiDouble, assistant: Assistant, tmp_path: Path
) -> None:
    settings = replace(settings_for(double, tmp_path), db_path=tmp_path)  # a folder, not a database
    async with serving(double, assistant, settings) as bot:
        (reply,) = await bot.say(STAFF_ID, "/unmatched")
        assert reply.text.startswith("記録を読めませんでした")
