"""Reading staff-edited YAML against the declared schema: every mistake becomes a Problem with file, line
and entry, never a crash.

The YAML is composed once into nodes (for the line of every key and list item) and built from the
same nodes, so line numbers cost no second parse.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import TypeAdapter, ValidationError

from bot.data.problems import ProblemLog, suggest

# libyaml's loader when PyYAML was built with it: the same safe subset, about ten times faster on
# the crisis corpus (thousands of lines read at every start and every `kb check`).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Keys that name an entry, in the order they are tried: windows and cards, topics, crisis kinds, synonyms.
_ENTRY_KEYS = ("id", "topic", "kind", "canonical")
# Parsed files by a digest of their text: `kb check`, a promotion's evaluation of the data and of its
# edited copy, and a reload read the same unchanged files again; a pickled copy loads about ten times
# faster than libyaml's constructor and gives each caller its own objects. Bounded by total size.
_PARSED: OrderedDict[bytes, bytes] = OrderedDict()
_PARSED_MAX_BYTES = 32 * 1024 * 1024
_ID_LINE = re.compile(r"^\s*-?\s*\{?\s*id\s*:\s*([A-Za-z0-9_]+)")
_ITEM_LINE = re.compile(r"^\s*-\s*\{?\s*(?:topic|kind|canonical)\s*:\s*([^\s#,}]+)")

Loc = tuple[str | int, ...]
M = TypeVar("M")  # a file's declared shape: a pydantic model, or a record of bot/data/declared.py


@dataclass
class Doc:
    """One parsed file: its data and the line (1-based) of every key and list item."""

    path: Path
    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    ok: bool = False  # parsed (possibly empty); False after a missing file or a syntax error
    duplicates: list[tuple[Loc, int]] = field(default_factory=list)  # a key written twice in one mapping

    def line(self, loc: Loc) -> int | None:
        for end in range(len(loc), -1, -1):
            found = self.lines.get(self._data_loc(loc[:end]))
            if found is not None:
                return found
        return None

    def _data_loc(self, loc: Loc) -> Loc:
        """The loc without schema-only parts (a union's tag), so it addresses the data."""
        out: list[str | int] = []
        node = self.data
        for part in loc:
            in_map = isinstance(node, dict) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if not (in_map or in_list):
                continue
            node = node[part]
            out.append(part)
        return tuple(out)

    def entry(self, loc: Loc) -> str:
        """The entry a location lies in, by its id (houkatsu_chuo), topic or kind; else its path."""
        named, path = "", ""
        node = self.data
        for part in self._data_loc(loc):
            node = node[part]
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
            if isinstance(node, dict):
                name = next((node[k] for k in _ENTRY_KEYS if isinstance(node.get(k), str)), None)
                if name:
                    named = name
        return named or path


def _line_map(node: yaml.Node, loc: Loc, doc: Doc, depth: int = 0) -> None:
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if depth > 50:  # an alias loop cannot happen in safe YAML, but never recurse without end
        return
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = (*loc, key.value)
                if key.value in seen:  # PyYAML keeps the last silently: the first one would be lost
                    doc.duplicates.append((child, key.start_mark.line + 1))
                seen.add(key.value)
                doc.lines[child] = key.start_mark.line + 1
                _line_map(value, child, doc, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*loc, index), doc, depth + 1)


def _entry_before(text: str, line: int) -> str:
    """The id of the entry a syntax error lies in: the nearest `id:` (topic:, kind:) line above it."""
    above = text.splitlines()[:line]
    for pattern in (_ID_LINE, _ITEM_LINE):
        for raw in reversed(above):
            m = pattern.match(raw)
            if m:
                return m.group(1).strip("\"'")
    return ""


def _parse(text: str) -> tuple[Any, dict[Loc, int], list[tuple[Loc, int]]]:
    """The data, line map and duplicate keys of one YAML text; raises yaml.YAMLError when broken."""
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    kept = _PARSED.get(key)
    if kept is not None:
        _PARSED.move_to_end(key)
        parsed: tuple[Any, dict[Loc, int], list[tuple[Loc, int]]] = pickle.loads(kept)
        return parsed
    scratch = Doc(Path())  # holds what _line_map collects
    loader = _SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            scratch.data = loader.construct_document(node)
            _line_map(node, (), scratch)
    finally:
        loader.dispose()
    parsed = (scratch.data, scratch.lines, scratch.duplicates)
    _remember(key, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    return parsed


def _remember(key: bytes, pickled: bytes) -> None:
    _PARSED[key] = pickled
    total = sum(len(v) for v in _PARSED.values())
    while total > _PARSED_MAX_BYTES and len(_PARSED) > 1:
        total -= len(_PARSED.popitem(last=False)[1])


def read_doc(path: Path, log: ProblemLog) -> Doc:
    """Parse one YAML file; a syntax error becomes one problem naming the line and the entry."""
    doc = Doc(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        log.add(path, "", "file_missing")
        return doc
    except UnicodeDecodeError:
        log.add(path, "", "not_utf8")
        return doc
    try:
        doc.data, doc.lines, doc.duplicates = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        log.add(path, _entry_before(text, line or 0), "yaml_syntax", line=line, reason=reason)
        return doc
    doc.ok = True
    for loc, line in doc.duplicates:
        log.add(path, doc.entry(loc[:-1]), "duplicate_key", line=line, key=loc[-1])
    return doc


def read_yaml(path: Path, log: ProblemLog) -> Any:
    """The data of one YAML file (None when missing or broken, with the problem logged)."""
    return read_doc(path, log).data


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}
_FIELD_NAMES: dict[type[Any], frozenset[str]] = {}


def adapter(model: type[M]) -> TypeAdapter[M]:
    """The validator of a declared shape, built once per shape."""
    found = _ADAPTERS.get(model)
    if found is None:
        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


def field_names(model: type[Any]) -> frozenset[str]:
    """Every key the model and the models inside it know: the candidates for 「もしかして」."""
    found = _FIELD_NAMES.get(model)
    if found is None:
        schema = adapter(model).json_schema()
        names = set(schema.get("properties", {}))
        for sub in schema.get("$defs", {}).values():
            names |= set(sub.get("properties", {}))
        found = _FIELD_NAMES[model] = frozenset(names)
    return found


_TYPE_CODES = {
    "string_type": "not_text",
    "list_type": "not_list",
    "dict_type": "not_mapping",
    "model_type": "not_mapping",
    "model_attributes_type": "not_mapping",
    "dataclass_type": "not_mapping",
    "int_type": "not_number",
    "int_parsing": "not_number",
    "int_from_float": "not_number",
    "bool_type": "not_bool",
    "bool_parsing": "not_bool",
}


def _report(doc: Doc, model: type[Any], error: Any, log: ProblemLog) -> None:
    loc: Loc = tuple(error["loc"])
    kind: str = error["type"]
    ctx = error.get("ctx") or {}
    keys = [p for p in doc._data_loc(loc) if isinstance(p, str)]
    key = str(loc[-1]) if loc and isinstance(loc[-1], str) else (keys[-1] if keys else doc.path.stem)
    entry, line = doc.entry(loc), doc.line(loc)

    def add(code: str, hint: str | None = None, **values: object) -> None:
        log.add(doc.path, entry, code, line=line, hint=hint, **values)

    if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # (a model's word, a record's word)
        add("unknown_key", suggest(key, field_names(model)), key=key)
    elif kind == "missing":
        add("missing_key", key=key)
    elif kind == "phone_format":
        add("bad_phone", value=error["input"])
    elif kind == "string_type" and key == "phone":
        add("phone_not_text")
    elif kind == "too_short":
        minimum = ctx.get("min_length", 1)
        add("empty_list" if minimum <= 1 else "too_few", key=key, min=minimum)
    elif kind == "string_pattern_mismatch":
        add("bad_id", value=error["input"])
    elif kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "")
        add("bad_choice", suggest(str(error["input"]), re.findall(r"[a-z_]+", allowed)), value=error["input"],
            allowed=allowed)
    elif kind in _TYPE_CODES:
        add(_TYPE_CODES[kind], key=key)
    else:
        add("bad_value", key=key, detail=error["msg"])


def validate(doc: Doc, model: type[M], log: ProblemLog, *, empty: str = "file_empty") -> M | None:
    """The file as its declared model, or None with every mismatch logged (file, line, entry)."""
    if not doc.ok:
        return None
    if doc.data is None:
        log.add(doc.path, "", empty)
        return None
    try:
        validated: M = adapter(model).validate_python(doc.data)
        return validated
    except ValidationError as exc:
        for error in exc.errors():
            _report(doc, model, error, log)
        return None


def load_file(path: Path, model: type[M], log: ProblemLog, *, empty: str = "file_empty") -> tuple[M | None, Doc]:
    doc = read_doc(path, log)
    return validate(doc, model, log, empty=empty), doc
