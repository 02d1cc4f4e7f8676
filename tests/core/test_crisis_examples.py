"""The examples the crisis rules catch, remembered per version of the rules (bot/core/crisis/examples.py)."""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.crisis.examples import crisis_examples, rules_digest
from bot.data.bundle import AssistantData
from bot.data.check import check_data
from bot.data.crisis_intents import CrisisPattern
from bot.diskcache import KEEP, cache_dir
from bot.language.text import analyzer
from tests.aged_files import write_aged

SAFE_EXAMPLE = "最近父の物忘れがひどくて心配です"  # an example of dementia_consult


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_safe_examples_are_remembered_and_a_crisis_example_is_always_read(project_data: AssistantData) -> None:
    intents = project_data.intents
    assert crisis_examples(intents, analyzer()) == {}
    [remembered] = cache_dir().glob("crisis-examples-*.json")
    assert remembered.name == f"crisis-examples-{rules_digest(intents)}.json"
    examples = dict(intents.examples)
    topic = next(iter(examples))
    examples[topic] = (*examples[topic], "もう死にたい")
    sites = {**intents.example_sites, "もう死にたい": intents.example_sites[examples[topic][0]]}
    with_crisis = replace(intents, examples=examples, example_sites=sites)
    assert crisis_examples(with_crisis, analyzer()) == {"もう死にたい": {"suicide"}}
    assert crisis_examples(with_crisis, analyzer()) == {"もう死にたい": {"suicide"}}  # never remembered as safe


def test_an_example_in_romaji_is_read_as_the_kana_it_spells(project_data: AssistantData) -> None:
    """The detector reads 「mou shinitai」 as もう しにたい: so does the check of the examples."""
    intents = project_data.intents
    examples = dict(intents.examples)
    topic = next(iter(examples))
    site = intents.example_sites[examples[topic][0]]
    romaji = ("mou shinitai desu", "kaigo hoken ryou takai")
    examples[topic] = (*examples[topic], *romaji)
    sites = {**intents.example_sites, **dict.fromkeys(romaji, site)}
    with_romaji = replace(intents, examples=examples, example_sites=sites)
    assert crisis_examples(with_romaji, analyzer()) == {"mou shinitai desu": {"suicide"}}


@pytest.mark.parametrize(
    "change",
    [
        lambda i: replace(i, crisis=(replace(i.crisis[0], terms=(*i.crisis[0].terms, "物忘れ")), *i.crisis[1:])),
        lambda i: replace(i, crisis_allow=i.crisis_allow[1:]),
        lambda i: replace(i, crisis_signals={**i.crisis_signals, "now": ("今",)}),
        lambda i: replace(i, crisis_patterns=(*i.crisis_patterns, CrisisPattern("suicide", ("now",)))),
    ],
    ids=["a term", "the allow-list", "a signal", "a pattern"],
)
def test_any_change_of_the_rules_reads_every_example_again(project_data: AssistantData, change: object) -> None:
    intents = project_data.intents
    changed = change(intents)  # type: ignore[operator]
    assert rules_digest(changed) != rules_digest(intents)


def test_a_new_term_catches_an_example_remembered_as_safe(data_copy: Path) -> None:
    assert check_data(data_copy) == []  # every example read and remembered as safe
    crisis = data_copy / "intents" / "crisis.yaml"
    text = crisis.read_text(encoding="utf-8")
    crisis.write_text(text.replace("死にたい, しにたい,", "死にたい, 物忘れがひどい, しにたい,", 1), encoding="utf-8")
    problems = check_data(data_copy)
    assert problems and all(p.code == "example_is_crisis" for p in problems)
    assert any(SAFE_EXAMPLE in p.message for p in problems)


def test_a_check_with_nothing_new_to_remember_writes_nothing(project_data: AssistantData) -> None:
    intents = project_data.intents
    assert crisis_examples(intents, analyzer()) == {}
    [remembered] = cache_dir().glob("crisis-examples-*.json")
    os.utime(remembered, ns=(1_000_000_000, 1_000_000_000))
    assert crisis_examples(intents, analyzer()) == {}
    assert remembered.stat().st_mtime_ns == 1_000_000_000  # every example known: the file is left alone


def test_only_the_newest_example_caches_are_kept(project_data: AssistantData) -> None:
    cache_dir().mkdir(parents=True)
    stale = [cache_dir() / f"crisis-examples-stale{i}.json" for i in range(KEEP + 1)]
    other = cache_dir() / "crisis-stale.npz"
    write_aged([*stale, other], b"[]")  # stale0 is the newest
    assert crisis_examples(project_data.intents, analyzer()) == {}
    new = cache_dir() / f"crisis-examples-{rules_digest(project_data.intents)}.json"
    assert sorted(cache_dir().glob("crisis-examples-*.json")) == sorted([new, *stale[: KEEP - 1]])
    assert other.exists()  # the crisis model's files are not this cache's to prune


def test_an_unwritable_cache_costs_a_warning_not_the_check(
    project_data: AssistantData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A home where the cache cannot be written (a file stands where its folder would be): every example is
    read and a crisis example still caught; the log says why nothing was kept, with no example's text."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    caplog.set_level(logging.WARNING, logger="bot.core.crisis.examples")
    intents = project_data.intents
    topic = next(iter(intents.examples))
    examples = {**intents.examples, topic: (*intents.examples[topic], "もう死にたい")}
    sites = {**intents.example_sites, "もう死にたい": intents.example_sites[intents.examples[topic][0]]}
    with_crisis = replace(intents, examples=examples, example_sites=sites)
    assert crisis_examples(with_crisis, analyzer()) == {"もう死にたい": {"suicide"}}
    assert [r.getMessage() for r in caplog.records] == ["crisis example cache not written (Not a directory)"]


def test_an_example_with_a_lone_surrogate_is_read_and_remembered(project_data: AssistantData) -> None:
    """YAML's "\ud800" escape gives a lone surrogate, which plain UTF-8 cannot encode."""
    intents = project_data.intents
    topic = next(iter(intents.examples))
    odd = ("\ud800もう死にたい", "\ud800" + SAFE_EXAMPLE)
    examples = {**intents.examples, topic: (*intents.examples[topic], *odd)}
    site = intents.example_sites[intents.examples[topic][0]]
    with_odd = replace(intents, examples=examples, example_sites={**intents.example_sites, **dict.fromkeys(odd, site)})
    assert crisis_examples(with_odd, analyzer()) == {odd[0]: {"suicide"}}
    assert crisis_examples(with_odd, analyzer()) == {odd[0]: {"suicide"}}  # read from the file the first wrote


def test_a_second_check_reads_no_example_the_first_found_safe(
    project_data: AssistantData, monkeypatch: pytest.MonkeyPatch
) -> None:
    intents = project_data.intents
    assert crisis_examples(intents, analyzer()) == {}

    def no_rules(*_: object) -> None:
        raise AssertionError("every example is remembered: the rules are not needed")

    monkeypatch.setattr("bot.core.crisis.detector.CrisisRules", no_rules)
    assert crisis_examples(intents, analyzer()) == {}
    odd_rules = replace(intents, crisis_allow=(*intents.crisis_allow, "\ud800"))  # YAML can give a lone surrogate
    assert rules_digest(odd_rules) != rules_digest(intents)


def test_a_damaged_cache_file_is_read_as_empty(project_data: AssistantData) -> None:
    intents = project_data.intents
    path = cache_dir() / f"crisis-examples-{rules_digest(intents)}.json"
    path.parent.mkdir(parents=True)
    for damage in (b"\x00\xff not json", b'{"a": 1}', b"[1, 2]", b"1"):
        path.write_bytes(damage)
        assert crisis_examples(intents, analyzer()) == {}
    assert len(path.read_text()) > 1000  # rewritten in full


def test_each_mutant_under_mutation_testing_has_its_own_cache(
    project_data: AssistantData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mutmut runs one copy of the code with a different mutant switched on per run: a mutant that lets an
    example through must not leave it remembered as safe for the next mutant (nor for the real code)."""
    intents = project_data.intents
    monkeypatch.setenv("MUTANT_UNDER_TEST", "bot.core.crisis.terms.x_example__mutmut_1")
    first = rules_digest(intents)
    monkeypatch.setenv("MUTANT_UNDER_TEST", "bot.core.crisis.terms.x_example__mutmut_2")
    assert rules_digest(intents) != first
