"""The built matching index is cached on disk, keyed by the data; a bad cache file is rebuilt."""

from pathlib import Path

import pytest

from bot.data.intents import Synonym
from bot.language.synonyms import SynonymRewriter
from bot.language.text import analyzer
from bot.matching.tfidf import TfidfMatcher, index_key

PAIRS = [("dementia_consult", "母が認知症かもしれない"), ("housing_benefit", "家賃が払えない")]


def build(rewriter: SynonymRewriter) -> TfidfMatcher:
    return TfidfMatcher(PAIRS, analyzer(), rewriter)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "kodaira-bot"


def test_the_index_is_written_once_and_read_back(cache: Path) -> None:
    rewriter = SynonymRewriter([])
    first = build(rewriter)
    files = list(cache.glob("index-*.pickle"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = build(rewriter)
    assert files[0].stat().st_mtime_ns == stamp  # read, not rebuilt
    assert [c.topic for c in second.rank("認知症の母")] == [c.topic for c in first.rank("認知症の母")]


def test_a_corrupt_cache_is_rebuilt(cache: Path) -> None:
    rewriter = SynonymRewriter([])
    build(rewriter)
    path = next(cache.glob("index-*.pickle"))
    path.write_bytes(b"\x80\x05not a pickle")
    matcher = build(rewriter)
    assert matcher.rank("家賃が払えない")[0].topic == "housing_benefit"
    assert path.read_bytes()[:2] != b"\x80\x05n"  # written again


def test_the_key_follows_examples_and_synonyms() -> None:
    plain = SynonymRewriter([])
    assert index_key(PAIRS, plain) != index_key([*PAIRS, ("hoikuen", "保育園")], plain)
    assert index_key(PAIRS, plain) != index_key(PAIRS, SynonymRewriter([Synonym("親", ("おふくろ",))]))
