"""The guardianship self-check: a few questions about the person, then the guardianship type that may fit.

The questions, answers and results are data (knowledge/guardianship.yaml `self_check`); this module
walks them. An answer is a button or the answer's label typed; an answer to a question that is not the
one being asked (an old button) is stale.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.choices import CheckAnswer, CheckCancel
from bot.core.sentences import without_repeats
from bot.core.turns import Choice, Message, State, Turn, choice
from bot.language.text import normalize

if TYPE_CHECKING:
    from bot.core.dialogue import Dialogue

class SelfCheckFlow:
    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue

    def _question(self, state: State, qid: str, intro: str = "") -> Message:
        check = self.dialogue.knowledge.self_check
        assert check is not None
        question = check.questions[qid]
        answers = tuple(choice(a.label, CheckAnswer(qid, i)) for i, a in enumerate(question.answers))
        text = f"{intro}\n\n{question.text}" if intro else question.text
        stop = choice(self.dialogue.say.buttons.stop_check.pick(state.easy), CheckCancel())
        return Message(text, self.dialogue.fit((*answers, stop)))

    def start(self, state: State) -> Turn:
        check = self.dialogue.knowledge.self_check
        if check is None:
            return self.dialogue.stale(state)
        return Turn((self._question(state, check.start, check.intro),), replace(state, step=check.start))

    def cancel(self, state: State) -> Turn:
        cancelled = self.dialogue.say.prompts.check_cancelled.pick(state.easy)
        return Turn((Message(cancelled, self.dialogue.menu(state)),), replace(state, step=None), pressed_keeps=())

    def answer(self, state: State, qid: str, index: int) -> Turn:
        check = self.dialogue.knowledge.self_check
        if check is None or state.step != qid or qid not in check.questions:
            return self.dialogue.stale(state)
        if index >= len(check.questions[qid].answers):
            return self.dialogue.stale(state)
        return self._answered(state, qid, index, pressed_keeps=())

    def typed(self, state: State, text: str) -> Turn | None:
        """The turn for an answer typed as its label (「わからない」), or None when the text is not one."""
        check = self.dialogue.knowledge.self_check
        step = state.step
        if check is None or step is None or step not in check.questions:
            return None
        typed = normalize(text).rstrip("。.!！")
        for i, a in enumerate(check.questions[step].answers):
            if typed == normalize(a.label):
                return self._answered(state, step, i)
        return None

    def _answered(self, state: State, qid: str, index: int, pressed_keeps: tuple[Choice, ...] | None = None) -> Turn:
        check = self.dialogue.knowledge.self_check
        assert check is not None
        nxt = check.questions[qid].answers[index].next
        if nxt in check.questions:
            return Turn((self._question(state, nxt),), replace(state, step=nxt), pressed_keeps=pressed_keeps)
        result = check.results[nxt]
        card = self.dialogue.knowledge.cards[result.card]
        dialogue = self.dialogue
        # The result in its own words instead of the card's summary (they say the same thing), the
        # closing after the windows: who to call stays on the first screen.
        composer = dialogue.assistant.composer_for(state.easy)
        reply = composer.answer(card.title, card, 1.0, dialogue.town_of(state), intro=result.text)
        lines = reply.text.split("\n")
        at = len(lines) - 2 if lines[-1].startswith("出典：") else len(lines)  # the source line stays last
        text = "\n".join(without_repeats([*lines[:at], "", check.closing, *lines[at:]]))
        event = dialogue.event(reply, state, None, "clarify_choice")
        message = Message(text, self.dialogue.menu(state)[:3], replace(reply, text=text))
        return Turn((message,), replace(state, step=None), (event,), pressed_keeps=pressed_keeps)
