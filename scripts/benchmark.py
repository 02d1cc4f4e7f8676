"""One run, one table: accuracy, latency, cold start, memory, Telegram and LINE throughput, side by side.

    python scripts/benchmark.py [--json bench-results/benchmark.json] [--updates 500 --chats 100]

Every figure is measured here, on this machine, the same way every time:
- accuracy per kind, clarify rate and false-crisis rate of `main`, `bm25` and `fuzzy` on the labelled
  dev set (the set thresholds are tuned on) and on the holdout set (written separately, never tuned on);
- the crisis check on the crisis holdout (eval/crisis_holdout_*.yaml): recall per kind and per register,
  false alarms on its hard negatives, and the check's own time per message;
- per-question latency in process (median, p99) for each engine, and Sudachi tokenization alone;
- what a resident sees of `main`'s answers: the share that name a phone in the first 200 characters (the
  first screen of a phone; target ≥ 95%), and the median and longest reply length;
- cold start to first answer and peak memory (RSS) of a fresh process, and its questions per second
  and CPU per question in process;
- a real `kodaira-bot ask --jsonl` process fed the dev questions on stdin: questions per second, peak
  RSS and CPU (user and system) per question;
- Telegram throughput: N updates from M chats through the real Application and the local Bot API
  test double on 127.0.0.1 (updates per second, p99 time from an update's delivery to its reply);
- LINE throughput: N signed webhooks from M users into the real LINE channel, replies to the local
  LINE API double (events per second from the first webhook to the last reply).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KODAIRA_BOT = str(Path(sys.executable).parent / "kodaira-bot")  # the installed command
sys.path.insert(0, str(ROOT))

from bot import kernel  # noqa: E402
from bot.core.assistant import ENGINES, build_assistant  # noqa: E402
from bot.core.easy import kanji_words, kanji_words_with_reading  # noqa: E402
from bot.data.check import load_data  # noqa: E402
from bot.jsonl import worker_count  # noqa: E402
from bot.language.text import analyzer  # noqa: E402
from bot.review.evaluation import Case, load_cases, run_cases  # noqa: E402

SETS = {
    "dev": [ROOT / "eval" / "dev.yaml"],
    "holdout": [ROOT / "eval" / "holdout.yaml"],
    # Real questions from other cities' FAQ pages; `register` holds the publishing city's category.
    # faq_dev may be tuned on; faq_holdout is only measured (split made before any tuning).
    "faq_dev": [ROOT / "eval" / "faq_dev.yaml"],
    "faq_holdout": [ROOT / "eval" / "faq_holdout.yaml", ROOT / "eval" / "faq_holdout_2.yaml"],
    # Residents' own words (stories, casual, dialect, kana, half-width, foreign, child, several problems,
    # comparisons), one author a file; the dev files may be tuned on, the holdout files are only measured.
    "registers_dev": sorted((ROOT / "eval").glob("registers_dev_*.yaml")),
    "registers_holdout": sorted((ROOT / "eval").glob("registers_holdout_*.yaml")),
}
FAQ_SETS = ("faq_dev", "faq_holdout")  # reported per category too
REGISTER_SETS = ("registers_dev", "registers_holdout")  # reported per register too
DEV_SETS = ("dev", "faq_dev", "registers_dev")  # the sets thresholds are tuned on
# Score bands for calibration: how often the reply routes right, by the score it was given.
BANDS = ((0.0, 0.22), (0.22, 0.28), (0.28, 0.35), (0.35, 0.5), (0.5, 0.7), (0.7, 1.01))
# Written by two authors who never saw intents/ nor each other's work; only measured, never tuned on.
CRISIS_HOLDOUT = sorted((ROOT / "eval").glob("crisis_holdout_*.yaml"))
LATENCY_ROUNDS = 3  # each question is asked this many times per engine for the latency figures
FIRST_SCREEN = 200  # characters of a reply a phone shows before scrolling
PHONE_TARGET = 0.95


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # The matcher's inner loops: compiled at install (bot/_kernel.c), or numpy without a compiler.
        "scoring": "compiled" if kernel.compiled is not None else "numpy",
    }


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def accuracy_and_latency() -> dict[str, Any]:
    data = load_data(ROOT)
    questions = [c.q for c in cases_of("dev")]
    out: dict[str, Any] = {}
    for engine in ENGINES:
        assistant = build_assistant(ROOT, engine, data=data)
        entry: dict[str, Any] = {}
        for name in SETS:
            report = run_cases(assistant, cases_of(name))
            entry[name] = {
                "pass_rates": {k: round(v, 4) for k, v in report.pass_rates.items()},
                "clarify_rate": round(report.clarify_rate, 4),
                "false_crisis_rate": round(report.false_crisis_rate, 4),
                "topic_pass_rate": report.topic_pass_rate,
                "calibration": calibration(report.routed),
            }
            if name in FAQ_SETS or name in REGISTER_SETS:
                entry[name]["per_category"] = {k: round(v, 4) for k, v in sorted(report.register_rates.items())}
        entry["latency_ms"] = latency(assistant.reply, questions)
        if engine == "main":
            entry["reply_shape"] = {name: reply_shape(assistant, name) for name in SETS}
        out[engine] = entry
    out["sudachi_only"] = {"latency_ms": latency(analyzer().analyse, questions)}
    return out


def cases_of(name: str) -> list[Case]:
    return [case for path in SETS[name] for case in load_cases(path)]


def calibration(routed: list[tuple[float, str, bool]]) -> list[dict[str, Any]]:
    """Per score band: how many routed cases, and the share routed right (top card, or among the choices)."""
    out = []
    for low, high in BANDS:
        inside = [ok for score, _, ok in routed if low <= score < high]
        out.append({"band": f"{low:.2f}-{min(high, 1.0):.2f}", "n": len(inside),
                    "right": round(sum(inside) / len(inside), 4) if inside else None})
    return out


def easy_figures() -> dict[str, Any]:
    """やさしい日本語: readings on every card's easy reply, sentence lengths of the easy: texts, time added."""
    assistant = build_assistant(ROOT)
    cards = assistant.data.knowledge.cards
    composer = assistant.easy_composer
    assert composer is not None
    words = read = 0
    assert assistant.furigana is not None
    # "unread": a line Sudachi has not read yet (cache emptied); "first": a card's first easy reply after
    # start, whose lines were read ahead at start; "again": once every line is in the cache.
    timings: dict[str, list[float]] = {"unread": [], "first": [], "again": []}
    plains = [composer.answer("", card, 1.0, None) for card in cards.values()]
    for rounds in ("first", "again"):
        for plain in plains:
            started = time.perf_counter()
            easy = assistant.in_easy_japanese(plain)
            timings[rounds].append((time.perf_counter() - started) * 1000)
            if rounds == "again":
                words += kanji_words(easy.text)
                read += kanji_words_with_reading(easy.text)
    for plain in plains:
        assistant.furigana.forget()
        started = time.perf_counter()
        assistant.in_easy_japanese(plain)
        timings["unread"].append((time.perf_counter() - started) * 1000)
    assistant.furigana.forget()
    started = time.perf_counter()
    assistant.read_easy_replies_ahead()
    ahead_ms = (time.perf_counter() - started) * 1000
    texts = [c.easy for c in cards.values() if c.easy] + [k.easy_lead for k in assistant.data.intents.crisis]
    sentences = [s for t in texts for s in re.split(r"[。？！\n]", t.replace(" ", "")) if s]
    return {
        "cards": len(cards),
        "cards_with_easy_text": sum(1 for c in cards.values() if c.easy),
        "kanji_words_with_reading": round(read / words, 4) if words else 1.0,
        "easy_sentence_chars": {
            "mean": round(statistics.mean(len(s) for s in sentences), 1),
            "longest": max(len(s) for s in sentences),
        },
        "furigana_ms": {
            rounds: {"median": round(statistics.median(t), 3), "p99": round(quantile(t, 0.99), 3)}
            for rounds, t in timings.items()
        },
        "read_ahead_at_start_ms": round(ahead_ms, 1),
    }


def reply_shape(assistant: Any, name: str) -> dict[str, Any]:
    """Over the answers to a set's questions: a phone on the first screen, and how long replies are."""
    answers = [r for r in (assistant.reply(c.q) for c in cases_of(name)) if r.status == "answer"]
    early = [r for r in answers if any(w.phone and w.phone in r.text[:FIRST_SCREEN] for w in r.windows)]
    lengths = [len(r.text) for r in answers]
    return {
        "answers": len(answers),
        "phone_in_first_200": round(len(early) / len(answers), 4) if answers else 0.0,
        "median_chars": statistics.median(lengths) if lengths else 0,
        "longest_chars": max(lengths, default=0),
    }


def crisis_figures() -> dict[str, Any]:
    """The crisis check on the crisis holdout: recall per kind and per register, and false alarms.

    "caught" is the crisis reply; "number first" also counts the grey zone, where the answer opens
    with the emergency line. The check's own cost is timed with the text already analysed (the
    analysis is shared with the matcher), on the dev questions and the crisis holdout together.
    """
    assistant = build_assistant(ROOT)
    cases = [c for path in CRISIS_HOLDOUT for c in load_cases(path)]
    crises = [c for c in cases if c.kind == "crisis"]
    levels = {c.id: assistant.assess(c.q).level for c in cases}

    def rates(group: Callable[[Any], str]) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for key in sorted({group(c) for c in crises}):
            members = [c for c in crises if group(c) == key]
            out[key] = {
                "n": len(members),
                "caught": round(sum(levels[c.id] == "crisis" for c in members) / len(members), 4),
                "number_first": round(sum(levels[c.id] != "none" for c in members) / len(members), 4),
            }
        return out

    negatives = [c for c in cases if c.kind == "not_crisis"]

    def check_ms(questions: list[str]) -> dict[str, float]:
        """The check alone: each message is analysed (untimed) before it is assessed."""
        return latency(assistant.assess, questions, before=analyzer().analyse)

    return {
        "holdout_files": [p.name for p in CRISIS_HOLDOUT],
        "all": rates(lambda c: "all")["all"],
        "per_kind": rates(lambda c: c.crisis_kind),
        "per_register": rates(lambda c: c.register),
        "hard_negatives": len(negatives),
        "false_crisis_on_hard_negatives": round(sum(levels[c.id] == "crisis" for c in negatives) / len(negatives), 4),
        # The dev questions are residents' usual messages; the crisis holdout is longer (stories).
        "check_ms_dev": check_ms([c.q for c in cases_of("dev")]),
        "check_ms_crisis_holdout": check_ms([c.q for c in cases]),
    }


def latency(
    call: Callable[[str], object], questions: list[str], before: Callable[[str], object] | None = None
) -> dict[str, float]:
    """Median and p99 milliseconds of `call` over every question, LATENCY_ROUNDS times; and the p99 of each
    question's best round: the code's own cost, without the pauses a shared machine adds (another process,
    the garbage collector). `before` runs untimed before each call."""
    timings = []
    best: dict[str, float] = {}
    for _ in range(LATENCY_ROUNDS):
        for q in questions:
            analyzer().clear_cache()  # each timed call tokenizes afresh, as a new message would
            if before is not None:
                before(q)
            started = time.perf_counter()
            call(q)
            elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            best[q] = min(best.get(q, elapsed), elapsed)
    return {
        "median": round(statistics.median(timings), 3),
        "p99": round(quantile(timings, 0.99), 3),
        "best_of_rounds_p99": round(quantile(list(best.values()), 0.99), 3),
    }


COLD_START = """
import resource, sys, time, json
t0 = float(sys.argv[1])
from bot.core.assistant import build_assistant
from bot.config import Settings
a = build_assistant(Settings.from_env().data_dir)
reply = a.reply("母が認知症かもしれない")
first = time.time() - t0
qs = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
t = time.perf_counter()
cpu = time.process_time()
for q in qs:
    a.reply(q)
cpu = time.process_time() - cpu
rate = len(qs) / (time.perf_counter() - t)
# Where the resident memory lies at the end (Linux): the dictionary and the disk-cache files are mapped
# read-only (clean pages of the page cache, shared by every process that maps them); the rest is private.
parts = {"dictionary_mb": 0.0, "cache_files_mb": 0.0, "other_files_mb": 0.0, "private_mb": 0.0}
try:
    mapping = ""
    for line in open("/proc/self/smaps", encoding="utf-8"):
        if line[0] in "0123456789abcdef" and "-" in line.split(" ", 1)[0]:
            fields = line.split()
            mapping = fields[5] if len(fields) > 5 else ""
        elif line.startswith("Rss:"):
            kb = int(line.split()[1])
            if mapping.endswith(".dic"):
                parts["dictionary_mb"] += kb / 1024
            elif "kodaira-bot" in mapping:
                parts["cache_files_mb"] += kb / 1024
            elif mapping.startswith("/"):
                parts["other_files_mb"] += kb / 1024
            else:
                parts["private_mb"] += kb / 1024
except OSError:
    parts = {}
# The peak of this process's own memory since it started. Not getrusage's ru_maxrss: Linux carries that
# over exec from the process that started this one (the benchmark itself, several hundred MB).
peak = next((int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:")), None)
print(json.dumps({"cold_start_s": first, "status": reply.status, "jsonl_questions_per_s": rate,
                  "cpu_ms_per_question": cpu * 1000 / len(qs),
                  "peak_rss_mb": peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_at_end": {k: round(v, 1) for k, v in parts.items()}}))
"""
PROCESS_RUNS = 3  # each process figure: the best start, the median rate, the highest peak memory


def cold_start(tmp: Path) -> dict[str, Any]:
    """A fresh interpreter: import, load the data, build the engine, answer once; then the dev questions
    in the same process (questions/s, CPU per question) and its peak RSS."""
    questions = tmp / "questions.txt"
    questions.write_text("\n".join(c.q for c in cases_of("dev")), encoding="utf-8")
    # A first process writes the disk cache when the data or the code changed since the last start;
    # the figures are of starts with a warm cache.
    subprocess.run([KODAIRA_BOT, "ask", "認知症"], capture_output=True,
                   check=True, cwd=ROOT)
    runs = []
    for _ in range(PROCESS_RUNS):
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", COLD_START, str(started), str(questions)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["cold_start_s"])
    return {
        "cold_start_s": round(best["cold_start_s"], 3),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "questions_per_s_in_process": round(statistics.median(r["jsonl_questions_per_s"] for r in runs)),
        "cpu_ms_per_question_in_process": round(statistics.median(r["cpu_ms_per_question"] for r in runs), 3),
        "rss_at_end_mb": max(runs, key=lambda r: r["peak_rss_mb"])["rss_at_end"],
    }


class PeakMemory:
    """The largest peak resident memory (VmHWM) of a process and of each of its children (the `ask --jsonl`
    workers), read from /proc every few milliseconds while it runs. Not wait4's ru_maxrss: Linux carries
    that over exec from the process that started it, here the benchmark itself (several hundred MB)."""

    def __init__(self, pid: int, every_s: float = 0.01) -> None:
        self._pid, self._every = pid, every_s
        self._done = threading.Event()
        self.mb = 0.0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.is_set():
            self._read()
            self._done.wait(self._every)

    def _read(self) -> None:
        try:
            children = Path(f"/proc/{self._pid}/task/{self._pid}/children").read_text().split()
        except OSError:
            children = []
        for pid in (str(self._pid), *children):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.mb = max(self.mb, int(line.split()[1]) / 1024)
            except OSError:  # gone, or no /proc here
                pass

    def stop(self) -> None:
        self._read()  # the last reading, while the process still holds its memory
        self._done.set()
        self._thread.join()


def ask_jsonl_process(questions: list[str]) -> dict[str, Any]:
    """A real `kodaira-bot ask --jsonl` process fed `questions` on stdin, one per line: its start to the
    first reply, then the rate of the other replies (first reply to last line out), its peak RSS, and
    its CPU (user + system) for the questions after the first, net of a process that answers only one.
    Its worker processes are its children: their CPU is counted in; the peak RSS is the largest one
    process's, read in one more run than the timed ones (the in-process figure of `cold_start` is the
    one process that does everything)."""
    command = [KODAIRA_BOT, "ask", "--jsonl"]

    def one(lines: list[str], watch_memory: bool = False) -> dict[str, float]:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
        assert proc.stdin is not None and proc.stdout is not None
        # Reading /proc of a process takes its memory map's lock, which its page faults need too: the
        # runs that are timed are not watched, one more run is.
        peak = PeakMemory(proc.pid) if watch_memory else None
        started = time.perf_counter()
        proc.stdin.write((lines[0] + "\n").encode())
        proc.stdin.flush()
        proc.stdout.readline()
        first = time.perf_counter()
        rest = "".join(q + "\n" for q in lines[1:]).encode()

        def feed() -> None:
            assert proc.stdin is not None
            proc.stdin.write(rest)
            proc.stdin.close()

        writer = threading.Thread(target=feed)
        writer.start()
        replies = sum(1 for _ in proc.stdout)
        done = time.perf_counter()
        writer.join()
        if peak is not None:
            peak.stop()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 or replies != len(lines) - 1:
            raise RuntimeError(f"ask --jsonl exited {proc.returncode} after {replies + 1} of {len(lines)} replies")
        return {
            "first_reply_s": first - started,
            "questions_per_s": (len(lines) - 1) / (done - first),
            "peak_rss_mb": peak.mb if peak is not None and peak.mb else usage.ru_maxrss / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "user_s": usage.ru_utime,
        }

    lines = [q.replace("\n", " ") for q in questions]
    runs = [one(lines) for _ in range(PROCESS_RUNS)]
    watched = one(lines, watch_memory=True)
    start_only = min((one(lines[:1]) for _ in range(PROCESS_RUNS)), key=lambda r: r["cpu_s"])
    per_question = [(r["cpu_s"] - start_only["cpu_s"]) * 1000 / (len(lines) - 1) for r in runs]
    user_per_question = [(r["user_s"] - start_only["user_s"]) * 1000 / (len(lines) - 1) for r in runs]
    return {
        "questions": len(lines),
        "workers": worker_count(),
        "first_reply_s": round(min(r["first_reply_s"] for r in runs), 3),
        "questions_per_s": round(statistics.median(r["questions_per_s"] for r in runs)),
        "peak_rss_mb": round(watched["peak_rss_mb"], 1),
        "cpu_ms_per_question": round(statistics.median(per_question), 3),
        "user_cpu_ms_per_question": round(statistics.median(user_per_question), 3),
    }


def telegram_throughput(updates: int, chats: int) -> dict[str, Any]:
    from tests.e2e.throughput import measure_throughput

    return asyncio.run(measure_throughput(updates=updates, chats=chats))


def line_throughput(events: int, users: int) -> dict[str, Any]:
    from tests.e2e.line_throughput import measure_line_throughput

    return asyncio.run(measure_line_throughput(events=events, users=users))


def pct(rates: dict[str, float], kind: str) -> str:
    """A pass rate, or a dash where the set has no case of that kind (the FAQ sets have no crisis)."""
    return f"{rates[kind]:.1%}" if kind in rates else "–"


def table(results: dict[str, Any]) -> str:
    acc = results["engines"]
    lines = [
        f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"{results['machine']['memory_gib']} GiB, Python {results['machine']['python']}, "
        f"scoring {results['machine']['scoring']}",
        "",
        "| engine | set | answer | no_match | crisis | clarify | false crisis | median ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for engine in ENGINES:
        for name in SETS:
            e = acc[engine][name]
            rates = e["pass_rates"]
            lat = acc[engine]["latency_ms"]
            lines.append(
                f"| {engine} | {name} | {pct(rates, 'answer')} | {pct(rates, 'no_match')} | "
                f"{pct(rates, 'crisis')} | {e['clarify_rate']:.1%} | {e['false_crisis_rate']:.1%} | "
                f"{lat['median']:.2f} | {lat['p99']:.2f} |"
            )
    lines += ["", "| engine | set | expect_topic cases routed right |", "|---|---|---|"]
    for name in SETS:
        for engine in ENGINES:
            rate = acc[engine][name]["topic_pass_rate"]
            if rate is not None:
                lines.append(f"| {engine} | {name} | {rate:.1%} |")
    for name in REGISTER_SETS:
        lines += ["", f"| register ({name}) | " + " | ".join(ENGINES) + " |", "|---|" + "---|" * len(ENGINES)]
        for register in sorted(acc["main"][name]["per_category"]):
            cells = [f"{acc[e][name]['per_category'].get(register, 0):.0%}" for e in ENGINES]
            lines.append(f"| {register} | " + " | ".join(cells) + " |")
    lines += ["", "| main, score band | " + " | ".join(SETS) + " |", "|---|" + "---|" * len(SETS)]
    for index, (low, high) in enumerate(BANDS):
        cells = []
        for name in SETS:
            band = acc["main"][name]["calibration"][index]
            cells.append("–" if band["right"] is None else f"{band['right']:.0%} of {band['n']}")
        lines.append(f"| {low:.2f}–{min(high, 1.0):.2f} | " + " | ".join(cells) + " |")
    floor = acc["sudachi_only"]["latency_ms"]
    lines.append(f"| sudachi only | – | – | – | – | – | – | {floor['median']:.2f} | {floor['p99']:.2f} |")
    lines.append(
        f"p99 of each dev question's best of {LATENCY_ROUNDS} rounds: "
        + ", ".join(f"{e} {acc[e]['latency_ms']['best_of_rounds_p99']:.2f} ms" for e in ENGINES)
        + f", sudachi only {floor['best_of_rounds_p99']:.2f} ms"
    )
    categories = sorted({c for engine in ENGINES for name in FAQ_SETS for c in acc[engine][name]["per_category"]})
    lines += ["", "| city FAQ category | " + " | ".join(f"{e} {n}" for e in ENGINES for n in FAQ_SETS) + " |"]
    lines.append("|---|" + "---|" * (len(ENGINES) * len(FAQ_SETS)))
    for category in categories:
        cells = []
        for engine in ENGINES:
            for name in FAQ_SETS:
                rate = acc[engine][name]["per_category"].get(category)
                cells.append("–" if rate is None else f"{rate:.0%}")
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    shape = acc["main"]["reply_shape"]
    lines += ["", f"| main answers | n | phone in first {FIRST_SCREEN} chars (target ≥ {PHONE_TARGET:.0%}) | "
              "median chars | longest chars |", "|---|---|---|---|---|"]
    lines += [
        f"| {name} | {v['answers']} | {v['phone_in_first_200']:.1%} | {v['median_chars']:.0f} | {v['longest_chars']} |"
        for name, v in shape.items()
    ]
    cold = results["process"]
    jsonl, longer = results["ask_jsonl"], results["ask_jsonl_dev_sets"]
    lines += [
        "",
        f"cold start to first answer: {cold['cold_start_s']:.2f} s; peak RSS {cold['peak_rss_mb']:.0f} MB; "
        f"{cold['questions_per_s_in_process']} questions/s in one process "
        f"(CPU {cold['cpu_ms_per_question_in_process']:.3f} ms per question)",
        "its resident memory at the end, MB: "
        + ", ".join(f"{k.removesuffix('_mb').replace('_', ' ')} {v:.0f}" for k, v in cold["rss_at_end_mb"].items()),
        f"kodaira-bot ask --jsonl, {jsonl['questions']} dev questions on stdin: {jsonl['questions_per_s']} questions/s "
        f"after the first reply ({jsonl['first_reply_s']:.2f} s); peak RSS {jsonl['peak_rss_mb']:.0f} MB; "
        f"CPU per question {jsonl['cpu_ms_per_question']:.3f} ms (user {jsonl['user_cpu_ms_per_question']:.3f} ms)",
        f"the same with the {longer['questions']} questions of the dev sets: {longer['questions_per_s']} questions/s; "
        f"CPU per question {longer['cpu_ms_per_question']:.3f} ms",
        f"(ask --jsonl answers on {jsonl['workers']} worker processes; its peak RSS is the largest one process's)",
    ]
    crisis = results["crisis"]
    overall = crisis["all"]
    lines += [
        "",
        f"crisis holdout ({', '.join(crisis['holdout_files'])}): {overall['n']} crisis messages, "
        f"{crisis['hard_negatives']} hard negatives",
        f"crisis reply {overall['caught']:.1%}; crisis reply or emergency line first {overall['number_first']:.1%}; "
        f"false crisis on the hard negatives {crisis['false_crisis_on_hard_negatives']:.1%}",
        f"crisis check alone (text already analysed): dev questions median {crisis['check_ms_dev']['median']:.2f} ms, "
        f"p99 {crisis['check_ms_dev']['p99']:.2f} ms (per question best of {LATENCY_ROUNDS}: p99 "
        f"{crisis['check_ms_dev']['best_of_rounds_p99']:.2f} ms); crisis holdout median "
        f"{crisis['check_ms_crisis_holdout']['median']:.2f} ms, p99 {crisis['check_ms_crisis_holdout']['p99']:.2f} ms",
        "",
    ]
    for group in ("kind", "register"):
        lines += ["", f"| crisis {group} | n | crisis reply | number first |", "|---|---|---|---|"]
        lines += [
            f"| {k} | {v['n']} | {v['caught']:.0%} | {v['number_first']:.0%} |"
            for k, v in crisis[f"per_{group}"].items()
        ]
    easy = results["easy"]
    lines += [
        "",
        f"やさしい日本語: {easy['cards_with_easy_text']} of {easy['cards']} cards have an easy: text; kanji words "
        f"with a reading in every card's easy reply {easy['kanji_words_with_reading']:.1%}; easy texts' sentences "
        f"(spaces not counted) mean {easy['easy_sentence_chars']['mean']} characters, longest "
        f"{easy['easy_sentence_chars']['longest']}; readings add p99 {easy['furigana_ms']['first']['p99']:.2f} ms "
        f"to a card's first easy reply after start (its lines read ahead in {easy['read_ahead_at_start_ms']:.0f} ms "
        f"at start), p99 {easy['furigana_ms']['again']['p99']:.3f} ms again, p99 "
        f"{easy['furigana_ms']['unread']['p99']:.2f} ms for lines not read yet",
    ]
    tg = results.get("telegram")
    if tg:
        lines.append(
            f"telegram, with Telegram's own flood limit (~30 messages/s per bot): {tg['updates']} updates from "
            f"{tg['chats']} chats answered in {tg['elapsed_s']:.2f} s: {tg['updates_per_s']:.0f} updates/s, "
            f"p99 time to reply {tg['p99_reply_ms']:.0f} ms"
        )
        free = tg.get("unthrottled")
        if free:
            lines.append(
                f"telegram, flood limit off (the bot's own capacity): {free['updates_per_s']:.0f} updates/s, "
                f"median {free['median_reply_ms']:.0f} ms, p99 {free['p99_reply_ms']:.0f} ms to reply"
            )
    line = results.get("line")
    if line:
        lines.append(
            f"line (no rate limit of LINE's own in the double): {line['events']} signed webhooks from "
            f"{line['users']} users answered in {line['elapsed_s']:.2f} s: {line['events_per_s']:.0f} events/s, "
            f"median {line['median_reply_ms']:.0f} ms, p99 {line['p99_reply_ms']:.0f} ms from 200 to reply"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", default=str(ROOT / "bench-results" / "benchmark.json"))
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--skip-telegram", action="store_true")
    parser.add_argument("--skip-line", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "engines": accuracy_and_latency(),
        "crisis": crisis_figures(),
        "easy": easy_figures(),
        "process": cold_start(out.parent),
        "ask_jsonl": ask_jsonl_process([c.q for c in cases_of("dev")]),
        # A longer file: the dev sets together (the workers' start is shared by more questions).
        "ask_jsonl_dev_sets": ask_jsonl_process([c.q for name in DEV_SETS for c in cases_of(name)]),
    }
    if not args.skip_telegram:
        results["telegram"] = telegram_throughput(args.updates, args.chats)
    if not args.skip_line:
        results["line"] = line_throughput(args.updates, args.chats)
    results["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(results))
    print(f"\n(benchmark took {results['benchmark_seconds']} s; JSON in {out})")


if __name__ == "__main__":
    main()
