"""A Telegram Bot API test double: a real HTTP/1.1 server on 127.0.0.1 that speaks the Bot API's JSON.

python-telegram-bot talks to it over real sockets through httpx, exactly as to api.telegram.org
(point `base_url` at `double.base_url`). It

- answers getMe, getUpdates (long polling with Telegram's offset semantics), sendMessage,
  answerCallbackQuery, editMessageText, editMessageReplyMarkup, sendPhoto, sendDocument,
  setWebhook, deleteWebhook, getWebhookInfo, setMyCommands (per scope), close and logOut;
- checks what Telegram checks where it matters here (token, empty or over-long text, callback data
  over 64 bytes, a bad parse_mode) and answers 400 like Telegram does;
- records every call with its parameters (and uploaded files) and the status it answered;
- injects faults for the next N calls of a method: 429 with retry_after, 500, 502 (an nginx HTML page,
  as Telegram's front end sends), or a dropped connection;
- lets tests await a condition over the recorded calls instead of sleeping.

Standard library only (asyncio streams), so it runs wherever the tests run.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import itertools
import json
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

T = TypeVar("T")

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
PARSE_MODES = {"HTML", "Markdown", "MarkdownV2"}
BAD_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
    b"</center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Call:
    """One request the bot made: Bot API method, form fields as sent, uploaded files, our HTTP status."""

    method: str
    params: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200
    at: float = 0.0

    def json(self, key: str) -> Any:
        return json.loads(self.params[key]) if key in self.params else None

    @property
    def chat_id(self) -> int | None:
        raw = self.params.get("chat_id")
        return int(raw) if raw is not None and raw.lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        return self.params.get("text", "")

    @property
    def ok(self) -> bool:
        return self.status == 200

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row by row."""
        markup = self.json("reply_markup") or {}
        return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]

    def rows(self) -> list[list[str]]:
        markup = self.json("reply_markup") or {}
        return [[b["text"] for b in row] for row in markup.get("inline_keyboard", [])]


@dataclass
class _Fault:
    status: int  # 0: drop the connection without an answer
    retry_after: int | None = None


class BotApiDouble:
    def __init__(self, token: str, *, username: str = "kodaira_test_bot", first_name: str = "こだいら福祉あんない"):
        self.token = token
        self.bot_id = int(token.partition(":")[0])
        self.me: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.webhook_url = ""
        self.commands: list[dict[str, Any]] = []
        self.scoped_commands: dict[str, list[dict[str, Any]]] = {}  # scope as JSON → that scope's commands
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self.last_update_id = 0
        self.delivered: dict[int, float] = {}  # update_id → when getUpdates first handed it out
        self._message_ids = itertools.count(10_000)
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._chats: dict[int, dict[str, Any]] = {}
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._closing = False
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------------------------

    async def start(self, sock: socket.socket | None = None) -> BotApiDouble:
        """Listen on a free port of 127.0.0.1, or on `sock` (bound, not yet listening): a test can hand
        the bot an address where connections are refused first and the double answers later."""
        if sock is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        else:
            self._server = await asyncio.start_server(self._serve, sock=sock)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
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
        """The Bot API base URL as python-telegram-bot's `base_url` wants it (the token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests do --------------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (without update_id) for getUpdates; returns the id given to it."""
        update_id = next(self._update_ids)
        self.last_update_id = update_id
        for kind in ("message", "edited_message", "channel_post", "callback_query"):
            chat = (update.get(kind) or {}).get("chat") or ((update.get(kind) or {}).get("message") or {}).get("chat")
            if chat:
                self._chats.setdefault(chat["id"], chat)
        self._updates.append({"update_id": update_id, **update})
        self._notify_soon()
        return update_id

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None) -> None:
        """The next `times` calls of `method` fail with `status` (429 carries retry_after; 0 drops the line)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults[method].extend(_Fault(status, retry_after) for _ in range(times))

    def of(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Successful calls of `method` (to `chat_id`, if given), in order."""
        return [c for c in self.calls if c.method == method and c.ok and (chat_id is None or c.chat_id == chat_id)]

    async def wait_for(self, predicate: Callable[[list[Call]], T], timeout: float = 10.0) -> T:
        """Wait until `predicate(calls)` is truthy and return its value; TimeoutError after `timeout`."""
        async with self._changed:
            result: T | None = None

            def check() -> bool:
                nonlocal result
                result = predicate(self.calls)
                return bool(result)

            await asyncio.wait_for(self._changed.wait_for(check), timeout)
            assert result is not None
            return result

    # --- HTTP -----------------------------------------------------------------------------------------

    def _notify_soon(self) -> None:
        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()

        with contextlib.suppress(RuntimeError):  # no running loop: nobody can be waiting
            asyncio.get_running_loop().create_task(notify())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while not self._closing:
                request = await _read_request(reader)
                if request is None:
                    break
                target, headers, body = request
                answer = await self._answer(target, headers, body)
                if answer is None:  # an injected dropped connection
                    break
                status, content_type, payload = answer
                writer.write(
                    f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nContent-Type: {content_type}\r\n"
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

    async def _answer(self, target: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes] | None:
        parts = urlsplit(target)
        prefix, _, method = parts.path.rpartition("/")
        params, files = _parse_body(headers.get("content-type", ""), body)
        params = {**dict(parse_qsl(parts.query)), **params}
        if prefix != f"/bot{self.token}":
            return self._record(method, params, files, 401, _error(401, "Unauthorized"))
        faults = self._faults.get(method)
        if faults:
            fault = faults.popleft()
            if fault.status == 0:
                self._record(method, params, files, 0, b"")
                return None
            if fault.status == 502:
                self._record(method, params, files, 502, BAD_GATEWAY_PAGE)
                return 502, "text/html", BAD_GATEWAY_PAGE
            extra = {"retry_after": fault.retry_after} if fault.retry_after is not None else None
            description = (
                f"Too Many Requests: retry after {fault.retry_after}"
                if fault.status == 429
                else (REASONS.get(fault.status, "Error"))
            )
            return self._record(method, params, files, fault.status, _error(fault.status, description, extra))
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return self._record(method, params, files, 404, _error(404, "Not Found: method not found"))
        if method == "getUpdates":
            self._record(method, params, files, 200, b"")
        try:
            result = await handler(params, files) if method == "getUpdates" else handler(params, files)
        except ApiError as exc:
            return self._record(method, params, files, exc.code, _error(exc.code, exc.description))
        payload = json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()
        if method == "getUpdates":
            return 200, "application/json", payload
        return self._record(method, params, files, 200, payload)

    def _record(
        self, method: str, params: dict[str, str], files: dict[str, bytes], status: int, payload: bytes
    ) -> tuple[int, str, bytes]:
        self.calls.append(Call(method, params, files, status, time.monotonic()))
        self._notify_soon()
        return status, "application/json", payload

    # --- methods --------------------------------------------------------------------------------------

    def _m_getme(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        return self.me

    async def _m_getupdates(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        offset = int(params.get("offset", "0") or 0)
        limit = min(max(int(params.get("limit", "100") or 100), 1), 100)
        timeout = float(params.get("timeout", "0") or 0)
        if offset > 0:  # confirmed: Telegram forgets every update before the offset
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        if not self._updates and timeout > 0 and not self._closing:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    ready = self._changed.wait_for(lambda: bool(self._updates) or self._closing)
                    await asyncio.wait_for(ready, timeout)
        batch = list(itertools.islice(self._updates, limit))
        now = time.monotonic()
        for update in batch:
            self.delivered.setdefault(update["update_id"], now)
        return batch

    def _message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        chat = self._chats.get(chat_id, {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"})
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {k: self.me[k] for k in ("id", "is_bot", "first_name", "username")},
            **content,
        }

    def _chat_id(self, params: dict[str, str]) -> int:
        raw = params.get("chat_id", "")
        if not raw.lstrip("-").isdigit():
            raise ApiError(400, "Bad Request: chat not found")
        return int(raw)

    def _markup(self, params: dict[str, str]) -> dict[str, Any]:
        if "reply_markup" not in params:
            return {}
        markup = json.loads(params["reply_markup"])
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return {"reply_markup": markup}

    def _check_parse_mode(self, params: dict[str, str]) -> None:
        mode = params.get("parse_mode")
        if mode is not None and mode not in PARSE_MODES:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {mode}")

    def _m_sendmessage(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        chat_id = self._chat_id(params)
        text = params.get("text", "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        self._check_parse_mode(params)
        return self._message(chat_id, text=text, **self._markup(params))

    def _m_answercallbackquery(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        return True

    def _edited(self, params: dict[str, str]) -> int:
        if not params.get("message_id", "").isdigit():
            raise ApiError(400, "Bad Request: message to edit not found")
        return int(params["message_id"])

    def _m_editmessagetext(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        self._check_parse_mode(params)
        if not params.get("text", "").strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(params["text"].encode("utf-16-le")) // 2 > MAX_TEXT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        message_id = self._edited(params)
        return {**self._message(self._chat_id(params), text=params["text"], **self._markup(params)),
                "message_id": message_id}

    def _m_editmessagereplymarkup(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        message_id = self._edited(params)
        return {**self._message(self._chat_id(params), text="…", **self._markup(params)), "message_id": message_id}

    def _m_sendphoto(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        if "photo" not in files and "photo" not in params:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        size = {"file_id": "photo-1", "file_unique_id": "p1", "width": 800, "height": 600}
        return self._message(self._chat_id(params), photo=[size], caption=params.get("caption"))

    def _m_senddocument(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        if "document" not in files and "document" not in params:
            raise ApiError(400, "Bad Request: there is no document in the request")
        document = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "file"}
        return self._message(self._chat_id(params), document=document, caption=params.get("caption"))

    def _m_setwebhook(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        self.webhook_url = params.get("url", "")
        return True

    def _m_deletewebhook(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates") in ("true", "True", "1"):
            self._updates.clear()
        return True

    def _m_getwebhookinfo(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    def _m_setmycommands(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        commands = json.loads(params.get("commands", "[]"))
        scope = params.get("scope")
        if scope is None:
            self.commands = commands
        else:
            self.scoped_commands[json.dumps(json.loads(scope), sort_keys=True)] = commands
        return True

    def _m_close(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        return True

    def _m_logout(self, params: dict[str, str], files: dict[str, bytes]) -> Any:
        return True


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> bytes:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return json.dumps(body).encode()


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line.strip():
        return None
    _method, target, _version = line.decode("latin-1").split()
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        await reader.readline()
        body = b"".join(chunks)
    else:
        body = b""
    return target, headers, body


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form fields and uploaded files of a request, whichever encoding the client chose."""
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        data = json.loads(body)
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, {}
    if content_type.startswith("multipart/form-data"):
        message = email.message_from_bytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.HTTP
        )
        params: dict[str, str] = {}
        files: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            if part.get_filename() is not None:
                files[str(name)] = content
            else:
                params[str(name)] = content.decode()
        return params, files
    return dict(parse_qsl(body.decode(), keep_blank_values=True)), {}
