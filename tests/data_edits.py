"""Edits a clerk makes to a copy of the data while a bot runs on it: for the reload tests."""

from __future__ import annotations

from pathlib import Path

from bot.review.promote import add_example

QUESTION = "エンディングノートの書き方"  # no_match on the project's data
TOPIC = "guardianship_nini"
TOPIC_TITLE = "任意後見制度"
TOPIC_FILE = Path("intents") / "topics" / "guardianship.yaml"


def add_the_example(data_dir: Path) -> None:
    """What a clerk (or `review promote`) does: QUESTION as one more example of TOPIC, comments kept."""
    path = data_dir / TOPIC_FILE
    updated = add_example(path.read_text(encoding="utf-8"), TOPIC, QUESTION)
    assert updated is not None
    path.write_text(updated, encoding="utf-8")


def break_the_yaml(data_dir: Path) -> None:
    """A slip while editing: an unclosed bracket at the end of the topic file."""
    path = data_dir / TOPIC_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\n  - topic: [guardianship_nini\n", encoding="utf-8")
