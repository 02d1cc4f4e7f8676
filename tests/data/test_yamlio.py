"""Reading YAML with the parse memo (bot/data/yamlio.py): a file read again gives what it holds now,
each caller gets its own objects, and problems are reported on every read, not only the first."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.data import yamlio
from bot.data.problems import ProblemLog


def _read(path: Path) -> tuple[yamlio.Doc, ProblemLog]:
    log = ProblemLog(path.parent)
    return yamlio.read_doc(path, log), log


def test_an_edited_file_is_read_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("windows:\n  - id: one\n", encoding="utf-8")
    assert _read(path)[0].data == {"windows": [{"id": "one"}]}
    path.write_text("# moved down\nwindows:\n  - id: two\n", encoding="utf-8")
    doc, log = _read(path)
    assert doc.data == {"windows": [{"id": "two"}]}
    assert doc.line(("windows", 0, "id")) == 3
    assert not log.problems


def test_each_read_gets_its_own_objects(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("windows:\n  - id: one\n", encoding="utf-8")
    first = _read(path)[0]
    first.data["windows"].append({"id": "added by a caller"})
    first.lines.clear()
    second = _read(path)[0]
    assert second.data == {"windows": [{"id": "one"}]}
    assert second.line(("windows", 0)) == 2


def test_the_same_text_in_two_files_is_read_under_each_name(tmp_path: Path) -> None:
    text = "windows:\n  - id: one\n"
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert [_read(tmp_path / n)[0].path.name for n in ("a.yaml", "b.yaml")] == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("attempt", [1, 2])
def test_problems_are_reported_on_every_read(tmp_path: Path, attempt: int) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("windows:\n  - id: one\n    name: [\n", encoding="utf-8")
    twice = tmp_path / "twice.yaml"
    twice.write_text("windows:\n  - id: one\n    name: A\n    name: B\n", encoding="utf-8")
    for _ in range(attempt):
        doc, log = _read(broken)
        assert not doc.ok
        assert [p.code for p in log.problems] == ["yaml_syntax"]
        doc, log = _read(twice)
        assert doc.ok and doc.data["windows"][0]["name"] == "B"
        assert [(p.code, p.line) for p in log.problems] == [("duplicate_key", 4)]


def test_the_memo_keeps_within_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "_PARSED", type(yamlio._PARSED)())
    monkeypatch.setattr(yamlio, "_PARSED_MAX_BYTES", 2_000)
    for index in range(40):
        path = tmp_path / f"{index}.yaml"
        path.write_text(f"windows:\n  - id: w{index}\n    name: {'x' * 200}\n", encoding="utf-8")
        assert _read(path)[0].data["windows"][0]["id"] == f"w{index}"
    kept = sum(len(v) for v in yamlio._PARSED.values())
    assert 0 < kept <= 2_000
    assert 1 < len(yamlio._PARSED) < 40
