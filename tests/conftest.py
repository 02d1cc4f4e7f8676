"""Shared fixtures: the real project data and the real Sudachi dictionary, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.core.assistant import Assistant, build_assistant
from bot.data.bundle import AssistantData
from bot.data.check import load_data

DATA_DIR = PROJECT_ROOT
FACTS_DIR = PROJECT_ROOT.parent / "shared" / "facts"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the project's assistant once, before any worker starts, so its disk cache is warm and every
    `kodaira-bot` child process the tests start reads it instead of building the same data again."""
    if not hasattr(session.config, "workerinput"):  # the controller (or a run without workers)
        build_assistant(DATA_DIR)


@pytest.hookimpl(trylast=True)  # after tests/e2e/conftest.py has marked its tests
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first (in their usual order): both workers start on the long ones and finish on
    short ones, instead of one waiting for the other's last fuzz chunk at the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def project_data() -> AssistantData:
    return load_data(DATA_DIR)


@pytest.fixture(scope="session")
def assistant(project_data: AssistantData) -> Assistant:
    return build_assistant(DATA_DIR, "main", data=project_data)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of knowledge/ and intents/ for tests that break or edit the data."""
    import shutil

    for name in ("knowledge", "intents"):
        shutil.copytree(DATA_DIR / name, tmp_path / name)
    return tmp_path
