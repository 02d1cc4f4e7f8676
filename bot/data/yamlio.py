"""Reading staff-edited YAML forgivingly: a mistake becomes a Problem with file and line, never a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.data.problems import ProblemLog

# libyaml's loader when PyYAML was built with it: the same safe subset, about ten times faster on
# the crisis corpus (thousands of lines read at every start and every `kb check`).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, log: ProblemLog) -> Any:
    """Parse one YAML file; a syntax error becomes a problem naming the line."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_SAFE_LOADER)
    except FileNotFoundError:
        log.add(path, "", "file is missing")
    except UnicodeDecodeError:
        log.add(path, "", "file is not UTF-8 text")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        log.add(path, where, f"YAML syntax error: {reason}")
    return None


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def ids_of(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None)
    return ()


def entries_of(data: Any, key: str, path: Path, log: ProblemLog) -> list[dict[str, Any]]:
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        log.add(path, "", f"expected a top-level '{key}:' list")
        return []
    out: list[dict[str, Any]] = []
    for index, item in enumerate(data[key]):
        if isinstance(item, dict):
            out.append(item)
        else:
            log.add(path, f"{key}[{index}]", "entry is not a mapping (key: value)")
    return out
