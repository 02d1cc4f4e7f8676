import copy
import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.assistant import Assistant
from bot.core.contacts import short_source, window_lines
from bot.core.reply import Composer, Reply
from bot.core.towns import TownMatch
from bot.data import Card, Window

PHONE = re.compile(r"0\d{1,4}-\d{1,4}-\d{3,4}")


def test_answer_json_has_the_contract_shape(assistant: Assistant) -> None:
    data = assistant.reply("母が認知症かもしれない").to_json()
    assert set(data) == {
        "query",
        "status",
        "topic",
        "title",
        "text",
        "windows",
        "area",
        "alternatives",
        "score",
        "crisis_hint",
        "domains",
        "easy",
    }
    assert data["status"] == "answer" and data["topic"] == "dementia_consult"
    assert all(set(w) >= {"id", "name", "phone"} for w in data["windows"])
    # Contacts appear in the text itself, not only in `windows`.
    for w in data["windows"]:
        assert w["name"] in data["text"]
        if w["phone"]:
            assert w["phone"] in data["text"]


def test_window_without_phone_brings_its_sourced_fallbacks(assistant: Assistant) -> None:
    reply = assistant.reply("権利擁護センターこだいらに相談したい")
    ids = [w.id for w in reply.windows]
    assert "kenri_yogo_center" in ids
    assert any(w.phone for w in reply.windows)
    assert "電話番号は確認できていません" in reply.text or "電話番号・受付時間は確認できていません" in reply.text
    assert reply.windows[0].phone  # who to call first has a number


def test_every_phone_in_a_reply_comes_from_the_knowledge_base(assistant: Assistant) -> None:
    stated = " ".join(f"{w.phone} {w.note} {w.hours}" for w in assistant.data.knowledge.windows.values())
    for q in (
        "生活費が足りない",
        "夫から暴力を受けています",
        "ひきこもりの息子",
        "子育てがつらい",
        "死にたい",
    ):
        for phone in PHONE.findall(assistant.reply(q).text):
            assert phone in stated, phone


def test_named_town_is_echoed_without_inventing_its_centre(assistant: Assistant) -> None:
    reply = assistant.reply("小川西町3丁目に住んでいます。父の物忘れが心配です")
    assert reply.area == {"id": None, "name": None, "town": "小川西町3丁目"}
    assert "小川西町3丁目" in reply.text
    assert "確認できていません" in reply.text
    assert "042-346-9539" in reply.text  # 高齢者支援課 can tell which centre serves the town


def test_no_match_offers_the_general_windows(assistant: Assistant) -> None:
    reply = assistant.reply("明日の天気は晴れますか")
    assert reply.status == "no_match"
    # The general windows, then the emergency lines of the safety net, in the order the text names them.
    assert [w.id for w in reply.windows] == ["seikatsu_soudan", "city_hall", "police_110", "fire_119", "tokyo_inochi"]
    assert "042-349-0151" in reply.text


def test_clarify_lists_alternatives_in_text(assistant: Assistant) -> None:
    reply = assistant.composer.clarify(
        "q",
        [
            (assistant.data.knowledge.cards["dv"], 0.3),
            (assistant.data.knowledge.cards["women_consult"], 0.29),
        ],
        None,
    )
    assert reply.status == "clarify"
    assert [a[0] for a in reply.alternatives] == ["dv", "women_consult"]
    assert all(title in reply.text for _, title in reply.alternatives)


def test_short_source_drops_urls_and_keeps_one_line() -> None:
    line = short_source(
        "市報こだいら 2023-10-20 4面 http://example.invalid/x ; 市報 2023-06-20", "2023-10-20"
    )
    assert line == "出典：市報こだいら 2023-10-20 4面 ほか"
    assert "\n" not in line



# --- The replies that are not answers, field by field (issue 15: each one is a safety path) -----------

NOON = datetime(2026, 12, 2, 13, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Wednesday, no holiday
TOWN = "小川西町3丁目"
TOWN_AREA = {"id": None, "name": None, "town": TOWN}  # the project's data assigns no town yet


@pytest.fixture(params=[False, True], ids=["plain", "easy"])
def composer(assistant: Assistant, request: pytest.FixtureRequest) -> Composer:
    """The composer at a fixed moment, in plain and in easy Japanese (the data writes both)."""
    base = assistant.easy_composer if request.param else assistant.composer
    assert base is not None and base.easy is request.param
    return base.at(NOON)


def _town(composer: Composer) -> TownMatch:
    match = composer.towns.find(f"{TOWN}に住んでいます")
    assert match is not None and match.label == TOWN
    return match


def _net(composer: Composer, maybe: bool = False) -> str:
    net = composer.safety.net_line(maybe=maybe, easy=composer.easy)
    assert net != composer.safety.net_line(maybe=maybe, easy=not composer.easy)  # each mode has its wording
    return net


def _general(composer: Composer) -> list[Window]:
    """The windows the city names for "nothing fits", in its order (seikatsu_soudan, then city_hall)."""
    return [composer.knowledge.windows[w] for w in composer.knowledge.municipality.windows.general]


def _general_block(composer: Composer, at: datetime = NOON) -> list[str]:
    lines = ["", composer.say.answers.contacts.pick(composer.easy)]
    for w in _general(composer):
        lines += window_lines(w, at, composer.say, composer.easy)
    return lines


def test_an_empty_message_is_asked_for_words_with_the_safety_net(composer: Composer) -> None:
    hint = composer.say.start.empty
    assert hint.easy and hint.easy != hint.text
    reply = composer.ask_for_text(" ", _town(composer))
    assert reply == Reply(
        query=" ",
        status="no_match",
        text=f"{hint.pick(composer.easy)}\n\n{_net(composer)}",
        windows=composer.safety.net_windows,
        area=TOWN_AREA,
        at=NOON,
    )


def test_no_match_lists_the_general_windows_then_the_safety_net(composer: Composer) -> None:
    reply = composer.no_match("q", _town(composer), 0.2)
    general = _general(composer)
    lines = [composer.say.fallbacks.no_match.pick(composer.easy), *_general_block(composer), "", _net(composer)]
    assert reply == Reply(
        query="q",
        status="no_match",
        text="\n".join(lines),
        windows=(*general, *composer.safety.net_windows),
        area=TOWN_AREA,
        score=0.2,
        at=NOON,
    )
    assert composer.no_match("q", None).score == 0.0 and composer.no_match("q", None).area is None


@pytest.mark.parametrize("query", ["What is the weather tomorrow?", "hello", "Thank you!! 😀", "ok"])
def test_a_message_without_japanese_is_told_first_that_the_service_answers_in_japanese(
    composer: Composer, query: str
) -> None:
    note = composer.say.fallbacks.not_japanese.pick(composer.easy)
    assert note.startswith("This service answers in Japanese")
    reply = composer.no_match(query, None)
    assert reply.text == f"{note}\n\n{composer.no_match('x', None).text}"
    assert reply.text.endswith(_net(composer))


def test_the_english_note_follows_the_reply_mode(composer: Composer) -> None:
    # The data write the note in English only; were an easy version written, easy replies would use it.
    fallbacks = composer.say.fallbacks
    note = replace(fallbacks.not_japanese, easy="Easy note.")
    said = replace(composer.say, fallbacks=replace(fallbacks, not_japanese=note))
    with_easy = copy.copy(composer)
    with_easy.say = said
    text = with_easy.no_match("How do I register my dog?", None).text
    assert text.startswith("Easy note.\n\n" if composer.easy else note.text)


@pytest.mark.parametrize("query", ["rent 払えない help", "ｶｲｺﾞ", "123", "😀", "a", "CSWってなに"])
def test_a_message_with_japanese_or_no_word_gets_no_english_note(composer: Composer, query: str) -> None:
    assert composer.no_match(query, None).text == composer.no_match("x", None).text


@pytest.mark.parametrize("query", ["My mother has dementia", "kaigo soudan"])
def test_an_answer_or_choices_for_a_message_without_japanese_say_first_that_they_are_in_japanese(
    assistant: Assistant, composer: Composer, query: str
) -> None:
    note = composer.say.fallbacks.answered_not_japanese.pick(composer.easy)
    assert note.startswith("This service answers in Japanese")
    card, _ = _card(assistant, "dementia_consult")
    other, _ = _card(assistant, "elder_care")
    assert composer.answer(query, card, 0.6, None).text == f"{note}\n\n{composer.answer('x', card, 0.6, None).text}"
    choices = [(card, 0.4), (other, 0.3)]
    for unsure in (False, True):
        plain = composer.clarify("x", choices, None, unsure=unsure).text
        assert composer.clarify(query, choices, None, unsure=unsure).text == f"{note}\n\n{plain}"


@pytest.mark.parametrize("query", ["母の care どこ", "ｶｲｺﾞ", "123", "a"])
def test_an_answer_to_a_message_with_japanese_or_no_word_has_no_english_note(
    assistant: Assistant, composer: Composer, query: str
) -> None:
    card, _ = _card(assistant, "dementia_consult")
    assert composer.answer(query, card, 0.6, None).text == composer.answer("x", card, 0.6, None).text
    choices = [(card, 0.4)]
    assert composer.clarify(query, choices, None).text == composer.clarify("x", choices, None).text


def test_an_english_question_with_known_words_is_answered_with_the_note(assistant: Assistant) -> None:
    """English words the synonyms know (mother, dementia, rent) reach the cards; the reply says it is in
    Japanese, in English, before the window."""
    reply = assistant.reply("My mother has dementia. Where can I consult?")
    assert reply.status in ("answer", "clarify")
    assert "dementia_consult" in (reply.topic, *(t for t, _ in reply.alternatives))
    assert reply.text.startswith("This service answers in Japanese only. Below are the consultation windows")


def test_an_english_question_gets_the_note_and_the_emergency_numbers(assistant: Assistant) -> None:
    for question in ("What time does the library open on Sunday?", "How do I register my dog?"):
        reply = assistant.reply(question)
        assert reply.status == "no_match"
        assert "This service answers in Japanese" in reply.text
        assert "110" in reply.text and "119" in reply.text
    # Without a crisis hint (which would come first), the note opens the reply.
    reply = assistant.reply("What time does the library open on Sunday?")
    assert not reply.crisis_hint and reply.text.startswith("This service answers in Japanese")


def test_another_city_is_named_and_the_general_windows_follow(composer: Composer) -> None:
    reply = composer.other_city("q", "国分寺市")
    wording = composer.say.fallbacks.other_city
    lines = [wording.fill(composer.easy, city="国分寺市"), *_general_block(composer), "", _net(composer)]
    assert reply == Reply(
        query="q",
        status="no_match",
        text="\n".join(lines),
        windows=(*_general(composer), *composer.safety.net_windows),
        at=NOON,
    )


def _card(assistant: Assistant, card_id: str) -> tuple[Card, Window]:
    card = assistant.data.knowledge.cards[card_id]
    return card, assistant.data.knowledge.windows[card.windows[0]]


def test_clarify_lists_each_card_with_its_main_window_once(assistant: Assistant, composer: Composer) -> None:
    """Each card on its own line with its first window (and its phone when it has one); a card naming no
    window still gets its line; each window is offered once, then the safety net."""
    dv, dv_window = _card(assistant, "dv")
    women, women_window = _card(assistant, "women_consult")
    silver, silver_window = _card(assistant, "silver_jinzai")
    assert women_window == dv_window and dv_window.phone and not silver_window.phone
    bare = replace(dv, id="bare", title="窓口を書いていないカード", windows=(), hotlines=())
    cards = [(dv, 0.3), (women, 0.29), (bare, 0.2), (silver, 0.1)]
    reply = composer.clarify("q", cards, _town(composer))
    lines = [
        composer.say.fallbacks.clarify.pick(composer.easy),
        f"・{dv.title}（{dv_window.name} 電話 {dv_window.phone}）",
        f"・{women.title}（{dv_window.name} 電話 {dv_window.phone}）",
        f"・{bare.title}",
        f"・{silver.title}（{silver_window.name}）",
        "",
        _net(composer),
    ]
    assert reply == Reply(
        query="q",
        status="clarify",
        text="\n".join(lines),
        windows=(dv_window, silver_window, *composer.safety.net_windows),
        area=TOWN_AREA,
        alternatives=tuple((card.id, card.title) for card, _ in cards),
        score=0.3,
        at=NOON,
    )
    assert composer.clarify("q", [], None).score == 0.0


def test_an_unsure_list_says_so_and_offers_the_first_general_window(assistant: Assistant, composer: Composer) -> None:
    dv, dv_window = _card(assistant, "dv")
    first = _general(composer)[0]
    assert first.phone
    reply = composer.clarify("q", [(dv, 0.12)], None, unsure=True)
    none_fit = composer.say.fallbacks.none_fit.fill(composer.easy, window=first.name, phone=f" 電話 {first.phone}")
    lines = [
        composer.say.fallbacks.maybe.pick(composer.easy),
        f"・{dv.title}（{dv_window.name} 電話 {dv_window.phone}）",
        "",
        none_fit,
        "",
        _net(composer),
    ]
    assert reply.text == "\n".join(lines)
    assert reply.windows == (dv_window, first, *composer.safety.net_windows)
    # A card whose own window is that general window: it is not offered twice.
    carer, carer_window = _card(assistant, "young_carer")
    assert carer_window == first
    again = composer.clarify("q", [(carer, 0.12)], None, unsure=True)
    assert again.windows == (first, *composer.safety.net_windows)
    assert none_fit not in again.text


def _with_general(composer: Composer, general: list[str], at: datetime = NOON) -> Composer:
    """The composer of a city whose municipality.yaml lists other general windows (the data allows any)."""
    municipality = composer.knowledge.municipality
    windows = replace(municipality.windows, general=tuple(general))
    edited = replace(composer.knowledge, municipality_file=replace(municipality, windows=windows))
    return Composer(edited, composer.towns, composer.safety, lambda: at, composer.easy)


def test_an_unsure_list_names_a_general_window_without_a_phone_as_it_is(
    assistant: Assistant, composer: Composer
) -> None:
    """The city may list a window without a phone first among its general ones: no empty 電話 is shown."""
    city = _with_general(composer, ["jinken_soudan", "city_hall"])
    first = city.knowledge.windows["jinken_soudan"]
    assert not first.phone
    dv, _ = _card(assistant, "dv")
    none_fit = city.say.fallbacks.none_fit.fill(city.easy, window=first.name, phone="")
    assert f"\n\n{none_fit}\n\n" in city.clarify("q", [(dv, 0.12)], None, unsure=True).text


def test_general_windows_with_hours_are_marked_closed_at_the_replys_moment(composer: Composer) -> None:
    """A general window with sourced hours says it is closed now (here on a Sunday night), as in answers."""
    sunday_night = datetime(2026, 12, 6, 22, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    city = _with_general(composer, ["kosodate_soudan", "city_hall"], sunday_night)
    block = ["", city.say.answers.contacts.pick(city.easy)]
    for wid in ("kosodate_soudan", "city_hall"):
        block += window_lines(city.knowledge.windows[wid], sunday_night, city.say, city.easy)
    assert any("※いまは受付時間外" in line for line in block)
    net = ["", _net(city)]
    no_match = [city.say.fallbacks.no_match.pick(city.easy), *block, *net]
    assert city.no_match("q", None).text == "\n".join(no_match)
    other_city = [city.say.fallbacks.other_city.fill(city.easy, city="国分寺市"), *block, *net]
    assert city.other_city("q", "国分寺市").text == "\n".join(other_city)


def test_the_crisis_reply_carries_the_safety_lines_body(composer: Composer) -> None:
    body = composer.safety.crisis(("dv",), NOON, easy=composer.easy)
    reply = composer.crisis("q", ("dv",), _town(composer))
    assert reply == Reply(
        query="q",
        status="crisis",
        text="\n".join(body.lines),
        title=composer.say.buttons.crisis.text,
        windows=body.windows,
        area=TOWN_AREA,
        score=1.0,
        at=NOON,
    )
    assert reply.text != "\n".join(composer.safety.crisis(("dv",), NOON, easy=not composer.easy).lines)


def test_the_grey_zone_puts_the_maybe_line_and_its_windows_first(composer: Composer) -> None:
    plain = composer.no_match("q", _town(composer), 0.2)
    reply = composer.emergency_first(plain)
    net = composer.safety.net_windows
    assert reply == replace(
        plain,
        text=f"{_net(composer, maybe=True)}\n\n{plain.text}",
        windows=(*net, *_general(composer)),
        crisis_hint=True,
    )
