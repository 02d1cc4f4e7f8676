import re

from bot.core.assistant import Assistant
from bot.core.reply import short_source

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
