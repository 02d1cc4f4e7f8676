"""Cache files (bot/diskcache.py): written whole or not at all, and in pieces that a memory map reads
sparsely."""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import pytest

import bot.diskcache
from bot.diskcache import copy_atomically, write_atomically
from tests.resident import HAS_SMAPS, resident_kib


def test_a_cache_file_is_written_whole_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    payload = os.urandom(3 * 64 * 1024 + 17)  # not a whole number of pieces
    path = tmp_path / "sub" / "index.pickle"
    write_atomically(path, payload)
    write_atomically(path, payload[::-1])  # replaced, not appended to
    assert path.read_bytes() == payload[::-1]
    assert [p.name for p in path.parent.iterdir()] == ["index.pickle"]


@pytest.mark.skipif(not HAS_SMAPS, reason="needs Linux /proc")
def test_one_read_through_a_memory_map_makes_little_of_the_file_resident(tmp_path: Path) -> None:
    """The page cache holds a file in folios as large as the writes that filled it, and a mapped read maps
    the whole folio: from one 8 MB write, this machine's kernel (6.18) maps 2 MB for one byte."""
    payload = os.urandom(8 << 20)
    path = tmp_path / "assistant.pickle"
    write_atomically(path, payload)
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert mapped[5 << 20] == payload[5 << 20]
        assert resident_kib(path) <= 256


def test_a_copy_is_written_whole_in_pieces(tmp_path: Path) -> None:
    source = tmp_path / "system.dic"
    payload = os.urandom(5 * 64 * 1024 + 3)
    source.write_bytes(payload)
    path = tmp_path / "cache" / "copy.dic"
    copy_atomically(source, path)
    assert path.read_bytes() == payload
    assert sorted(p.name for p in path.parent.iterdir()) == ["copy.dic"]


def test_a_write_that_fails_leaves_neither_the_file_nor_a_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(out: object, view: memoryview) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bot.diskcache, "_write_in_pieces", disk_full)
    source = tmp_path / "system.dic"
    source.write_bytes(b"entry" * 1000)
    with pytest.raises(OSError):
        copy_atomically(source, tmp_path / "cache" / "copy.dic")
    with pytest.raises(OSError):
        write_atomically(tmp_path / "cache" / "index.pickle", b"payload")
    assert list((tmp_path / "cache").iterdir()) == []
