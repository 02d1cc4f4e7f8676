"""Every flow of the console chat, over the real Application and real HTTP: menu, questions, towns,
the guardianship self-check, cancel, crisis in the middle, forged and stale buttons; and how a phone
shows them: menus edited in place, 戻る on every sub-list, spent buttons taken off."""

from __future__ import annotations

import json

from bot.core.assistant import Assistant
from tests.e2e.harness import STAFF_ID, Harness
from tests.e2e.queries import ANSWER_CASE, CRISIS_CASE, query_with
from tests.labelled import assert_answer_meets_label, assert_crisis_lines, dev_case
from tests.wording import (
    ASK_TOPIC,
    ASK_TOWN,
    BACK,
    GREETING,
    HELP,
    MENU,
    MENU_TEXT,
    PRIVACY,
    STALE,
    UNKNOWN_COMMAND,
)

CHAT = 1001


def datas(call_buttons: list[tuple[str, str]], prefix: str) -> list[str]:
    return [data for _, data in call_buttons if data.startswith(prefix)]


async def test_start_shows_greeting_and_menu(bot: Harness) -> None:
    (reply,) = await bot.say(CHAT, "/start")
    assert reply.text == GREETING
    assert reply.buttons() == [(c.label, c.data) for c in MENU]
    assert "parse_mode" not in reply.params
    assert [c["command"] for c in bot.double.commands] == ["start", "help", "privacy", "yasashii"]


async def test_staff_see_their_commands_in_their_own_menu_only(bot: Harness) -> None:
    scope = json.dumps({"chat_id": STAFF_ID, "type": "chat"}, sort_keys=True)
    assert list(bot.double.scoped_commands) == [scope]
    staff_menu = [c["command"] for c in bot.double.scoped_commands[scope]]
    assert staff_menu == ["start", "help", "privacy", "yasashii", "unmatched", "stats", "export", "report", "reload"]
    assert "stats" not in [c["command"] for c in bot.double.commands]


async def test_help_and_privacy(bot: Harness) -> None:
    (help_reply,) = await bot.say(CHAT, "/help")
    assert help_reply.text == HELP and "/privacy" not in help_reply.text
    assert [d for _, d in help_reply.buttons()] == [*(c.data for c in MENU), "e:1", "m:privacy"]
    (privacy,) = await bot.say(CHAT, "/privacy")
    assert privacy.text == PRIVACY
    assert privacy.buttons() == []
    (by_button,) = await bot.press(CHAT, "m:privacy")
    assert by_button.method == "sendMessage" and by_button.text == PRIVACY


async def test_unknown_commands_are_answered_as_commands_and_not_logged(bot: Harness) -> None:
    for command in ("/weather", "/foo 明日の天気", "/stats"):  # /stats: staff only, unknown to a resident
        (reply,) = await bot.say(CHAT, command)
        assert reply.text.startswith(UNKNOWN_COMMAND) and "110" in reply.text, command
        assert [d for _, d in reply.buttons()] == [c.data for c in MENU]
    await bot.say(CHAT, "明日の天気はどうですか")  # one real unmatched question, to know the log has caught up
    await bot.logger.wait_for(lambda stats: stats.written >= 1)
    stored = await bot.logger.store.unmatched()
    assert [u.text for u in stored] == ["明日の天気はどうですか"]


async def test_menu_navigation_edits_the_pressed_message_in_place(bot: Harness) -> None:
    (topics,) = await bot.press(CHAT, "m:find")  # from a message: a new list
    assert topics.method == "sendMessage" and topics.text == ASK_TOPIC
    assert topics.buttons()[-1] == (BACK, "m:home:0")
    (category,) = await bot.press(CHAT, datas(topics.buttons(), "c:")[0])
    assert category.method == "editMessageText" and category.params["message_id"]
    assert category.buttons()[-1] == (BACK, "m:find:0")
    (up,) = await bot.press(CHAT, "m:find:0")
    assert up.method == "editMessageText" and up.text == ASK_TOPIC
    (home,) = await bot.press(CHAT, "m:home:0")
    assert home.method == "editMessageText" and home.text == MENU_TEXT
    assert [d for _, d in home.buttons()] == [c.data for c in MENU]
    assert bot.double.of("sendMessage", CHAT) == [topics]


async def test_a_navigation_too_long_to_edit_or_on_an_old_message_is_sent_anew(bot: Harness) -> None:
    bot.double.fail("editMessageText", 400)  # e.g. "message can't be edited"
    (category,) = await bot.press(CHAT, "c:menu_elderly")
    assert category.method == "sendMessage" and category.text.startswith("「")


async def test_a_vote_takes_the_vote_buttons_off_and_thanks(bot: Harness) -> None:
    (answer,) = await bot.press(CHAT, "t:guardianship_overview")
    extras = [(label, data) for label, data in answer.buttons() if not data.startswith("f:")]
    calls = await bot.press_all(CHAT, "f:d:guardianship_overview", ("sendMessage", "editMessageReplyMarkup"))
    spent, thanks = calls
    assert spent.method == "editMessageReplyMarkup" and spent.buttons() == extras
    assert thanks.method == "sendMessage" and "ありがとう" in thanks.text


async def test_a_pick_from_a_list_takes_the_lists_buttons_off(bot: Harness) -> None:
    calls = await bot.press_all(CHAT, "t:guardianship_overview", ("sendMessage", "editMessageReplyMarkup"))
    assert [c.method for c in calls] == ["editMessageReplyMarkup", "sendMessage"]
    assert calls[0].buttons() == []


async def test_menu_buttons_lead_to_an_answer_and_feedback(bot: Harness) -> None:
    (topics,) = await bot.press(CHAT, "m:find")
    assert topics.text == ASK_TOPIC
    categories = datas(topics.buttons(), "c:")
    assert categories
    (cards,) = await bot.press(CHAT, categories[0])
    assert cards.method == "editMessageText"
    first_topic = datas(cards.buttons(), "t:")[0]
    (answer,) = await bot.press(CHAT, first_topic)
    assert answer.text.startswith("【")
    votes = datas(answer.buttons(), "f:")
    assert [v[:4] for v in votes] == ["f:u:", "f:d:"]
    (thanks,) = await bot.press(CHAT, votes[0])
    assert "ありがとう" in thanks.text
    # The feedback reached the log writer off the reply path.
    await bot.logger.wait_for(lambda stats: stats.written >= 1)
    assert len(bot.double.of("answerCallbackQuery")) == 4


async def test_menu_crisis_button_gives_emergency_numbers(bot: Harness) -> None:
    (reply,) = await bot.press(CHAT, "m:crisis")
    assert_crisis_lines(reply.text)


async def test_free_text_answer(bot: Harness) -> None:
    case = dev_case(ANSWER_CASE)
    (reply,) = await bot.say(CHAT, case["q"])
    assert_answer_meets_label(case, reply.text)
    assert datas(reply.buttons(), "f:")


async def test_free_text_clarify_then_choose(bot: Harness, assistant: Assistant) -> None:
    question = query_with(assistant, "clarify")
    (reply,) = await bot.say(CHAT, question)
    options = datas(reply.buttons(), "t:")
    assert len(options) >= 2 and "m:none" in [d for _, d in reply.buttons()]
    (answer,) = await bot.press(CHAT, options[0])
    assert answer.text.startswith("【")
    await bot.say(CHAT, question)
    (fallback,) = await bot.press(CHAT, "m:none")
    assert "お答えできません" in fallback.text


async def test_free_text_no_match_is_logged_masked(bot: Harness) -> None:
    (reply,) = await bot.say(CHAT, "明日の天気は晴れますか。090-1234-5678")
    assert "お答えできません" in reply.text
    assert [d for _, d in reply.buttons()] == [c.data for c in MENU[:3]]
    await bot.logger.wait_for(lambda stats: stats.written >= 1)
    stored = await bot.logger.store.unmatched()
    assert len(stored) == 1 and "1234-5678" not in stored[0].text


async def test_town_by_button_is_kept_and_can_change(bot: Harness, assistant: Assistant) -> None:
    towns = assistant.data.knowledge.towns
    (picker,) = await bot.press(CHAT, "m:town")
    assert picker.text == ASK_TOWN
    assert [d for _, d in picker.buttons()] == [*(f"w:{t.id}" for t in towns), "m:home:0"]
    rows = picker.rows()
    assert all(len(row) <= 3 for row in rows) and len(rows) == -(-(len(towns) + 1) // 3)
    first, second = towns[1], towns[5]
    (chosen,) = await bot.press(CHAT, f"w:{first.id}")
    assert first.name in chosen.text
    case = dev_case(ANSWER_CASE)
    question = case["q"]
    (answer,) = await bot.say(CHAT, question)
    assert_answer_meets_label(case, answer.text)
    assert first.name in answer.text  # the town stays with the conversation
    (picker_again,) = await bot.press(CHAT, "m:town")
    assert [d for _, d in picker_again.buttons()][-2:] == ["w:-", "m:home:0"]
    await bot.press(CHAT, f"w:{second.id}")
    (answer,) = await bot.say(CHAT, question)
    assert second.name in answer.text and first.name not in answer.text
    (cleared,) = await bot.press(CHAT, "w:-")
    assert "消しました" in cleared.text


async def test_town_typed_in_kana(bot: Harness, assistant: Assistant) -> None:
    town = next(t for t in assistant.data.knowledge.towns if t.name == "小川西町")
    (reply,) = await bot.say(CHAT, town.kana)
    assert town.name in reply.text
    case = dev_case(ANSWER_CASE)
    (answer,) = await bot.say(CHAT, case["q"])
    assert_answer_meets_label(case, answer.text)
    assert town.name in answer.text


async def _open_self_check(bot: Harness) -> list[str]:
    (question,) = await bot.press(CHAT, "g:start")
    answers = [d for _, d in question.buttons() if d.startswith("g:") and d != "g:x"]
    assert answers and "g:x" in [d for _, d in question.buttons()]
    return answers


async def test_guardianship_self_check_to_a_result(bot: Harness, assistant: Assistant) -> None:
    check = assistant.data.knowledge.self_check
    assert check is not None
    (overview,) = await bot.press(CHAT, "m:guard")
    assert "g:start" in [d for _, d in overview.buttons()]
    answers = await _open_self_check(bot)
    for _ in range(len(check.questions) + 1):
        (step,) = await bot.press(CHAT, answers[-1])  # "わからない" and the like: the longest path
        answers = [d for _, d in step.buttons() if d.startswith("g:") and d not in ("g:x", "g:start")]
        if not answers:
            break
    assert check.closing in step.text
    assert [d for _, d in step.buttons()] == [c.data for c in MENU[:3]]


async def test_self_check_cancel(bot: Harness) -> None:
    answers = await _open_self_check(bot)
    (cancelled,) = await bot.press(CHAT, "g:x")
    assert "やめました" in cancelled.text
    (stale,) = await bot.press(CHAT, answers[0])
    assert stale.text.startswith(STALE)


async def test_crisis_in_the_middle_of_the_self_check(bot: Harness) -> None:
    answers = await _open_self_check(bot)
    case = dev_case(CRISIS_CASE)
    (reply,) = await bot.say(CHAT, case["q"])
    assert_crisis_lines(reply.text, case)
    (stale,) = await bot.press(CHAT, answers[0])  # the check was left
    assert stale.text.startswith(STALE)


async def test_forged_and_stale_callback_data(bot: Harness) -> None:
    forged = ["zz:evil", "x" * 200, "", "t:no_such_topic", "w:atlantis", "g:q_decide:99", "f:u:nope", "m:nope",
              "c:", ":::", "t:" + "あ" * 40]
    for data in forged:
        (reply,) = await bot.press(CHAT, data)
        assert reply.text.startswith(STALE), data
    (no_data,) = await bot.press(CHAT, None)
    assert no_data.text.startswith(STALE)
    assert len(bot.double.of("answerCallbackQuery")) == len(forged) + 1
    assert not [c for c in bot.double.calls if c.method == "sendMessage" and "ごめんなさい。うまく" in c.text]


async def test_yasashii_switches_easy_japanese_with_readings(bot: Harness) -> None:
    (on,) = await bot.say(CHAT, "/yasashii")
    assert "よみがな" in on.text
    (reply,) = await bot.say(CHAT, "ヤングケアラーの相談はどこ？")
    assert "相談（そうだん）" in reply.text and "042-349-0151" in reply.text
    (crisis,) = await bot.say(CHAT, "もう死にたい")
    assert "110" in crisis.text and "119" in crisis.text and "03-3264-4343" in crisis.text
    (off,) = await bot.say(CHAT, "/yasashii")
    assert "やさしい日本語にするときは" in off.text
    (plain,) = await bot.say(CHAT, "ヤングケアラーの相談はどこ？")
    assert "（そうだん）" not in plain.text
