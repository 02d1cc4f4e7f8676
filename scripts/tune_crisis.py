"""Choose the crisis check's thresholds by cross-validation, one corpus author held out at a time.

    python scripts/tune_crisis.py

Each fold trains the model without one author's messages (and a share of the ordinary phrasings)
and reads what was held out with the whole detector (terms, patterns, model): that is how the check
meets a writer it has never read. False alarms on ordinary questions are measured on the non-crisis
cases of the dev set, with the model trained on everything. The holdout sets are never read here.
Copy the chosen values into THRESHOLDS in bot/core/crisis/detector.py.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.crisis.detector import (  # noqa: E402
    CrisisDetector,
    Evidence,
    Thresholds,
    corpus_samples,
    fit_model,
    term_and_ordinary_samples,
    training_samples,
)
from bot.data.check import load_data  # noqa: E402
from bot.data.crisis_intents import NOT_CRISIS  # noqa: E402
from bot.language.text import analyzer  # noqa: E402
from bot.review.evaluation import load_cases  # noqa: E402

DEV = ROOT / "eval" / "dev.yaml"
CRISIS_AT = (0.4, 0.5, 0.6, 0.7)
HINT_AT = (0.1, 0.15, 0.2, 0.3)
VETO_BELOW = (0.0, 0.1)


def held_out_evidence() -> tuple[list[tuple[Evidence, str, bool]], list[Evidence]]:
    """(evidence, label, hard negative?) for every held-out message; evidence for the dev questions."""
    intents = load_data(ROOT).intents
    shared = analyzer()
    corpus = intents.crisis_corpus
    authors = sorted({m.origin for m in corpus})
    rest = term_and_ordinary_samples(intents)
    ordinary = [s for s in rest if s[1] == NOT_CRISIS]
    terms = [s for s in rest if s[1] != NOT_CRISIS]
    rows: list[tuple[Evidence, str, bool]] = []
    for fold, author in enumerate(authors):
        train = corpus_samples([m for m in corpus if m.origin != author]) + terms
        train += [s for i, s in enumerate(ordinary) if i % len(authors) != fold]
        detector = CrisisDetector(intents, fit_model(train, shared), shared)
        held = [(m.q, m.crisis, True) for m in corpus if m.origin == author]
        held += [(q, NOT_CRISIS, False) for i, (q, _) in enumerate(ordinary) if i % len(authors) == fold]
        for q, label, hard in held:
            evidence = detector.evidence(q)
            if evidence is not None:
                rows.append((evidence, label, hard))
    full = CrisisDetector(intents, fit_model(training_samples(intents), shared), shared)
    dev = [e for c in load_cases(DEV) if c.kind != "crisis" and (e := full.evidence(c.q)) is not None]
    return rows, dev


def main() -> None:
    rows, dev = held_out_evidence()
    crisis = [r for r in rows if r[1] != NOT_CRISIS]
    hard = [r for r in rows if r[1] == NOT_CRISIS and r[2]]
    ordinary = [r for r in rows if r[1] == NOT_CRISIS and not r[2]]
    print(f"{len(crisis)} crisis, {len(hard)} hard negatives, {len(ordinary)} ordinary phrasings, {len(dev)} dev")
    print("crisis_at hint_at veto | recall: crisis / with a number first | false crisis: hard / ordinary / dev"
          " | hint on dev")
    for c, h, v in itertools.product(CRISIS_AT, HINT_AT, VETO_BELOW):
        t = Thresholds(c, h, v)

        def rate(items: list[Evidence], *levels: str, t: Thresholds = t) -> str:
            return f"{sum(e.decide(t).level in levels for e in items) / len(items):6.1%}"

        found = [r[0] for r in crisis]
        print(
            f"{c:9.2f} {h:7.2f} {v:4.2f} | {rate(found, 'crisis')} / {rate(found, 'crisis', 'hint')} | "
            f"{rate([r[0] for r in hard], 'crisis')} / {rate([r[0] for r in ordinary], 'crisis')} / "
            f"{rate(dev, 'crisis')} | {rate(dev, 'hint')}"
        )
    per_kind: dict[str, list[bool]] = defaultdict(list)
    for evidence, label, _ in crisis:
        per_kind[label].append(evidence.decide().level == "crisis")
    recall = {k: f"{sum(v) / len(v):.0%}" for k, v in sorted(per_kind.items())}
    print("recall per kind at the current THRESHOLDS:", recall)


if __name__ == "__main__":
    main()
