"""Facts are sacred: every phone number in knowledge/ must appear in ../shared/facts."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DATA_DIR, FACTS_DIR

# Phone-like runs: 042-345-0691, 042(345)0691, 0120-0-78310, #7119, 189, 110 …
PHONE = re.compile(
    r"(?<![\d-])(?:0\d{1,4}[-(]\d{1,4}[-)]\d{3,5}|0120-\d{1,3}-\d{3,5}|#\d{4}|\b1[18]9\b|\b110\b)"
)


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


@pytest.fixture(scope="module")
def facts_digits() -> set[str]:
    if not FACTS_DIR.is_dir():
        pytest.skip("../shared/facts is not beside the checkout")
    text = "\n".join(p.read_text(encoding="utf-8") for p in FACTS_DIR.glob("*"))
    return {_digits(m) for m in PHONE.findall(text)}


def test_every_phone_in_knowledge_comes_from_the_facts(facts_digits: set[str]) -> None:
    found = 0
    for path in sorted((DATA_DIR / "knowledge").glob("*.yaml")):
        for phone in PHONE.findall(path.read_text(encoding="utf-8")):
            found += 1
            assert _digits(phone) in facts_digits, f"{path.name}: {phone} is not in shared/facts"
    assert found > 30  # the check really looked at the windows and hotlines


def test_no_assignment_of_towns_to_areas_without_a_source() -> None:
    import yaml

    areas = yaml.safe_load((DATA_DIR / "knowledge" / "areas.yaml").read_text(encoding="utf-8"))
    for assignment in areas.get("assignments") or []:
        assert assignment.get("source") and assignment.get("source_date")
