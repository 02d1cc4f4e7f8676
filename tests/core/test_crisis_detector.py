"""The whole crisis check on the project's data: terms, patterns, the learned model, the grey zone."""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.core.assistant import Assistant
from bot.core.crisis.detector import (
    THRESHOLDS,
    CrisisAssessment,
    Evidence,
    Thresholds,
    build_detector,
    load_model,
    training_samples,
)
from bot.core.crisis.model import CrisisModel, Score, features, training_key, views
from bot.data.bundle import AssistantData
from bot.data.crisis_intents import NOT_CRISIS
from bot.data.intents import Intents
from bot.diskcache import KEEP, cache_dir
from bot.language.romaji import to_kana
from bot.language.text import MAX_ANALYSED_CHARS, analyzer, has_japanese
from tests.aged_files import write_aged
from tests.core.test_crisis_model_training import vocabulary_of


def test_each_layer_raises_the_alarm_on_its_own(assistant: Assistant) -> None:
    said = assistant.assess("もう死にたい")
    assert (said.level, said.layer, said.kinds) == ("crisis", "term", ("suicide",))
    combined = assistant.assess("今夜で終わりにする")  # a time and a finality word, neither a crisis alone
    assert (combined.level, combined.layer) == ("crisis", "pattern")
    learned = assistant.assess("駅のホームの端に立ってる。もう疲れた")  # no term, no pattern
    assert (learned.level, learned.layer, learned.kinds) == ("crisis", "model", ("suicide",))


def test_the_learned_layer_finds_what_no_rule_names(assistant: Assistant, project_data: AssistantData) -> None:
    """Most corpus crises that no term or pattern catches are caught by the model (it is on)."""
    assert assistant.crisis is not None
    detector = assistant.crisis
    crises = [m.q for m in project_data.intents.crisis_corpus if m.crisis != "none"]
    missed_by_rules = [q for q in crises if (e := detector.evidence(q)) is not None and not e.rule_kinds]
    assert len(missed_by_rules) > 300
    caught = [q for q in missed_by_rules if assistant.assess(q).is_crisis]
    assert len(caught) / len(missed_by_rules) > 0.9


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("おっと まいにち なぐる いま にげたい", "dv"),
        ("まいにち おとうさんに たたかれる", "child_abuse"),
        ("ともだちがLINEでいまからしぬって", "suicide"),
        ("認知症の父が朝から帰ってこない", "missing_person"),
        ("父が倒れて動かない", "medical"),
        ("介護に疲れて親を殺してしまいそう", "harm_urge"),
        ("借金がふくらんで、もう死んで保険金で返すしかない", "suicide"),
        ("睡眠薬を全部飲んだ", "overdose"),
    ],
)
def test_the_issues_own_examples_are_crises_of_their_kind(assistant: Assistant, text: str, kind: str) -> None:
    assessment = assistant.assess(text)
    assert assessment.is_crisis and kind in assessment.kinds, assessment


@pytest.mark.parametrize(
    "text",
    [
        "死ぬほど忙しい毎日です",
        "自殺予防の研修はありますか",
        "ゲームでボスに殺された",
        "189は何の番号ですか",
        "今から死ぬ気で勉強する",
        "辞書を引いたら意味が分かった",  # read ジショヲ, like 自傷を
    ],
)
def test_everyday_uses_are_not_crises(assistant: Assistant, text: str) -> None:
    assert not assistant.assess(text).is_crisis


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("俺が死ねば生命保険で借金は返せる", "suicide"),  # death and the insurance money, not 保険金で返 as written
        ("私が死んだら保険金で借金を返してほしい", "suicide"),
    ],
)
def test_the_rules_find_a_plan_to_pay_with_ones_life_insurance(assistant: Assistant, text: str, kind: str) -> None:
    assert assistant.crisis is not None
    assert kind in assistant.crisis.rules.kinds(analyzer().analyse(text))[0]
    assert assistant.assess(text).level != "none"  # the crisis reply, or the emergency line first


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("眠れない日が続いています。死にたいとは思っていませんが、つらいです", "suicide"),
        ("彼氏に殴られてはいないけど、毎日スマホを見られて束縛されている", "dv"),
        ("兄は20年ひきこもり。母は「私たちが死んだらこの子はどうなるの」と言う。今すぐ何かあるわけではない", "suicide"),
    ],
)
def test_a_danger_the_message_itself_denies_is_no_rule_finding(assistant: Assistant, text: str, kind: str) -> None:
    """「死にたいとは思っていません」「殴られてはいない」: the allow-list hides the words the message denies."""
    assert assistant.crisis is not None
    assert kind not in assistant.crisis.rules.kinds(analyzer().analyse(text))[0]


def test_story_context_cancels_only_its_own_kind(assistant: Assistant) -> None:
    assert not assistant.assess("ゲームでボスに殺された").is_crisis
    assert assistant.assess("ゲームばかりの毎日でもう死にたい").kinds[:1] == ("suicide",)


def test_the_rules_report_their_kinds_and_the_first_layer_that_found_one(assistant: Assistant) -> None:
    """The rule layers alone, before the model: a story context cancels only its own kind's terms, and the
    layer is the first that found a kind (terms before patterns)."""
    assert assistant.crisis is not None
    rules = assistant.crisis.rules

    def kinds(text: str) -> tuple[set[str], str]:
        return rules.kinds(analyzer().analyse(text))

    assert kinds("知らない男に殺されそう") == ({"violence"}, "term")
    assert kinds("ゲームで殺されそう") == (set(), "")  # violence's story context: not even a rule finding
    assert kinds("今夜で終わりにする") == ({"suicide"}, "pattern")
    assert kinds("知らない男に殺されそう。今夜で終わりにする") == ({"suicide", "violence"}, "term")
    assert kinds("今日はいい天気") == (set(), "")


def test_decision_between_crisis_hint_and_none() -> None:
    t = Thresholds(crisis_at=0.6, hint_at=0.15, veto_below=0.1)
    assert Evidence(frozenset(), "", Score(0.7, "dv")).decide(t).level == "crisis"
    assert Evidence(frozenset(), "", Score(0.3, "dv")).decide(t).level == "hint"
    assert Evidence(frozenset(), "", Score(0.1, "dv")).decide(t).level == "none"
    # A term in a text the model finds clearly safe (a past, resolved event): the line first, not the alarm.
    vetoed = Evidence(frozenset({"suicide"}), "term", Score(0.05, "suicide")).decide(t)
    assert (vetoed.level, vetoed.kinds) == ("hint", ("suicide",))
    assert Evidence(frozenset({"suicide"}), "term", Score(0.2, "dv")).decide(t).kinds == ("suicide",)


def test_each_threshold_is_reached_at_its_own_value_and_the_evidence_is_kept() -> None:
    """A score equal to a threshold counts as reaching it; the assessment keeps the score, the kinds and the
    layer that decided (the grey-zone hint names the model's kind when no rule found one)."""
    t = Thresholds(crisis_at=0.6, hint_at=0.15, veto_below=0.1)
    assert Evidence(frozenset(), "", Score(0.6, "dv")).decide(t) == CrisisAssessment("crisis", ("dv",), 0.6, "model")
    assert Evidence(frozenset(), "", Score(0.15, "dv")).decide(t) == CrisisAssessment("hint", ("dv",), 0.15, "model")
    at_veto = Evidence(frozenset({"suicide"}), "term", Score(0.1, "dv")).decide(t)
    assert at_veto == CrisisAssessment("crisis", ("suicide",), 0.1, "term")
    vetoed = Evidence(frozenset({"suicide"}), "pattern", Score(0.09, "dv")).decide(t)
    assert vetoed == CrisisAssessment("hint", ("suicide",), 0.09, "pattern")
    assert Evidence(frozenset(), "", Score(0.14, "dv")).decide(t) == CrisisAssessment("none", (), 0.14)


def test_grey_zone_answers_with_the_emergency_line_first(assistant: Assistant) -> None:
    evidence = Evidence(frozenset(), "", Score(0.3, "suicide"))
    reply = assistant.matched_reply("生活費が足りない", assessment=evidence.decide())
    assert reply.status == "answer" and reply.crisis_hint
    first = reply.text.splitlines()[0]
    assert "110" in first and "119" in first and "24時間" in first
    assert [w.id for w in reply.windows[:2]] == ["police_110", "fire_119"]
    assert reply.to_json()["crisis_hint"] is True
    assert not assistant.reply("生活費が足りない").crisis_hint


def test_no_topic_or_out_of_scope_example_is_taken_for_a_crisis(
    assistant: Assistant, project_data: AssistantData
) -> None:
    """Ordinary phrasings (2,000+ of them in intents/) must never get the crisis reply."""
    intents = project_data.intents
    examples = [e for phrases in intents.examples.values() for e in phrases] + list(intents.out_of_scope)
    assert [e for e in examples if assistant.assess(e).is_crisis] == []


def test_the_model_learns_from_every_labelled_text(assistant: Assistant, project_data: AssistantData) -> None:
    """The corpus with its labels and each kind's terms as crises; every topic example, out-of-scope
    question, allowed Japanese phrase and small-talk phrase as an ordinary message (the model's negatives)."""
    intents = project_data.intents

    def as_read(text: str) -> str:  # romaji as the kana it spells (tests/core/test_crisis_other_scripts.py)
        return to_kana(text) or text

    # A corpus message with nothing Japanese to read (English) and the English terms are rules only.
    readable = [m for m in intents.crisis_corpus if to_kana(m.q) is not None or has_japanese(m.q)]
    assert 0 < len(intents.crisis_corpus) - len(readable) < len(intents.crisis_corpus) // 20  # a few percent
    expected = [(as_read(m.q), m.crisis) for m in readable]
    expected += [(term, k.kind) for k in intents.crisis for term in k.terms if not term.isascii()]
    ordinary = [*(e for phrases in intents.examples.values() for e in phrases), *intents.out_of_scope]
    japanese_allow = [a for a in intents.crisis_allow if not a.isascii()]  # English ones are rules only
    ordinary += [*japanese_allow, *(p for talk in intents.smalltalk for p in talk.phrases)]
    expected += [(as_read(text), NOT_CRISIS) for text in ordinary]
    assert all(ordinary) and intents.examples and intents.out_of_scope
    assert 0 < len(japanese_allow) < len(intents.crisis_allow)
    assert sorted(training_samples(intents)) == sorted(expected)


def test_the_model_reads_each_view_of_the_text_whole() -> None:
    """Every 1-3 character gram (spaces dropped), every 2-4 kana gram of the readings, the dictionary forms
    and their pairs, punctuation left out of the word views: nothing cut at the end, nothing made up."""
    analysis = analyzer().analyse("もう 死にたい。")
    chars, readings, lemmas, pairs = views(analysis.normalized, analysis.tokens)
    assert chars == {
        "も", "う", "死", "に", "た", "い", "。",
        "もう", "う死", "死に", "にた", "たい", "い。",
        "もう死", "う死に", "死にた", "にたい", "たい。",
    }  # fmt: skip
    assert "".join(t.reading for t in analysis.tokens) == "モシニタイ"  # Sudachi's readings, punctuation ""
    assert readings == {"モシ", "シニ", "ニタ", "タイ", "モシニ", "シニタ", "ニタイ", "モシニタ", "シニタイ"}
    assert (lemmas, pairs) == ({"もう", "死ぬ", "たい"}, {"もう|死ぬ", "死ぬ|たい"})
    assert views("", ()) == (set(), set(), set(), set())
    # Spaces between Latin words are dropped before the grams; the text is read as far as the tokens are.
    assert views("i want", ())[0] == {"i", "w", "a", "n", "t", "iw", "wa", "an", "nt", "iwa", "wan", "ant"}
    assert views("あ" * MAX_ANALYSED_CHARS + "死", ())[0] == {"あ", "ああ", "あああ"}


def test_the_fast_scorer_gives_the_trained_models_probability_and_kind(assistant: Assistant) -> None:
    """score() looks features up view by view; the result must be the tf-idf, length-normalised logistic
    regression (and linear kind model) over the training vocabulary's prefixed features."""
    assert assistant.crisis is not None
    model = assistant.crisis.model
    vocabulary = vocabulary_of(model)
    arrays = model._arrays
    for text in ("もう死にたい", "夫に毎日殴られている", "介護保険の申請はどこですか", "i want to die"):
        analysis = analyzer().analyse(text)
        known = features(analysis.normalized, analysis.tokens) & set(vocabulary)
        index = np.array(sorted(vocabulary[f] for f in known))
        idf = arrays["idf"][index]
        norm = math.sqrt(float((idf**2).sum()))
        logit = float(arrays["crisis_bias"][0]) + float((arrays["crisis_weights"][index] * idf).sum()) / norm
        kinds = arrays["kind_bias"] + (arrays["kind_weights"][index] * idf[:, None]).sum(axis=0) / norm
        score = model.score(analysis)
        assert score.crisis == pytest.approx(1 / (1 + math.exp(-logit)), abs=1e-12), text
        assert score.kind == model.kinds[int(kinds.argmax())], text
    nothing = model.score(analyzer().analyse("🦜"))  # no feature the model knows
    assert (nothing.crisis, nothing.kind) == (0.0, model.kinds[0])


def _a_tenth_of(intents: Intents) -> Intents:
    """The same kinds of training text, a tenth as many: a model that trains in a second."""
    return replace(
        intents,
        crisis_corpus=intents.crisis_corpus[::10],
        examples={topic: phrases[::10] for topic, phrases in intents.examples.items()},
        out_of_scope=intents.out_of_scope[::10],
    )


@pytest.mark.slow
def test_model_is_cached_and_a_broken_cache_is_retrained(
    assistant: Assistant, project_data: AssistantData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    intents = _a_tenth_of(project_data.intents)  # caching is the point here, not the model: train quickly
    path = cache_dir() / f"crisis-{training_key(training_samples(intents))}.npz"
    # Models of earlier data: only the newest are kept beside the new one; other caches are not touched.
    cache_dir().mkdir(parents=True)
    stale = [cache_dir() / f"crisis-stale{i}.npz" for i in range(KEEP + 1)]
    other = cache_dir() / "index-stale.npz"
    write_aged([*stale, other], b"old")  # stale0 is the newest
    first = build_detector(intents, analyzer()).model  # a first start: nothing cached, the model is trained
    assert path.exists()
    assert sorted(cache_dir().glob("crisis-*.npz")) == sorted([path, *stale[: KEEP - 1]])
    assert other.exists()
    path.write_bytes(b"not a model")
    again = load_model(intents, analyzer())
    text = analyzer().analyse("もう死にたい")
    expected = (first.score(text).crisis, first.score(text).kind)
    assert (again.score(text).crisis, again.score(text).kind) == expected
    reloaded = CrisisModel.load(path).score(text)
    assert (reloaded.crisis, reloaded.kind) == expected


@pytest.mark.slow
def test_an_unwritable_cache_costs_a_warning_not_the_model(
    assistant: Assistant,
    project_data: AssistantData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A home where the cache cannot be written (here a file stands where its folder would be): the model is
    trained and used all the same, and the log says why it was not kept, with no text of the resident."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    caplog.set_level(logging.WARNING, logger="bot.core.crisis.detector")
    model = load_model(_a_tenth_of(project_data.intents), analyzer())
    assert model.score(analyzer().analyse("もう死にたい")).crisis >= THRESHOLDS.crisis_at
    assert [r.getMessage() for r in caplog.records] == [
        "crisis model cache not written (Not a directory); it will be trained again next start"
    ]
