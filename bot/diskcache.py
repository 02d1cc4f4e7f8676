"""Built indexes and trained models kept on disk between starts, keyed by a digest of what they depend on.

Written atomically (a half-written file is never read by another process); a file that cannot be read
is treated as missing, so a corrupt cache costs one rebuild, never a crash.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

KEEP = 4  # files of earlier data are rarely read again; keep a few (a staff copy, a rollback), not all


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kodaira-bot"


# Cache files are written in pieces of this size. Linux keeps a file in the page cache in folios as large
# as the writes that filled it (up to 2 MB from one large write), and a read through a memory map maps
# the whole folio around it: the index arrays, read at random through a map (bot/core/snapshot.py), then
# made the process resident in 2 MB steps. In 64 KB pieces, the 425 dev questions leave 50 MB of the
# assistant's file resident instead of 60.
WRITE_PIECE = 64 * 1024


def write_atomically(path: Path, payload: bytes) -> None:
    with _replaced_when_written(path) as out:
        _write_in_pieces(out, memoryview(payload))


def copy_atomically(source: Path, path: Path) -> None:
    """`source` copied to `path`, read and written in WRITE_PIECE pieces (never held in memory whole)."""
    with source.open("rb") as given, _replaced_when_written(path) as out:
        while piece := given.read(WRITE_PIECE):
            _write_in_pieces(out, memoryview(piece))


def _write_in_pieces(out: BinaryIO, view: memoryview) -> None:
    at = 0
    while at < len(view):
        at += out.write(view[at : at + WRITE_PIECE]) or 0


@contextmanager
def _replaced_when_written(path: Path) -> Iterator[BinaryIO]:
    """An unbuffered file that takes `path`'s place once fully written (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with tmp.open("wb", buffering=0) as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def package_version(name: str) -> str | None:
    """An installed package's version, for the key of what was built with it; None when not installed."""
    from importlib import metadata  # only when a key is computed: importing it costs a warm start 25 ms

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def prune(path: Path, pattern: str, keep: int = KEEP) -> None:
    """Remove all but the `keep` newest files matching `pattern` next to `path`."""
    cached = sorted(path.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in cached[keep:]:
        stale.unlink(missing_ok=True)
