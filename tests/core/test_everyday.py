"""Everyday welfare questions (issue 16): sourced windows, the same card with or without the keyword,
and family-register or tax questions that share words with welfare kept out of scope."""

from __future__ import annotations

import pytest

from bot.core.assistant import Assistant


def _names(assistant: Assistant, q: str) -> tuple[str, str | None, list[str]]:
    reply = assistant.reply(q)
    return reply.status, reply.topic, [w.name for w in reply.windows]


@pytest.mark.parametrize(
    ("q", "topic", "window"),
    [
        ("介護保険の申請はどこでするの", "kaigo_nintei", "高齢者支援課（認定担当）"),
        ("認定の結果に納得いかへん", "kaigo_nintei", "高齢者支援課（認定担当）"),
        ("負担限度額認定証ってどこでもらえる", "kaigo_hoken_kyufu", "地域包括支援センター中央センター"),
        ("おむつの給付ってあるんですか", "elder_goods", "高齢者支援課"),
        ("1歳半の子がまだしゃべらない", "disabled_child", "児童発達支援センター（たいよう福祉センター内）"),
        ("保育園の入園の申し込みをしたい", "hoikuen", "保育課"),
        ("子どもが熱を出して保育園に行けないとき預けるところ", "byoji_hoiku", "保育課"),
        ("ひとり親で相談したいことがある", "hitorioya", "子育て支援課 相談支援担当（ひとり親相談）"),
        ("自立支援医療の手続き", "jiritsu_shien_iryo", "障がい者支援課"),
        ("保護をうけたい", "public_assistance", "生活支援課"),
    ],
)
def test_everyday_questions_reach_the_sourced_window(assistant: Assistant, q: str, topic: str, window: str) -> None:
    status, got, windows = _names(assistant, q)
    assert status == "answer" and got == topic, (status, got)
    assert window in windows


def test_jiritsu_shien_iryo_is_not_the_poverty_programme(assistant: Assistant) -> None:
    _status, topic, windows = _names(assistant, "自立支援医療を使いたい")
    assert topic == "jiritsu_shien_iryo" and "こだいら生活相談支援センター（小平市社会福祉協議会）" not in windows


@pytest.mark.parametrize(
    ("keyword_form", "situation"),
    [
        ("高齢者虐待の相談", "隣の家で息子さんが年とったお父さんを怒鳴って叩いている音がする。通報したほうがいい？"),
        ("子どもへの虐待が心配", "近所の子どもたちが夜いつも親がいなくて置き去りにされているみたい"),
    ],
)
def test_situations_without_the_keyword_reach_the_same_card(
    assistant: Assistant, keyword_form: str, situation: str
) -> None:
    keyword = assistant.reply(keyword_form)
    seen = assistant.reply(situation)
    assert keyword.topic and keyword.topic in {seen.topic, *(t for t, _ in seen.alternatives)}, (
        keyword.topic,
        seen.status,
        seen.topic,
    )


@pytest.mark.parametrize(
    "q",
    [
        "結婚したあと妻の苗字を名乗れますか",
        "離婚後もいまの姓を名乗りたい",
        "市民税の申告を忘れたらどうなる",
        "国民健康保険の加入の手続きを教えて",
        "剪定した木の枝は何ごみ",
    ],
)
def test_register_tax_and_procedure_questions_stay_out_of_scope(assistant: Assistant, q: str) -> None:
    assert assistant.reply(q).status == "no_match"
