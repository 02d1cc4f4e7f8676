"""A LINE Messaging API test double: a real HTTP/1.1 server on 127.0.0.1 that speaks the reply and push APIs.

The bot's line-bot-sdk client talks to it over real sockets through aiohttp, exactly as to api.line.me
(point LINE_API_BASE_URL at `double.base_url`). It

- answers POST /v2/bot/message/reply and /v2/bot/message/push as LINE does, and checks what LINE checks
  where it matters here: the access token (401), a reply token that was issued, is unused and has not
  expired (else 400 "Invalid reply token"), 1–5 messages, text of 1–5,000 characters, at most 13 quick
  replies with labels of at most 20 characters and postback data of at most 300; a push's retry key
  seen before gets 409, as LINE answers a retried push it already delivered;
- issues reply tokens for the webhook events tests build (`reply_token()`), and can expire them;
- records every call (kind, reply token or push target, the messages) and the status it answered;
- injects 429 or 500 for the next N calls of an API;
- lets tests await a condition over the recorded calls instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tests.e2e.botapi_double import REASONS, _read_request

T = TypeVar("T")
MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK = 13
MAX_LABEL = 20
MAX_DATA = 300
PATHS = {"/v2/bot/message/reply": "reply", "/v2/bot/message/push": "push"}


class LineError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class LineCall:
    kind: str  # "reply" or "push"
    body: dict[str, Any]
    status: int = 200
    at: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def reply_token(self) -> str | None:
        return self.body.get("replyToken")

    @property
    def to(self) -> str | None:
        return self.body.get("to")

    @property
    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.body.get("messages", [])]

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)

    def quick_replies(self) -> list[tuple[str, str]]:
        """(label, postback data) of the quick replies on the last message."""
        messages = self.body.get("messages") or [{}]
        items = (messages[-1].get("quickReply") or {}).get("items", [])
        return [(i["action"]["label"], i["action"].get("data", "")) for i in items]


class LineApiDouble:
    def __init__(self, access_token: str) -> None:
        self.access_token = access_token
        self.calls: list[LineCall] = []
        self._tokens: dict[str, str] = {}  # reply token → "fresh", "used" or "expired"
        self._token_ids = itertools.count(1)
        self._retry_keys: set[str] = set()
        self._faults: dict[str, deque[int]] = defaultdict(deque)
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self) -> LineApiDouble:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        for task in list(self._connections):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._server is not None:
            await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- what tests do ------------------------------------------------------------------------

    def reply_token(self) -> str:
        token = f"rt{next(self._token_ids):08d}"
        self._tokens[token] = "fresh"
        return token

    def expire(self, token: str) -> None:
        self._tokens[token] = "expired"

    def fail(self, kind: str, status: int, *, times: int = 1) -> None:
        """The next `times` calls of `kind` ("reply" or "push") answer `status` (429, 500 …)."""
        self._faults[kind].extend([status] * times)

    def heal(self) -> None:
        """Drop every fault still waiting."""
        self._faults.clear()

    def of(self, kind: str) -> list[LineCall]:
        return [c for c in self.calls if c.kind == kind and c.ok]

    def delivered(self, token: str | None = None, to: str | None = None) -> list[LineCall]:
        """Successful replies to `token` and pushes to `to`."""
        return [c for c in self.calls if c.ok and ((token and c.reply_token == token) or (to and c.to == to))]

    async def wait_for(self, predicate: Callable[[list[LineCall]], T], timeout: float = 10.0) -> T:
        async with self._changed:
            result: T | None = None

            def check() -> bool:
                nonlocal result
                result = predicate(self.calls)
                return bool(result)

            await asyncio.wait_for(self._changed.wait_for(check), timeout)
            assert result is not None
            return result

    # --- HTTP -----------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                target, headers, body = request
                status, payload = await self._answer(target, headers, body)
                writer.write(
                    f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(payload)}\r\nConnection: keep-alive\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes]:
        kind = PATHS.get(target.split("?")[0])
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        if kind is None:
            return 404, b'{"message":"Not found"}'
        status = 200
        answer: dict[str, Any] = {"sentMessages": [{"id": str(next(self._token_ids)), "quoteToken": "q"}]}
        try:
            if headers.get("authorization") != f"Bearer {self.access_token}":
                raise LineError(401, "Authentication failed")
            if self._faults[kind]:
                fault = self._faults[kind].popleft()
                raise LineError(fault, "The API rate limit has been exceeded" if fault == 429 else "Internal error")
            self._check_messages(body.get("messages"))
            if kind == "reply":
                self._use_token(body.get("replyToken"))
            else:
                self._check_push(body, headers.get("x-line-retry-key"))
        except LineError as exc:
            status, answer = exc.status, {"message": exc.message}
        self.calls.append(LineCall(kind, body, status, time.monotonic(), headers))
        async with self._changed:
            self._changed.notify_all()
        return status, json.dumps(answer).encode()

    def _use_token(self, token: object) -> None:
        if not isinstance(token, str) or self._tokens.get(token) != "fresh":
            raise LineError(400, "Invalid reply token")
        self._tokens[token] = "used"

    def _check_push(self, body: dict[str, Any], retry_key: str | None) -> None:
        if not isinstance(body.get("to"), str) or not body["to"]:
            raise LineError(400, "The property, 'to', in the request body is invalid")
        if retry_key is not None:
            if retry_key in self._retry_keys:
                raise LineError(409, "The retry key is already accepted")
            self._retry_keys.add(retry_key)

    def _check_messages(self, messages: object) -> None:
        if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
            raise LineError(400, "Size of messages must be between 1 and 5")
        for message in messages:
            text = message.get("text", "")
            if message.get("type") != "text" or not 1 <= len(text) <= MAX_TEXT:
                raise LineError(400, "The property, 'text', in the request body is invalid")
            items = (message.get("quickReply") or {}).get("items", [])
            if len(items) > MAX_QUICK:
                raise LineError(400, "Size of quickReply.items must be between 1 and 13")
            for item in items:
                action = item.get("action", {})
                if not 1 <= len(action.get("label", "")) <= MAX_LABEL or len(action.get("data", "")) > MAX_DATA:
                    raise LineError(400, "The property, 'quickReply.items.action', in the request body is invalid")
