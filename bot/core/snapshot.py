"""The built assistant kept on disk between starts: a warm start reads one file instead of reading the
YAML, checking it, and building the matcher, the crisis check and the readings again.

Keyed by a digest of everything the built assistant depends on: the data folder and every file under
its knowledge/ and intents/, the engine, the code of the `bot` package, the Sudachi dictionary and the Python and numpy
versions. The data was checked when the file was written (an assistant is only built from data that
passed the checks of `kb check`), and the same bytes pass the same checks, so a file found under
this key needs no second check. Written atomically; an unreadable file is built again (bot/diskcache.py).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import mmap
import os
import pickle
import struct
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from bot.diskcache import cache_dir, prune, write_atomically

logger = logging.getLogger(__name__)
SNAPSHOT_VERSION = 1
PACKAGE = Path(__file__).resolve().parent.parent  # the `bot` package
T = TypeVar("T")


def _files(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts)


def snapshot_key(data_dir: Path, engine: str) -> str:
    """A digest of the data, the engine, the code and the libraries the built assistant depends on."""
    import numpy

    digest = hashlib.sha256(
        f"v{SNAPSHOT_VERSION} {engine} {sys.version} numpy {numpy.__version__} {_dictionary_stamp()}".encode()
    )
    # The folder itself too: the checked data records where each example is written.
    digest.update(str(data_dir.resolve()).encode("utf-8", "surrogatepass"))
    # Mutation testing runs one copy of the code with a different mutant switched on per run.
    digest.update(os.environ.get("MUTANT_UNDER_TEST", "").encode())
    for root, folder in ((PACKAGE, PACKAGE), (data_dir, data_dir / "knowledge"), (data_dir, data_dir / "intents")):
        for path in _files(folder):
            if folder == PACKAGE and path.suffix != ".py":
                continue
            digest.update(f"\x1e{path.relative_to(root).as_posix()}\x1f".encode("utf-8", "surrogatepass"))
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _dictionary_stamp() -> str:
    """The Sudachi dictionary in use, by its file's size and time (cheaper than package metadata)."""
    from bot.language.text import DICTIONARY, dictionary_file

    system = dictionary_file()
    try:
        stat = system.stat() if system is not None else None
    except OSError:
        stat = None
    return f"{DICTIONARY}:{stat.st_size}:{stat.st_mtime_ns}" if stat is not None else "none"


def cached(data_dir: Path, engine: str, kind: type[T], build: Callable[[], T]) -> T:
    """The object from the disk cache when nothing it depends on changed; else built and cached."""
    try:
        path = cache_dir() / f"assistant-{snapshot_key(data_dir, engine)}.pickle"
    except OSError:  # a data folder that cannot be read: building reports it properly
        return build()
    try:
        stored = load(path)
        if isinstance(stored, kind):
            return stored
    except Exception:  # any unreadable cache (missing, truncated, another version) is built again
        pass
    built = build()
    try:
        write_atomically(path, dump(built))
        prune(path, "assistant-*.pickle")
    except OSError as exc:  # a read-only home: build again next start, but keep working
        logger.warning("assistant cache not written (%s); it will be built again next start", exc.strerror)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        logger.warning("assistant cache not written (%s)", type(exc).__name__)
    return built


# The file: MAGIC, the pickle's length, the number of arrays, each array's (offset, length), the pickle,
# then each large array's bytes at an aligned offset. Arrays are read through a read-only memory map:
# starting costs no copy, and only the pages a question touches become the process's memory.
MAGIC = b"KODAIRA1"
ALIGN = 64
IN_BAND_BELOW = 1 << 16  # smaller arrays stay inside the pickle
_U64 = struct.Struct("<Q")


def dump(obj: object) -> bytes:
    """The object as a pickle with its large arrays (numpy, protocol 5) laid out after it."""
    buffers: list[pickle.PickleBuffer] = []

    def out_of_band(buffer: pickle.PickleBuffer) -> bool:
        if buffer.raw().nbytes < IN_BAND_BELOW:
            return True  # serialised in the pickle
        buffers.append(buffer)
        return False

    data = pickle.dumps(obj, protocol=5, buffer_callback=out_of_band)
    head = len(MAGIC) + _U64.size * (2 + 2 * len(buffers))
    offset = _aligned(head + len(data))
    table: list[tuple[int, int]] = []
    for buffer in buffers:
        table.append((offset, buffer.raw().nbytes))
        offset = _aligned(offset + buffer.raw().nbytes)
    out = bytearray(MAGIC + _U64.pack(len(data)) + _U64.pack(len(buffers)))
    for at, length in table:
        out += _U64.pack(at) + _U64.pack(length)
    out += data
    for (at, _), buffer in zip(table, buffers, strict=True):
        out += bytes(at - len(out))
        out += buffer.raw()
    return bytes(out)


def load(path: Path) -> object:
    """The object `dump` wrote, its large arrays read-only views of the memory-mapped file."""
    with path.open("rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    if bytes(view[: len(MAGIC)]) != MAGIC:
        raise ValueError("not an assistant cache file")
    at = len(MAGIC)
    size, count = _U64.unpack_from(view, at)[0], _U64.unpack_from(view, at + _U64.size)[0]
    at += 2 * _U64.size
    buffers = []
    for index in range(count):
        offset, length = _U64.unpack_from(view, at + 2 * _U64.size * index)[0], _U64.unpack_from(
            view, at + 2 * _U64.size * index + _U64.size
        )[0]
        if offset + length > len(view):
            raise ValueError("truncated assistant cache file")
        buffers.append(view[offset : offset + length])
    at += 2 * _U64.size * count
    if at + size > len(view):
        raise ValueError("truncated assistant cache file")
    # Half a million objects arrive at once and none of them is garbage: the cyclic collector would
    # scan them all several times over while they do.
    collecting = gc.isenabled()
    gc.disable()
    try:
        loaded = pickle.loads(view[at : at + size], buffers=buffers)
    finally:
        if collecting:
            gc.enable()
    _release(mapped, at + size)
    return loaded


def _release(mapped: mmap.mmap, end: int) -> None:
    """Give back the pages of the pickle itself (about 7 MB), read once and now unpickled: they would
    stay in the process's resident memory. Only the arrays after it are read again; a page released
    here would only be read back from the page cache (the mapping is of a file, read-only)."""
    whole_pages = end // mmap.PAGESIZE * mmap.PAGESIZE
    if whole_pages and hasattr(mapped, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        with contextlib.suppress(OSError):  # advice only: memory stays as it was
            mapped.madvise(mmap.MADV_DONTNEED, 0, whole_pages)


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN
