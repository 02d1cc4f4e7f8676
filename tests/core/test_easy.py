"""Furigana for やさしい日本語 mode: readings after kanji words, numbers and addresses untouched."""

import re
from pathlib import Path

import pytest

from bot.core.assistant import Assistant
from bot.core.easy import Furigana, kanji_words, kanji_words_with_reading
from bot.data.bundle import AssistantData
from bot.data.check import check_data
from bot.language.text import analyzer


def without_readings(text: str) -> str:
    """The text as composed: furigana only ever inserts 「（reading）」 after a word."""
    return re.sub(r"（[ぁ-ゖー]+）", "", text)


@pytest.fixture(scope="module")
def furigana(project_data: AssistantData) -> Furigana:
    return Furigana(analyzer(), project_data.readings)


def test_every_kanji_word_gets_a_reading(furigana: Furigana) -> None:
    text = furigana.add("困ったときは、地域包括支援センターに相談してください。お金が足りないときも同じです。")
    assert "地域包括支援（ちいきほうかつしえん）センター" in text
    assert "相談（そうだん）" in text and "お金（かね）" in text and "足（た）りない" in text
    assert kanji_words(text) == kanji_words_with_reading(text)


def test_the_data_overrides_what_sudachi_reads_wrong(furigana: Furigana) -> None:
    text = furigana.add("小平市の保佐と権利擁護。小川西町にお住まいですね。")
    assert "小平市（こだいらし）" in text and "保佐（ほさ）" in text and "権利擁護（けんりようご）" in text
    assert "小川西町（おがわにしまち）" in text  # from the towns' kana in areas.yaml


def test_phones_times_and_addresses_are_left_alone(furigana: Furigana) -> None:
    line = "電話 042-346-9530（9時〜17時）https://www.city.kodaira.tokyo.jp/ #7119"
    text = furigana.add(line)
    for kept in ("042-346-9530", "9時〜17時", "https://www.city.kodaira.tokyo.jp/", "#7119"):
        assert kept in text
    assert not re.search(r"\d（[ぁ-ゖ]", text)  # no reading after a number


def test_a_reading_that_is_not_kana_is_reported(data_copy: Path) -> None:
    path = data_copy / "knowledge" / "readings.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reading: ほさ}", "reading: ho sa}"), encoding="utf-8")
    problems = check_data(data_copy)
    assert any(p.file.endswith("readings.yaml") and p.entry == "保佐" for p in problems)


def test_an_easy_answer_uses_the_cards_easy_text_with_readings(assistant: Assistant) -> None:
    reply = assistant.reply("ヤングケアラーの相談はどこ？", easy=True)
    card = assistant.data.knowledge.cards["young_carer"]
    assert reply.easy and reply.to_json()["easy"] is True
    assert card.easy and card.easy in without_readings(reply.text)
    assert card.summary not in without_readings(reply.text)
    assert kanji_words(reply.text) == kanji_words_with_reading(reply.text)
    for window in reply.windows:
        assert window.phone is None or window.phone in reply.text


@pytest.mark.parametrize("kind", ["suicide", "child_abuse", "dv", "medical", "missing_person", "harm_urge"])
def test_easy_crisis_replies_keep_every_number(assistant: Assistant, kind: str) -> None:
    plain = assistant.composer.crisis("q", (kind,), None)
    easy = assistant.in_easy_japanese(assistant.easy_composer.crisis("q", (kind,), None))  # type: ignore[union-attr]
    lead = next(k.easy_lead for k in assistant.data.intents.crisis if k.kind == kind)
    assert lead and without_readings(easy.text).startswith(lead)
    assert [w.phone for w in easy.windows] == [w.phone for w in plain.windows]
    for window in plain.windows:
        assert str(window.phone) in easy.text
    assert "110" in easy.text and "119" in easy.text


def test_plain_replies_are_unchanged(assistant: Assistant) -> None:
    reply = assistant.reply("ヤングケアラーの相談はどこ？")
    assert not reply.easy and "（そうだん）" not in reply.text


def test_every_cards_easy_reply_is_read_ahead_at_start() -> None:
    """A resident's first easy reply of a card reads no line with Sudachi: the lines were read at start."""
    from bot.core.assistant import build_assistant
    from tests.conftest import DATA_DIR

    assistant = build_assistant(DATA_DIR)
    assert assistant.furigana is not None and assistant.easy_composer is not None
    before = assistant.furigana.lines_read()
    assert before > 0
    for card_id in ("young_carer", "dementia_consult", "housing_benefit"):
        card = assistant.data.knowledge.cards[card_id]
        assistant.in_easy_japanese(assistant.easy_composer.answer("", card, 1.0, None))
    assert assistant.furigana.lines_read() == before


def test_lines_read_ahead_survive_the_disk_cache() -> None:
    """The assistant's disk cache keeps the lines read ahead: a process started from it reads none again."""
    import pickle

    from bot.core.assistant import build_assistant
    from tests.conftest import DATA_DIR

    assistant = build_assistant(DATA_DIR)
    assert assistant.furigana is not None
    copy = pickle.loads(pickle.dumps(assistant.furigana))
    assert copy.lines_read() == assistant.furigana.lines_read() > 0
    card = assistant.data.knowledge.cards["young_carer"]
    assert assistant.easy_composer is not None
    text = assistant.easy_composer.answer("", card, 1.0, None).text
    before = copy.lines_read()
    assert copy.add(text) == assistant.furigana.add(text)
    assert copy.lines_read() == before
    copy.forget()
    assert copy.lines_read() == 0 and copy.add(text) == assistant.furigana.add(text)  # read again, the same
