"""A reply's lines without repeats are remembered (a card's reply repeats): each caller gets its own list."""

from __future__ import annotations

from bot.core.sentences import without_repeats


def test_each_call_gets_its_own_list_whatever_an_earlier_caller_did_with_its_own() -> None:
    lines = ["【見出し】", "同じ文です。", "", "同じ文です。別の文です。"]
    first = without_repeats(lines)
    assert first == ["【見出し】", "同じ文です。", "", "別の文です。"]
    first.append("後から足した行")
    first[0] = "書き換えた行"
    assert without_repeats(lines) == ["【見出し】", "同じ文です。", "", "別の文です。"]
    assert without_repeats(list(lines)) is not without_repeats(list(lines))
