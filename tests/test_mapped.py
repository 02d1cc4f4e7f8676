"""A read-only file mapping's pages are given back to the page cache (bot/mapped.py)."""

from __future__ import annotations

import mmap
from pathlib import Path

import pytest

from bot.mapped import read_only_mappings, release_mapped_file
from tests.resident import HAS_SMAPS, resident_kib

pytestmark = pytest.mark.skipif(not HAS_SMAPS, reason="needs Linux /proc")
SIZE = 4 << 20


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "mapped file.bin"  # a space in the path, as /proc/self/maps prints it
    path.write_bytes(bytes(range(256)) * (SIZE // 256))
    return path


def test_a_read_only_mapping_is_given_back_and_reads_the_same(tmp_path: Path) -> None:
    path = _file(tmp_path)
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        before = sum(mapped[i] for i in range(0, SIZE, mmap.PAGESIZE))  # every page read once
        assert resident_kib(path) * 1024 >= SIZE * 0.9
        assert len(read_only_mappings(path)) == 1
        assert release_mapped_file(path) >= SIZE
        assert resident_kib(path) == 0
        assert sum(mapped[i] for i in range(0, SIZE, mmap.PAGESIZE)) == before


def test_a_writable_mapping_is_left_alone(tmp_path: Path) -> None:
    path = _file(tmp_path)
    with path.open("r+b") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_WRITE) as mapped:
        for i in range(0, SIZE, mmap.PAGESIZE):
            mapped[i] = 7
        resident = resident_kib(path)
        assert read_only_mappings(path) == []
        assert release_mapped_file(path) == 0
        assert resident_kib(path) == resident
        assert mapped[mmap.PAGESIZE] == 7


def test_a_file_not_mapped_releases_nothing(tmp_path: Path) -> None:
    assert release_mapped_file(_file(tmp_path)) == 0
