"""Expected content from the labelled data, for tests that must not take their answer from the code
under test: eval/dev.yaml's cases (the contract's pass rule) and the phones of knowledge/'s windows."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

DEV_SET = PROJECT_ROOT / "eval" / "dev.yaml"


@cache
def dev_cases() -> dict[str, dict[str, Any]]:
    cases = yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))["cases"]
    return {str(c["id"]): c for c in cases}


def dev_case(case_id: str) -> dict[str, Any]:
    return dev_cases()[case_id]


@cache
def windows_by_name() -> dict[str, dict[str, Any]]:
    """Every window and hotline of knowledge/, by its name as written in the YAML."""
    out: dict[str, dict[str, Any]] = {}
    for name, key in (("windows.yaml", "windows"), ("hotlines.yaml", "hotlines")):
        data = yaml.safe_load((PROJECT_ROOT / "knowledge" / name).read_text(encoding="utf-8"))
        out.update({str(w["name"]): w for w in data[key]})
    return out


def meets_label(case: dict[str, Any], text: str) -> bool:
    """The contract's pass rule for `answer` and `crisis` cases, on the reply text alone."""
    if any(s in text for s in case.get("expect_none") or []):
        return False
    if not all(s in text for s in case.get("expect_all") or []):
        return False
    return not case.get("expect_any") or any(s in text for s in case["expect_any"])


def labelled_phones(case: dict[str, Any], text: str) -> list[str]:
    """The phones (from knowledge/) of the windows the label expects that the text names together
    with their number: empty when the reply names none of them with its phone."""
    wanted = case.get("expect_any") or []
    return [
        str(w["phone"]) for name, w in windows_by_name().items()
        if w.get("phone") and name in text and str(w["phone"]) in text and any(s in name for s in wanted)
    ]


@cache
def hotlines() -> tuple[dict[str, Any], ...]:
    data = yaml.safe_load((PROJECT_ROOT / "knowledge" / "hotlines.yaml").read_text(encoding="utf-8"))
    return tuple(data["hotlines"])


def assert_answer_meets_label(case: dict[str, Any], text: str) -> None:
    """An answer to a dev-set question: its label holds, and a labelled window stands with its number."""
    assert meets_label(case, text), (case, text)
    assert labelled_phones(case, text), (case, text)


def assert_crisis_lines(text: str, case: dict[str, Any] | None = None) -> None:
    """A crisis reply: 110 and 119 from hotlines.yaml and at least one more of its lines (name and
    number as the file writes them); with a dev-set case, also what its label expects."""
    by_id = {h["id"]: h for h in hotlines()}
    police, fire = by_id["police_110"]["phone"], by_id["fire_119"]["phone"]
    assert f"{police}（警察）" in text and f"{fire}（救急）" in text, text
    others = [h for h in hotlines() if h.get("phone") not in (None, police, fire)]
    assert any(f"・{h['name']} {h['phone']}" in text for h in others), text
    if case is not None:
        assert case["kind"] == "crisis" and meets_label(case, text), (case, text)
