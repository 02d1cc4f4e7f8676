"""The crisis check on messages not written in Japanese script: romaji (read as the kana it spells),
katakana typed for its sounds (read in hiragana too) and English (terms and signals of
intents/crisis.yaml, which the Japanese-trained model cannot veto)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.assistant import Assistant
from bot.core.crisis.detector import CrisisAssessment, Evidence, Thresholds, training_samples
from bot.core.crisis.model import Score
from bot.data.bundle import AssistantData
from bot.language.romaji import to_kana


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("mou shinitai", "suicide"),
        ("jisatsu shitai desu", "suicide"),
        ("tasukete otto ni korosareru", "dv"),
        ("haha ga taorete ugokanai", "medical"),
        ("otto ga mainichi nagurareru tasukete", "dv"),
    ],
)
def test_romaji_crises_are_caught(assistant: Assistant, text: str, kind: str) -> None:
    said = assistant.assess(text)
    assert said.level == "crisis" and kind in said.kinds, said


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ｸﾋﾞｦ ﾂﾙ ﾛｰﾌﾟ ｶｯﾀ", "suicide"),
        ("ﾓｳ ｲｷﾃｲﾀｸﾅｲ", "suicide"),
        ("ｵｯﾄﾆ ﾏｲﾆﾁ ﾅｸﾞﾗﾚﾙ", "dv"),
        ("ﾁﾁｶﾞ ﾀｵﾚﾃ ｳｺﾞｶﾅｲ", "medical"),
    ],
)
def test_half_width_crises_are_found_by_the_rules_in_their_hiragana_reading(
    assistant: Assistant, text: str, kind: str
) -> None:
    """Sudachi reads a run of half-width katakana as one unknown word, where no term or signal is found;
    its hiragana copy splits into words the rules know. With the model undecided (a score between the
    hint and the crisis thresholds), the rules alone give the crisis reply."""
    assert assistant.crisis is not None
    evidence = assistant.crisis.evidence(text)
    assert evidence is not None and evidence.other_letters is not None
    assert kind not in evidence.rule_kinds and kind in evidence.other_letters.rule_kinds
    undecided = Score(0.3, kind)
    said = replace(evidence, score=undecided, other_letters=replace(evidence.other_letters, score=undecided)).decide()
    assert said.level == "crisis" and kind in said.kinds, said


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I want to die", "suicide"),
        ("my husband hits me every day, help me", "dv"),
        ("My mother is not breathing", "medical"),
        ("I took too many pills", "overdose"),
        ("my father has dementia and walked out last night, we can't find him", "missing_person"),
        ("suicide", "suicide"),  # the one word, as 自殺 alone is
        ("I want to disappear", "suicide"),
        ("I do not want to wake up tomorrow", "suicide"),
        ("my dad hits me", "child_abuse"),
        ("someone is abusing my kid", "child_abuse"),
        ("my father is beating my mother right now", "violence"),
        ("I wish I was dead", "suicide"),
        ("I can't go on anymore", "suicide"),
        ("Nobody would miss me if I was gone", "suicide"),
        ("I took a lot of pills an hour ago", "overdose"),
        ("I slit my wrist", "self_harm"),
        ("My grandfather fell and can't get up", "medical"),
        ("Someone attacked me on the way home", "violence"),
        ("He threatened to kill me", "dv"),
        ("My grandmother went missing this morning", "missing_person"),
        ("I don't want to be alive anymore", "suicide"),
        ("i dont wanna be alive", "suicide"),
        ("I wish I had never been born", "suicide"),
        ("i took like 30 of my anxiety pills and some wine", "overdose"),  # the training corpus's own words
        ("I took 30 of them an hour ago", "overdose"),
        ("My aunt hasn't given her food since Monday and she can't walk", "elder_abuse"),
        ("I don't want to live in this world anymore", "suicide"),  # around the allowed "... live in"
        ("i dont wanna live with this pain anymore", "suicide"),
    ],
)
def test_english_crises_are_caught_though_the_model_cannot_read_english(
    assistant: Assistant, text: str, kind: str
) -> None:
    said = assistant.assess(text)
    assert said.level == "crisis" and kind in said.kinds, said


@pytest.mark.parametrize(
    "text",
    [
        "shinu hodo tsukareta",  # romaji idiom: 死ぬほど疲れた
        "kaigo hoken ryou takai",
        "This exam is killing me",
        "my phone died",
        "I'm dying to know where the care office is",
        "where is the suicide prevention office",
        "suicide statistics in Japan",
        "Is there a suicide prevention week event?",
        "I can't go on the trip next week",
        "My cat went missing",
        "I sometimes burn myself when cooking",
        "What number do I call if I ever suspect a child is being abused?",
        "It took 20 minutes to get to city hall by bus",
        "It took like 30 minutes",
        "Can I bring pills and wine on the plane?",
        "The cat is not feeding her kittens",
        "I don't want to live in Tokyo anymore, the rent is too high",
        "My mother does not want to live with us. Where can she get care?",
    ],
)
def test_everyday_romaji_and_english_are_not_crises(assistant: Assistant, text: str) -> None:
    assert assistant.assess(text).level != "crisis"


def test_the_more_urgent_reading_decides_and_kinds_are_joined() -> None:
    t = Thresholds(crisis_at=0.5, hint_at=0.15, veto_below=0.1)
    calm = Evidence(frozenset(), "", Score(0.01, "dv"))
    urgent = Evidence(frozenset({"suicide"}), "term", Score(0.9, "suicide"))
    assert Evidence(frozenset(), "", Score(0.01, "dv"), other_letters=urgent).decide(t).level == "crisis"
    written_urgent = Evidence(frozenset({"suicide"}), "term", Score(0.9, "suicide"), other_letters=calm)
    assert written_urgent.decide(t).level == "crisis"
    both = Evidence(frozenset({"dv"}), "term", Score(0.6, "dv"), other_letters=urgent).decide(t)
    assert (both.level, both.kinds, both.score) == ("crisis", ("suicide", "dv"), 0.9)
    hint = Evidence(frozenset(), "", Score(0.2, "dv"), other_letters=calm).decide(t)
    assert (hint.level, hint.kinds) == ("hint", ("dv",))


def test_two_calm_readings_keep_the_written_texts_assessment() -> None:
    t = Thresholds(crisis_at=0.5, hint_at=0.15, veto_below=0.1)
    calm_spelling = Evidence(frozenset(), "", Score(0.08, "dv"))
    said = Evidence(frozenset(), "", Score(0.05, "suicide"), other_letters=calm_spelling).decide(t)
    assert said == CrisisAssessment("none", (), 0.05)


def test_a_term_in_text_the_model_cannot_read_is_not_vetoed() -> None:
    t = Thresholds(crisis_at=0.5, hint_at=0.15, veto_below=0.1)
    english = Evidence(frozenset({"suicide"}), "term", Score(0.01, "suicide"), model_reads=False)
    assert english.decide(t).level == "crisis"
    japanese = Evidence(frozenset({"suicide"}), "term", Score(0.01, "suicide"), model_reads=True)
    assert japanese.decide(t).level == "hint"


def test_the_models_score_on_romaji_as_written_does_not_count() -> None:
    """The model reads romaji as the kana it spells; the Latin letters' own score is noise (「hoikuen
    hairitai desu …」 once scored 0.50 as written, 0.001 as kana)."""
    t = Thresholds(crisis_at=0.5, hint_at=0.15, veto_below=0.1)
    calm_kana = Evidence(frozenset(), "", Score(0.001, "suicide"), model_reads=True)
    for noisy in (0.51, 0.2):
        romaji = Evidence(frozenset(), "", Score(noisy, "suicide"), model_reads=False, other_letters=calm_kana)
        assert romaji.decide(t).level == "none"
    # English has no kana reading: there the model's score still counts (it catches English crises the
    # rules miss), and so does a term found in the Latin letters.
    english = Evidence(frozenset(), "", Score(0.51, "overdose"), model_reads=False)
    assert english.decide(t).level == "crisis"
    term = Evidence(frozenset({"suicide"}), "term", Score(0.51, "suicide"), model_reads=False, other_letters=calm_kana)
    assert term.decide(t).level == "crisis"


def test_the_model_learns_romaji_as_kana_and_nothing_from_english_alone(project_data: AssistantData) -> None:
    samples = training_samples(project_data.intents)
    texts = {text for text, _ in samples}
    romaji = [m for m in project_data.intents.crisis_corpus if m.register == "romaji"]
    english = [m for m in project_data.intents.crisis_corpus if m.register == "english"]
    assert romaji and english
    assert not any(m.q in texts for m in romaji + english)
    assert all(to_kana(m.q) in texts for m in romaji)  # learned as the kana it spells
    terms = {t for kind in project_data.intents.crisis for t in kind.terms}
    assert "want to die" in terms and not any(t in texts for t in terms if t.isascii())  # English terms: rules only
    ordinary = "kaigo hoken ryou takai, nenkin sukunai, yasuku naru?"
    assert ordinary not in texts and "かいご ほけん りょう たかい, ねんきん すくない, やすく なる?" in texts


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("jidou teate wa itsu furikomaremasu ka", "child_allowance"),
        ("haha ga ninchishou kamo shiremasen", "dementia_consult"),
    ],
)
def test_romaji_questions_are_answered(assistant: Assistant, text: str, topic: str) -> None:
    reply = assistant.reply(text)
    assert reply.status != "crisis" and topic in (reply.topic, *(t for t, _ in reply.alternatives)), reply
