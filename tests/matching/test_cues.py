"""Words that ask for one card (bot/matching/cues.py): 「何件」 brings the figures card forward when it is
already near the top, and changes nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.assistant import Assistant
from bot.matching.cues import CUE_RANK, CUE_SHARE, CueWords
from bot.matching.decision import Candidate

CUES = CueWords({"figures": ("何件", "件数"), "csw_figures": ("何件",)})


def ranked(*pairs: tuple[str, float]) -> list[Candidate]:
    return [Candidate(t, s) for t, s in pairs]


def test_a_cued_topic_second_takes_first_place_and_the_scores_swap() -> None:
    got = CUES.prefer("相談は年に何件？", ranked(("centre", 0.6), ("figures", 0.4), ("other", 0.1)))
    assert got == ranked(("figures", 0.6), ("centre", 0.4), ("other", 0.1))


def test_a_cued_topic_third_moves_first_and_the_order_stays_by_score() -> None:
    got = CUES.prefer("件数を知りたい", ranked(("centre", 0.6), ("petition", 0.5), ("figures", 0.3), ("x", 0.2)))
    assert got == ranked(("figures", 0.6), ("petition", 0.5), ("centre", 0.3), ("x", 0.2))
    assert [c.score for c in got] == sorted((c.score for c in got), reverse=True)


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("相談の電話番号", [("centre", 0.6), ("figures", 0.5)]),  # no cue word
        ("何件？", [("centre", 0.6), ("figures", 0.6 * CUE_SHARE - 0.01)]),  # too far behind
        ("何件？", [("figures", 0.6), ("csw_figures", 0.5)]),  # a cued topic already first
        ("何件？", [("a", 0.6), *[(f"b{i}", 0.55) for i in range(CUE_RANK - 1)], ("figures", 0.5)]),  # too far down
        ("何件？", [("centre", 0.6)]),
        ("何件？", []),
    ],
)
def test_nothing_moves_without_a_cue_near_the_top(text: str, candidates: list[tuple[str, float]]) -> None:
    assert CUES.prefer(text, ranked(*candidates)) == ranked(*candidates)


def test_a_cue_at_exactly_the_share_counts_and_cues_are_read_normalised() -> None:
    cues = CueWords({"figures": ("ＣＳＷの人数",)})  # full-width letters, as staff may type them
    got = cues.prefer("Cswの人数は？", ranked(("csw", 0.5), ("figures", 0.5 * CUE_SHARE)))
    assert got[0].topic == "figures"


def test_a_figures_card_stands_in_only_for_the_cards_it_counts() -> None:
    cues = CueWords({"figures": ("何件",)}, {"figures": ("centre", "petition")})
    counted = ranked(("centre", 0.6), ("figures", 0.5))
    assert cues.prefer("相談は年に何件？", counted)[0].topic == "figures"
    other = ranked(("elder_abuse", 0.6), ("figures", 0.5))  # numbers asked, but of another subject
    assert cues.prefer("虐待は年に何件？", other) == other
    anywhere = CueWords({"figures": ("何件",)}, {"figures": ()})  # no list: in place of any card
    assert anywhere.prefer("虐待は年に何件？", other)[0].topic == "figures"


SUBJECTS = {  # numbers asked about a subject the plan's figures cards do not count
    "民生委員って市内に何人いるんですか": "minsei_iin",
    "ヤングケアラーって何人くらいいるの": "young_carer",
    "生活保護の件数は増えてる？": "public_assistance",
    "子ども食堂の数は増えてる？": "food_support",
}


@pytest.mark.parametrize("question", SUBJECTS)
def test_a_question_of_numbers_about_another_subject_keeps_its_card(assistant: Assistant, question: str) -> None:
    assert assistant.reply(question).topic == SUBJECTS[question]
    any_card = replace(assistant, cues=CueWords(assistant.data.intents.cues))  # cues without in_place_of
    assert any_card.reply(question).topic in {"csw_figures", "guardianship_figures"}


QUESTIONS = {
    "権利擁護センターには毎年何件くらい相談がありますか": "kenri_yogo_center_card",
    "市長申立てって小平では年に何件くらいあるんでしょうか": "guardianship_petition",
    "後見人に弁護士がなる割合ってどのくらい？": "guardian_kinds",
}


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_of_numbers_gets_the_figures_card(assistant: Assistant, question: str) -> None:
    reply = assistant.reply(question)
    assert reply.status == "answer" and reply.topic == "guardianship_figures"
    assert "件" in reply.text and "計画" in reply.text  # the figures, cited to the plan
    without = replace(assistant, cues=None).reply(question)
    assert without.topic == QUESTIONS[question]  # the neighbouring card, without the cue


def test_the_cues_come_from_the_data(assistant: Assistant) -> None:
    cues = assistant.data.intents.cues
    assert "何件" in cues["guardianship_figures"] and "何人" in cues["csw_figures"]
    assert set(cues) <= set(assistant.data.knowledge.cards)
    places = assistant.data.intents.cue_places
    assert "kenri_yogo_center_card" in places["guardianship_figures"] and "csw" in places["csw_figures"]
    assert {card for cards in places.values() for card in cards} <= set(assistant.data.knowledge.cards)


def test_a_child_writing_about_a_parent_gets_the_child_abuse_card_not_the_partners(assistant: Assistant) -> None:
    """The DV card is about partners; a child's 「ママ」「お父さん」 asks for the child-abuse card."""
    child = "ママがいつもぼくにだけどなる。たたかれたことはないけど"
    assert assistant.reply(child).topic == "child_abuse"
    assert replace(assistant, cues=None).reply(child).topic == "dv"  # without the cue
    assert assistant.reply("夫がいつも私にだけ怒鳴る。叩かれたことはないけど").topic == "dv"  # a partner: still DV
    assert "dv" in assistant.data.intents.cue_places["child_abuse"]


def test_a_childs_words_bring_the_child_abuse_card_forward_from_fourth_place(assistant: Assistant) -> None:
    """「お酒」 and 「物をなげる」 rank the addiction card and another beside DV's: the child-abuse card comes
    fourth (CUE_RANK), and still takes DV's place. The crisis check is left aside: this message is one."""
    child = "お父さんがお酒をのむとどなって、物をなげる。家に帰りたくない。小5です"
    ranked = assistant.matcher.rank(child)
    assert [c.topic for c in ranked].index("child_abuse") == 3 and ranked[0].topic == "dv"
    reply = assistant.matched_reply(child)
    assert reply.topic == "child_abuse" or reply.alternatives[0][0] == "child_abuse"
    assert assistant.reply(child).status == "crisis"
