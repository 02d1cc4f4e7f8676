"""What one dialogue step gives back, for any channel: messages with their choices, the new state, events.

Kept apart from the dialogue so its flows (bot.core.selfcheck) and every channel share the types.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.choices import ChoiceData, pack
from bot.core.events import LogEvent
from bot.core.reply import Reply


@dataclass(frozen=True)
class Choice:
    label: str
    data: str  # packed by bot.core.choices


def choice(label: str, data: ChoiceData) -> Choice:
    return Choice(label, pack(data))


@dataclass(frozen=True)
class Message:
    text: str
    choices: tuple[Choice, ...] = ()
    reply: Reply | None = None


@dataclass(frozen=True)
class State:
    town_id: str | None = None
    chome: int | None = None
    step: str | None = None  # the self-check question being asked
    awaiting_town_for: str | None = None  # a card to answer once the town is known
    last_topic: str | None = None
    easy: bool = False  # replies in やさしい日本語 with readings (/easy, /yasashii or the button)


@dataclass(frozen=True)
class Turn:
    messages: tuple[Message, ...]
    state: State
    events: tuple[LogEvent, ...] = ()
    # For a button press: the first message is a new view of the same list (a channel that can edit
    # shows it in place of the pressed message) …
    in_place: bool = False
    # … or the pressed message's buttons are spent: it keeps these choices (None: leave it as it is).
    pressed_keeps: tuple[Choice, ...] | None = None
