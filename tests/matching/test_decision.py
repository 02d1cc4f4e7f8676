from dataclasses import replace

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


def test_a_card_barely_closer_than_out_of_scope_examples_is_declined() -> None:
    share = Thresholds(floor=0.3, sure=0.6, margin=0.05, maybe=0.2, out_of_scope_share=0.7)
    barely = [Candidate("a", 0.4), Candidate(OUT_OF_SCOPE, 0.3), Candidate("b", 0.25)]
    d = decide(barely, share)
    assert d.status == "no_match" and d.out_of_scope
    assert decide(barely, T).status == "answer" and not decide(barely, T).out_of_scope  # share 1: ranks first only
    clearly = [Candidate("a", 0.5), Candidate(OUT_OF_SCOPE, 0.3)]
    assert decide(clearly, share).status == "answer"  # 0.3 < 0.7 × 0.5
    guess = [Candidate("a", 0.28), Candidate("b", 0.26), Candidate(OUT_OF_SCOPE, 0.2)]
    assert decide(guess, share).status == "no_match"  # 0.2 ≥ 0.7 × 0.28: not even a guess
    assert decide(guess, replace(share, out_of_scope_share=0.8)).unsure  # 0.2 < 0.8 × 0.28


def test_a_decline_for_lack_of_any_card_is_not_called_out_of_scope() -> None:
    assert not decide([Candidate("a", 0.2)], T).out_of_scope
    assert not decide([], T).out_of_scope
    assert decide([Candidate(OUT_OF_SCOPE, 0.6), Candidate("a", 0.5)], T).out_of_scope
