"""Built indexes and trained models kept on disk between starts, keyed by a digest of what they depend on.

Written atomically (a half-written file is never read by another process); a file that cannot be read
is treated as missing, so a corrupt cache costs one rebuild, never a crash.
"""

from __future__ import annotations

import os
from pathlib import Path

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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    view = memoryview(payload)
    with tmp.open("wb", buffering=0) as out:
        at = 0
        while at < len(view):
            at += out.write(view[at : at + WRITE_PIECE]) or 0
    os.replace(tmp, path)


def package_version(name: str) -> str | None:
    """An installed package's version, for the key of what was built with it; None when not installed."""
    from importlib import metadata  # only when a key is computed: importing it costs a warm start 25 ms

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def prune(path: Path, pattern: str) -> None:
    """Remove all but the KEEP newest files matching `pattern` next to `path`."""
    cached = sorted(path.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in cached[KEEP:]:
        stale.unlink(missing_ok=True)
