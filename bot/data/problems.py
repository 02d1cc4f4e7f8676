"""Data problems found while loading knowledge/ and intents/, reported as file, entry and message."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


@dataclass
class ProblemLog:
    """Collects problems while loading so one run reports all of them, not only the first."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: Path | str, entry: str, message: str) -> None:
        path = Path(file)
        try:
            shown = str(path.relative_to(self.root))
        except ValueError:
            shown = str(path)
        self.problems.append(Problem(shown, entry, message))


class DataError(Exception):
    """Raised when the data cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
