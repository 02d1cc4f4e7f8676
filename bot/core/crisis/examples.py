"""Which intents examples the crisis rules catch, remembered on disk for each version of the rules.

`kb check` asks this of every example (an example the crisis check catches can never be answered by its
topic). Reading four thousand examples with Sudachi takes over a second, at every check, reload and
promotion, though an edit rarely touches the rules. The examples found safe are remembered under a digest
of everything the answer depends on: the rule data, the code that applies it and the dictionary. Any
change there starts afresh, and an example is only ever skipped after these very rules let it through.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from bot.data.intents import Intents
from bot.diskcache import cache_dir, prune, write_atomically
from bot.language.text import Analyzer, dictionary_version

logger = logging.getLogger(__name__)

# The code whose behaviour decides what the rules catch: phrase matching, normalization, romaji, kana.
_RULE_CODE = ("core/crisis/terms.py", "core/crisis/detector.py", "language/text.py", "language/romaji.py")
_BOT = Path(__file__).resolve().parent.parent.parent


def rules_digest(intents: Intents) -> str:
    digest = hashlib.sha256()
    for relative in _RULE_CODE:
        digest.update((_BOT / relative).read_bytes())
    rules = (
        [(k.kind, k.terms, k.unless) for k in intents.crisis],
        intents.crisis_allow,
        sorted(intents.crisis_signals.items()),
        [(p.kind, p.signals) for p in intents.crisis_patterns],
        dictionary_version(),
        # Mutation testing runs one copy of the code with a different mutant switched on per run (as the
        # assistant snapshot does): a mutant that lets an example through must not mark it safe for the next.
        os.environ.get("MUTANT_UNDER_TEST", ""),
    )
    digest.update(repr(rules).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def crisis_examples(intents: Intents, analyzer: Analyzer) -> dict[str, set[str]]:
    """Example → the crisis kinds the rules find in it, for every example they catch."""
    from bot.core.crisis.detector import CrisisRules, other_reading  # the detector imports the model: only when needed

    path = cache_dir() / f"crisis-examples-{rules_digest(intents)}.json"
    safe = _read(path)
    known = len(safe)
    rules: CrisisRules | None = None
    caught: dict[str, set[str]] = {}
    for text in intents.example_sites:
        key = _key(text)
        if key in safe:
            continue
        rules = rules or CrisisRules(intents, analyzer)
        analysis = analyzer.analyse(text)
        kinds, _ = rules.kinds(analysis)
        other = other_reading(text, analysis, analyzer)  # read as the detector reads it: in both letters
        if other is not None:
            kinds = kinds | rules.kinds(other)[0]
        if kinds:
            caught[text] = kinds
        else:
            safe.add(key)
    if len(safe) > known:
        try:
            write_atomically(path, json.dumps(sorted(safe)).encode())
            prune(path, "crisis-examples-*.json")
        except OSError as exc:  # a read-only home: the next check reads every example again
            logger.warning("crisis example cache not written (%s)", exc.strerror)
    return caught


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _read(path: Path) -> set[str]:
    try:
        keys = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return set()
    return {k for k in keys if isinstance(k, str)} if isinstance(keys, list) else set()
