"""The terminal's streams: lines in whatever bytes arrive, output to a pipe that may close early.

Residents' and operators' files are not always UTF-8: a Windows-made file is often Shift_JIS, and
a cut-off copy holds broken bytes. Every line is still read and answered: a line that is not UTF-8
but reads as Shift_JIS (with kana in it) is taken as Shift_JIS; anything else is read as UTF-8 with
unreadable bytes replaced by U+FFFD. The first time either happens, one note goes to stderr.
"""

from __future__ import annotations

import io
import os
import re
import select
import sys
from collections.abc import Iterator
from typing import BinaryIO, TextIO

SHIFT_JIS_NOTE = (
    "お知らせ: 入力が UTF-8 ではなかったため、Shift_JIS として読みました。"
    "文字化けするときは UTF-8 で保存してから送ってください。"
)
INVALID_NOTE = (
    "お知らせ: 入力に UTF-8 として読めないバイトがありました。その部分は「\ufffd」に置きかえて読みました。"
)
_KANA = re.compile(r"[\u3041-\u30ff]")
CHUNK_BYTES = 1 << 16


def decode_line(raw: bytes) -> tuple[str, str | None]:
    """One line's text, and a note when it was not plain UTF-8 (None when it was)."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        pass
    else:
        if _KANA.search(text):  # broken UTF-8 often decodes as cp932 too, but into kanji soup without kana
            return text, SHIFT_JIS_NOTE
    return raw.decode("utf-8", "replace"), INVALID_NOTE


class LineReader:
    """Lines from a byte stream, decoded as above; a note is written to `notes` once per kind."""

    def __init__(self, stream: BinaryIO, notes: TextIO | None = None) -> None:
        self._stream = stream
        self._notes = notes
        self._noted: set[str] = set()

    def decode(self, raw: bytes) -> str:
        text, note = decode_line(raw)
        if note is not None and note not in self._noted and self._notes is not None:
            self._noted.add(note)
            self._notes.write(note + "\n")
            self._notes.flush()
        return text

    def readline(self) -> str | None:
        """The next line without its line end; None at end of input."""
        raw = self._stream.readline()
        if not raw:
            return None
        return self.decode(raw.rstrip(b"\n").removesuffix(b"\r"))

    def batches(self, size: int) -> Iterator[list[str]]:
        """The same lines in groups of those that arrived together (at most `size` a group): a read
        returns what is there, so no line waits for the next one. For a stream no one has read yet."""
        read = getattr(self._stream, "read1", None)
        if read is None:  # a stream without partial reads: one line at a time
            yield from ([line] for line in self)
            return
        fileno = _fileno(self._stream)
        parts: list[bytes] = []  # the unfinished line, in pieces: a huge line is joined once, not per read
        while True:
            if fileno is not None:
                # Wait for input here, not inside read1, which holds the stream's lock while it waits: a
                # thread waiting there would stop the interpreter from shutting down (Ctrl-C).
                select.select([fileno], [], [])
            chunk = read(CHUNK_BYTES)
            if not chunk:
                break
            complete: list[str] = []
            start = 0
            while (end := chunk.find(b"\n", start)) != -1:
                parts.append(chunk[start:end])
                complete.append(self.decode(b"".join(parts).removesuffix(b"\r")))
                parts = []
                start = end + 1
            if start < len(chunk):
                parts.append(chunk[start:])
            for at in range(0, len(complete), size):
                yield complete[at : at + size]
        if parts:
            yield [self.decode(b"".join(parts).removesuffix(b"\r"))]

    def __iter__(self) -> LineReader:
        return self

    def __next__(self) -> str:
        line = self.readline()
        if line is None:
            raise StopIteration
        return line


def _fileno(stream: BinaryIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):  # in memory: never waits
        return None


def stdin_lines() -> LineReader:
    """Lines of standard input, read as bytes so no encoding error can end the process."""
    return LineReader(sys.stdin.buffer, sys.stderr)


def redecode(text: str, reader: LineReader) -> str:
    """Text that a terminal read with surrogateescape, decoded by the rules above."""
    return reader.decode(text.encode("utf-8", "surrogateescape"))


def use_utf8_output() -> None:
    """Write stdout and stderr as UTF-8 whatever the locale says (the contract's output is UTF-8);
    stdin keeps undecodable bytes as surrogates, for `redecode`."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors="replace")
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")


def silence_closed_stdout() -> None:
    """After the reader of stdout went away (`… | head`): send whatever is still buffered nowhere,
    so the interpreter's last flush cannot print a traceback either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file descriptor (tests): nothing will flush to a closed pipe
