"""The dialogue core, driven exactly as a channel drives it."""

from __future__ import annotations

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State, Turn
from tests.wording import BACK, MORE, STALE, UNKNOWN_COMMAND


@pytest.fixture(scope="module")
def dialogue(assistant: Assistant) -> Dialogue:
    return Dialogue(assistant, "console")


def datas(turn: Turn) -> list[str]:
    return [c.data for m in turn.messages for c in m.choices]


def test_start_shows_the_four_menu_buttons(dialogue: Dialogue) -> None:
    turn = dialogue.start(State())
    assert [c.label for c in turn.messages[0].choices] == [
        "相談先をさがす",
        "住んでいる町からさがす",
        "成年後見制度のしくみ",
        "緊急のとき",
    ]


def test_menu_category_topic_answer_feedback(dialogue: Dialogue) -> None:
    state = State()
    turn = dialogue.choose(state, "m:find")
    assert "c:menu_elderly" in datas(turn)
    turn = dialogue.choose(turn.state, "c:menu_elderly")
    assert "t:dementia_consult" in datas(turn)
    turn = dialogue.choose(turn.state, "t:dementia_consult")
    assert turn.messages[0].reply is not None and turn.messages[0].reply.topic == "dementia_consult"
    assert "f:u:dementia_consult" in datas(turn)
    assert turn.events[0].kind == "clarify_choice" and turn.events[0].unmatched_text is None
    thanks = dialogue.choose(turn.state, "f:u:dementia_consult")
    assert thanks.events[0].kind == "feedback" and thanks.events[0].feedback == "up"


@pytest.mark.parametrize(("choice_bytes", "max_choices"), [(64, None), (300, 13)])  # Telegram's, LINE's limits
def test_every_reachable_choice_fits_the_channel_and_is_understood(
    assistant: Assistant, choice_bytes: int, max_choices: int | None
) -> None:
    dialogue = Dialogue(assistant, "test", choice_bytes=choice_bytes, max_choices=max_choices)
    seen: set[str] = set()
    frontier = [(State(), d) for d in datas(dialogue.start(State()))]
    while frontier:
        state, data = frontier.pop()
        if data in seen:
            continue
        seen.add(data)
        assert len(data.encode()) <= choice_bytes, data
        turn = dialogue.choose(state, data)
        assert turn.messages and not turn.messages[0].text.startswith(STALE), data
        assert max_choices is None or all(len(m.choices) <= max_choices for m in turn.messages), data
        frontier.extend((turn.state, d) for d in datas(turn))
    assert len(seen) > 60


@pytest.mark.parametrize(
    "data",
    [
        "",
        "x",
        "t:nope",
        "c:nope",
        "w:nope",
        "g:q_unknown:0",
        "f:u:nope",
        "m:nope",
        "z:1",
        "t:" + "a" * 80,
        "g:start:9:9",
        "f:maybe:dv",
    ],
)
def test_forged_choices_get_a_polite_retry(dialogue: Dialogue, data: str) -> None:
    turn = dialogue.choose(State(), data)
    assert turn.messages[0].text.startswith(STALE) and "119（救急）" in turn.messages[0].text
    assert turn.events == ()


def test_town_by_button_is_kept_and_used(dialogue: Dialogue) -> None:
    turn = dialogue.choose(State(), "m:town")
    assert len([d for d in datas(turn) if d.startswith("w:")]) == 22
    town_id = next(d for d in datas(turn) if d.startswith("w:"))[2:]
    turn = dialogue.choose(turn.state, f"w:{town_id}")
    assert turn.state.town_id == town_id
    answer = dialogue.text(turn.state, "父の物忘れがひどい")
    reply = answer.messages[0].reply
    assert reply is not None and reply.area is not None
    assert answer.events[0].area == town_id
    cleared = dialogue.choose(answer.state, "w:-")
    assert cleared.state.town_id is None


def test_typed_kana_town_alone_sets_the_town(dialogue: Dialogue) -> None:
    turn = dialogue.text(State(), "はなこがねいです")
    assert turn.state.town_id is not None
    assert "花小金井" in turn.messages[0].text


def test_topic_that_needs_a_town_asks_for_it_then_answers(dialogue: Dialogue) -> None:
    turn = dialogue.choose(State(), "t:town_centre")
    assert turn.state.awaiting_town_for == "town_centre"
    assert "m:town" in datas(turn)
    turn = dialogue.text(turn.state, "小川西町")
    assert turn.state.awaiting_town_for is None
    assert "小川西町" in turn.messages[0].text


def _walk_self_check(dialogue: Dialogue, state: State, pick: int) -> Turn:
    turn = dialogue.choose(state, "g:start")
    while turn.state.step is not None:
        answers = [d for d in datas(turn) if d.startswith("g:") and d != "g:x"]
        turn = dialogue.choose(turn.state, answers[min(pick, len(answers) - 1)])
    return turn


def test_self_check_reaches_a_result_that_names_the_family_court(dialogue: Dialogue) -> None:
    for pick in (0, 1, 2):
        turn = _walk_self_check(dialogue, State(), pick)
        text = turn.messages[0].text
        assert "家庭裁判所" in text
        assert "権利擁護センターこだいら" in text


def test_self_check_cancel_and_stale_answer(dialogue: Dialogue) -> None:
    turn = dialogue.choose(State(), "g:start")
    question_choice = next(d for d in datas(turn) if d.startswith("g:") and d != "g:x")
    cancelled = dialogue.choose(turn.state, "g:x")
    assert cancelled.state.step is None
    stale = dialogue.choose(cancelled.state, question_choice)
    assert stale.messages[0].text.startswith(STALE)


def test_typed_answer_label_answers_the_question(dialogue: Dialogue) -> None:
    """Typing a button's label (「難しいことがある。」) moves the check on exactly as pressing it would.

    An unrecognised text ends the check (step None), so the assertion names the step the label leads
    to, taken from guardianship.yaml, and the result the shortest label reaches.
    """
    check = dialogue.knowledge.self_check
    assert check is not None
    start = check.questions[check.start]
    onward = next(a for a in start.answers if a.next in check.questions)
    turn = dialogue.choose(State(), "g:start")
    typed = dialogue.text(turn.state, onward.label + "。")
    assert typed.state.step == onward.next
    assert typed.messages[0].text == check.questions[onward.next].text
    assert typed.events == ()  # a step of the check, not a question for the log
    final = next(a for a in start.answers if a.next in check.results)
    done = dialogue.text(dialogue.choose(State(), "g:start").state, final.label)
    assert done.state.step is None
    assert check.results[final.next].text in done.messages[0].text  # after who to call first (issue 14)


def test_crisis_in_the_middle_of_the_self_check_wins(dialogue: Dialogue) -> None:
    turn = dialogue.choose(State(), "g:start")
    crisis = dialogue.text(turn.state, "もう死にたい")
    reply = crisis.messages[0].reply
    assert reply is not None and reply.status == "crisis"
    assert crisis.state.step is None
    assert crisis.events[0].status == "crisis" and crisis.events[0].unmatched_text is None


def test_events_carry_text_only_for_no_match(dialogue: Dialogue) -> None:
    answered = dialogue.text(State(), "生活費が足りなくて困っています")
    assert answered.events[0].unmatched_text is None
    missed = dialogue.text(State(), "駐輪場の場所を教えて")
    assert missed.events[0].status == "no_match"
    assert missed.events[0].unmatched_text == "駐輪場の場所を教えて"


def test_clarify_offers_each_candidate_and_none(dialogue: Dialogue, assistant: Assistant) -> None:
    cards = assistant.data.knowledge.cards
    reply = assistant.composer.clarify("q", [(cards["dv"], 0.3), (cards["women_consult"], 0.3)], None)
    turn = dialogue.reply_turn(State(), reply, "q")
    assert datas(turn) == ["t:dv", "t:women_consult", "m:none"]
    none = dialogue.choose(turn.state, "m:none")
    assert none.messages[0].reply is not None and none.messages[0].reply.status == "no_match"


@pytest.mark.parametrize("text", ["こんにちは", "こんにちは！😊", "ありがとうございました。", "Hello"])
def test_greetings_and_thanks_get_a_friendly_reply_not_an_apology(dialogue: Dialogue, text: str) -> None:
    turn = dialogue.text(State(), text)
    assert "ごめんなさい" not in turn.messages[0].text
    assert turn.messages[0].choices
    assert turn.events == ()


def test_a_greeting_inside_a_question_is_still_a_question(dialogue: Dialogue) -> None:
    turn = dialogue.text(State(), "こんにちは。母の物忘れが心配です")
    reply = turn.messages[0].reply
    assert reply is not None and reply.topic == "dementia_consult"


def test_a_capped_channel_gets_the_towns_in_pages_with_more_and_back(assistant: Assistant) -> None:
    capped = Dialogue(assistant, "test", max_choices=13)
    towns = {f"w:{t.id}" for t in assistant.data.knowledge.towns}
    shown: set[str] = set()
    turn = capped.choose(State(), "m:town")
    for _ in range(3):
        labels = [c.label for c in turn.messages[0].choices]
        assert len(labels) <= 13 and labels[-2:] == [MORE, BACK]
        shown |= {d for d in datas(turn) if d.startswith("w:")}
        turn = capped.choose(turn.state, datas(turn)[-2])
        assert turn.in_place
    assert shown == towns  # every town reachable through 「ほかの候補」


def test_every_sub_list_has_back_and_back_shows_the_parent_in_place(dialogue: Dialogue) -> None:
    topics = dialogue.choose(State(), "m:find")
    assert not topics.in_place and topics.messages[0].choices[-1].label == BACK
    category = dialogue.choose(topics.state, "c:menu_elderly")
    assert category.in_place and category.messages[0].choices[-1].label == BACK
    up = dialogue.choose(category.state, category.messages[0].choices[-1].data)
    assert up.in_place and up.messages[0].text == topics.messages[0].text
    home = dialogue.choose(up.state, up.messages[0].choices[-1].data)
    assert home.in_place and [c.data for c in home.messages[0].choices][:4] == datas(dialogue.start(State()))


def test_a_vote_spends_only_the_vote_buttons(dialogue: Dialogue) -> None:
    answer = dialogue.choose(State(), "t:guardianship_overview")
    assert answer.pressed_keeps == ()  # the list it was picked from is spent
    extras = [c for c in answer.messages[0].choices if not c.data.startswith("f:")]
    assert extras and "かんたんチェック" not in [c.label for c in extras]
    thanks = dialogue.choose(answer.state, "f:u:guardianship_overview")
    assert thanks.pressed_keeps == tuple(extras)


@pytest.mark.parametrize("command", ["/weather", "/stats", "/unmatched@kodaira_bot", "/export 明日の天気"])
def test_unknown_commands_are_answered_as_commands_and_never_logged(dialogue: Dialogue, command: str) -> None:
    turn = dialogue.text(State(), command)
    assert turn.messages[0].text.startswith(UNKNOWN_COMMAND) and "119" in turn.messages[0].text
    assert turn.events == ()


def test_words_after_any_command_get_the_crisis_check(dialogue: Dialogue) -> None:
    for command in ("/start もう死にたい", "/weather もう死にたい"):
        reply = dialogue.text(State(), command).messages[0].reply
        assert reply is not None and reply.status == "crisis", command


def test_help_offers_privacy_as_a_choice_not_a_command(dialogue: Dialogue) -> None:
    turn = dialogue.text(State(), "/help")
    assert "/privacy" not in turn.messages[0].text
    privacy = dialogue.choose(turn.state, datas(turn)[-1])
    assert privacy.messages[0].text.startswith("記録について")


def test_easy_mode_is_kept_for_the_conversation_and_keeps_every_number(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "console")
    on = dialogue.in_easy_japanese(dialogue.text(State(), "/yasashii"))
    assert on.state.easy and "（よ" not in on.messages[0].text[:2]
    answer = dialogue.in_easy_japanese(dialogue.text(on.state, "ヤングケアラーの相談はどこ？"))
    reply = answer.messages[0].reply
    assert reply is not None and reply.easy and "相談（そうだん）" in answer.messages[0].text
    assert answer.state.easy
    crisis = dialogue.in_easy_japanese(dialogue.text(answer.state, "もう死にたい"))
    assert "110" in crisis.messages[0].text and "119" in crisis.messages[0].text
    assert all(str(w.phone) in crisis.messages[0].text for w in crisis.messages[0].reply.windows)  # type: ignore[union-attr]
    off = dialogue.text(crisis.state, "/easy")
    assert not off.state.easy


def test_a_kana_only_message_is_offered_easy_mode(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "console")
    turn = dialogue.text(State(), "おかね ない どこ そうだん")
    assert "やさしい にほんご" in [c.label for c in turn.messages[0].choices]
    pressed = dialogue.choose(turn.state, turn.messages[0].choices[-1].data)
    assert pressed.state.easy
    plain = dialogue.text(State(), "生活費が足りない")
    assert "やさしい にほんご" not in [c.label for c in plain.messages[0].choices]


def test_a_newcomers_spaced_japanese_is_offered_easy_mode(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "console")
    turn = dialogue.text(State(), "わたし 仕事 ない。 家賃 払う できない。 相談 どこ")
    assert "やさしい にほんご" in [c.label for c in turn.messages[0].choices]
