"""Records that pydantic validates from YAML but that are read without it.

A start from the cached assistant (bot/core/snapshot.py) reads no YAML and validates nothing; records
made of plain dataclasses let it skip importing pydantic too (measured on this machine: 11 MB of a
process and 50-110 ms of a start). The field types below stand for those of bot/data/fields.py:
pydantic reads them through `__get_pydantic_core_schema__` when a file is validated, and imports itself
only then.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

# The kinds of danger the crisis check must tell apart; each needs terms, a lead and a hotline.
CRISIS_KINDS = (
    "suicide",
    "self_harm",
    "overdose",
    "child_abuse",
    "sexual_abuse",
    "dv",
    "elder_abuse",
    "violence",
    "medical",
    "missing_person",
    "harm_urge",
)
NOT_CRISIS = "none"
GENERAL_LINE = "general"  # a hotline for any worry (the safety net takes one open 24 hours)


class DeclaredType:
    """Annotated metadata naming a field type of bot/data/fields.py, where pydantic declares it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"DeclaredType({self.name!r})"

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from bot.data import fields

        return handler.generate_schema(getattr(fields, self.name))


Id = Annotated[str, DeclaredType("Id")]
Text = Annotated[str, DeclaredType("Text")]
DateText = Annotated[str, DeclaredType("DateText")]


class Record:
    """Base of the records: a key the record does not declare is refused when a file is validated (write
    each record as a frozen, keyword-only dataclass, its field descriptions in `field(metadata=...)`)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
