"""The conversation core shared by every channel: menu, clarify, town, guardianship self-check, feedback.

Pure: a `State` and an input (text or a choice's data) go in; a `Turn` (messages to show, the new
state, log events) comes out. Channels render `Choice`s as buttons (Telegram) or numbered lines
(console) and send the chosen `data` back. `data` is at most 64 bytes (Telegram's callback limit)
and always validated: a forged or stale value gets a polite "please try again", never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core.assistant import Assistant
from bot.core.contacts import full_source
from bot.core.crisis import CrisisAssessment
from bot.core.events import Channel, EventKind, LogEvent
from bot.core.reply import Reply
from bot.core.sentences import without_repeats
from bot.core.towns import TownMatch
from bot.data import Card, iter_windows_of
from bot.language.text import analyzer, clean, normalize, strip_emoji

MAX_CHOICE_DATA_BYTES = 64

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
    "・記録について知りたいときは /privacy と送ってください。"
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
ASK_TOPIC = "困っていることに近いものを選んでください。文字で書いて送ることもできます。"
ASK_TOWN = "住んでいる町を選んでください。町名を文字で送ることもできます（例：小川西町、はなこがねい）。"
FEEDBACK_THANKS = {
    "u": "ありがとうございます。お役に立ててうれしいです。",
    "d": "ご意見ありがとうございます。もっと役に立てるよう直していきます。",
}


@dataclass(frozen=True)
class Choice:
    label: str
    data: str


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


@dataclass(frozen=True)
class Turn:
    messages: tuple[Message, ...]
    state: State
    events: tuple[LogEvent, ...] = ()


def _bare(text: str) -> str:
    """Text without punctuation, emoji and spaces, for matching a greeting typed as 「こんにちは！😊」."""
    return re.sub(r"[\W_]+", "", strip_emoji(normalize(text)))


MENU = (
    Choice("相談先をさがす", "m:find"),
    Choice("住んでいる町からさがす", "m:town"),
    Choice("成年後見制度のしくみ", "m:guard"),
    Choice("緊急のとき", "m:crisis"),
)


class Dialogue:
    def __init__(self, assistant: Assistant, channel: Channel) -> None:
        self.assistant = assistant
        self.channel = channel
        self.knowledge = assistant.data.knowledge
        self._smalltalk = {
            _bare(phrase): talk.reply for talk in assistant.data.intents.smalltalk for phrase in talk.phrases
        }

    # --- entry points -------------------------------------------------------------------------

    def start(self, state: State) -> Turn:
        return Turn((Message(GREETING, MENU),), replace(state, step=None, awaiting_town_for=None))

    def help(self, state: State) -> Turn:
        return Turn((Message(HELP, MENU),), state)

    def privacy(self, state: State) -> Turn:
        return Turn((Message(PRIVACY),), state)

    def text(self, state: State, text: str) -> Turn:
        text = clean(text)
        assessment = self.assistant.assess(text)
        crisis = self.crisis_turn(state, text, assessment)
        if crisis is not None:
            return crisis
        if state.step is not None:
            answer = self._typed_answer(state.step, text)
            if answer is not None:
                return self._self_check_answer(state, state.step, answer)
            state = replace(state, step=None)
        chat = self._smalltalk.get(_bare(text))
        if chat is not None:
            return Turn((Message(chat, MENU),), state)
        named = self.assistant.towns.find(text)
        if named is not None:
            state = replace(state, town_id=named.town.id, chome=named.chome)
            if self._only_town(text, named):
                return self._town_set(state, named)
        reply = self.assistant.matched_reply(text, self._town(state), assessment=assessment)
        return self._reply_turn(replace(state, awaiting_town_for=None), reply, text)

    def unread(self, state: State, text: str, notice: str) -> Turn:
        """A message the dialogue does not answer (an edit, a photo, a sticker …). Its words (the edited
        text, a caption) still get the crisis check first; otherwise `notice`, with the emergency line."""
        crisis = self.crisis_turn(state, clean(text)) if text.strip() else None
        return crisis or Turn((Message(f"{notice}\n{self._net_line}"),), state)

    def choose(self, state: State, data: str) -> Turn:
        data = clean(data)
        if len(data.encode()) > MAX_CHOICE_DATA_BYTES or ":" not in data:
            return self._stale(state)
        kind, _, value = data.partition(":")
        handler = {
            "m": self._menu_choice,
            "c": self._category,
            "t": self._topic_choice,
            "w": self._town_choice,
            "g": self._self_check_choice,
            "f": self._feedback,
            "s": self._source,
        }.get(kind)
        return handler(state, value) if handler else self._stale(state)

    # --- helpers ------------------------------------------------------------------------------

    def crisis_turn(self, state: State, text: str, assessment: CrisisAssessment | None = None) -> Turn | None:
        """The crisis turn when `text` needs one, else None: the first check on every resident's words."""
        crisis = self.assistant.crisis_reply(clean(text), self._town(state), assessment)
        if crisis is None:
            return None
        # The crisis reply wins over any flow in progress; the flow is left so nothing blocks it.
        return self._reply_turn(replace(state, step=None, awaiting_town_for=None), crisis, text)

    @property
    def _net_line(self) -> str:
        """110, 119 and a 24-hour line: on every reply that is not an answer."""
        return self.assistant.composer.safety.net_line()

    def _town(self, state: State) -> TownMatch | None:
        town = self.assistant.towns.by_id(state.town_id) if state.town_id else None
        return TownMatch(town, state.chome) if town else None

    def _event(self, reply: Reply, state: State, text: str | None, kind: EventKind = "message") -> LogEvent:
        return LogEvent(
            kind=kind,
            channel=self.channel,
            status=reply.status,
            topic=reply.topic,
            area=state.town_id,
            score=reply.score,
            unmatched_text=text if reply.status == "no_match" else None,
        ).stamped()

    def _reply_turn(self, state: State, reply: Reply, text: str | None, kind: EventKind = "message") -> Turn:
        choices: tuple[Choice, ...]
        if reply.status == "answer" and reply.topic:
            state = replace(state, last_topic=reply.topic)
            card = self.knowledge.cards[reply.topic]
            extra: tuple[Choice, ...] = ()
            if card.needs_town and state.town_id is None:
                state = replace(state, awaiting_town_for=card.id)
                extra = (Choice("町をえらぶ", "m:town"),)
            if card.group == "guardianship":
                extra = (*extra, Choice("かんたんチェック", "g:start"))
            choices = (
                Choice("👍 役に立った", f"f:u:{card.id}"),
                Choice("👎 役に立たなかった", f"f:d:{card.id}"),
                *extra,
                Choice("出典をくわしく", f"s:{card.id}"),
            )
        elif reply.status == "clarify":
            choices = (
                *(Choice(title, f"t:{topic}") for topic, title in reply.alternatives),
                Choice("どれでもない", "m:none"),
            )
        elif reply.status == "no_match":
            choices = MENU[:3]
        else:
            choices = ()
        return Turn((Message(reply.text, choices, reply),), state, (self._event(reply, state, text, kind),))

    def _stale(self, state: State) -> Turn:
        return Turn((Message(f"{STALE}\n{self._net_line}", MENU),), replace(state, step=None))

    def _only_town(self, text: str, named: TownMatch) -> bool:
        """True when the message is just a town (「小川西町です」), with no question besides it."""
        rest = normalize(text)
        for name in (named.town.name, named.town.kana):
            rest = rest.replace(normalize(name), "")
        analysis = analyzer().analyse(rest)
        return not [lemma for lemma in analysis.content_lemmas if lemma not in ("住む", "丁目", "町", "在住")]

    def _town_set(self, state: State, named: TownMatch) -> Turn:
        last = self.knowledge.cards.get(state.last_topic) if state.last_topic else None
        pending = state.awaiting_town_for or (
            last.id if last and self.assistant.composer.depends_on_town(last) else None
        )
        if pending and pending in self.knowledge.cards:
            reply = self.assistant.composer.answer(named.label, self.knowledge.cards[pending], 1.0, named)
            return self._reply_turn(replace(state, awaiting_town_for=None), reply, None, "clarify_choice")
        card = self.knowledge.cards.get("town_centre")
        if card is not None:
            reply = self.assistant.composer.answer(named.label, card, 1.0, named)
            return self._reply_turn(state, reply, None, "clarify_choice")
        return Turn((Message(f"{named.label}ですね。覚えておきます。", MENU),), state)

    # --- choices ------------------------------------------------------------------------------

    def _menu_choice(self, state: State, value: str) -> Turn:
        if value == "find":
            return Turn((Message(ASK_TOPIC, tuple(Choice(c.label, f"c:{c.id}") for c in self.knowledge.menu)),), state)
        if value == "town":
            choices = tuple(Choice(t.name, f"w:{t.id}") for t in self.knowledge.towns)
            if state.town_id:
                choices = (*choices, Choice("町の設定を消す", "w:-"))
            return Turn((Message(ASK_TOWN, choices),), state)
        if value == "guard":
            card = self.knowledge.cards.get("guardianship_overview")
            if card is None:
                return self._self_check_choice(state, "start")
            reply = self.assistant.composer.answer("成年後見制度のしくみ", card, 1.0, self._town(state))
            return self._reply_turn(state, reply, None, "clarify_choice")
        if value == "crisis":
            reply = self.assistant.composer.crisis("緊急のとき", ("general",), self._town(state))
            return Turn((Message(reply.text, (), reply),), replace(state, step=None))
        if value == "none":
            reply = self.assistant.composer.no_match("", self._town(state))
            return Turn((Message(reply.text, MENU[:3], reply),), state)
        return self._stale(state)

    def _category(self, state: State, value: str) -> Turn:
        category = next((c for c in self.knowledge.menu if c.id == value), None)
        if category is None:
            return self._stale(state)
        choices = tuple(
            Choice(self.knowledge.cards[t].title, f"t:{t}") for t in category.topics if t in self.knowledge.cards
        )
        return Turn((Message(f"「{category.label}」の中から選んでください。", choices),), state)

    def _topic_choice(self, state: State, value: str) -> Turn:
        card: Card | None = self.knowledge.cards.get(value)
        if card is None:
            return self._stale(state)
        reply = self.assistant.composer.answer(card.title, card, 1.0, self._town(state))
        return self._reply_turn(replace(state, step=None), reply, None, "clarify_choice")

    def _town_choice(self, state: State, value: str) -> Turn:
        if value == "-":
            return Turn((Message("町の設定を消しました。", MENU),), replace(state, town_id=None, chome=None))
        town = self.assistant.towns.by_id(value)
        if town is None:
            return self._stale(state)
        return self._town_set(replace(state, town_id=town.id, chome=None), TownMatch(town))

    def _feedback(self, state: State, value: str) -> Turn:
        vote, _, topic = value.partition(":")
        if vote not in FEEDBACK_THANKS or topic not in self.knowledge.cards:
            return self._stale(state)
        event = LogEvent(
            kind="feedback",
            channel=self.channel,
            topic=topic,
            area=state.town_id,
            feedback="up" if vote == "u" else "down",
        ).stamped()
        return Turn((Message(FEEDBACK_THANKS[vote]),), state, (event,))

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

    def _source(self, state: State, value: str) -> Turn:
        return self.source(state, value) if value in self.knowledge.cards else self._stale(state)

    # --- guardianship self-check ----------------------------------------------------------------

    def _question_message(self, qid: str, intro: str = "") -> Message:
        check = self.knowledge.self_check
        assert check is not None
        q = check.questions[qid]
        choices = tuple(Choice(a.label, f"g:{qid}:{i}") for i, a in enumerate(q.answers))
        text = f"{intro}\n\n{q.text}" if intro else q.text
        return Message(text, (*choices, Choice("やめる", "g:x")))

    def _self_check_choice(self, state: State, value: str) -> Turn:
        check = self.knowledge.self_check
        if check is None:
            return self._stale(state)
        if value == "start":
            return Turn((self._question_message(check.start, check.intro),), replace(state, step=check.start))
        if value == "x":
            return Turn(
                (Message("チェックをやめました。ほかに知りたいことがあれば書いてください。", MENU),),
                replace(state, step=None),
            )
        qid, _, index = value.partition(":")
        # isascii: "①".isdigit() is true too, and int() refuses it.
        if state.step != qid or qid not in check.questions or not (index.isascii() and index.isdigit()):
            return self._stale(state)
        answers = check.questions[qid].answers
        if int(index) >= len(answers):
            return self._stale(state)
        return self._self_check_answer(state, qid, int(index))

    def _typed_answer(self, qid: str, text: str) -> int | None:
        check = self.knowledge.self_check
        if check is None or qid not in check.questions:
            return None
        typed = normalize(text).rstrip("。.!！")
        for i, a in enumerate(check.questions[qid].answers):
            if typed == normalize(a.label):
                return i
        return None

    def _self_check_answer(self, state: State, qid: str, index: int) -> Turn:
        check = self.knowledge.self_check
        assert check is not None
        nxt = check.questions[qid].answers[index].next
        if nxt in check.questions:
            return Turn((self._question_message(nxt),), replace(state, step=nxt))
        result = check.results[nxt]
        card = self.knowledge.cards[result.card]
        # The result in its own words instead of the card's summary (they say the same thing), the
        # closing after the windows: who to call stays on the first screen.
        reply = self.assistant.composer.answer(card.title, card, 1.0, self._town(state), intro=result.text)
        lines = reply.text.split("\n")
        at = len(lines) - 2 if lines[-1].startswith("出典：") else len(lines)  # the source line stays last
        text = "\n".join(without_repeats([*lines[:at], "", check.closing, *lines[at:]]))
        event = self._event(reply, state, None, "clarify_choice")
        return Turn((Message(text, MENU[:3], replace(reply, text=text)),), replace(state, step=None), (event,))
