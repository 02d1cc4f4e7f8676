"""The LINE webhook under bad input and a failing API: signatures, redelivery, expired reply tokens,
429/500 from LINE, secrets kept out of the log, and the anonymized resident log."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from bot.core.assistant import Assistant
from tests.e2e.line_harness import (
    ACCESS_TOKEN,
    SECRET,
    LineHarness,
    event,
    payload,
    sign,
    text_message,
    user_source,
)
from tests.e2e.line_throughput import burst
from tests.e2e.queries import query_with
from tests.wording import GREETING

USER = "Uaaaabbbbccccddddeeeeffff00001111"


def hello(token: str) -> dict[str, object]:
    return event("message", user_source(USER), token, **text_message("/start"))


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", "other-secret"])
async def test_a_bad_or_missing_signature_gets_400_and_nothing_else(
    line_bot: LineHarness, signature: str | None
) -> None:
    body = payload(hello(line_bot.double.reply_token()))
    if signature == "other-secret":
        signature = sign(body, "f" * 32)
    assert await line_bot.post(body, signature) == 400
    await line_bot.idle()
    assert line_bot.double.calls == []
    assert await line_bot.post(body + b" ", sign(body)) == 400  # signed, then changed on the way
    await line_bot.idle()
    assert line_bot.double.calls == []


async def test_an_empty_signed_webhook_as_the_console_verify_button_sends_gets_200(line_bot: LineHarness) -> None:
    assert await line_bot.post(payload()) == 200


async def test_a_redelivered_event_is_answered_once(line_bot: LineHarness) -> None:
    first = hello(line_bot.double.reply_token())
    (reply,) = await line_bot.send(first)
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    assert await line_bot.send(again) == []
    assert len(line_bot.double.of("reply")) == 1 and reply.text == GREETING


async def test_an_expired_reply_token_falls_back_to_push(line_bot: LineHarness) -> None:
    token = line_bot.double.reply_token()
    line_bot.double.expire(token)
    (pushed,) = await line_bot.send(hello(token))
    assert pushed.kind == "push" and pushed.to == USER and pushed.text == GREETING
    assert pushed.headers.get("x-line-retry-key")


@pytest.mark.parametrize("status", [429, 500])
async def test_429_and_500_are_retried_until_the_reply_gets_through(line_bot: LineHarness, status: int) -> None:
    line_bot.double.fail("reply", status, times=3)
    (reply,) = await line_bot.send(hello(line_bot.double.reply_token()))
    assert reply.text == GREETING
    assert [c.status for c in line_bot.double.calls] == [status] * 3 + [200]


async def test_retries_are_bounded_and_a_failed_reply_never_stops_the_bot(
    line_bot: LineHarness, caplog: pytest.LogCaptureFixture
) -> None:
    line_bot.double.fail("reply", 500, times=1000)
    started = asyncio.get_running_loop().time()
    assert await line_bot.send(hello(line_bot.double.reply_token())) == []
    assert asyncio.get_running_loop().time() - started < 10  # the test patience: 2 s of pauses
    assert "reply not delivered" in caplog.text
    line_bot.double.heal()
    (reply,) = await line_bot.send(hello(line_bot.double.reply_token()))
    assert reply.text == GREETING


async def test_a_retried_push_is_shown_once(line_bot: LineHarness) -> None:
    token = line_bot.double.reply_token()
    line_bot.double.expire(token)
    line_bot.double.fail("push", 500, times=2)
    (pushed,) = await line_bot.send(hello(token))
    keys = {c.headers.get("x-line-retry-key") for c in line_bot.double.calls if c.kind == "push"}
    assert pushed.kind == "push" and len(keys) == 1


async def test_secrets_never_logged(line_bot: LineHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    line_bot.double.fail("reply", 500)
    await line_bot.send(hello(line_bot.double.reply_token()))
    assert await line_bot.post(payload(), "bad") == 400
    logging.getLogger("some.library").error("Authorization: Bearer %s secret=%s", ACCESS_TOKEN, SECRET)
    assert caplog.records
    assert ACCESS_TOKEN not in caplog.text and SECRET not in caplog.text
    assert all(ACCESS_TOKEN not in r.getMessage() for r in caplog.records)


async def test_the_log_has_channel_line_and_no_user_id(line_bot: LineHarness, assistant: Assistant) -> None:
    await line_bot.say(USER, query_with(assistant, "answer"))
    await line_bot.say(USER, "明日の天気はどうですか")
    await line_bot.say(USER, "もう死にたい")
    assert line_bot.logger is not None
    await line_bot.logger.wait_for(lambda stats: stats.written >= 3)
    with sqlite3.connect(line_bot.logger.store.path) as conn:  # type: ignore[attr-defined]
        rows = conn.execute("SELECT channel FROM events").fetchall()
        dump = "\n".join(conn.iterdump())
    assert {row[0] for row in rows} == {"line"} and len(rows) == 3
    assert USER not in dump and "死にたい" not in dump and "明日の天気" in dump


async def test_500_signed_webhooks_from_100_users_all_answered_in_order(
    line_bot: LineHarness, assistant: Assistant
) -> None:
    result = await burst(line_bot, assistant, events=500, users=100)
    summary = result.summary()
    print("LINE burst:", summary)
    assert summary["events"] == 500 and summary["all_answered_in_order"]
    assert line_bot.double.of("push") == []
