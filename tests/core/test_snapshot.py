"""The built assistant is cached on disk (bot/core/snapshot.py): keyed by the data and the code, read back
answering exactly as built, rebuilt when unreadable, and read without the YAML reader, pydantic (the file
models) or scikit-learn."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import snapshot
from bot.core.assistant import Assistant, build_assistant
from bot.data.bundle import AssistantData
from bot.diskcache import cache_dir
from bot.review.evaluation import load_cases
from tests.conftest import DATA_DIR
from tests.resident import HAS_SMAPS, resident_kib

QUESTIONS = ["母が認知症かもしれない", "家賃が払えない", "死にたい", "小川町に住んでいます", "明日の天気",
             "介護も借金も子どもの不登校もあってどこに相談すればいいかわからないです", "ｶﾈｶﾞﾅｲ"]


def _trained_models(into: Path) -> None:
    """Copy the trained parts (the index with its SVM, the crisis model) from the session's cache, but
    no assistant snapshot: what these tests are about is built afresh, without ten seconds of training."""
    into.mkdir(parents=True, exist_ok=True)
    for pattern in ("index-*.pickle", "crisis-*.npz"):
        for path in cache_dir().glob(pattern):
            shutil.copy2(path, into / path.name)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "kodaira-bot"
    _trained_models(folder)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return folder


def test_the_cached_assistant_answers_exactly_as_the_built_one(cache: Path, project_data: AssistantData) -> None:
    built = build_assistant(DATA_DIR, data=project_data)
    build_assistant(DATA_DIR)  # builds and writes the cache
    files = list(cache.glob("assistant-*.pickle"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    loaded = build_assistant(DATA_DIR)
    assert files[0].stat().st_mtime_ns == stamp  # read, not built again
    questions = QUESTIONS + [c.q for c in load_cases(DATA_DIR / "eval" / "dev.yaml")[::7]]
    for q in questions:
        for easy in (False, True):
            assert loaded.reply(q, easy=easy).to_json() == built.reply(q, easy=easy).to_json(), q


def test_the_cache_carries_only_the_data_answering_reads(cache: Path, project_data: AssistantData) -> None:
    """The crisis corpus, the out-of-scope examples and where each example is written serve building and
    `kb check` only: the built assistant does not keep them, so a start does not read them back."""
    build_assistant(DATA_DIR)  # builds and writes the cache
    for assistant in (build_assistant(DATA_DIR), build_assistant(DATA_DIR, data=project_data)):
        intents = assistant.data.intents
        assert (intents.crisis_corpus, intents.out_of_scope, intents.example_sites, intents.out_of_scope_sites) == (
            (), (), {}, {}
        )
        assert intents.examples == project_data.intents.examples and intents.crisis == project_data.intents.crisis
        assert assistant.data.knowledge == project_data.knowledge
    assert len(project_data.intents.crisis_corpus) > 5000 and project_data.intents.example_sites  # not emptied


def test_each_engine_is_cached_under_its_own_key(cache: Path) -> None:
    for engine in ("bm25", "fuzzy"):
        assert build_assistant(DATA_DIR, engine).engine_name == engine
        assert build_assistant(DATA_DIR, engine).engine_name == engine  # the second from the cache
    assert len(list(cache.glob("assistant-*.pickle"))) == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_an_unreadable_cache_is_built_again(cache: Path, damage: str) -> None:
    build_assistant(DATA_DIR, "fuzzy")
    path = next(cache.glob("assistant-*.pickle"))
    whole = path.read_bytes()
    path.write_bytes({"garbage": b"\x80\x05not a pickle", "truncated": whole[: len(whole) // 2], "empty": b""}[damage])
    assistant = build_assistant(DATA_DIR, "fuzzy")
    assert assistant.reply("家賃が払えない").status == "answer"
    assert path.read_bytes() == whole or path.read_bytes()[: len(snapshot.MAGIC)] == snapshot.MAGIC  # written again
    assert isinstance(snapshot.load(path), Assistant)


def test_the_key_follows_every_data_file_and_the_engine(data_copy: Path) -> None:
    key = snapshot.snapshot_key(data_copy, "main")
    assert snapshot.snapshot_key(data_copy, "main") == key
    assert snapshot.snapshot_key(data_copy, "bm25") != key
    for folder in ("knowledge", "intents"):
        path = sorted((data_copy / folder).glob("*.yaml"))[0]
        before = path.read_bytes()
        path.write_bytes(before + b"\n# a comment\n")
        assert snapshot.snapshot_key(data_copy, "main") != key, folder
        path.write_bytes(before)
    (data_copy / "intents" / "new.yaml").write_text("# new\n", encoding="utf-8")
    assert snapshot.snapshot_key(data_copy, "main") != key


def test_the_key_follows_the_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = snapshot.snapshot_key(DATA_DIR, "main")
    package = tmp_path / "bot"
    package.mkdir()
    for path in snapshot.PACKAGE.rglob("*.py"):
        target = package / path.relative_to(snapshot.PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    monkeypatch.setattr(snapshot, "PACKAGE", package)
    assert snapshot.snapshot_key(DATA_DIR, "main") == key
    (package / "core" / "reply.py").write_text((package / "core" / "reply.py").read_text() + "\n# changed\n")
    assert snapshot.snapshot_key(DATA_DIR, "main") != key


@pytest.mark.slow  # builds the main engine into an empty cache
@pytest.mark.skipif(not HAS_SMAPS, reason="needs Linux /proc")
def test_the_pickle_is_not_kept_resident_once_read(cache: Path) -> None:
    """The file's pickle part (about 7 MB) is read once at start; its pages are given back, and the
    arrays after it, memory-mapped from the same file, still read right."""
    build_assistant(DATA_DIR)
    path = next(cache.glob("assistant-*.pickle"))
    pickle_bytes = int.from_bytes(path.read_bytes()[len(snapshot.MAGIC) : len(snapshot.MAGIC) + 8], "little")
    assert pickle_bytes > 1 << 20
    loaded = snapshot.load(path)
    assert isinstance(loaded, Assistant)
    assert resident_kib(path) * 1024 < pickle_bytes / 4
    assert loaded.reply("母が認知症かもしれない").topic == "dementia_consult"


def test_an_edit_that_breaks_the_data_is_reported_not_hidden_by_the_cache(cache: Path, data_copy: Path) -> None:
    from bot.data.problems import DataError

    build_assistant(data_copy, "fuzzy")
    (data_copy / "intents" / "synonyms.yaml").write_text("synonyms: [oops\n", encoding="utf-8")
    with pytest.raises(DataError):
        build_assistant(data_copy, "fuzzy")


WARM_START = """
import json, sys
from bot.core.assistant import build_assistant
from bot.config import PROJECT_ROOT
reply = build_assistant(PROJECT_ROOT).reply("母が認知症かもしれない")
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy", "yaml", "ruamel", "matplotlib",
        "reportlab", "pydantic", "pydantic_core") or m in ("bot.data.schema", "bot.data.loader", "bot.data.yamlio",
        "bot.data.check", "bot.data.fields"))
print(json.dumps({"status": reply.status, "topic": reply.topic, "heavy": heavy}))
"""


def test_a_warm_start_imports_no_yaml_reader_nor_pydantic_nor_scikit_learn(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    _trained_models(tmp_path / "kodaira-bot")
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", WARM_START], capture_output=True, text=True, env=env,
                                  check=True, timeout=300).stdout)
        for _ in range(2)
    ]
    assert runs[0]["heavy"]  # the first start reads and checks the YAML
    assert runs[1] == {"status": "answer", "topic": "dementia_consult", "heavy": []}
