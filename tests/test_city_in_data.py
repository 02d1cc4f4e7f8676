"""The municipality lives in data, not code: no city name, no town name in bot/ outside comments and
docstrings (issue 11: `grep -rn 小平 bot/` finds nothing but comments)."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from tests.wording import MUNICIPALITY, ROOT

CITY_WORDS = ("小平", "こだいら", "Kodaira")
TOWN_WORDS = tuple(name for town in MUNICIPALITY.towns for name in (town.name, town.kana))


def _docstrings(tree: ast.AST) -> set[tuple[int, int]]:
    """Where each docstring starts (line, column): a module's, class's or function's first string."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add((first.lineno, first.col_offset))
    return found


def words_in_code(source: str, words: tuple[str, ...]) -> list[tuple[int, str]]:
    """(line, word) for each of `words` in the code of `source`: strings and names, not comments or
    docstrings."""
    docstrings = _docstrings(ast.parse(source))
    hits = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE) or tok.start in docstrings:
            continue
        hits += [(tok.start[0], word) for word in words if word in tok.string]
    return hits


def city_in_code(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        for line, word in words_in_code(path.read_text(encoding="utf-8"), (*CITY_WORDS, *TOWN_WORDS)):
            found.append(f"{path.relative_to(package.parent)}:{line}: {word}")
    return found


def test_no_city_or_town_name_is_written_in_the_code() -> None:
    assert city_in_code(ROOT / "bot") == []


def test_the_scan_sees_strings_and_f_strings_but_not_comments_or_docstrings() -> None:
    source = '''"""Module docstring about 小平."""
# a comment about 小川西町
def f() -> str:
    """About こだいら."""
    x = 1  # Kodaira
    return f"{x}小平市"
GREETING = "小川西町へようこそ"
'''
    assert words_in_code(source, (*CITY_WORDS, *TOWN_WORDS)) == [(6, "小平"), (7, "小川西町")]


def test_the_towns_come_from_the_data() -> None:
    assert len(MUNICIPALITY.towns) == 22 and "花小金井南町" in TOWN_WORDS and "おがわにしまち" in TOWN_WORDS
