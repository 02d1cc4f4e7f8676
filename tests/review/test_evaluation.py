"""The labelled sets through `eval`, with pass-rate floors; and the contract's pass rule itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.reply import Reply
from bot.review.evaluation import Case, load_cases, passes, run_cases
from tests.conftest import DATA_DIR

DEV = DATA_DIR / "eval" / "dev.yaml"
HOLDOUT = DATA_DIR / "eval" / "holdout.yaml"
FAQ_DEV = DATA_DIR / "eval" / "faq_dev.yaml"
FAQ_HOLDOUT = DATA_DIR / "eval" / "faq_holdout.yaml"


def test_dev_set_is_large_and_varied() -> None:
    cases = load_cases(DEV)
    kinds = [c.kind for c in cases]
    assert len(cases) >= 300
    assert kinds.count("no_match") >= 40 and kinds.count("crisis") >= 20
    assert len({c.id for c in cases}) == len(cases)


@pytest.mark.parametrize(
    ("path", "floors"),
    [
        # The dev set tunes the engine; the holdout set was written separately and only measures it.
        (DEV, {"answer": 0.95, "no_match": 0.90, "crisis": 1.0}),
        (HOLDOUT, {"answer": 0.88, "no_match": 0.85, "crisis": 0.80}),
    ],
)
def test_pass_rate_floors(assistant: Assistant, path: Path, floors: dict[str, float]) -> None:
    report = run_cases(assistant, load_cases(path))
    for kind, floor in floors.items():
        assert report.pass_rates[kind] >= floor, (
            kind,
            report.pass_rates,
            [f.case.id for f in report.failures],
        )
    # The target is 1%. The holdout measures 2 of 150 (1.3%) since the round-2 crisis holdouts
    # joined the training corpus (README, "Crisis check"); this guards against it getting worse.
    assert report.false_crisis_rate <= (0.01 if path == DEV else 0.014)


def test_faq_sets_are_labelled_by_the_cities_categories() -> None:
    """Real questions from other cities' FAQ pages, each with its category and page, split in two."""
    for path in (FAQ_DEV, FAQ_HOLDOUT):
        cases = load_cases(path)
        assert len(cases) >= 25 and {c.kind for c in cases} == {"answer", "no_match"}
        assert all(c.register for c in cases)  # the publishing city's own category
        assert all(c.expect_any for c in cases if c.kind == "answer")
        assert path.read_text(encoding="utf-8").count("# ") >= len(cases)  # one page address per case
    dev_q = {c.q for c in load_cases(FAQ_DEV)}
    assert not dev_q & {c.q for c in load_cases(FAQ_HOLDOUT)}


def test_faq_dev_floors(assistant: Assistant) -> None:
    """The issue's bar: welfare questions answered with a fitting window, other city business declined."""
    report = run_cases(assistant, load_cases(FAQ_DEV))
    assert report.pass_rates["answer"] >= 0.90, [f.case.q for f in report.failures]
    assert report.pass_rates["no_match"] >= 0.95, [f.case.q for f in report.failures]
    assert report.false_crisis_rate == 0.0


def _reply(status: str, text: str) -> Reply:
    return Reply(query="q", status=status, text=text)  # type: ignore[arg-type]


def test_pass_rule_follows_the_contract() -> None:
    case = Case("x", "answer", "q", expect_all=("後見",), expect_any=("A", "B"), expect_none=("C",))
    assert passes(case, _reply("answer", "後見 A"))
    assert passes(case, _reply("clarify", "後見 B"))
    assert not passes(case, _reply("no_match", "後見 A"))
    assert not passes(case, _reply("answer", "A"))
    assert not passes(case, _reply("answer", "後見 A C"))
    assert passes(Case("y", "no_match", "q"), _reply("no_match", ""))
    crisis = Case("z", "crisis", "q", expect_any=("いのちの電話",))
    assert passes(crisis, _reply("crisis", "東京いのちの電話"))
    assert not passes(crisis, _reply("answer", "東京いのちの電話"))


def test_eval_cli_json_report() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", str(HOLDOUT), "--engine", "bm25", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout)
    assert report["engine"] == "bm25"
    assert set(report["pass_rates"]) == {"answer", "no_match", "crisis"}
    assert report["pass_rates"]["crisis"] == 0.0  # the plain baseline has no crisis check
    assert {"median", "p99"} <= set(report["latency_ms"])


CRISIS_HOLDOUT = sorted((DATA_DIR / "eval").glob("crisis_holdout_*.yaml"))


def test_crisis_sets_are_read_as_crisis_and_not_crisis_cases() -> None:
    cases = [c for path in CRISIS_HOLDOUT for c in load_cases(path)]
    assert len(CRISIS_HOLDOUT) >= 2 and len(cases) >= 400
    assert {c.kind for c in cases} == {"crisis", "not_crisis"}
    assert all(c.crisis_kind for c in cases if c.kind == "crisis")
    assert {"kana", "foreign", "dialect", "story", "child", "romaji", "english"} <= {c.register for c in cases}


def test_crisis_holdout_floors(assistant: Assistant) -> None:
    """A regression guard on the set that is only measured: see the README for the figures."""
    report = run_cases(assistant, [c for path in CRISIS_HOLDOUT for c in load_cases(path)])
    # Ids only: a failing run must not show anyone the messages of a set that is only measured.
    assert report.pass_rates["crisis"] >= 0.97, [f.case.id for f in report.failures if f.case.kind == "crisis"]
    assert report.pass_rates["not_crisis"] >= 0.95
    assert set(report.register_rates) >= {"kana", "foreign", "romaji", "english"}
