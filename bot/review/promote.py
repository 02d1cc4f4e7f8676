"""`review promote`: add a (masked) unmatched question as an example of a topic, safely.

It fails closed. It refuses when an evaluation set is missing, when the question is already an
out-of-scope example or an example of another topic, when the engine reads it as out of scope (the
out-of-scope examples outrank every topic: 「ごみの出し方を教えて」 is no welfare question), and
otherwise edits a temporary copy of knowledge/ and intents/ first: only when `kb check` passes on
the copy, no pass rate of the evaluation sets (eval/) drops and no out-of-scope case of them starts
getting an answer does the real file change, in one atomic replace. Every case whose outcome
changed is listed. The YAML is edited with ruamel.yaml's round-trip mode so staff comments and
layout stay.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from bot.config import PROJECT_ROOT
from bot.language.text import normalize, strip_invisible

EVAL_DIR = PROJECT_ROOT / "eval"
# Every set is required: a promotion checked against fewer cases than usual must not pass quietly.
EVAL_SETS = (
    "dev.yaml",
    "holdout.yaml",
    "faq_dev.yaml",
    "faq_holdout.yaml",
    "faq_holdout_2.yaml",
    "registers_dev_e.yaml",
    "registers_dev_f.yaml",
    "registers_dev_g.yaml",
    "registers_dev_h.yaml",
    "registers_dev_j.yaml",
    "registers_dev_k.yaml",
    "registers_dev_p.yaml",
    "registers_dev_q.yaml",
    "registers_holdout_r.yaml",
    "registers_holdout_s.yaml",
    "registers_holdout_t.yaml",
    "registers_holdout_v.yaml",
    "registers_holdout_w.yaml",
    "crisis_holdout_m.yaml",
    "crisis_holdout_n.yaml",
    "crisis_holdout_ab.yaml",
)
MAX_LISTED = 15  # changed cases shown; the rest are counted
PROMOTED_FILE = Path("intents") / "topics" / "promoted.yaml"
PROMOTED_HEADER = (
    "# 職員が `kodaira-bot review promote` で追加した例文です（住民の質問をマスクしたもの）。\n"
    "# ほかのファイルにまだ例文がないトピックだけがここに入ります。手で編集してもかまいません。\n"
)

UNTOUCHED = "（データは変更していません）"
# The last words of a promotion that changed the data: a running bot keeps the data it loaded until
# told otherwise (bot.core.reload).
HOW_TO_APPLY = (
    "動いているボットに反映するには、次のどれかをしてください:\n"
    "  ・職員の Telegram からボットに /reload を送る\n"
    "  ・ボットのプロセスに SIGHUP を送る（例: kill -HUP <pid>）\n"
    "  ・ボットを再起動する"
)

CheckFn = Callable[[Path], Sequence[object]]  # data dir → problems (empty: valid)
ScopeFn = Callable[[Path, str], bool]  # (data dir, example) → does the engine read it as out of scope?


@dataclass(frozen=True)
class Outcome:
    """What one labelled case got: passed or not, and the reply's status and topic."""

    kind: str  # the case's kind: answer, no_match, crisis, not_crisis
    passed: bool
    status: str
    topic: str | None = None
    q: str = ""


OutcomesFn = Callable[[Sequence[Path], Path], Mapping[str, Outcome]]  # (set files, data dir) → "set:id" → outcome


@dataclass(frozen=True)
class PromoteResult:
    ok: bool
    message: str  # Japanese, for staff
    file: Path | None = None
    changed: bool = False


def real_check(data_dir: Path) -> Sequence[object]:
    from bot.data.check import check_data

    return check_data(data_dir)


def real_outcomes(sets: Sequence[Path], data_dir: Path) -> Mapping[str, Outcome]:
    """Every case of every set, answered by the product engine over `data_dir`."""
    from bot.core.assistant import build_assistant
    from bot.review.evaluation import load_cases, passes

    assistant = build_assistant(data_dir, "main")
    out: dict[str, Outcome] = {}
    for path in sets:
        for case in load_cases(path):
            reply = assistant.reply(case.q)
            out[f"{path.stem}:{case.id}"] = Outcome(case.kind, passes(case, reply), reply.status, reply.topic, case.q)
    return out


def real_scope(data_dir: Path, example: str) -> bool:
    """True when the out-of-scope examples outrank every topic for `example`, above the answer floor.

    Only the product's matcher is built (from its disk cache): no crisis model, no replies."""
    from bot.data.check import load_data
    from bot.data.problems import DataError
    from bot.language.text import analyzer
    from bot.matching.decision import OUT_OF_SCOPE
    from bot.matching.tfidf import main_matcher

    try:
        data = load_data(data_dir)
    except DataError:  # broken data: the kb check on the copy names the problem
        return False
    matcher = main_matcher(data.knowledge, data.intents, analyzer())
    ranked = matcher.rank(example)
    return bool(ranked) and ranked[0].topic == OUT_OF_SCOPE and ranked[0].score >= matcher.thresholds.floor


def pass_rates(outcomes: Mapping[str, Outcome]) -> dict[str, float]:
    totals: dict[str, list[bool]] = {}
    for o in outcomes.values():
        totals.setdefault(o.kind, []).append(o.passed)
    return {kind: sum(passed) / len(passed) for kind, passed in totals.items()}


def _shown(o: Outcome | None) -> str:
    if o is None:
        return "（なし）"
    verdict = "正解" if o.passed else "不正解"
    return f"{verdict}・{o.status}" + (f"（{o.topic}）" if o.topic else "")


@dataclass(frozen=True)
class Verdict:
    refusal: str | None  # why the promotion is refused, or None
    changed: tuple[str, ...]  # one line per case whose outcome changed
    rates: str  # the pass rates before → after, per kind


def judge(before: Mapping[str, Outcome], after: Mapping[str, Outcome]) -> Verdict:
    """Refuse when an out-of-scope case starts getting an answer or a kind's pass rate drops."""
    changed = [key for key in before if before[key] != after.get(key)]
    lines = tuple(f"  {key}「{before[key].q}」: {_shown(before[key])} → {_shown(after.get(key))}" for key in changed)
    answered = [
        key for key in changed
        if before[key].kind == "no_match" and before[key].status == "no_match"
        and (after[key].status if key in after else "no_match") != "no_match"
    ]
    old, new = pass_rates(before), pass_rates(after)
    rates = ", ".join(f"{kind} {old[kind]:.1%} → {new.get(kind, 0.0):.1%}" for kind in old)
    worse = [kind for kind, rate in old.items() if new.get(kind, 0.0) < rate - 1e-9]
    refusal = None
    if answered:
        count = len(answered)
        refusal = f"答えないはずの質問（評価用データの no_match）{count} 件に答えるようになるため追加しませんでした"
    elif worse:
        refusal = "評価用データの正答率が下がるため追加しませんでした（" + ", ".join(worse) + "）"
    return Verdict(refusal, lines, rates)


def _changed_block(verdict: Verdict) -> str:
    if not verdict.changed:
        return "結果が変わったケースはありません。"
    listed = list(verdict.changed[:MAX_LISTED])
    more = len(verdict.changed) - len(listed)
    tail = [f"  ほか {more} 件"] if more > 0 else []
    return "\n".join([f"結果が変わったケース（{len(verdict.changed)} 件）:", *listed, *tail])


def eval_sets(data_dir: Path, eval_dir: Path | None = None) -> tuple[list[Path], list[str]]:
    """The evaluation sets (beside the data when it has an eval/ folder, else the project's); and the missing."""
    folder = eval_dir or (data_dir / "eval" if (data_dir / "eval").is_dir() else EVAL_DIR)
    paths = [folder / name for name in EVAL_SETS]
    return [p for p in paths if p.is_file()], [str(p) for p in paths if not p.is_file()]


def _already_there(data_dir: Path, topic: str, example: str) -> str | None:
    """Why `example` cannot go under `topic`: it is an out-of-scope example, or another topic's example."""
    from bot.data.intents import load_intents
    from bot.data.problems import ProblemLog

    intents = load_intents(data_dir / "intents", ProblemLog(data_dir))
    key = normalize(example)
    if any(normalize(e) == key for e in intents.out_of_scope):
        return (f"「{example}」は intents/out_of_scope.yaml の例文（答えない質問）です。"
                "答える質問にするなら、先に out_of_scope.yaml から消してください")
    for other, examples in intents.examples.items():
        if other != topic and any(normalize(e) == key for e in examples):
            path = intents.example_files[other].relative_to(data_dir)
            return f"「{example}」はすでにトピック「{other}」（{path}）の例文です。例文は1つのトピックだけに書きます"
    return None


def topic_file(data_dir: Path, topic: str) -> Path | None:
    """The intents file that holds `topic`, or promoted.yaml when only knowledge/ knows the card."""
    from bot.data import load_knowledge
    from bot.data.intents import load_intents
    from bot.data.problems import ProblemLog

    log = ProblemLog(data_dir)  # tolerant: a broken file elsewhere must not hide the topic
    found = load_intents(data_dir / "intents", log).example_files.get(topic)
    if found is not None:
        return found
    if topic in load_knowledge(data_dir / "knowledge", log).cards:
        return data_dir / PROMOTED_FILE
    return None


def add_example(source: str | None, topic: str, example: str) -> str | None:
    """`source` (YAML text, or None for a new file) with `example` added under `topic`.

    None when the topic already has this example (compared after normalization). Control and invisible
    characters are dropped first: YAML reads some of them (U+0085, U+2028) as line breaks, so they would
    come back as a space, and matching ignores them anyway.
    """
    example = strip_invisible(example).replace("\u2028", " ").replace("\u2029", " ").strip()
    yaml = YAML()  # round-trip: keeps comments, key order and quoting
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap staff's long lines
    if source is None or not source.strip():
        data: object = CommentedMap(topics=CommentedSeq())
        yaml.indent(mapping=2, sequence=4, offset=2)
    else:
        # Follow the file's own indentation so the diff is the added line only. The guess loads the
        # file without preserve_quotes, so the data itself is loaded again below.
        _, indent, block_seq_indent = load_yaml_guess_indent(source)
        offset = block_seq_indent or 0
        yaml.indent(mapping=max(2, indent - offset) if offset else indent, sequence=indent, offset=offset)
        data = yaml.load(source)
    if not isinstance(data, CommentedMap):
        raise ValueError("expected a mapping with a 'topics:' list")
    topics = data.setdefault("topics", CommentedSeq())
    entry = next((t for t in topics if isinstance(t, CommentedMap) and t.get("topic") == topic), None)
    if entry is None:
        entry = CommentedMap(topic=topic, examples=CommentedSeq())
        topics.append(entry)
    examples = entry.get("examples")
    if not isinstance(examples, CommentedSeq):
        examples = CommentedSeq(examples or [])
        entry["examples"] = examples
    if normalize(example) in {normalize(str(e)) for e in examples}:
        return None
    examples.append(example)
    _move_trailing_gap(examples)
    out = io.StringIO()
    if source is None or not source.strip():
        out.write(PROMOTED_HEADER)
    yaml.dump(data, out)
    return out.getvalue()


def _move_trailing_gap(examples: CommentedSeq) -> None:
    """Keep the new last example above the blank line (and comments) that closed the list.

    ruamel attaches "  # note\n\n  # next topic…\n" to the old last item; appended as-is, the new
    example would land below the gap, visually under the next topic. The end-of-line comment stays
    with its item; everything after it moves to the new item.
    """
    last = len(examples) - 1
    entry = examples.ca.items.get(last - 1)
    if last < 1 or not entry or entry[0] is None:
        return
    token = entry[0]
    value: str = token.value
    if value.startswith("#"):
        own, newline, rest = value.partition("\n")
        if not rest:
            return
        token.value = own + newline
        moved = CommentToken("\n" + rest, token.start_mark, None)
    else:
        entry[0] = None
        if not any(entry):
            del examples.ca.items[last - 1]
        moved = token
    examples.ca.items[last] = [moved, None, None, None]


def promote_example(
    data_dir: Path,
    topic: str,
    example: str,
    *,
    eval_dir: Path | None = None,
    check: CheckFn = real_check,
    outcomes: OutcomesFn = real_outcomes,
    out_of_scope: ScopeFn = real_scope,
) -> PromoteResult:
    """Add `example` to `topic` when the data stays valid and no evaluation case gets worse."""
    sets, missing = eval_sets(data_dir, eval_dir)
    if missing:
        listed = "\n".join(f"  {m}" for m in missing)
        return PromoteResult(False, f"評価用データがないため追加しませんでした{UNTOUCHED}:\n{listed}")
    target = topic_file(data_dir, topic)
    if target is None:
        return PromoteResult(False, f"トピック「{topic}」は intents/ にも knowledge/ にもありません。"
                                    "id を確認してください。")
    clash = _already_there(data_dir, topic, example)
    if clash is not None:
        return PromoteResult(False, f"{clash}{UNTOUCHED}")
    if out_of_scope(data_dir, example):
        return PromoteResult(False, f"「{example}」は、答えない質問の例（intents/out_of_scope.yaml）に近い文です。"
                                    "福祉の相談として答えるなら、out_of_scope.yaml の似た例文を先に見直してください"
                                    f"{UNTOUCHED}")
    original = target.read_bytes() if target.exists() else None
    try:
        updated = add_example(original.decode("utf-8") if original is not None else None, topic, example)
    except Exception as exc:  # ruamel raises many kinds of errors on bad YAML
        name = type(exc).__name__
        return PromoteResult(False, f"{target.name} を読めません（{name}）。YAML を確認してください。")
    if updated is None:
        return PromoteResult(True, f"この質問はすでにトピック「{topic}」の例文にあります。", target)

    relative = target.relative_to(data_dir)
    with tempfile.TemporaryDirectory(prefix="kodaira-promote-") as tmp:
        copy = Path(tmp)
        for part in ("knowledge", "intents"):
            if (data_dir / part).is_dir():
                shutil.copytree(data_dir / part, copy / part)
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / relative).write_text(updated, encoding="utf-8")
        problems = list(check(copy))
        if problems:
            listed = "\n".join(f"  {p}" for p in problems[:10])
            return PromoteResult(False, f"kb check が通らないため追加しませんでした{UNTOUCHED}:\n{listed}")
        verdict = judge(outcomes(sets, data_dir), outcomes(sets, copy))
    if verdict.refusal is not None:
        return PromoteResult(False, f"{verdict.refusal}{UNTOUCHED}:\n{_changed_block(verdict)}")

    current = target.read_bytes() if target.exists() else None
    if current != original:
        return PromoteResult(False, f"{relative} が確認中に変更されました。もう一度実行してください。")
    _atomic_write(target, updated)
    done = f"{relative} のトピック「{topic}」に例文を追加しました。"
    return PromoteResult(True, f"{done}\n評価（前 → 後）: {verdict.rates}\n{_changed_block(verdict)}", target,
                         changed=True)


def _atomic_write(target: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if target.exists():
            shutil.copymode(target, tmp_name)
        else:
            os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; staff and the bot's user must read it
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
