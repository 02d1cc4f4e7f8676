"""A resident's LINE session end to end: signed webhooks over real HTTP into the real LINE channel, replies
through the real line-bot-sdk client to the LINE API double."""

from __future__ import annotations

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State
from tests.e2e.line_harness import IMAGE, LOCATION, STICKER, LineHarness, event, group_source, text_message, user_source
from tests.e2e.queries import query_with
from tests.wording import ASK_TOWN, GREETING, MENU, MORE, WORDING

USER = "U1234567890abcdef1234567890abcdef"
GROUP = "C1234567890abcdef1234567890abcdef"


def line_dialogue(assistant: Assistant) -> Dialogue:
    return Dialogue(assistant, "line", choice_bytes=300, max_choices=13)


async def test_a_residents_session(line_bot: LineHarness, assistant: Assistant) -> None:
    dialogue = line_dialogue(assistant)
    (greeting,) = await line_bot.follow(USER)
    assert greeting.kind == "reply" and greeting.text == GREETING
    assert greeting.quick_replies() == [(c.label, c.data) for c in MENU]

    question = query_with(assistant, "answer")
    (answer,) = await line_bot.say(USER, question)
    assert answer.text == assistant.reply(question).text
    votes = [data for _, data in answer.quick_replies() if data.startswith("f:")]
    assert [v[:4] for v in votes] == ["f:u:", "f:d:"]
    (thanks,) = await line_bot.press(USER, votes[0])
    assert "ありがとう" in thanks.text

    clarify = query_with(assistant, "clarify")
    (options,) = await line_bot.say(USER, clarify)
    picks = [data for _, data in options.quick_replies() if data.startswith("t:")]
    (picked,) = await line_bot.press(USER, picks[0])
    assert picked.text == dialogue.choose(State(), picks[0]).messages[0].text

    crisis = query_with(assistant, "crisis")
    (help_now,) = await line_bot.say(USER, crisis)
    assert help_now.text == assistant.reply(crisis).text and "110" in help_now.text

    (sticker,) = await line_bot.send(event("message", user_source(USER), line_bot.double.reply_token(), **STICKER))
    notices = WORDING.notices
    expected = notices.unreadable.fill(kind=notices.kinds["sticker"], menu=notices.menu_hint.line.text)
    assert "スタンプ" in sticker.text and sticker.text.startswith(expected) and "119" in sticker.text
    (image,) = await line_bot.send(event("message", user_source(USER), line_bot.double.reply_token(), **IMAGE))
    assert "写真" in image.text
    (where,) = await line_bot.send(event("message", user_source(USER), line_bot.double.reply_token(), **LOCATION))
    assert "町の名前" in where.text
    assert line_bot.double.of("push") == []  # every answer went by the reply API


async def test_the_town_picker_fits_13_quick_replies_and_keeps_the_town(
    line_bot: LineHarness, assistant: Assistant
) -> None:
    towns = assistant.data.knowledge.towns
    (picker,) = await line_bot.press(USER, "m:town")
    assert picker.text == ASK_TOWN
    items = picker.quick_replies()
    assert len(items) == 13 and items[-2][0] == MORE
    (second_page,) = await line_bot.press(USER, items[-2][1])
    shown = {data for _, data in items + second_page.quick_replies() if data.startswith("w:")}
    assert shown == {f"w:{t.id}" for t in towns}
    town = towns[15]
    (chosen,) = await line_bot.press(USER, f"w:{town.id}")
    assert town.name in chosen.text
    (answer,) = await line_bot.say(USER, query_with(assistant, "answer"))
    assert town.name in answer.text


async def test_long_labels_are_cut_to_20_characters_with_the_full_label_shown_when_pressed(
    line_bot: LineHarness, assistant: Assistant
) -> None:
    (topics,) = await line_bot.press(USER, "c:menu_children")
    for _ in range(2):
        for label, _data in topics.quick_replies():
            assert len(label) <= 20
        (topics,) = await line_bot.press(USER, topics.quick_replies()[-2][1])
    messages = topics.body["messages"]
    actions = [i["action"] for i in messages[-1]["quickReply"]["items"]]
    assert all(a["displayText"] and len(a["displayText"]) >= len(a["label"].rstrip("…")) for a in actions)


async def test_commands_and_unknown_commands_work_as_typed_text(line_bot: LineHarness, assistant: Assistant) -> None:
    dialogue = line_dialogue(assistant)
    (help_reply,) = await line_bot.say(USER, "/help")
    assert help_reply.text == dialogue.help(State()).messages[0].text
    (menu,) = await line_bot.say(USER, "メニュー")
    assert menu.text == GREETING
    (unknown,) = await line_bot.say(USER, "/stats")
    assert unknown.text == dialogue.text(State(), "/stats").messages[0].text


async def test_groups_answer_only_an_at_mention_of_the_bot(line_bot: LineHarness, assistant: Assistant) -> None:
    question = query_with(assistant, "answer")
    token = line_bot.double.reply_token()
    assert await line_bot.send(event("message", group_source(GROUP, USER), token, **text_message(question))) == []
    other = [{"index": 0, "length": 4, "userId": "Uother", "type": "user"}]
    silent = text_message(f"@花子 {question}", other)
    assert await line_bot.send(event("message", group_source(GROUP, USER), token, **silent)) == []
    assert await line_bot.send(event("message", group_source(GROUP, USER), token, **STICKER)) == []
    mine = [{"index": 0, "length": 8, "isSelf": True, "type": "user"}]
    addressed = text_message(f"@こだいら福祉 {question}", mine)
    (reply,) = await line_bot.send(event("message", group_source(GROUP, USER), token, **addressed))
    assert reply.text == assistant.reply(question).text


@pytest.mark.parametrize("kind", ["unfollow", "join", "unsend", "memberJoined"])
async def test_events_that_need_no_answer_get_none(line_bot: LineHarness, kind: str) -> None:
    source = user_source(USER) if kind in ("unfollow", "unsend") else group_source(GROUP, None)
    extra: dict[str, dict[str, object]] = {
        "unsend": {"messageId": "1"},
        "memberJoined": {"joined": {"members": [user_source("Ux")]}},
    }
    token = line_bot.double.reply_token() if kind in ("join", "memberJoined") else None
    assert await line_bot.send(event(kind, source, token, **extra.get(kind, {}))) == []


async def test_unfollow_forgets_the_residents_town(line_bot: LineHarness, assistant: Assistant) -> None:
    town = assistant.data.knowledge.towns[3]
    await line_bot.say(USER, town.name)
    await line_bot.send(event("unfollow", user_source(USER), None))
    (answer,) = await line_bot.say(USER, query_with(assistant, "answer"))
    assert town.name not in answer.text


async def test_an_edited_message_addressed_to_the_bot_gets_the_crisis_check(
    line_bot: LineHarness, assistant: Assistant
) -> None:
    crisis = line_dialogue(assistant).text(State(), "もう死にたい").messages[0].text
    mine = [{"index": 0, "length": 8, "isSelf": True, "type": "user"}]

    def edit(text: str, mention: list[dict[str, object]] | None) -> dict[str, object]:
        content = text_message(text, mention)
        return event("messageEdited", group_source(GROUP, USER), line_bot.double.reply_token(), **content)

    (reply,) = await line_bot.send(edit("@こだいら福祉 もう死にたい", mine))
    assert reply.text == crisis and "110" in reply.text
    (notice,) = await line_bot.send(edit("@こだいら福祉 母の物忘れ", mine))
    assert notice.text.startswith("メッセージの修正には") and "119" in notice.text
    assert await line_bot.send(edit("もう死にたい", None)) == []  # not addressed: a group's own talk
