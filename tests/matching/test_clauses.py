from bot.matching.clauses import clauses
from bot.matching.decision import OUT_OF_SCOPE, Candidate, Thresholds, decide


def test_greetings_and_apologies_are_left_out() -> None:
    text = "突然すみません。実家の母のことなんですが、最近同じことを何回も聞いてきます。どこに相談したらいいですか。"
    parts = clauses(text)
    assert not any(p.startswith("突然") for p in parts)
    assert any("同じことを何回も" in p for p in parts)
    assert parts[-1].startswith("どこに相談")


def test_a_short_question_is_one_clause() -> None:
    assert clauses("母が認知症かもしれない") == ["母が認知症かもしれない"]


def test_long_sentences_split_at_their_joints() -> None:
    assert len(clauses("仕事は探してるんですけど、まだ決まらなくて家賃が払えません")) == 2


T = Thresholds(floor=0.3, sure=0.5, margin=0.05, maybe=0.2)


def test_between_maybe_and_floor_the_best_are_offered_as_a_guess() -> None:
    ranked = [Candidate("a", 0.25), Candidate("b", 0.21), Candidate("c", 0.1)]
    decision = decide(ranked, T)
    assert decision.status == "clarify" and decision.unsure
    assert [c.topic for c in decision.candidates] == ["a", "b", "c"]


def test_below_maybe_or_out_of_scope_first_is_no_match() -> None:
    assert decide([Candidate("a", 0.19), Candidate("b", 0.1)], T).status == "no_match"
    assert decide([Candidate(OUT_OF_SCOPE, 0.26), Candidate("a", 0.25)], T).status == "no_match"


def test_above_the_floor_nothing_changes() -> None:
    decision = decide([Candidate("a", 0.45), Candidate("b", 0.2)], T)
    assert decision.status == "answer" and not decision.unsure


def test_the_last_sentence_with_content_of_a_message_of_two_or_more_comes_first() -> None:
    from bot.matching.clauses import asking_sentences

    assert asking_sentences("母が認知症です。どこに相談すればいいですか")[0] == "どこに相談すればいいですか"
    assert asking_sentences("母が認知症です。どこに相談すればいいですか？\nよろ")[0] == "どこに相談すればいいですか？"


def test_a_message_asks_in_its_last_sentence_or_its_first() -> None:
    from bot.matching.clauses import asking_sentences

    assert asking_sentences("CSWってなに？公民館の貼り紙で見た。") == ["公民館の貼り紙で見た。", "CSWってなに？"]
    assert asking_sentences("母が認知症です。夜も眠れません。どこに相談すればいいですか") == [
        "どこに相談すればいいですか",
        "母が認知症です。",
    ]
    assert asking_sentences("どこに相談すればいいですか") == []
    assert asking_sentences("母です。どこに相談すればいいですか") == []
