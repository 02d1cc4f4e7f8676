"""Signed LINE webhooks into the REAL LINE channel (bot.handlers.line.app.serving), over real HTTP, and the
LINE API double that receives its replies.

`say`/`press`/`follow`/`send` post one signed webhook, then wait until every event the bot took in is
handled (the webhook's background tasks are done), so replies, and silence, can be asserted exactly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from bot.core.assistant import Assistant
from bot.handlers.line.app import LineServer, serving
from bot.handlers.line.delivery import Patience
from bot.handlers.line.settings import LineSettings
from bot.storage import EventLogger
from tests.e2e.line_double import LineApiDouble, LineCall

SECRET = "0123456789abcdef0123456789abcdef"
ACCESS_TOKEN = "LineAccessToken-Secret+Value/abcdefghij0123456789="
BOT_USER = "Ubot0000000000000000000000000000"
_event_ids = itertools.count(1)


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def user_source(user: str) -> dict[str, Any]:
    return {"type": "user", "userId": user}


def group_source(group: str, user: str | None) -> dict[str, Any]:
    source = {"type": "group", "groupId": group}
    return {**source, "userId": user} if user else source


def event(kind: str, source: dict[str, Any], reply_token: str | None, **content: Any) -> dict[str, Any]:
    """A webhook event as LINE sends it (a fresh webhookEventId, not a redelivery)."""
    body: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": source,
        "webhookEventId": f"01HEVENT{next(_event_ids):018d}",
        "deliveryContext": {"isRedelivery": False},
        **content,
    }
    if reply_token is not None:
        body["replyToken"] = reply_token
    return body


def text_message(text: str, mention: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"id": str(next(_event_ids)), "type": "text", "quoteToken": "q", "text": text}
    if mention is not None:
        message["mention"] = {"mentionees": mention}
    return {"message": message}


STICKER = {"message": {"id": "s1", "type": "sticker", "packageId": "446", "stickerId": "1988",
                       "stickerResourceType": "STATIC", "quoteToken": "q"}}
IMAGE = {"message": {"id": "i1", "type": "image", "quoteToken": "q",
                     "contentProvider": {"type": "line"}}}
LOCATION = {"message": {"id": "l1", "type": "location", "latitude": 35.7285, "longitude": 139.4775,
                        "address": "東京都小平市"}}


def payload(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": BOT_USER, "events": list(events)}, ensure_ascii=False).encode()


@dataclass
class LineHarness:
    double: LineApiDouble
    server: LineServer
    client: httpx.AsyncClient
    logger: EventLogger | None

    async def idle(self, timeout: float = 30.0) -> None:
        await self.server.webhook.idle(timeout)

    async def post(self, body: bytes, signature: str | None = "sign") -> int:
        """POST a webhook body (signed with the channel secret unless `signature` says otherwise)."""
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            headers["X-Line-Signature"] = sign(body)
        elif signature is not None:
            headers["X-Line-Signature"] = signature
        response = await self.client.post(self.server.url, content=body, headers=headers)
        return response.status_code

    async def send(self, *events: dict[str, Any]) -> list[LineCall]:
        """Post the events in one signed webhook; the successful replies and pushes they caused."""
        before = len(self.double.calls)
        assert await self.post(payload(*events)) == 200
        await self.idle()
        return [c for c in self.double.calls[before:] if c.ok]

    async def say(self, user: str, text: str) -> list[LineCall]:
        return await self.send(event("message", user_source(user), self.double.reply_token(), **text_message(text)))

    async def press(self, user: str, data: str) -> list[LineCall]:
        postback = {"postback": {"data": data}}
        return await self.send(event("postback", user_source(user), self.double.reply_token(), **postback))

    async def follow(self, user: str) -> list[LineCall]:
        follow = {"follow": {"isUnblocked": False}}
        return await self.send(event("follow", user_source(user), self.double.reply_token(), **follow))


def line_settings(double: LineApiDouble) -> LineSettings:
    return LineSettings(SECRET, ACCESS_TOKEN, double.base_url)


FAST = Patience(budget=2.0, first_pause=0.01, max_pause=0.1)


@asynccontextmanager
async def line_serving(
    double: LineApiDouble,
    assistant: Assistant,
    logger: EventLogger | None = None,
    *,
    patience: Patience = FAST,
) -> AsyncIterator[LineHarness]:
    async with serving(
        line_settings(double), assistant, logger, host="127.0.0.1", port=0, patience=patience
    ) as server, httpx.AsyncClient(timeout=30) as client:
        yield LineHarness(double, server, client, logger)
