"""What a resident reads first, and that nothing is said twice: over every card, self-check result and town."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State
from bot.core.opening import TOKYO
from bot.core.sentences import repeated_sentences
from bot.core.towns import TownMatch

FIRST_SCREEN = 200
MOMENTS = (datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO), datetime(2026, 12, 6, 3, 0, tzinfo=TOKYO))


def _town_states(assistant: Assistant) -> list[TownMatch | None]:
    towns = assistant.data.knowledge.towns
    return [None, *(TownMatch(t) for t in towns), TownMatch(towns[0], towns[0].chome[-1] if towns[0].chome else None)]


@pytest.mark.parametrize("at", MOMENTS)
def test_every_answer_names_who_to_call_on_the_first_screen(assistant: Assistant, at: datetime) -> None:
    composer = assistant.at(at).composer
    late = []
    for card in assistant.data.knowledge.cards.values():
        reply = composer.answer(card.title, card, 1.0, None)
        first = reply.windows[0]
        assert first.phone, card.id  # the first window named is one with a number
        head = reply.text[:FIRST_SCREEN]
        if first.name not in head or first.phone not in head:
            late.append(card.id)
    assert not late


def test_no_reply_repeats_a_sentence(assistant: Assistant) -> None:
    composer = assistant.at(MOMENTS[1]).composer
    repeats = {}
    for card in dict.fromkeys(assistant.data.knowledge.cards.values()):
        for town in _town_states(assistant):
            found = repeated_sentences(composer.answer(card.title, card, 1.0, town).text)
            if found:
                repeats[(card.id, town.label if town else None)] = found
    for kind in (None, *assistant.composer.safety._serving):
        reply = composer.crisis("q", (kind,) if kind else (), None)
        if repeated_sentences(reply.text):
            repeats[("crisis", kind)] = repeated_sentences(reply.text)
    assert not repeats


def test_no_self_check_result_repeats_a_sentence(assistant: Assistant) -> None:
    check = assistant.data.knowledge.self_check
    assert check is not None
    dialogue = Dialogue(assistant, "console")
    paths: dict[str, list[int]] = {}
    # Walk every answer path of the decision tree to each result.
    stack: list[tuple[str, list[int]]] = [(check.start, [])]
    while stack:
        qid, path = stack.pop()
        for index, answer in enumerate(check.questions[qid].answers):
            if answer.next in check.questions:
                stack.append((answer.next, [*path, index]))
            else:
                paths.setdefault(answer.next, [*path, index])
    assert set(paths) == set(check.results)
    for town in (None, assistant.data.knowledge.towns[0].id):
        for result, path in paths.items():
            state = State(town_id=town)
            turn = dialogue.choose(state, "g:start")
            for index in path:
                turn = dialogue.choose(turn.state, f"g:{turn.state.step}:{index}")
            text = turn.messages[-1].text
            assert check.results[result].text in text
            assert repeated_sentences(text) == [], (result, town)
            card = assistant.data.knowledge.cards[check.results[result].card]
            assert card.summary not in text  # the result says it in its own words
            reply = turn.messages[-1].reply
            assert reply is not None and reply.windows[0].phone and reply.windows[0].phone in text[:FIRST_SCREEN]


def test_source_is_one_short_line_and_the_full_citation_one_button_away(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "console")
    turn = dialogue.choose(State(), "t:guardianship_hosa")
    source_lines = [line for line in turn.messages[0].text.splitlines() if line.startswith("出典：")]
    assert len(source_lines) == 1 and len(source_lines[0]) <= 45
    button = next(c for c in turn.messages[0].choices if c.data.startswith("s:"))
    full = dialogue.choose(turn.state, button.data).messages[0].text
    card = assistant.data.knowledge.cards["guardianship_hosa"]
    assert card.source and card.source.split(";")[0].strip() in full


def test_a_known_town_adds_no_sentence_to_answers_that_do_not_depend_on_it(assistant: Assistant) -> None:
    card = assistant.data.knowledge.cards["seikatsu_konkyu"] if "seikatsu_konkyu" in assistant.data.knowledge.cards \
        else next(c for c in assistant.data.knowledge.cards.values() if not assistant.composer.depends_on_town(c))
    town = TownMatch(assistant.data.knowledge.towns[0])
    with_town = assistant.composer.answer("q", card, 1.0, town).text
    without = assistant.composer.answer("q", card, 1.0, None).text
    assert with_town == without
