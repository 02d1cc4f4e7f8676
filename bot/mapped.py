"""Files that a library maps read-only: copied for sparse reading, and their pages given back (Linux).

A clean page of a read-only file mapping is only a view of the page cache: dropped from the process,
it is mapped again from the cache, unchanged, the next time it is read. Sudachi reads every entry of its
dictionary once while loading it (sudachi.rs checks each entry's bounds), pages the bot then mostly never
reads again; giving them back right after the load keeps them out of the process's resident memory.

How much one read makes resident depends on how the file entered the page cache: Linux keeps it in
folios as large as the writes that filled it and maps a whole folio when one of its pages is read. The
dictionary as pip installed it sat in 1 MB folios on this machine (Linux 6.18): each word looked up made
1 MB of it resident, 177 MB after the 425 dev questions. A copy written in 64 KB pieces
(`copy_for_mapping`) is read in 64 KB steps: 108 MB.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from pathlib import Path

from bot.diskcache import cache_dir, copy_atomically, prune

MADV_DONTNEED = 4  # <sys/mman.h> on Linux


def _madvise() -> Callable[[int, int, int], int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).madvise
    except (AttributeError, OSError):  # no C library to ask (not Linux, or a static build)
        return None
    function.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    function.restype = ctypes.c_int
    return function


def read_only_mappings(path: Path) -> list[tuple[int, int]]:
    """(start, end) of every mapping of `path` in this process that cannot be written to."""
    target = os.path.realpath(path)
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="surrogateescape") as maps:
            lines = maps.readlines()
    except OSError:
        return []
    out = []
    for line in lines:
        fields = line.rstrip("\n").split(maxsplit=5)  # the path, the sixth field, may hold spaces
        if len(fields) == 6 and fields[5] == target and "w" not in fields[1]:
            start, end = (int(x, 16) for x in fields[0].split("-"))
            out.append((start, end))
    return out


def release_mapped_file(path: Path) -> int:
    """Drop this process's resident pages of every read-only mapping of `path`; the bytes of the
    mappings released (0 where /proc or madvise is missing). Only read-only mappings: a writable private
    mapping's pages may hold changes that dropping them would lose."""
    madvise = _madvise()
    if madvise is None:
        return 0
    released = 0
    for start, end in read_only_mappings(path):
        if madvise(start, end - start, MADV_DONTNEED) == 0:
            released += end - start
    return released


def copy_path(original: Path, prefix: str) -> Path:
    """Where `copy_for_mapping` keeps its copy of `original`: named by the original's size and time, so a
    reinstalled file is copied again. Absolute, as Sudachi takes a dictionary file only by such a path."""
    stat = original.stat()
    return (cache_dir() / f"{prefix}-{stat.st_size}-{stat.st_mtime_ns}{original.suffix}").absolute()


def copy_for_mapping(original: Path, prefix: str) -> Path:
    """A copy of `original` in the cache folder (`copy_path`), written in small pieces, for a library to map
    instead of it; the original itself when no copy can be kept there (a folder that cannot be written, a
    full disk). Made once (about 0.3 s for the 200 MB dictionary); only the newest is kept."""
    try:
        copy = copy_path(original, prefix)
        try:
            if copy.stat().st_size == original.stat().st_size:
                return copy
        except FileNotFoundError:
            pass
        copy_atomically(original, copy)
        prune(copy, f"{prefix}-*{original.suffix}", keep=1)
        return copy
    except OSError:
        return original
