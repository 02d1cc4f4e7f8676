from bot.matching.decision import OUT_OF_SCOPE, Candidate, Thresholds, decide

T = Thresholds(floor=0.3, sure=0.6, margin=0.05)


def test_clear_winner_is_answered() -> None:
    d = decide([Candidate("a", 0.5), Candidate("b", 0.3)], T)
    assert d.status == "answer" and d.best == Candidate("a", 0.5)


def test_close_runner_up_asks_which() -> None:
    d = decide([Candidate("a", 0.5), Candidate("b", 0.48), Candidate("c", 0.1)], T)
    assert d.status == "clarify"
    assert [c.topic for c in d.candidates] == ["a", "b"]


def test_sure_score_answers_even_with_close_runner_up() -> None:
    assert decide([Candidate("a", 0.7), Candidate("b", 0.68)], T).status == "answer"


def test_weak_or_out_of_scope_is_no_match() -> None:
    assert decide([Candidate("a", 0.2)], T).status == "no_match"
    assert decide([], T).status == "no_match"
    assert decide([Candidate(OUT_OF_SCOPE, 0.6), Candidate("a", 0.5)], T).status == "no_match"
    assert decide([Candidate("a", 0.6), Candidate(OUT_OF_SCOPE, 0.5)], T).status == "answer"
