"""The fixed sentences in both modes: easy variants from knowledge/municipality.yaml in やさしい日本語 mode
(with readings added last), the ordinary ones otherwise, and the safety line on every reply that is not
an answer, in either mode."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from telegram import Chat, Location
from telegram import Message as TelegramMessage

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State, Turn
from bot.core.easy import kanji_words, kanji_words_with_reading
from bot.data import Say
from bot.data.municipality import sentences
from bot.handlers.line.events import edited as line_edited
from bot.handlers.telegram.media import edited, kind_notice
from tests.wording import WORDING

NOW = datetime(2025, 1, 6, tzinfo=UTC)


def without_readings(text: str) -> str:
    return re.sub(r"（[ぁ-ゖー]+）", "", text)


def easy_turn(dialogue: Dialogue, turn: Turn) -> str:
    """The first message of an easy-mode turn as the resident reads it (readings added)."""
    text = dialogue.in_easy_japanese(turn).messages[0].text
    assert kanji_words(text) == kanji_words_with_reading(text), text
    return text


# --- the easy texts themselves -----------------------------------------------------------------------

EASY = [(key, say) for key, _, say in sentences(WORDING) if say.easy]
REQUIRED_EASY = (
    "start.greeting", "start.help", "start.privacy", "start.menu", "fallbacks.no_match", "fallbacks.clarify",
    "fallbacks.maybe", "notices.unreadable", "notices.edited", "notices.location", "notices.contact",
    "buttons.find", "buttons.town", "buttons.guardianship", "buttons.crisis", "buttons.privacy", "buttons.back",
)


def _sentences(text: str) -> list[str]:
    """Sentences as the benchmark counts them (spaces between words not counted; a placeholder as one)."""
    return [s for s in re.split(r"[。？！\n]", re.sub(r"\{\w+\}", "X", text).replace(" ", "")) if s]


def test_the_easy_variants_the_issue_names_are_written() -> None:
    written = {key for key, _ in EASY}
    assert [key for key in REQUIRED_EASY if key not in written] == []


@pytest.mark.parametrize(("key", "say"), EASY, ids=[key for key, _ in EASY])
def test_each_easy_text_follows_the_guidelines(key: str, say: Say) -> None:
    assert say.easy is not None
    lengths = [len(s) for s in _sentences(say.easy)]
    assert statistics.mean(lengths) <= 30 and max(lengths) <= 60, (key, lengths)
    # です・ます: every sentence that ends in 。 ends politely (greetings and apologies aside).
    for sentence in re.findall(r"[^。\n]*。", say.easy.replace(" ", "")):
        body = re.sub(r"（[^）]*）。$", "。", sentence)
        polite = re.search(r"(です|ます|ますか|ください|ません|ました|ですね)」?。$", body)
        assert polite or body in ("こんにちは。", "ごめんなさい。"), (key, sentence)
    assert not re.search(r"ない(?:ことはない|ことも?ない|わけではない|とは限らない)|なくはない|なくもない", say.easy)
    if key.startswith("buttons."):
        assert len(say.easy) <= 20 and not re.search(r"[\u4e00-\u9fff]", say.easy)  # LINE's limit; no kanji


# --- easy mode uses them --------------------------------------------------------------------------------


def test_greeting_help_privacy_and_menus_are_easy_in_easy_mode(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "console")
    easy = State(easy=True)
    start = dialogue.start(easy)
    assert without_readings(easy_turn(dialogue, start)) == WORDING.start.greeting.easy
    assert [c.label for c in start.messages[0].choices][:2] == [WORDING.buttons.find.easy, WORDING.buttons.town.easy]
    help_turn = dialogue.help(easy)
    assert without_readings(easy_turn(dialogue, help_turn)) == WORDING.start.help.easy
    assert WORDING.buttons.privacy.easy in [c.label for c in help_turn.messages[0].choices]
    assert without_readings(easy_turn(dialogue, dialogue.privacy(easy))) == WORDING.start.privacy.easy
    home = dialogue.choose(easy, start.messages[0].choices[0].data)
    assert without_readings(easy_turn(dialogue, home)).startswith(WORDING.prompts.ask_topic.easy or "")
    assert WORDING.buttons.back.easy in [c.label for c in home.messages[0].choices]


def test_the_same_turns_stay_as_they_were_in_normal_mode(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "console")
    start = dialogue.start(State())
    assert start.messages[0].text == WORDING.start.greeting.text
    assert [c.label for c in start.messages[0].choices] == [
        "相談先をさがす", "住んでいる町からさがす", "成年後見制度のしくみ", "緊急のとき",
    ]
    assert dialogue.privacy(State()).messages[0].text.startswith("記録について\n・お名前")


def test_fallbacks_are_easy_in_easy_mode(assistant: Assistant) -> None:
    no_match = assistant.reply("明日の天気は?", easy=True)
    assert no_match.status == "no_match" and no_match.easy
    assert (WORDING.fallbacks.no_match.easy or "") in without_readings(no_match.text)
    plain = assistant.reply("明日の天気は?")
    assert plain.text.startswith(WORDING.fallbacks.no_match.text)
    composer = assistant.composer_for(True)
    cards = [assistant.data.knowledge.cards[c] for c in ("dementia_consult", "living_costs")]
    clarify = composer.clarify("?", [(c, 0.5) for c in cards], None)
    assert clarify.text.startswith(WORDING.fallbacks.clarify.easy or "")
    unsure = composer.clarify("?", [(c, 0.5) for c in cards], None, unsure=True)
    assert unsure.text.startswith(WORDING.fallbacks.maybe.easy or "")


def test_media_and_edit_notices_are_easy_in_easy_mode(assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "telegram")
    photo = TelegramMessage(1, NOW, Chat(1, Chat.PRIVATE), location=Location(139.47, 35.72))
    turn = dialogue.unread(State(easy=True), "", kind_notice(photo))
    assert without_readings(easy_turn(dialogue, turn)).startswith(WORDING.notices.location.easy or "")
    turn = dialogue.unread(State(easy=True), "", edited)
    assert without_readings(easy_turn(dialogue, turn)).startswith(WORDING.notices.edited.easy or "")
    sticker = dialogue.unread(State(easy=True), "", kind_notice(TelegramMessage(2, NOW, Chat(1, Chat.PRIVATE))))
    assert without_readings(easy_turn(dialogue, sticker)).startswith("ごめんなさい。このメッセージは 読めません。")
    plain = dialogue.unread(State(), "", line_edited)
    assert plain.messages[0].text.startswith(WORDING.notices.edited.text)


# --- the safety line in every reply that is not an answer, in both modes ---------------------------------

NonAnswer = Callable[[Dialogue, State], Turn]
NON_ANSWERS: dict[str, NonAnswer] = {
    "no_match": lambda d, s: d.text(s, "明日の天気は?"),
    "other_city": lambda d, s: d.text(s, "国分寺市の介護の窓口を教えて"),
    "empty": lambda d, s: d.reply_turn(s, d.assistant.matched_reply(" ", easy=s.easy), " "),
    "none_of_these": lambda d, s: d.choose(s, "m:none"),
    "stale_button": lambda d, s: d.choose(s, "zz:forged"),
    "unknown_command": lambda d, s: d.text(s, "/nosuchcommand"),
    "photo": lambda d, s: d.unread(s, "", kind_notice(TelegramMessage(1, NOW, Chat(1, Chat.PRIVATE)))),
    "edited": lambda d, s: d.unread(s, "ありがとう", edited),
    "clarify": lambda d, s: d.reply_turn(
        s,
        d.assistant.composer_for(s.easy).clarify(
            "?", [(d.knowledge.cards[c], 0.5) for c in ("dementia_consult", "living_costs")], None, unsure=True
        ),
        "?",
    ),
}


def _assert_safety_line(assistant: Assistant, text: str) -> None:
    police, fire, listener = assistant.composer.safety.net_windows
    for window in (police, fire, listener):
        assert window.phone and window.phone in text, (window.id, text)
    assert "110" in text and "119" in text and "24時間" in text


@pytest.mark.parametrize("case", NON_ANSWERS)
def test_every_non_answer_carries_110_119_and_a_24_hour_line_in_normal_mode(assistant: Assistant, case: str) -> None:
    dialogue = Dialogue(assistant, "console")
    turn = NON_ANSWERS[case](dialogue, State())
    text = turn.messages[0].text
    _assert_safety_line(assistant, text)
    assert "（けいさつ）" not in text


@pytest.mark.parametrize("case", NON_ANSWERS)
def test_every_non_answer_carries_110_119_and_a_24_hour_line_in_easy_mode(assistant: Assistant, case: str) -> None:
    dialogue = Dialogue(assistant, "console")
    text = easy_turn(dialogue, NON_ANSWERS[case](dialogue, State(easy=True)))
    _assert_safety_line(assistant, text)
    assert "警察（けいさつ）" in text  # the easy line, with its readings
