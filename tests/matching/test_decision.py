from dataclasses import replace

from bot.matching.decision import OUT_OF_SCOPE, STORY_CHARS, Candidate, Thresholds, decide, is_story

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


def test_a_story_is_guessed_at_from_a_lower_score_than_a_short_question() -> None:
    t = Thresholds(floor=0.3, sure=0.6, margin=0.05, maybe=0.24, out_of_scope_share=0.7, story_maybe=0.18)
    thin = [Candidate("a", 0.2), Candidate("b", 0.17), Candidate(OUT_OF_SCOPE, 0.1)]
    assert decide(thin, t).status == "no_match"
    story = decide(thin, t, story=True)
    assert (story.status, story.unsure) == ("clarify", True)
    assert [c.topic for c in story.candidates] == ["a", "b"]
    assert decide([Candidate("a", 0.17), Candidate("b", 0.16)], t, story=True).status == "no_match"  # below it
    assert decide(thin, replace(t, story_maybe=1.0), story=True).status == "no_match"  # no band by default
    # A story read as out of scope as much as ours is declined all the same.
    near = [Candidate("a", 0.2), Candidate(OUT_OF_SCOPE, 0.15), Candidate("b", 0.17)]
    assert decide(near, t, story=True).status == "no_match" and decide(near, t, story=True).out_of_scope
    assert decide([Candidate("a", 0.25), Candidate("b", 0.2)], t).unsure  # above `maybe`: as before


def test_a_story_is_a_message_of_story_chars_or_more() -> None:
    assert is_story("あ" * STORY_CHARS) and not is_story("あ" * (STORY_CHARS - 1))
