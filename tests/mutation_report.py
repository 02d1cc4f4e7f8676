"""`make mutate-report`: the mutation score per safety-critical module, from mutmut's results in mutants/.

Score = killed / (killed + survived), where a timeout or a kill by the type check counts as killed.
Survivors listed in tests/mutation_equivalent.txt (name, then the reason) are equivalent mutants:
they are shown as explained and left out of the score's denominator. Survivors listed in
tests/mutation_by_hand.txt were killed by hand: mutmut cannot switch them on (their function runs once,
at import, before the mutant is chosen), so each was applied to the source and the named tests failed.
Every other survivor is listed so it can be killed by a new test. Of bot/core/reply.py only the crisis
and safety-net functions count; its answer composition is not safety-critical.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = ROOT / "tests" / "mutation_equivalent.txt"
BY_HAND_FILE = ROOT / "tests" / "mutation_by_hand.txt"
MODULES = {
    "bot.core.crisis.detector": None,
    "bot.core.crisis.examples": None,  # the kb check's cache of the examples the crisis rules let through
    "bot.core.crisis.model": None,
    "bot.core.crisis.terms": None,
    "bot.core.safety": None,
    # Only these functions of reply.py: the crisis reply and the safety net on every non-answer.
    "bot.core.reply": ("Composerǁcrisis", "Composerǁclarify", "Composerǁno_match", "Composerǁask_for_text",
                       "Composerǁother_city", "Composerǁemergency_first"),
    "bot.storage.masking": None,
    # Only the guard: promote_example decides whether anything is written, judge (with the pass rates it
    # compares) whether the evaluation allows it.
    "bot.review.promote": ("x_promote_example", "x_judge", "x_pass_rates"),
    "bot.data.schema": None,  # issue 11
    "bot.language.romaji": None,  # romaji is read as kana before the crisis check
}
KILLED = {1, 3, 36, 37, -24, 24, 152, 255}
SURVIVED = {0}


def equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """Mutant name → the note after it, from one of the explanation files."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            out[name] = reason.strip()
    return out


def module_of(key: str) -> str:
    return key.split(".x_")[0].split(".xǁ")[0]


def main() -> int:
    results: dict[str, int | None] = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        results.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    if not results:
        print("no results in mutants/: run `make mutate` first")
        return 1
    explained = equivalent()
    by_hand = equivalent(BY_HAND_FILE)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for key, code in sorted(results.items()):
        module = module_of(key)
        if module not in MODULES:
            continue
        only = MODULES[module]
        if only and not any(part in key for part in only):
            continue
        if code in KILLED:
            counts[module]["killed"] += 1
        elif (code is None or code in SURVIVED) and key in by_hand:
            counts[module]["killed by hand"] += 1
        elif code is None:
            counts[module]["not checked"] += 1
        elif code in SURVIVED and key in explained:
            counts[module]["equivalent"] += 1
        elif code in SURVIVED:
            counts[module]["survived"] += 1
            survivors[module].append(key)
        elif code in (5, 33):
            counts[module]["no tests"] += 1
            survivors[module].append(key + " (no test runs it)")
        else:
            counts[module]["other"] += 1
    print("| module | mutants | killed | killed by hand | equivalent | survived | no tests | not checked | score |")
    print("|---|---|---|---|---|---|---|---|---|")
    for module in MODULES:
        c = counts.get(module)
        if not c:
            continue
        killed = c["killed"] + c["killed by hand"]
        judged = killed + c["survived"] + c["no tests"]
        score = f"{100 * killed / judged:.1f}%" if judged else "–"
        total = sum(c.values())
        print(f"| {module} | {total} | {c['killed']} | {c['killed by hand']} | {c['equivalent']} | {c['survived']} "
              f"| {c['no tests']} | {c['not checked']} | {score} |")
    for module, keys in survivors.items():
        print(f"\nsurvivors in {module} (kill with a test, or explain in {EQUIVALENT_FILE.name}):")
        for key in keys:
            print(f"  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
