"""Messages written the way children and newcomers write get the offer of やさしい日本語."""

import pytest

from bot.language.register import writes_simply


@pytest.mark.parametrize(
    "text",
    [
        "ははが びょうきで ねてる。どうしたら いい",  # kana only
        "わたし の 夫 しごと ない。 おかね たりない。 そうだん どこ",  # spaced like a learner, with kanji
        "子ども 学校 いかない。 日本語 わからない。 たすけて ほしい",
        "家賃 pay できない。help ほしいです",  # English words mixed in
    ],
)
def test_simple_writing_is_seen(text: str) -> None:
    assert writes_simply(text)


@pytest.mark.parametrize(
    "text",
    [
        "母の物忘れがひどくなってきたので、どこに相談すればよいでしょうか",
        "DVの相談窓口を知りたいです",  # upper-case abbreviations are ordinary Japanese
        "地域包括支援センター 小川ホーム の電話番号を教えてください",  # a stray space or two
        "hello",  # no Japanese at all: nothing to simplify
        "",
    ],
)
def test_ordinary_writing_is_not(text: str) -> None:
    assert not writes_simply(text)
