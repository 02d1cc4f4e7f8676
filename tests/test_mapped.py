"""Files a library maps (bot/mapped.py): a copy read in small steps, and pages given back to the page cache."""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import pytest

from bot.diskcache import cache_dir
from bot.mapped import copy_for_mapping, read_only_mappings, release_mapped_file
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


def test_a_copy_is_made_once_in_the_cache_folder_and_a_mapped_read_makes_little_of_it_resident(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file filled by one large write sits in large folios (2 MB on this machine's Linux 6.18), each mapped
    whole when one byte is read; its copy is written in 64 KB pieces."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    original = tmp_path / "system.dic"
    payload = os.urandom(8 << 20)
    original.write_bytes(payload)
    copy = copy_for_mapping(original, "lib")
    assert copy.parent == cache_dir() and copy.is_absolute() and copy.name.startswith("lib-")
    assert copy.read_bytes() == payload
    made = copy.stat().st_mtime_ns
    assert copy_for_mapping(original, "lib") == copy and copy.stat().st_mtime_ns == made  # not written again
    with copy.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert mapped[5 << 20] == payload[5 << 20]
        assert resident_kib(copy) <= 256


def test_a_changed_original_is_copied_again_and_only_the_newest_copy_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    original = tmp_path / "system.dic"
    original.write_bytes(b"first" * 1000)
    first = copy_for_mapping(original, "lib")
    original.write_bytes(b"second" * 1000)  # a reinstall: another size and time
    os.utime(original, ns=(1, first.stat().st_mtime_ns + 10**9))
    second = copy_for_mapping(original, "lib")
    assert second != first and second.read_bytes() == b"second" * 1000
    assert sorted(cache_dir().iterdir()) == [second]


def test_a_copy_of_the_wrong_size_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    original = tmp_path / "system.dic"
    original.write_bytes(b"entry" * 1000)
    copy = copy_for_mapping(original, "lib")
    copy.write_bytes(b"entry")  # cut short (a disk that filled up under another program)
    assert copy_for_mapping(original, "lib") == copy
    assert copy.read_bytes() == b"entry" * 1000


def test_without_a_cache_folder_to_write_to_the_original_is_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not a folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    original = tmp_path / "system.dic"
    original.write_bytes(b"entry" * 1000)
    assert copy_for_mapping(original, "lib") == original
    assert copy_for_mapping(tmp_path / "missing.dic", "lib") == tmp_path / "missing.dic"
