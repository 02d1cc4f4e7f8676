"""The declared schema: Japanese phone formats, unknown keys refused everywhere, JSON Schema kept in sync."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import is_dataclass

import pytest
from pydantic import BaseModel, ValidationError

from bot.config import PROJECT_ROOT
from bot.data import municipality, schema
from bot.data.declared import Record
from bot.data.schema import FILES, PHONE_PATTERN, Contact, Numbered, Policy, Repeat, json_schemas

GOOD_PHONES = [
    "042-346-9530", "042-345-0691", "03-3264-4343", "0120-279-338", "0120-0-78310", "0570-064-556",
    "0570-087478", "090-1234-5678", "0800-123-4567", "#8008", "#7119", "189", "110", "119",
]
BAD_PHONES = [
    "042-346-953", "042-3466-9539", "0423469530", "042(346)9530", "03-3264-43431", "1100", "#800", "8008",
    "0120-279-33", "090-1234-567", "042-346-9530 ", "tel 110",
]


@pytest.mark.parametrize("phone", GOOD_PHONES)
def test_japanese_phone_formats_are_accepted(phone: str) -> None:
    assert Contact(id="w", name="窓口", phone=phone).phone == phone


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_a_digit_too_few_or_too_many_is_refused(phone: str) -> None:
    with pytest.raises(ValidationError) as info:
        Contact(id="w", name="窓口", phone=phone)
    assert info.value.errors()[0]["type"] == "phone_format"


def test_the_editor_pattern_is_the_validator_pattern() -> None:
    """VS Code checks phones with the exported pattern: it must say what the loader says."""
    exported = json.loads(json_schemas()["knowledge.windows.schema.json"])
    phone = exported["$defs"]["Contact"]["properties"]["phone"]["anyOf"][0]["pattern"]
    assert phone == PHONE_PATTERN
    for number in GOOD_PHONES:
        assert re.match(phone, number)
    for number in BAD_PHONES:
        assert not re.match(phone, number)


def test_every_model_refuses_unknown_keys() -> None:
    models = {m for m in vars(schema).values() if isinstance(m, type) and issubclass(m, BaseModel)} - {BaseModel}
    # knowledge/municipality.yaml's records are plain dataclasses (bot/data/declared.py), read without pydantic.
    records = {m for m in vars(municipality).values() if isinstance(m, type) and issubclass(m, Record)} - {Record}
    assert set(FILES.values()) <= models | records and len(models) > len(FILES) and records
    loose = sorted(m.__name__ for m in models if m.model_config.get("extra") != "forbid")
    loose += sorted(m.__name__ for m in records if m.__pydantic_config__.get("extra") != "forbid")
    assert loose == []
    mutable = sorted(m.__name__ for m in records if not (is_dataclass(m) and m.__dataclass_params__.frozen))
    assert mutable == []


def test_every_data_file_has_a_model() -> None:
    declared = set(FILES)
    for path in [*(PROJECT_ROOT / "knowledge").glob("*.yaml"), *(PROJECT_ROOT / "intents").rglob("*.yaml")]:
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        folder = relative.rsplit("/", 1)[0] + "/"
        assert relative in declared or folder in declared, relative


def test_exported_json_schema_is_up_to_date() -> None:
    """schema/*.json is what the models say; after a model change run scripts/export_schema.py."""
    run = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "export_schema.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for name, text in json_schemas().items():
        assert (PROJECT_ROOT / "schema" / name).read_text(encoding="utf-8") == text


def test_an_initiative_listed_again_is_told_from_a_card_whether_read_or_built() -> None:
    """measures.yaml's （再掲） entries carry repeat_of instead of a text: read from YAML (a mapping) or built
    in Python (a model), each initiative becomes the model its keys say."""
    card = {"id": "init_a", "number": 1, "title": "見守り", "summary": "地域の見守り", "source": "計画"}
    repeat = {"id": "init_b", "number": 2, "repeat_of": "init_a"}
    head = {"id": "policy_a", "title": "施策", "summary": "施策の説明", "source": "計画"}
    read = Policy.model_validate({**head, "initiatives": [card, repeat]})
    built = Policy(**head, initiatives=[Numbered(**card), Repeat(**repeat)])
    for policy in (read, built):
        assert [type(i) for i in policy.initiatives] == [Numbered, Repeat]
        assert policy.initiatives[1] == Repeat(id="init_b", number=2, repeat_of="init_a")
