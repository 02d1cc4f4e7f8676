"""One core, many channels: the core imports no channel, a channel imports no other channel, and nothing
imports a library's private modules (they change without notice between versions)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.config import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"
CHANNEL_LIBRARIES = ("telegram", "linebot", "aiohttp")


def imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_private_module_of_a_library_is_imported() -> None:
    private = [
        f"{path.relative_to(PROJECT_ROOT)}: {name}"
        for path in BOT.rglob("*.py")
        for name in imports(path)
        if not name.startswith("bot") and any(part.startswith("_") for part in name.split(".")[1:])
    ]
    assert private == []


def test_the_core_imports_no_channel() -> None:
    for path in (BOT / "core").rglob("*.py"):
        for name in imports(path):
            assert not name.startswith(("bot.handlers", *CHANNEL_LIBRARIES)), f"{path.name}: {name}"


def test_a_channel_imports_no_other_channel() -> None:
    for channel, other in (("telegram", "line"), ("line", "telegram")):
        for path in (BOT / "handlers" / channel).rglob("*.py"):
            assert not [n for n in imports(path) if n.startswith(f"bot.handlers.{other}")], path.name
