"""Choice data: packed and unpacked in one place, the wire format of buttons already in chats, size limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.choices import (
    CategoryPick,
    CheckAnswer,
    CheckCancel,
    CheckStart,
    ChoiceData,
    Nav,
    TopicPick,
    TownPick,
    Vote,
    pack,
    unpack,
)

KNOWN: list[tuple[ChoiceData, str]] = [
    (Nav("find"), "m:find"),
    (Nav("town", 1), "m:town:1"),
    (Nav("home", 0), "m:home:0"),
    (CategoryPick("menu_elderly"), "c:menu_elderly"),
    (CategoryPick("menu_elderly", 2), "c:menu_elderly:2"),
    (TopicPick("dementia_consult"), "t:dementia_consult"),
    (TownPick("ogawa_nishimachi"), "w:ogawa_nishimachi"),
    (TownPick(None), "w:-"),
    (CheckStart(), "g:start"),
    (CheckCancel(), "g:x"),
    (CheckAnswer("q_decide", 2), "g:q_decide:2"),
    (Vote(True, "dv"), "f:u:dv"),
    (Vote(False, "dv"), "f:d:dv"),
]


@pytest.mark.parametrize(("data", "wire"), KNOWN)
def test_the_wire_format_of_yesterdays_buttons_is_kept(data: ChoiceData, wire: str) -> None:
    assert pack(data) == wire and unpack(wire) == data


def test_a_channels_size_limit_refuses_longer_data() -> None:
    wire = "t:" + "a" * 62  # 64 bytes
    assert unpack(wire, 64) == TopicPick("a" * 62)
    assert unpack(wire + "a", 64) is None
    assert unpack("t:" + "a" * 65, 300) is None  # ids are at most 64 characters whatever the channel


@pytest.mark.parametrize(
    "wire", ["", "m", "m:", "m:nope", "m:find:x", "m:find:100", "t:", "t:a b", "t:①", "g:q:①", "f:maybe:x", "z:1",
             "w:a:b", "c:x:y:z", "t:\ud800"]
)
def test_anything_else_is_no_choice(wire: str) -> None:
    assert unpack(wire) is None


@given(st.text(max_size=400))
def test_unpack_never_raises(wire: str) -> None:
    data = unpack(wire, 300)
    assert data is None or unpack(pack(data)) == data
