"""`ask --jsonl`: one JSON reply per input line, in input order, each written and flushed as soon as it
and every reply before it are ready.

A file of questions is answered on every CPU the process may use: worker processes are forked from
this one once the assistant is built, so they start at once and share its index and dictionary pages.
Lines that arrive together travel together (one round trip per batch, not per line); a line typed at a
terminal travels alone, at once. Nothing is lost to a worker that fails or dies: its batch is answered
here, in this process, with the same assistant.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

from bot.core.assistant import Assistant
from bot.language.text import clean
from bot.stdio import LineReader

logger = logging.getLogger(__name__)

BATCH_LINES = 16  # lines per round trip to a worker: enough to make the trip's cost small
BATCHES_AHEAD = 64  # batches read before their replies are written: bounds memory on a fast stdin
MAX_WORKERS = 4  # each worker soon holds its own copy of the pages it writes to (reference counts)

# Valid in JSON strings, but line breaks to str.splitlines and JavaScript: escaped, so one reply is one line.
_LINE_BREAKS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(obj: object) -> str:
    """`obj` as one line of JSON (UTF-8 text as itself), without the line end."""
    line = json.dumps(obj, ensure_ascii=False)
    if "\u0085" in line or "\u2028" in line or "\u2029" in line:  # rare: translate reads every character
        line = line.translate(_LINE_BREAKS)
    return line


def reply_line(assistant: Assistant, text: str, easy: bool = False) -> str:
    return json_line(assistant.reply(clean(text), easy=easy).to_json())


def write_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def worker_count() -> int:
    """One worker per CPU this process may use, at most MAX_WORKERS; one means no workers."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)


# The worker's state: inherited from the parent at fork, never sent.
_worker_assistant: Assistant | None = None
_worker_easy = False


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback per worker


def _answer_batch(texts: list[str]) -> list[str]:
    assert _worker_assistant is not None, "a worker runs only in a process forked by answer_lines"
    return [reply_line(_worker_assistant, text, _worker_easy) for text in texts]


def answer_lines(
    assistant: Assistant,
    lines: LineReader,
    easy: bool = False,
    workers: int | None = None,
    write: Callable[[str], None] = write_line,
) -> None:
    """Answer every line `lines` reads, writing one JSON reply per line in order: on `workers` worker
    processes (worker_count() unless given); with fewer than two, all in this process."""
    workers = worker_count() if workers is None else workers
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for text in lines:
            write(reply_line(assistant, text, easy))
        return
    batches = lines.batches(BATCH_LINES)
    first = next(batches, None)
    if first is None:
        return
    global _worker_assistant, _worker_easy
    _worker_assistant, _worker_easy = assistant, easy
    # Objects made so far live as long as the workers: kept out of the collector's sight, its passes
    # do not write to (and so copy) every page the workers share with this process.
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    pool = ProcessPoolExecutor(workers, multiprocessing.get_context("fork"), initializer=_start_worker)
    pending: queue.Queue[tuple[list[str], Future[list[str]] | None] | None] = queue.Queue(BATCHES_AHEAD)
    # The first submit forks every worker, from here, before any other thread of ours exists.
    pending.put((first, _submit(pool, first)))

    def read_rest() -> None:
        try:
            for batch in batches:
                pending.put((batch, _submit(pool, batch)))
        finally:
            pending.put(None)

    threading.Thread(target=read_rest, name="jsonl-reader", daemon=True).start()
    try:
        while (item := pending.get()) is not None:
            batch, future = item
            for line in _replies(assistant, batch, future, easy):
                write(line)
    finally:
        # Waiting here, not in the interpreter's exit hook, which can race the pool's own thread (a
        # traceback after Ctrl-C); only the batches already running are waited for.
        pool.shutdown(wait=True, cancel_futures=True)
        _worker_assistant = None
        if not frozen_before:
            gc.unfreeze()


def _submit(pool: ProcessPoolExecutor, batch: list[str]) -> Future[list[str]] | None:
    try:
        return pool.submit(_answer_batch, batch)
    except Exception:  # a broken or closed pool: the batch is answered in this process
        return None


def _replies(assistant: Assistant, batch: list[str], future: Future[list[str]] | None, easy: bool) -> list[str]:
    if future is not None:
        try:
            return future.result()
        except Exception as exc:  # the worker died or failed: this process answers the same lines
            logger.warning("a worker could not answer a batch (%s); answering it here", type(exc).__name__)
    return [reply_line(assistant, text, easy) for text in batch]
