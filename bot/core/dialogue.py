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
from bot.data import iter_windows_of
from bot.language.text import analyzer, clean, normalize, strip_emoji

__all__ = ["MENU", "Choice", "Dialogue", "Message", "State", "Turn", "choice"]

GREETING = (
    "こんにちは。小平市の福祉の相談先をご案内する「こだいら福祉あんない」です。\n"
    "困っていることを短く書いて送るか、下のボタンを選んでください。\n"
    "例：「母の物忘れが心配」「生活費が足りない」「成年後見ってなに」\n"
    "※医療や法律の判断はできません。相談先をご案内します。"
)
HELP = (
    "使い方\n"
    "・困っていることを、ふつうの言葉で書いて送ってください。\n"
    "・住んでいる町を教えていただくと、町に合わせてご案内します。\n"
    "・命の危険があるときは、すぐに 110（警察）か 119（救急）に電話してください。\n"
    "・記録について知りたいときは「記録について」を選んでください。"
)
PRIVACY = (
    "記録について\n"
    "・お名前、アカウントの番号、電話番号は記録しません。\n"
    "・答えられた質問は、文章を残さず「どの話題だったか」だけを数えます。\n"
    "・答えられなかった質問は、サービスをよくするため、名前・電話番号・住所の番地などを消してから残します。"
    "残した文章は一定の期間（ふつうは90日）がたつと消します。\n"
    "・命に関わるご相談の文章は残しません。\n"
    "・記録を見られるのは、市の担当職員だけです。"
)
STALE = "ごめんなさい。このボタンは古いか、読み取れませんでした。もう一度メニューから選んでください。"
UNKNOWN_COMMAND = "そのコマンドはありません。下のメニューから選ぶか、困っていることを文字で書いて送ってください。"
MENU_TEXT = "知りたいことを選んでください。困っていることを文字で書いて送ることもできます。"
ASK_TOPIC = "困っていることに近いものを選んでください。文字で書いて送ることもできます。"
ASK_TOWN = "住んでいる町を選んでください。町名を文字で送ることもできます（例：小川西町、はなこがねい）。"
BACK = "戻る"
MORE = "ほかの候補"
CHECK_LABEL = "どの後見制度が合うかチェック"
FEEDBACK_THANKS = {
    True: "ありがとうございます。お役に立ててうれしいです。",
    False: "ご意見ありがとうございます。もっと役に立てるよう直していきます。",
}
# Typed commands every channel understands ("/start", "/help@this_bot …"); the rest are unknown commands.
COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?", re.DOTALL)
MENU_WORDS = frozenset({"メニュー", "めにゅー", "menu", "はじめから", "最初から"})


def _bare(text: str) -> str:
    """Text without punctuation, emoji and spaces, for matching a greeting typed as 「こんにちは！😊」."""
    return re.sub(r"[\W_]+", "", strip_emoji(normalize(text)))


MENU = (
    choice("相談先をさがす", Nav("find")),
    choice("住んでいる町からさがす", Nav("town")),
    choice("成年後見制度のしくみ", Nav("guard")),
    choice("緊急のとき", Nav("crisis")),
)
PRIVACY_CHOICE = choice("記録について", Nav("privacy"))
EASY_CHOICE = choice("やさしい にほんご", EasyMode(True))
PLAIN_CHOICE = choice("ふつうの 日本語", EasyMode(False))
EASY_ON = (
    "やさしい 日本語で 答えます。漢字には よみがなを つけます。\n"
    "ふつうの 日本語に もどすときは、下の ボタンを おすか、/easy と 送って ください。"
)
EASY_OFF = "ふつうの日本語で答えます。やさしい日本語にするときは /easy と送ってください。"
EASY_COMMANDS = frozenset({"easy", "yasashii"})
# A message in kana only (no kanji) may come from a child or a newcomer: the reply offers easy mode.
_KANA_ONLY_MESSAGE = re.compile(r"[ぁ-ゖァ-ヺー\s、。！？!?]{4,}")


class Dialogue:
    def __init__(
        self, assistant: Assistant, channel: Channel, *, choice_bytes: int | None = None, max_choices: int | None = None
    ) -> None:
        self.assistant = assistant
        self.channel = channel
        self.choice_bytes = choice_bytes  # the channel's limit on a choice's data (bytes)
        self.max_choices = max_choices  # the channel's limit on choices under one message
        self.knowledge = assistant.data.knowledge
        self.check = SelfCheckFlow(self, MENU)
        self._smalltalk = {
            _bare(phrase): talk.reply for talk in assistant.data.intents.smalltalk for phrase in talk.phrases
        }

    # --- entry points -------------------------------------------------------------------------

    def start(self, state: State) -> Turn:
        return Turn((Message(GREETING, MENU),), replace(state, step=None, awaiting_town_for=None))

    def help(self, state: State) -> Turn:
        return Turn((Message(HELP, (*MENU, PLAIN_CHOICE if state.easy else EASY_CHOICE, PRIVACY_CHOICE)),), state)

    def easy_mode(self, state: State, on: bool) -> Turn:
        """やさしい日本語 on or off; the choice is kept for the conversation."""
        if on:
            return Turn((Message(EASY_ON, (*MENU, PLAIN_CHOICE)),), replace(state, easy=True))
        return Turn((Message(EASY_OFF, MENU),), replace(state, easy=False))

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
        return Turn((Message(PRIVACY),), state)

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
        return Turn((Message(f"{UNKNOWN_COMMAND}\n{self._net_line}", MENU),), state)

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
            return Turn((Message(chat, MENU),), state)
        named = self.assistant.towns.find(text)
        if named is not None:
            state = replace(state, town_id=named.town.id, chome=named.chome)
            if self._only_town(text, named):
                return self._town_set(state, named)
        reply = self.assistant.matched_reply(text, self.town_of(state), assessment=assessment, easy=state.easy)
        turn = self.reply_turn(replace(state, awaiting_town_for=None), reply, text)
        if not state.easy and _KANA_ONLY_MESSAGE.fullmatch(text.strip()):
            first = turn.messages[0]
            turn = replace(turn, messages=(replace(first, choices=(*first.choices, EASY_CHOICE)), *turn.messages[1:]))
        return turn

    def unread(self, state: State, text: str, notice: str) -> Turn:
        """A message the dialogue does not answer (an edit, a photo, a sticker …). Its words (the edited
        text, a caption) still get the crisis check first; otherwise `notice`, with the emergency line."""
        crisis = self.crisis_turn(state, clean(text)) if text.strip() else None
        return crisis or Turn((Message(f"{notice}\n{self._net_line}"),), state)

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

    @property
    def _net_line(self) -> str:
        """110, 119 and a 24-hour line: on every reply that is not an answer."""
        return self.assistant.composer.safety.net_line()

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
        extra: tuple[Choice, ...] = ()
        if card.needs_town and state.town_id is None:
            extra = (choice("町をえらぶ", Nav("town")),)
        if card.group == "guardianship":
            extra = (*extra, choice(CHECK_LABEL, CheckStart()))
        if card.source:
            extra = (*extra, choice("出典をくわしく", SourcePick(card.id)))
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
                choice("👍 役に立った", Vote(True, card.id)),
                choice("👎 役に立たなかった", Vote(False, card.id)),
                *self.answer_extras(card.id, state),
            )
        elif reply.status == "clarify":
            choices = (
                *(choice(title, TopicPick(topic)) for topic, title in reply.alternatives),
                choice("どれでもない", Nav("none")),
            )
        elif reply.status == "no_match":
            choices = MENU[:3]
        else:
            choices = ()
        message = Message(reply.text, self.fit(choices), reply)
        return Turn((message,), state, (self.event(reply, state, text, kind),), pressed_keeps=pressed_keeps)

    def stale(self, state: State) -> Turn:
        return Turn((Message(f"{STALE}\n{self._net_line}", MENU),), replace(state, step=None))

    def paged(
        self, items: tuple[Choice, ...], tail: tuple[Choice, ...], page: int, more: Callable[[int], ChoiceData]
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
        following = choice(MORE, more((page + 1) % pages))
        return (*items[page * size : (page + 1) * size], *self.fit((following,)), *tail)

    def _only_town(self, text: str, named: TownMatch) -> bool:
        """True when the message is just a town (「小川西町です」), with no question besides it."""
        rest = normalize(text)
        for name in (named.town.name, named.town.kana):
            rest = rest.replace(normalize(name), "")
        analysis = analyzer().analyse(rest)
        return not [lemma for lemma in analysis.content_lemmas if lemma not in ("住む", "丁目", "町", "在住")]

    def _town_set(self, state: State, named: TownMatch, pressed_keeps: tuple[Choice, ...] | None = None) -> Turn:
        last = self.knowledge.cards.get(state.last_topic) if state.last_topic else None
        pending = state.awaiting_town_for or (
            last.id if last and self.assistant.composer.depends_on_town(last) else None
        )
        if pending and pending in self.knowledge.cards:
            reply = self._compose(state).answer(named.label, self.knowledge.cards[pending], 1.0, named)
            state = replace(state, awaiting_town_for=None)
            return self.reply_turn(state, reply, None, "clarify_choice", pressed_keeps=pressed_keeps)
        card = self.knowledge.cards.get("town_centre")
        if card is not None:
            reply = self._compose(state).answer(named.label, card, 1.0, named)
            return self.reply_turn(state, reply, None, "clarify_choice", pressed_keeps=pressed_keeps)
        return Turn((Message(f"{named.label}ですね。覚えておきます。", MENU),), state, pressed_keeps=pressed_keeps)

    # --- choices ------------------------------------------------------------------------------

    def _nav(self, state: State, nav: Nav) -> Turn:
        in_list = nav.page is not None  # pressed inside a list: the new view takes the list's place
        page = nav.page or 0
        if nav.item == "home":
            return Turn((Message(MENU_TEXT, MENU),), state, in_place=in_list)
        if nav.item == "find":
            categories = tuple(choice(c.label, CategoryPick(c.id)) for c in self.knowledge.menu)
            back = (choice(BACK, Nav("home", 0)),)
            choices = self.paged(categories, back, page, lambda p: Nav("find", p))
            return Turn((Message(ASK_TOPIC, choices),), state, in_place=in_list)
        if nav.item == "town":
            towns = tuple(choice(t.name, TownPick(t.id)) for t in self.knowledge.towns)
            tail = (choice("町の設定を消す", TownPick(None)),) if state.town_id else ()
            choices = self.paged(towns, (*tail, choice(BACK, Nav("home", 0))), page, lambda p: Nav("town", p))
            return Turn((Message(ASK_TOWN, choices),), state, in_place=in_list)
        if nav.item == "guard":
            card = self.knowledge.cards.get("guardianship_overview")
            if card is None:
                return self.check.start(state)
            reply = self._compose(state).answer("成年後見制度のしくみ", card, 1.0, self.town_of(state))
            return self.reply_turn(state, reply, None, "clarify_choice")
        if nav.item == "crisis":
            reply = self._compose(state).crisis("緊急のとき", ("general",), self.town_of(state))
            return Turn((Message(reply.text, (), reply),), replace(state, step=None))
        if nav.item == "none":
            reply = self._compose(state).no_match("", self.town_of(state))
            return Turn((Message(reply.text, MENU[:3], reply),), state, pressed_keeps=())
        return self.privacy(state)

    def _category(self, state: State, category_id: str, page: int) -> Turn:
        category = next((c for c in self.knowledge.menu if c.id == category_id), None)
        if category is None:
            return self.stale(state)
        cards = self.knowledge.cards
        topics = tuple(choice(cards[t].title, TopicPick(t)) for t in category.topics if t in cards)
        choices = self.paged(topics, (choice(BACK, Nav("find", 0)),), page, lambda p: CategoryPick(category.id, p))
        return Turn((Message(f"「{category.label}」の中から選んでください。", choices),), state, in_place=True)

    def _topic_choice(self, state: State, topic: str) -> Turn:
        card = self.knowledge.cards.get(topic)
        if card is None:
            return self.stale(state)
        reply = self._compose(state).answer(card.title, card, 1.0, self.town_of(state))
        return self.reply_turn(replace(state, step=None), reply, None, "clarify_choice", pressed_keeps=())

    def _town_choice(self, state: State, town_id: str | None) -> Turn:
        if town_id is None:
            cleared = replace(state, town_id=None, chome=None)
            return Turn((Message("町の設定を消しました。", MENU),), cleared, pressed_keeps=())
        town = self.assistant.towns.by_id(town_id)
        if town is None:
            return self.stale(state)
        return self._town_set(replace(state, town_id=town.id, chome=None), TownMatch(town), pressed_keeps=())

    def source(self, state: State, topic: str | None = None) -> Turn:
        """The full citation of a card (the last answered one by default): the reply shows one short line."""
        card = self.knowledge.cards.get(topic or state.last_topic or "")
        if card is None:
            return Turn((Message("出典を表示できる答えがまだありません。先にご相談の内容を送ってください。"),), state)
        windows = [w for w in iter_windows_of(self.knowledge, card) if w.source]
        lines = [f"【{card.title}】の出典", full_source(card.source, card.source_date)]
        for w in windows:
            lines += [f"{w.name}の連絡先・受付時間", full_source(w.source, w.source_date)]
        return Turn((Message("\n".join(lines)),), state)

    def _feedback(self, state: State, up: bool, topic: str) -> Turn:
        if topic not in self.knowledge.cards:
            return self.stale(state)
        event = LogEvent(
            kind="feedback", channel=self.channel, topic=topic, area=state.town_id, feedback="up" if up else "down"
        ).stamped()
        # The vote buttons are spent; the answer keeps its other choices (the town picker, the check).
        keeps = self.fit(self.answer_extras(topic, state))
        return Turn((Message(FEEDBACK_THANKS[up]),), state, (event,), pressed_keeps=keeps)
