"""`kodaira-bot run --channel line` as a process: a clear exit without secrets, and a real run that answers
a signed webhook, stops cleanly on SIGTERM with the log flushed, and never prints a secret."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
from pathlib import Path

import httpx

from tests.e2e.line_double import LineApiDouble
from tests.e2e.line_harness import ACCESS_TOKEN, SECRET, event, payload, sign, text_message, user_source
from tests.e2e.process import clean_env, command

USER = "U0000111122223333444455556666777f"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_run_line_without_secrets_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *command(), "run", "--channel", "line", cwd=tmp_path, env=clean_env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2 and out == b""
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "LINE_CHANNEL_SECRET" in lines[0]


async def test_run_line_answers_a_signed_webhook_and_stops_cleanly(line_double: LineApiDouble, tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    port = _free_port()
    env = clean_env(
        LINE_CHANNEL_SECRET=SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=line_double.base_url,
        KODAIRA_DB_PATH=str(db),
    )
    process = await asyncio.create_subprocess_exec(
        *command(), "run", "--channel", "line", "--host", "127.0.0.1", "--port", str(port), "--path", "/kodaira",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/kodaira"
    question = text_message("明日の天気はどうですか")
    body = payload(event("message", user_source(USER), line_double.reply_token(), **question))
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(300):  # the process loads the data first: wait for the port to answer
                try:
                    refused = await client.post(url, content=body, headers={"X-Line-Signature": "bad"})
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            assert refused.status_code == 400
            accepted = await client.post(url, content=body, headers={"X-Line-Signature": sign(body)})
            assert accepted.status_code == 200
        (reply,) = await line_double.wait_for(lambda calls: [c for c in calls if c.ok], timeout=30)
        assert "お答えできません" in reply.text
        process.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, out.decode()
    output = out.decode()
    assert SECRET not in output and ACCESS_TOKEN not in output and USER not in output
    assert "LINE webhook" in output
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT channel, text FROM events").fetchall()
    assert rows and rows[0][0] == "line" and "明日の天気" in rows[0][1]
