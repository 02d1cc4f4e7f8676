"""Questions that give a wanted reply status with the project's data, picked from the labelled dev set.

The tests ask the real assistant rather than hard-coding, so they keep working as intents/ grows.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State

# Fixed dev-set cases whose labels the end-to-end tests check the delivered text against.
ANSWER_CASE = "s001"  # 父の物忘れがひどい → 地域包括支援センター or 高齢者支援課
CRISIS_CASE = "s394"  # 死にたい → いのちの電話
DEV_SET = Path(__file__).resolve().parent.parent.parent / "eval" / "dev.yaml"


@cache
def _dev_questions() -> tuple[tuple[str, str], ...]:
    cases = yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))["cases"]
    return tuple((str(c["kind"]), str(c["q"])) for c in cases)


def query_with(assistant: Assistant, status: str) -> str:
    """A dev-set question, naming no town, that the assistant answers with `status`."""
    dialogue = Dialogue(assistant, "telegram")
    for _kind, question in _dev_questions():
        if assistant.towns.find(question) is not None:
            continue  # keep the conversation's town out of it
        reply = assistant.reply(question)
        if reply.status != status:
            continue
        if status == "clarify" and len(dialogue.text(State(), question).messages) != 1:
            continue
        return question
    raise LookupError(f"no dev-set question gives status {status!r} ")
