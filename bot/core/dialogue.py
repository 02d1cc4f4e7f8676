"""The conversation core shared by every channel: menu, clarify, town, guardianship self-check, feedback.

Pure: a `State` and an input (text, a command, or a choice's data) go in; a `Turn` (messages to show,
the new state, log events, and what becomes of the message whose button was pressed) comes out.
Channels render `Choice`s as buttons (Telegram), quick replies (LINE) or numbered lines (console) and
send the chosen `data` back; `bot.core.choices` packs and checks it against the channel's size limit.
A channel with a cap on buttons per message (`max_choices`) gets long lists in pages, each with a
「ほかの候補」 choice. The dialogue knows no channel: only its name (for the log) and these two limits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace

from bot.core.assistant import Assistant
from bot.core.choices import (
    CategoryPick,
    CheckAnswer,
    CheckCancel,
    CheckStart,
    ChoiceData,
    EasyMode,
    Nav,
    SourcePick,
    TopicPick,
    TownPick,
    Vote,
    unpack,
)
from bot.core.contacts import full_source
from bot.core.crisis import CrisisAssessment
from bot.core.events import Channel, EventKind, LogEvent
from bot.core.reply import Composer, Reply
from bot.core.selfcheck import SelfCheckFlow
from bot.core.towns import TownMatch
from bot.core.turns import Choice, Message, State, Turn, choice
from bot.data import Say, Wording, iter_windows_of
from bot.language.register import writes_simply
from bot.language.text import clean, normalize, strip_emoji

__all__ = ["Choice", "Dialogue", "Message", "Notice", "State", "Turn", "choice", "menu_of"]

# What a channel says about a message it cannot read (a photo, an edit): built from the wording, in
# the conversation's mode (easy or not), so the channel need not know the mode.
Notice = Callable[[Wording, bool], str]

# Typed commands every channel understands ("/start", "/help@this_bot …"); the rest are unknown commands.
COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?", re.DOTALL)
MENU_WORDS = frozenset({"メニュー", "めにゅー", "menu", "はじめから", "最初から"})


def _bare(text: str) -> str:
    """Text without punctuation, emoji and spaces, for matching a greeting typed as 「こんにちは！😊」."""
    return re.sub(r"[\W_]+", "", strip_emoji(normalize(text)))


def menu_of(wording: Wording, easy: bool = False) -> tuple[Choice, ...]:
    """The main menu: find, by town, guardianship, emergencies (the labels are data)."""
    b = wording.buttons
    return (
        choice(b.find.pick(easy), Nav("find")),
        choice(b.town.pick(easy), Nav("town")),
        choice(b.guardianship.pick(easy), Nav("guard")),
        choice(b.crisis.pick(easy), Nav("crisis")),
    )


EASY_COMMANDS = frozenset({"easy", "yasashii"})


class Dialogue:
    def __init__(
        self, assistant: Assistant, channel: Channel, *, choice_bytes: int | None = None, max_choices: int | None = None
    ) -> None:
        self.assistant = assistant
        self.channel = channel
        self.choice_bytes = choice_bytes  # the channel's limit on a choice's data (bytes)
        self.max_choices = max_choices  # the channel's limit on choices under one message
        self.knowledge = assistant.data.knowledge
        self.city = self.knowledge.municipality
        self.say = self.city.wording
        self.check = SelfCheckFlow(self)
        self._smalltalk = {
            _bare(phrase): talk.reply for talk in assistant.data.intents.smalltalk for phrase in talk.phrases
        }

    # --- entry points -------------------------------------------------------------------------

    def menu(self, state: State) -> tuple[Choice, ...]:
        return menu_of(self.say, state.easy)

    def _say(self, say: Say, state: State) -> str:
        """A fixed sentence in the conversation's mode (its easy version where one is written)."""
        return say.pick(state.easy)

    def _button(self, say: Say, data: ChoiceData, state: State) -> Choice:
        return choice(say.pick(state.easy), data)

    def start(self, state: State) -> Turn:
        text = self._say(self.say.start.greeting, state)
        return Turn((Message(text, self.menu(state)),), replace(state, step=None, awaiting_town_for=None))

    def help(self, state: State) -> Turn:
        b = self.say.buttons
        mode = b.easy_off if state.easy else b.easy_on
        switch = self._button(mode, EasyMode(not state.easy), state)
        choices = (*self.menu(state), switch, self._button(b.privacy, Nav("privacy"), state))
        return Turn((Message(self._say(self.say.start.help, state), choices),), state)

    def easy_mode(self, state: State, on: bool) -> Turn:
        """やさしい日本語 on or off; the choice is kept for the conversation."""
        state = replace(state, easy=on)
        if on:
            plain = self._button(self.say.buttons.easy_off, EasyMode(False), state)
            return Turn((Message(self._say(self.say.start.easy_on, state), (*self.menu(state), plain)),), state)
        return Turn((Message(self._say(self.say.start.easy_off, state), self.menu(state)),), state)

    def in_easy_japanese(self, turn: Turn) -> Turn:
        """The turn's messages with readings, when the conversation is in easy mode (the last step)."""
        if not turn.state.easy:
            return turn
        messages = []
        for message in turn.messages:
            if message.reply is not None and message.reply.easy:
                messages.append(message)  # composed in easy mode already
                continue
            reply = self.assistant.in_easy_japanese(message.reply) if message.reply is not None else None
            text = reply.text if reply is not None else self.assistant.readings(message.text)
            messages.append(replace(message, text=text, reply=reply))
        return replace(turn, messages=tuple(messages))

    def privacy(self, state: State) -> Turn:
        return Turn((Message(self._say(self.say.start.privacy, state)),), state)

    def command(self, state: State, name: str, words: str = "") -> Turn:
        """A typed /command. Words after it are a resident's words: the crisis check reads them first.
        An unknown command (or one this resident may not use) is answered as a command, never matched
        as a question or logged as unmatched."""
        crisis = self.crisis_turn(state, words) if words.strip() else None
        if crisis is not None:
            return crisis
        if name.lower() in EASY_COMMANDS:
            return self.easy_mode(state, not state.easy)
        entry = {"start": self.start, "menu": self.start, "help": self.help, "privacy": self.privacy}.get(name.lower())
        if entry is not None:
            return entry(state)
        unknown = self._say(self.say.start.unknown_command, state)
        return Turn((Message(f"{unknown}\n{self.net_line(state)}", self.menu(state)),), state)

    def text(self, state: State, text: str) -> Turn:
        text = clean(text)
        command = COMMAND.fullmatch(text.strip())
        if command is not None:
            return self.command(state, command.group(1), command.group(2) or "")
        assessment = self.assistant.assess(text)
        crisis = self.crisis_turn(state, text, assessment)
        if crisis is not None:
            return crisis
        if state.step is not None:
            answered = self.check.typed(state, text)
            if answered is not None:
                return answered
            state = replace(state, step=None)
        if _bare(text) in MENU_WORDS:
            return self.start(state)
        chat = self._smalltalk.get(_bare(text))
        if chat is not None:
            return Turn((Message(chat, self.menu(state)),), state)
        named = self.assistant.towns.find(text)
        if named is not None:
            state = replace(state, town_id=named.town.id, chome=named.chome)
            if self.assistant.towns.only_town(text, named):
                return self._town_set(state, named)
        reply = self.assistant.matched_reply(text, self.town_of(state), assessment=assessment, easy=state.easy)
        turn = self.reply_turn(replace(state, awaiting_town_for=None), reply, text)
        if not state.easy and writes_simply(text):  # a child or a newcomer, perhaps: offer easy mode
            first = turn.messages[0]
            offer = self._button(self.say.buttons.easy_on, EasyMode(True), state)
            turn = replace(turn, messages=(replace(first, choices=(*first.choices, offer)), *turn.messages[1:]))
        return turn

    def unread(self, state: State, text: str, notice: Notice) -> Turn:
        """A message the dialogue does not answer (an edit, a photo, a sticker …). Its words (the edited
        text, a caption) still get the crisis check first; otherwise the channel's `notice` (built from
        the wording, in the conversation's mode), with the emergency line."""
        crisis = self.crisis_turn(state, clean(text)) if text.strip() else None
        return crisis or Turn((Message(f"{notice(self.say, state.easy)}\n{self.net_line(state)}"),), state)

    def choose(self, state: State, data: str) -> Turn:
        chosen = unpack(clean(data), self.choice_bytes)
        match chosen:
            case Nav():
                return self._nav(state, chosen)
            case CategoryPick(category, page):
                return self._category(state, category, page)
            case TopicPick(topic):
                return self._topic_choice(state, topic)
            case TownPick(town):
                return self._town_choice(state, town)
            case CheckStart():
                return self.check.start(state)
            case CheckCancel():
                return self.check.cancel(state)
            case CheckAnswer(question, index):
                return self.check.answer(state, question, index)
            case Vote(up, topic):
                return self._feedback(state, up, topic)
            case SourcePick(topic):
                return self.source(state, topic) if topic in self.knowledge.cards else self.stale(state)
            case EasyMode(on):
                return self.easy_mode(state, on)
        return self.stale(state)

    # --- helpers ------------------------------------------------------------------------------

    def crisis_turn(self, state: State, text: str, assessment: CrisisAssessment | None = None) -> Turn | None:
        """The crisis turn when `text` needs one, else None: the first check on every resident's words."""
        crisis = self.assistant.crisis_reply(clean(text), self.town_of(state), assessment, easy=state.easy)
        if crisis is None:
            return None
        # The crisis reply wins over any flow in progress; the flow is left so nothing blocks it.
        return self.reply_turn(replace(state, step=None, awaiting_town_for=None), crisis, text)

    def net_line(self, state: State) -> str:
        """110, 119 and a 24-hour line: on every reply that is not an answer, in both modes."""
        return self.assistant.composer.safety.net_line(easy=state.easy)

    def _compose(self, state: State) -> Composer:
        return self.assistant.composer_for(state.easy)

    def town_of(self, state: State) -> TownMatch | None:
        town = self.assistant.towns.by_id(state.town_id) if state.town_id else None
        return TownMatch(town, state.chome) if town else None

    def event(self, reply: Reply, state: State, text: str | None, kind: EventKind = "message") -> LogEvent:
        return LogEvent(
            kind=kind,
            channel=self.channel,
            status=reply.status,
            topic=reply.topic,
            area=state.town_id,
            score=reply.score,
            unmatched_text=text if reply.status == "no_match" else None,
        ).stamped()

    def fit(self, choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
        """The choices whose data the channel can carry (ids are short; this guards a long one in data)."""
        limit = self.choice_bytes
        return choices if limit is None else tuple(c for c in choices if len(c.data.encode()) <= limit)

    def answer_extras(self, card_id: str, state: State) -> tuple[Choice, ...]:
        """What an answer offers besides feedback: the town picker when it needs a town, the self-check,
        the full citation (the reply shows the source in one short line)."""
        card = self.knowledge.cards[card_id]
        b = self.say.buttons
        extra: tuple[Choice, ...] = ()
        if card.needs_town and state.town_id is None:
            extra = (self._button(b.pick_town, Nav("town"), state),)
        if card.group == "guardianship":
            extra = (*extra, self._button(b.self_check, CheckStart(), state))
        if card.source:
            extra = (*extra, self._button(b.source, SourcePick(card.id), state))
        return extra

    def reply_turn(
        self,
        state: State,
        reply: Reply,
        text: str | None,
        kind: EventKind = "message",
        *,
        pressed_keeps: tuple[Choice, ...] | None = None,
    ) -> Turn:
        choices: tuple[Choice, ...]
        if reply.status == "answer" and reply.topic:
            state = replace(state, last_topic=reply.topic)
            card = self.knowledge.cards[reply.topic]
            if card.needs_town and state.town_id is None:
                state = replace(state, awaiting_town_for=card.id)
            choices = (
                self._button(self.say.buttons.helpful, Vote(True, card.id), state),
                self._button(self.say.buttons.not_helpful, Vote(False, card.id), state),
                *self.answer_extras(card.id, state),
            )
        elif reply.status == "clarify":
            choices = (
                *(choice(title, TopicPick(topic)) for topic, title in reply.alternatives),
                self._button(self.say.buttons.none_of_these, Nav("none"), state),
            )
        elif reply.status == "no_match":
            choices = self.menu(state)[:3]
        else:
            choices = ()
        message = Message(reply.text, self.fit(choices), reply)
        return Turn((message,), state, (self.event(reply, state, text, kind),), pressed_keeps=pressed_keeps)

    def stale(self, state: State) -> Turn:
        stale = self._say(self.say.start.stale, state)
        return Turn((Message(f"{stale}\n{self.net_line(state)}", self.menu(state)),), replace(state, step=None))

    def paged(
        self,
        items: tuple[Choice, ...],
        tail: tuple[Choice, ...],
        page: int,
        more: Callable[[int], ChoiceData],
        state: State,
    ) -> tuple[Choice, ...]:
        """`items` then `tail` (戻る …), within the channel's cap: a page of items and a 「ほかの候補」
        choice (`more`, for the next page, the last page leading back to the first)."""
        items, tail = self.fit(items), self.fit(tail)
        cap = self.max_choices
        if cap is None or len(items) + len(tail) <= cap:
            return (*items, *tail)
        size = max(1, cap - len(tail) - 1)
        pages = math.ceil(len(items) / size)
        page = min(page, pages - 1)
        following = self._button(self.say.buttons.more, more((page + 1) % pages), state)
        return (*items[page * size : (page + 1) * size], *self.fit((following,)), *tail)

    def _town_set(self, state: State, named: TownMatch, pressed_keeps: tuple[Choice, ...] | None = None) -> Turn:
        last = self.knowledge.cards.get(state.last_topic) if state.last_topic else None
        pending = state.awaiting_town_for or (
            last.id if last and self.assistant.composer.depends_on_town(last) else None
        )
        if pending and pending in self.knowledge.cards:
            reply = self._compose(state).answer(named.label, self.knowledge.cards[pending], 1.0, named)
            state = replace(state, awaiting_town_for=None)
            return self.reply_turn(state, reply, None, "clarify_choice", pressed_keeps=pressed_keeps)
        card = self.knowledge.cards.get(self.city.cards.town_centre)
        if card is not None:
            reply = self._compose(state).answer(named.label, card, 1.0, named)
            return self.reply_turn(state, reply, None, "clarify_choice", pressed_keeps=pressed_keeps)
        noted = self.say.prompts.town_noted.fill(state.easy, town=named.label)
        return Turn((Message(noted, self.menu(state)),), state, pressed_keeps=pressed_keeps)

    # --- choices ------------------------------------------------------------------------------

    def _nav(self, state: State, nav: Nav) -> Turn:
        in_list = nav.page is not None  # pressed inside a list: the new view takes the list's place
        page = nav.page or 0
        b, prompts = self.say.buttons, self.say.prompts
        if nav.item == "home":
            return Turn((Message(self._say(self.say.start.menu, state), self.menu(state)),), state, in_place=in_list)
        if nav.item == "find":
            categories = tuple(choice(c.label, CategoryPick(c.id)) for c in self.knowledge.menu)
            back = (self._button(b.back, Nav("home", 0), state),)
            choices = self.paged(categories, back, page, lambda p: Nav("find", p), state)
            return Turn((Message(self._say(prompts.ask_topic, state), choices),), state, in_place=in_list)
        if nav.item == "town":
            towns = tuple(choice(t.name, TownPick(t.id)) for t in self.knowledge.towns)
            tail = (self._button(b.clear_town, TownPick(None), state),) if state.town_id else ()
            tail = (*tail, self._button(b.back, Nav("home", 0), state))
            choices = self.paged(towns, tail, page, lambda p: Nav("town", p), state)
            return Turn((Message(self._say(prompts.ask_town, state), choices),), state, in_place=in_list)
        if nav.item == "guard":
            card = self.knowledge.cards.get(self.city.cards.guardianship)
            if card is None:
                return self.check.start(state)
            reply = self._compose(state).answer(b.guardianship.text, card, 1.0, self.town_of(state))
            return self.reply_turn(state, reply, None, "clarify_choice")
        if nav.item == "crisis":
            reply = self._compose(state).crisis(b.crisis.text, ("general",), self.town_of(state))
            return Turn((Message(reply.text, (), reply),), replace(state, step=None))
        if nav.item == "none":
            reply = self._compose(state).no_match("", self.town_of(state))
            return Turn((Message(reply.text, self.menu(state)[:3], reply),), state, pressed_keeps=())
        return self.privacy(state)

    def _category(self, state: State, category_id: str, page: int) -> Turn:
        category = next((c for c in self.knowledge.menu if c.id == category_id), None)
        if category is None:
            return self.stale(state)
        cards = self.knowledge.cards
        topics = tuple(choice(cards[t].title, TopicPick(t)) for t in category.topics if t in cards)
        back = (self._button(self.say.buttons.back, Nav("find", 0), state),)
        choices = self.paged(topics, back, page, lambda p: CategoryPick(category.id, p), state)
        text = self.say.prompts.category.fill(state.easy, category=category.label)
        return Turn((Message(text, choices),), state, in_place=True)

    def _topic_choice(self, state: State, topic: str) -> Turn:
        card = self.knowledge.cards.get(topic)
        if card is None:
            return self.stale(state)
        reply = self._compose(state).answer(card.title, card, 1.0, self.town_of(state))
        return self.reply_turn(replace(state, step=None), reply, None, "clarify_choice", pressed_keeps=())

    def _town_choice(self, state: State, town_id: str | None) -> Turn:
        if town_id is None:
            cleared = replace(state, town_id=None, chome=None)
            text = self._say(self.say.prompts.town_cleared, state)
            return Turn((Message(text, self.menu(state)),), cleared, pressed_keeps=())
        town = self.assistant.towns.by_id(town_id)
        if town is None:
            return self.stale(state)
        return self._town_set(replace(state, town_id=town.id, chome=None), TownMatch(town), pressed_keeps=())

    def source(self, state: State, topic: str | None = None) -> Turn:
        """The full citation of a card (the last answered one by default): the reply shows one short line."""
        card = self.knowledge.cards.get(topic or state.last_topic or "")
        prompts = self.say.prompts
        if card is None:
            return Turn((Message(self._say(prompts.no_source_yet, state)),), state)
        windows = [w for w in iter_windows_of(self.knowledge, card) if w.source]
        lines = [prompts.source_title.fill(state.easy, title=card.title), full_source(card.source, card.source_date)]
        for w in windows:
            lines += [prompts.source_window.fill(state.easy, window=w.name), full_source(w.source, w.source_date)]
        return Turn((Message("\n".join(lines)),), state)

    def _feedback(self, state: State, up: bool, topic: str) -> Turn:
        if topic not in self.knowledge.cards:
            return self.stale(state)
        event = LogEvent(
            kind="feedback", channel=self.channel, topic=topic, area=state.town_id, feedback="up" if up else "down"
        ).stamped()
        # The vote buttons are spent; the answer keeps its other choices (the town picker, the check).
        keeps = self.fit(self.answer_extras(topic, state))
        thanks = self.say.prompts.thanks_helpful if up else self.say.prompts.thanks_not_helpful
        return Turn((Message(self._say(thanks, state)),), state, (event,), pressed_keeps=keeps)
