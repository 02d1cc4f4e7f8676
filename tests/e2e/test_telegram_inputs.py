"""Bad and odd input: every non-text kind, edits, groups, channels, the longest message, HTML-looking text."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.assistant import Assistant
from bot.core.dialogue import Dialogue, State
from tests.e2e.harness import Harness
from tests.e2e.queries import ANSWER_CASE
from tests.e2e.updates import NON_TEXT, OLD_POLL, callback_update, message, text_update
from tests.labelled import assert_answer_meets_label, assert_crisis_lines, dev_case
from tests.wording import EDITED

CHAT = 2002
GROUP = -1001234567890
LABELS = {"sticker": "スタンプ", "photo": "写真", "voice": "音声", "video": "動画", "document": "ファイル",
          "location": "町の名前", "contact": "連絡先", "poll": "アンケート"}


@pytest.mark.parametrize("kind", sorted(NON_TEXT))
async def test_non_text_kinds_get_a_short_kind_reply(bot: Harness, kind: str) -> None:
    (reply,) = await bot.send({"message": message(CHAT, **NON_TEXT[kind])}, CHAT)
    assert LABELS[kind] in reply.text
    assert len(reply.text) < 200
    if kind == "contact":
        assert "09012345678" not in reply.text and "花子" not in reply.text


async def test_edited_message_is_not_re_answered(bot: Harness) -> None:
    (reply,) = await bot.send({"edited_message": {**message(CHAT, "/start"), "edit_date": 1}}, CHAT)
    assert reply.text.startswith(EDITED)
    assert "110" in reply.text and "119" in reply.text  # a reply that is no answer names the emergency lines


# Dev-set crisis cases (死にたい; 今夫に殴られています、助けて): their labels name what the reply must show.
CRISIS = ["s394", "s412"]


@pytest.mark.parametrize("case_id", CRISIS)
async def test_crisis_words_in_an_edit_get_the_crisis_reply(bot: Harness, case_id: str) -> None:
    """Issue 9: an edited 「もう死にたい」 got 「メッセージの修正には…」 with no number."""
    case = dev_case(case_id)
    (reply,) = await bot.send({"edited_message": {**message(CHAT, case["q"]), "edit_date": 1}}, CHAT)
    assert_crisis_lines(reply.text, case)


@pytest.mark.parametrize("kind", ["photo", "voice", "video", "document"])
@pytest.mark.parametrize("case_id", CRISIS)
async def test_crisis_words_in_a_caption_get_the_crisis_reply(bot: Harness, kind: str, case_id: str) -> None:
    """Issue 9: a photo or voice message captioned 「もう死にたい」 got 「写真は読み取れません」."""
    case = dev_case(case_id)
    content = {**NON_TEXT[kind], "caption": case["q"]}
    (reply,) = await bot.send({"message": message(CHAT, **content)}, CHAT)
    assert_crisis_lines(reply.text, case)


async def test_crisis_words_forwarded_or_after_a_command_get_the_crisis_reply(bot: Harness) -> None:
    case = dev_case(CRISIS[0])
    origin = {"type": "hidden_user", "sender_user_name": "だれか", "date": 1}
    forwarded = message(CHAT, "もう" + case["q"], forward_origin=origin)
    (reply,) = await bot.send({"message": forwarded}, CHAT)
    assert_crisis_lines(reply.text, case)
    (reply,) = await bot.say(CHAT, "/start " + case["q"])
    assert_crisis_lines(reply.text, case)


async def test_a_caption_without_crisis_words_gets_the_kind_reply_with_emergency_numbers(bot: Harness) -> None:
    (reply,) = await bot.send({"message": message(CHAT, **NON_TEXT["photo"])}, CHAT)
    assert "写真" in reply.text and "110" in reply.text and "119" in reply.text


async def test_members_of_a_group_each_have_their_own_state(bot: Harness, assistant: Assistant) -> None:
    """Issue 9: member A's town was used for member B's question."""
    dialogue = Dialogue(assistant, "telegram")
    town = assistant.data.knowledge.towns[0]
    with_town = dialogue.text(State(), town.name).state
    question = next(
        q for q in ("近くの地域包括支援センターはどこ", "介護の相談をしたい", "母の物忘れが心配", "高齢者の相談窓口")
        if dialogue.text(with_town, q).messages[0].text != dialogue.text(State(), q).messages[0].text
    )
    username = bot.double.me["username"]
    await bot.say(GROUP, f"@{username} {town.name}です", kind="supergroup", user_id=111)
    (for_b,) = await bot.say(GROUP, f"@{username} {question}", kind="supergroup", user_id=222)
    assert for_b.text == dialogue.text(State(), question).messages[0].text  # delivered as composed …
    assert town.name not in for_b.text  # … and without A's town
    (for_a,) = await bot.say(GROUP, f"@{username} {question}", kind="supergroup", user_id=111)
    assert for_a.text == dialogue.text(with_town, question).messages[0].text
    assert town.name in for_a.text


async def test_group_answers_only_when_addressed(bot: Harness) -> None:
    case = dev_case(ANSWER_CASE)
    question = case["q"]
    username = bot.double.me["username"]
    assert await bot.say(GROUP, question, kind="supergroup") == []
    assert await bot.send({"message": message(GROUP, kind="supergroup", **NON_TEXT["sticker"])}, GROUP) == []
    assert await bot.say(GROUP, "/start@some_other_bot", kind="supergroup") == []
    # A mention, a reply to the bot, a /command: answered, as a reply to the resident's message.
    (by_mention,) = await bot.say(GROUP, f"@{username} {question}", kind="supergroup")
    assert_answer_meets_label(case, by_mention.text)
    assert by_mention.json("reply_parameters")["message_id"] > 0
    bots_message = {"message_id": 5, "date": 1, "chat": {"id": GROUP, "type": "supergroup", "title": "t"},
                    "from": bot.bot_user, "text": "…"}
    (by_reply,) = await bot.say(GROUP, question, kind="supergroup", reply_to=bots_message)
    assert by_reply.text == by_mention.text
    (by_command,) = await bot.say(GROUP, f"/help@{username}", kind="group")
    assert by_command.text.startswith("使い方")
    # Buttons pressed in a group work like anywhere else.
    (pressed,) = await bot.send(callback_update(GROUP, "m:crisis", kind="supergroup", bot=bot.bot_user), GROUP)
    assert_crisis_lines(pressed.text)


async def test_channel_posts_get_silence(bot: Harness) -> None:
    channel = -1009876543210
    post: dict[str, Any] = message(channel, "母の物忘れが心配", kind="channel")
    assert await bot.send({"channel_post": post}, channel) == []
    assert await bot.send({"edited_channel_post": {**post, "edit_date": 2}}, channel) == []
    assert bot.double.of("sendMessage") == []


async def test_longest_message_is_answered(bot: Harness) -> None:
    case = dev_case(ANSWER_CASE)  # the same worry, told 400 times over
    text = ("母の物忘れが心配です。" * 500)[:4096]
    (reply,) = await bot.say(CHAT, text)
    assert_answer_meets_label(case, reply.text)
    assert len(reply.text.encode("utf-16-le")) // 2 <= 4096


async def test_html_looking_text_is_plain_text_both_ways(bot: Harness, assistant: Assistant) -> None:
    dialogue = Dialogue(assistant, "telegram")
    for text in ("<b>x</b>", "*bold* _it_ [link](http://example.com) `code`", "&lt;script&gt;"):
        (reply,) = await bot.say(CHAT, text)
        assert reply.text == dialogue.text(State(), text).messages[0].text
    assert all("parse_mode" not in c.params for c in bot.double.calls if c.method == "sendMessage")


async def test_unknown_command_gets_the_dialogues_command_reply(bot: Harness, assistant: Assistant) -> None:
    (reply,) = await bot.say(CHAT, "/weather")
    assert reply.text == Dialogue(assistant, "telegram").text(State(), "/weather").messages[0].text


async def test_empty_looking_text(bot: Harness) -> None:
    (reply,) = await bot.send(text_update(CHAT, "　 "), CHAT)
    assert "文字で書いて" in reply.text


async def test_an_unreadable_update_is_skipped_and_polling_goes_on(bot: Harness) -> None:
    assert await bot.send({"message": message(CHAT, **OLD_POLL)}, CHAT) == []
    (reply,) = await bot.say(CHAT, "/start")
    assert reply.text.startswith("こんにちは")
