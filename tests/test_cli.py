"""The contract's CLI, run as a resident's or operator's shell would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.labelled import dev_case, labelled_phones, meets_label

CONTRACT_KEYS = {
    "query", "status", "topic", "title", "text", "windows", "area", "alternatives", "score",
    "crisis_hint", "domains", "easy",
}

pytestmark = pytest.mark.e2e  # the CLI as a child process, as a shell runs it


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_ask_json() -> None:
    out = run("ask", "母が認知症かもしれない", "--json")
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert set(reply) == CONTRACT_KEYS
    assert reply["status"] == "answer" and "地域包括支援センター" in reply["text"]
    assert "\\u" not in out.stdout  # ensure_ascii is off


def test_ask_at_answers_as_at_that_time() -> None:
    """Sunday 3 a.m.: the weekday DV line is closed and says when it opens; the 24-hour line comes first."""
    out = run("ask", "--at", "2026-12-06T03:00+09:00", "--json", "夫に殴られています。助けて")
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert reply["status"] == "crisis"
    windows = {w["id"]: w["open_now"] for w in reply["windows"]}
    assert all("open_now" in w for w in reply["windows"])
    assert windows["dv_plus"] is True and windows["josei_soudan_tama"] is False
    assert reply["windows"][2]["id"] == "dv_plus"
    assert "受付時間外（あす9時から）" in reply["text"]
    weekday = json.loads(run("ask", "--at", "2026-12-07T10:00", "--json", "夫に殴られています。助けて").stdout)
    assert {w["id"]: w["open_now"] for w in weekday["windows"]}["josei_soudan_tama"] is True
    assert run("ask", "--at", "来週", "x").returncode == 2


def test_eval_at(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text('cases:\n  - {id: c1, kind: crisis, q: "死にたい", expect_any: [受付時間外]}\n', encoding="utf-8")
    # At 3 a.m. 東京多摩いのちの電話 (10:00-21:00) is listed as closed; at 15:00 it is open.
    night = json.loads(run("eval", str(cases), "--json", "--at", "2026-12-06T03:00+09:00").stdout)
    day = json.loads(run("eval", str(cases), "--json", "--at", "2026-12-06T15:00+09:00").stdout)
    assert night["pass_rates"]["crisis"] == 1.0 and day["pass_rates"]["crisis"] == 0.0


def test_ask_plain_text() -> None:
    out = run("ask", "借金が返せない")
    assert out.returncode == 0 and "こだいら生活相談支援センター" in out.stdout


def test_ask_easy_json_is_easy_japanese_with_readings() -> None:
    out = run("ask", "--easy", "--json", "ヤングケアラーの相談はどこ？")
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert reply["easy"] is True and reply["topic"] == "young_carer"
    assert "相談（そうだん）" in reply["text"] and "042-349-0151" in reply["text"]
    assert json.loads(run("ask", "--json", "ヤングケアラーの相談はどこ？").stdout)["easy"] is False


def test_ask_jsonl_keeps_order_and_survives_bad_lines() -> None:
    lines = ["死にたい", "", "明日の天気", "<b>後見</b>", "😀" * 50, "保佐ってなに"]
    out = run("ask", "--jsonl", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in replies] == lines
    assert [r["status"] for r in replies][:3] == ["crisis", "no_match", "no_match"]
    assert all(set(r) == CONTRACT_KEYS for r in replies)


def test_ask_jsonl_escapes_the_line_breaks_json_leaves_raw() -> None:
    """U+0085, U+2028 and U+2029 are valid raw in JSON strings but break lines for str.splitlines and
    JavaScript: each reply stays one line, and the query reads back as sent."""
    lines = ["家賃が\u2028払えない", "保佐\u2029ってなに", "介護\x85保険", "母が認知症かもしれない"]
    out = run("ask", "--jsonl", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    assert not {"\u0085", "\u2028", "\u2029"} & set(out.stdout)
    replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["query"] for r in replies] == lines


@pytest.mark.parametrize("engine", ["main", "bm25", "fuzzy"])
def test_ask_each_engine(engine: str) -> None:
    """Each engine answers an easy dev-set question with the window its label names, number included."""
    case = dev_case("s072")  # 生活保護を受けたい → 生活支援課
    out = run("ask", case["q"], "--json", "--engine", engine)
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert reply["status"] == "answer" and meets_label(case, reply["text"]), reply["text"]
    assert labelled_phones(case, reply["text"])  # the labelled window, with its number from knowledge/


def test_chat_reads_piped_lines_until_eof(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    out = run("chat", stdin="1\n父の物忘れがひどい\n小川西町\n/privacy\n", env={"KODAIRA_DB_PATH": str(db)})
    assert out.returncode == 0, out.stderr
    assert "相談先をさがす" in out.stdout  # the menu, as numbered choices
    assert "  1) " in out.stdout
    assert "地域包括支援センター" in out.stdout
    assert "小川西町" in out.stdout
    assert "記録について" in out.stdout


def test_kb_check_ok() -> None:
    out = run("kb", "check")
    assert out.returncode == 0 and "OK" in out.stdout


def test_bad_setting_is_a_clear_message() -> None:
    out = run("ask", "x", env={"KODAIRA_STAFF_IDS": "abc"})
    assert out.returncode == 2
    assert "KODAIRA_STAFF_IDS" in out.stderr and "Traceback" not in out.stderr


def _console(prelude: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`kodaira-bot` as its console script runs it (bot.cli.console), after `prelude`."""
    code = f"import sys\n{prelude}\nfrom bot.cli import console\nsys.argv = ['kodaira-bot', *{list(args)!r}]\nconsole()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout buffered, as in a pipeline
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)


def test_the_quick_exit_keeps_the_output_the_exit_handlers_and_the_exit_code() -> None:
    """The command ends without the interpreter's teardown: what is still buffered reaches the pipe, exit
    handlers run after the command (logging's flush, coverage's), and the command's code is the exit code."""
    handler = "import atexit; atexit.register(lambda: print('exit handler ran'))"  # to stdout, buffered: a pipe
    out = _console(handler, "ask", "--json", "母が認知症かもしれない")
    assert out.returncode == 0, out.stderr
    reply, last = out.stdout.splitlines()
    assert json.loads(reply)["status"] == "answer" and last == "exit handler ran"
    missing = _console(handler, "ask")
    assert missing.returncode == 2 and missing.stdout == "exit handler ran\n"


def test_the_quick_exit_waits_for_a_thread_still_running() -> None:
    """With another thread still at work when the command returns, the process ends the ordinary way,
    after that thread, not by cutting it off."""
    thread = (  # the thread starts its work when the command returns
        "import threading, time, bot.cli\n"
        "returned = threading.Event()\n"
        "command = bot.cli.main\n"
        "bot.cli.main = lambda: (command(), returned.set())[0]\n"
        "threading.Thread(target=lambda: (returned.wait(), time.sleep(0.2), print('thread finished'))).start()"
    )
    out = _console(thread, "kb", "check")
    assert out.returncode == 0, out.stderr
    assert "OK" in out.stdout and out.stdout.endswith("thread finished\n")
