"""Grid-search an engine's decision thresholds (and main's classifier share) on the dev sets.

    python scripts/tune_thresholds.py [--engine main|bm25|fuzzy] [--cases eval/dev.yaml ...] [--share 0.3 0.4]

Rankings are computed once per case and share; only the cheap decision step is repeated per grid
point. The objective is, over the case files, the mean answer pass rate plus the mean no_match
pass rate, so neither side can be traded away and no one file dominates; a little is taken off for
each clarify. Only dev sets are read: never pass a holdout. Copy the winner into the engine module
(and the share into bot/matching/classifier.py).
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.core.assistant import build_assistant
from bot.matching.decision import decide, is_story
from bot.matching.tfidf import TfidfMatcher
from bot.review.evaluation import Case, load_cases, passes

DEV_SETS = ("dev.yaml", "faq_dev.yaml")  # and every registers_dev_*.yaml


def frange(start: float, stop: float, step: float) -> list[float]:
    count = round((stop - start) / step) + 1
    return [round(start + i * step, 3) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="main")
    dev = [PROJECT_ROOT / "eval" / n for n in DEV_SETS] + sorted((PROJECT_ROOT / "eval").glob("registers_dev_*.yaml"))
    parser.add_argument("--cases", nargs="+", default=[str(p) for p in dev])
    parser.add_argument("--share", nargs="+", type=float, default=None, help="main: classifier shares to try")
    args = parser.parse_args()

    assistant = build_assistant(PROJECT_ROOT, args.engine)
    sets: dict[str, list[Case]] = {}
    for name in args.cases:
        cases = [c for c in load_cases(Path(name)) if c.kind in ("answer", "no_match")]
        # Cases the crisis check takes are decided before thresholds matter.
        if assistant.crisis is not None:
            cases = [c for c in cases if not assistant.crisis.assess(c.q).is_crisis]
        sets[Path(name).stem] = cases
    matcher = assistant.matcher
    shares = args.share if args.share and isinstance(matcher, TfidfMatcher) else [None]
    original = matcher.thresholds
    results = []
    for share in shares:
        if share is not None and isinstance(matcher, TfidfMatcher):
            matcher.blend_share = share
        rankings = {name: [matcher.rank(c.q) for c in cases] for name, cases in sets.items()}
        # A reply depends on the case and the decision only; many grid points share decisions.
        cache: dict[tuple[str, int, str, tuple[str, ...]], tuple[bool, bool]] = {}
        floors, gaps, margins = frange(0.2, 0.44, 0.02), frange(0.0, 0.24, 0.04), frange(0.0, 0.06, 0.02)
        maybes, oos_shares = (0.2, 0.22, 0.24, 0.26, 0.28, 0.3), (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
        for floor, gap, margin, maybe, oos_share in itertools.product(floors, gaps, margins, maybes, oos_shares):
            if maybe > floor:
                continue
            # The fields the grid does not vary (story_maybe, set alone) keep the engine's values.
            t = replace(
                original, floor=floor, sure=floor + gap, margin=margin, maybe=maybe, out_of_scope_share=oos_share
            )
            matcher.thresholds = t
            answer_rates, declined_rates, clarified = [], [], 0
            for name, cases in sets.items():
                rates = {"answer": [0, 0], "no_match": [0, 0]}
                for index, (case, ranked) in enumerate(zip(cases, rankings[name], strict=True)):
                    decision = decide(ranked, t, story=is_story(case.q))
                    key = (name, index, decision.status, tuple(c.topic for c in decision.candidates[:3]))
                    if key not in cache:
                        reply = assistant.reply(case.q, ranked=ranked)
                        cache[key] = (passes(case, reply), reply.status == "clarify")
                    passed, clarify = cache[key]
                    rates[case.kind][0] += passed
                    rates[case.kind][1] += 1
                    clarified += clarify
                if rates["answer"][1]:
                    answer_rates.append(rates["answer"][0] / rates["answer"][1])
                if rates["no_match"][1]:
                    declined_rates.append(rates["no_match"][0] / rates["no_match"][1])
            answer = sum(answer_rates) / max(len(answer_rates), 1)
            declined = sum(declined_rates) / max(len(declined_rates), 1)
            total = sum(len(c) for c in sets.values())
            results.append((answer + declined - 0.02 * clarified / total, answer, declined, clarified, share, t))
    matcher.thresholds = original

    results.sort(key=lambda r: r[0], reverse=True)
    print(f"engine {args.engine}, {sum(len(c) for c in sets.values())} cases in {len(sets)} files; current {original}")
    current = [r for r in results if r[5] == original]
    # The current thresholds with each out-of-scope share: what that one setting does alone.
    shares_alone = [r for r in results if replace(r[5], out_of_scope_share=original.out_of_scope_share) == original]
    for label, rows in (
        ("best", results[:10]),
        ("current", current),
        ("current, each out-of-scope share", shares_alone),
    ):
        print(label)
        for objective, answer, declined, clarified, share, t in rows:
            print(f"  {objective:.4f}  answer {answer:.3f}  no_match {declined:.3f}  clarify {clarified:3d}", share, t)


if __name__ == "__main__":
    main()
