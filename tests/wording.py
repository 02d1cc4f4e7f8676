"""The project's municipality data (knowledge/municipality.yaml) for tests: the fixed sentences as the
resident reads them in normal mode, the main menu, and the masking with the city's place names."""

from __future__ import annotations

from pathlib import Path

from bot.core.dialogue import menu_of
from bot.data import Municipality, Wording, load_knowledge
from bot.storage import masking

ROOT = Path(__file__).resolve().parent.parent

MUNICIPALITY: Municipality = load_knowledge(ROOT / "knowledge").municipality
WORDING: Wording = MUNICIPALITY.wording
PLACES = masking.Places.of(MUNICIPALITY)

GREETING = WORDING.start.greeting.text
HELP = WORDING.start.help.text
PRIVACY = WORDING.start.privacy.text
STALE = WORDING.start.stale.text
UNKNOWN_COMMAND = WORDING.start.unknown_command.text
MENU_TEXT = WORDING.start.menu.text
ASK_TOPIC = WORDING.prompts.ask_topic.text
ASK_TOWN = WORDING.prompts.ask_town.text
BACK = WORDING.buttons.back.text
MORE = WORDING.buttons.more.text
MENU = menu_of(WORDING)
EDITED = WORDING.notices.edited.text


def mask(text: str) -> str:
    """The log's masking as the bot runs it: the towns and the city kept."""
    return masking.mask(text, PLACES)
