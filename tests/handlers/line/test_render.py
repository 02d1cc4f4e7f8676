"""Dialogue messages as LINE messages: within LINE's limits whatever the dialogue says."""

from __future__ import annotations

from bot.core.turns import Choice, Message
from bot.handlers.line.render import MAX_LABEL, MAX_MESSAGES, MAX_QUICK_REPLIES, MAX_TEXT, bubbles, split_text


def test_long_text_splits_under_5000_at_line_breaks() -> None:
    text = "\n".join(f"・窓口{i} 電話 042-000-{i:04d}" for i in range(700))
    chunks = split_text(text)
    assert len(chunks) > 1 and all(len(c) <= MAX_TEXT for c in chunks)
    assert "\n".join(chunks) == text


def test_a_reply_never_needs_more_than_five_messages() -> None:
    notices = [Message(f"お知らせ{i}" + "あ" * 1500) for i in range(9)]
    messages = [*notices, Message("最後", (Choice("戻る", "m:home:0"),))]
    out = bubbles(messages)
    assert 1 < len(out) <= MAX_MESSAGES and all(len(m.text) <= MAX_TEXT for m in out)
    assert "お知らせ0" in out[0].text and out[-1].text.endswith("最後")
    assert out[-1].quick_reply is not None and out[0].quick_reply is None


def test_quick_replies_are_capped_and_labels_cut_with_the_full_label_shown() -> None:
    long = "成年後見制度の利用を支援する相談窓口（権利擁護センター）"
    choices = (*(Choice(f"{long}{i}", f"t:topic{i}") for i in range(20)), Choice("x", "t:" + "a" * 400))
    (out,) = bubbles([Message("選んでください", choices)])
    assert out.quick_reply is not None
    items = out.quick_reply.items
    assert len(items) == MAX_QUICK_REPLIES
    assert all(len(i.action.label) <= MAX_LABEL for i in items)
    assert items[0].action.label.endswith("…") and items[0].action.display_text == f"{long}0"


def test_choices_without_text_still_get_a_message() -> None:
    (out,) = bubbles([Message("", (Choice("戻る", "m:home:0"),))])
    assert out.text and out.quick_reply is not None
