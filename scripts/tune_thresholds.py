"""Grid-search an engine's decision thresholds on the labelled dev set and print the best few.

    python scripts/tune_thresholds.py [--engine main|bm25|fuzzy] [--cases eval/dev.yaml]

Rankings are computed once per case; only the cheap decision step is repeated per grid point.
The objective is the mean of the answer and no_match pass rates (crisis does not depend on
thresholds), so neither side can be traded away entirely. Copy the winner into the engine module.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.core.assistant import build_assistant
from bot.matching.decision import Thresholds, decide
from bot.review.evaluation import load_cases, passes


def frange(start: float, stop: float, step: float) -> list[float]:
    count = round((stop - start) / step) + 1
    return [round(start + i * step, 3) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="main")
    parser.add_argument("--cases", default=str(PROJECT_ROOT / "eval" / "dev.yaml"))
    args = parser.parse_args()

    assistant = build_assistant(PROJECT_ROOT, args.engine)
    cases = [c for c in load_cases(Path(args.cases)) if c.kind in ("answer", "no_match")]
    # Cases the crisis check takes are decided before thresholds matter.
    if assistant.crisis is not None:
        cases = [c for c in cases if not assistant.crisis.assess(c.q).is_crisis]
    rankings = [assistant.matcher.rank(c.q) for c in cases]
    original = assistant.matcher.thresholds

    # A reply depends on the case and the decision only; many grid points share decisions.
    cache: dict[tuple[int, str, tuple[str, ...]], tuple[bool, bool]] = {}
    results = []
    for floor, gap, margin in itertools.product(frange(0.1, 0.7, 0.02), frange(0.0, 0.4, 0.04), frange(0.0, 0.1, 0.02)):
        t = Thresholds(floor=floor, sure=floor + gap, margin=margin)
        assistant.matcher.thresholds = t
        rates = {"answer": [0, 0], "no_match": [0, 0]}
        clarified = 0
        for index, (case, ranked) in enumerate(zip(cases, rankings, strict=True)):
            decision = decide(ranked, t)
            key = (index, decision.status, tuple(c.topic for c in decision.candidates[:1]))
            if key not in cache:
                reply = assistant.reply(case.q, ranked=ranked)
                cache[key] = (passes(case, reply), reply.status == "clarify")
            passed, clarify = cache[key]
            rates[case.kind][0] += passed
            rates[case.kind][1] += 1
            clarified += clarify
        answer, no_match = (rates[k][0] / max(rates[k][1], 1) for k in ("answer", "no_match"))
        results.append(((answer + no_match) / 2 - 0.02 * clarified / len(cases), answer, no_match, clarified, t))
    assistant.matcher.thresholds = original

    results.sort(key=lambda r: r[0], reverse=True)
    print(f"engine {args.engine}, {len(cases)} cases; current {original}")
    for objective, answer, no_match, clarified, t in results[:10]:
        print(f"  {objective:.4f}  answer {answer:.3f}  no_match {no_match:.3f}  clarify {clarified:3d}  {t}")
    print("best per floor (the trade-off between answering and declining):")
    for floor in sorted({r[4].floor for r in results}):
        best = max((r for r in results if r[4].floor == floor), key=lambda r: r[0])
        print(f"  floor {floor:.2f}: answer {best[1]:.3f}  no_match {best[2]:.3f}  clarify {best[3]:3d}  {best[4]}")


if __name__ == "__main__":
    main()
