"""The building blocks of the declared data: ids, texts, phones, the crisis kinds (bot/data/declared.py), and
the strict base model (unknown keys forbidden) every file's model is made of (bot/data/schema.py; the records
of bot/data/municipality.py name these types through bot/data/declared.py)."""


from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from bot.data.declared import CRISIS_KINDS, GENERAL_LINE, NOT_CRISIS

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
# Japanese phone numbers as residents dial them: 110/119/189, #7119, a 10-digit landline or 0120/0570
# number written with hyphens, an 11-digit mobile/0800/050 number. The lookaheads count the digits, so
# 042-346-953 (a digit missing) fails. ECMAScript and Python read this pattern alike (JSON Schema too).
PHONE_PATTERN = (
    r"^(?:1\d\d|#\d{4}"
    r"|(?=(?:\d-?){10}$)(?!0[5789]0|0120|0800)0[1-9]\d{0,3}-\d{1,4}-\d{3,4}"
    r"|(?=(?:\d-?){10}$)0(?:120|570)-\d{1,3}-?\d{3,6}"
    r"|(?=(?:\d-?){11}$)0(?:[5789]0|800)-\d{3,4}-\d{4})$"
)
_PHONE = re.compile(PHONE_PATTERN)


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise PydanticCustomError("phone_format", "not a Japanese phone number: {value}", {"value": value})
    return value


def _as_text(value: Any) -> Any:
    """Numbers and dates written without quotes (8050, 2023-03-01) are still text: a keyword, a date."""
    if isinstance(value, dt.date | int | float) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[
    str,
    BeforeValidator(_as_text),
    StringConstraints(strip_whitespace=True, min_length=1),
    WithJsonSchema({"type": ["string", "number"], "minLength": 1}),
]
DateText = Text
Phone = Annotated[str, AfterValidator(_phone), Field(json_schema_extra={"pattern": PHONE_PATTERN})]
CrisisKind = Literal[CRISIS_KINDS]  # type: ignore[valid-type]
LineKind = Literal[(*CRISIS_KINDS, GENERAL_LINE)]  # type: ignore[valid-type]
CorpusLabel = Literal[(*CRISIS_KINDS, NOT_CRISIS)]  # type: ignore[valid-type]


class Strict(BaseModel):
    # Each model's validator is built when a file is first read with it: a start from the cached assistant
    # (bot/core/snapshot.py) reads no file and builds none.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
