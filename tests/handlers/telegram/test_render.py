"""Splitting long replies and laying out buttons."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.dialogue import Choice
from bot.handlers.telegram.render import MAX_TEXT, keyboard, split_text, units
from tests.wording import MENU

TOWNS = ["小川町", "小川西町", "小川東町", "栄町", "津田町", "鷹の台", "上水本町", "上水南町", "上水新町", "学園東町",
         "学園西町", "喜平町", "御幸町", "回田町", "美園町", "仲町", "花小金井", "花小金井南町", "鈴木町", "天神町",
         "大沼町", "たかの台"]


def squash(text: str) -> str:
    return "".join(text.split())


def test_short_text_is_one_chunk() -> None:
    assert split_text("こんにちは\n電話 042-345-0691") == ["こんにちは\n電話 042-345-0691"]


def test_long_reply_splits_at_line_breaks() -> None:
    lines = [f"・窓口{i} 電話 042-000-{i:04d}" for i in range(400)]
    text = "\n".join(lines)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(units(c) <= MAX_TEXT for c in chunks)
    assert "\n".join(chunks) == text  # only line breaks were used, nothing lost or reordered


def test_one_huge_line_is_cut_preferably_after_punctuation() -> None:
    text = "あ" * 3000 + "。" + "い" * 3000
    chunks = split_text(text)
    assert chunks[0].endswith("。") and "".join(chunks) == text


def test_emoji_count_double() -> None:
    chunks = split_text("😀" * 3000)
    assert all(units(c) <= MAX_TEXT for c in chunks) and "".join(chunks) == "😀" * 3000


def test_blank_text_gives_nothing_to_send() -> None:
    assert split_text("") == [] and split_text(" \n　\n") == []


@given(st.text(alphabet=st.sampled_from("あ。\n 😀a、"), max_size=300), st.integers(min_value=2, max_value=40))
def test_split_keeps_every_character_and_the_limit(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(units(c) <= limit for c in chunks)
    assert all(c.strip() for c in chunks)
    assert squash("".join(chunks)) == squash(text)


def test_towns_in_rows_of_three() -> None:
    markup = keyboard([Choice(name, f"w:{i}") for i, name in enumerate(TOWNS)])
    assert markup is not None
    rows = [len(row) for row in markup.inline_keyboard]
    assert rows == [3, 3, 3, 3, 3, 3, 3, 1]


def test_long_labels_get_their_own_row() -> None:
    markup = keyboard(MENU)
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [
        ["相談先をさがす"], ["住んでいる町からさがす"], ["成年後見制度のしくみ", "緊急のとき"]
    ]


def test_feedback_buttons_share_a_row() -> None:
    choices = [Choice("👍 役に立った", "f:u:x"), Choice("👎 役に立たなかった", "f:d:x"), Choice("町をえらぶ", "m:town")]
    markup = keyboard(choices)
    assert markup is not None
    assert [len(row) for row in markup.inline_keyboard] == [2, 1]


def test_buttons_keep_their_data_and_oversized_data_is_dropped() -> None:
    markup = keyboard([Choice("ok", "t:a"), Choice("too long", "t:" + "x" * 63)])
    assert markup is not None
    (row,) = markup.inline_keyboard
    assert [(b.text, b.callback_data) for b in row] == [("ok", "t:a")]
    assert keyboard([]) is None
