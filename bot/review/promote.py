"""`review promote`: add a (masked) unmatched question as an example of a topic, safely.

The edit is made on a temporary copy of knowledge/ and intents/ first. Only when `kb check` passes
on the copy and no pass rate of the dev set drops does the real file change, and then in one atomic
replace. The YAML is edited with ruamel.yaml's round-trip mode so staff comments and layout stay.
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

DEV_SET = PROJECT_ROOT / "eval" / "dev.yaml"
PROMOTED_FILE = Path("intents") / "topics" / "promoted.yaml"
PROMOTED_HEADER = (
    "# 職員が `kodaira-bot review promote` で追加した例文です（住民の質問をマスクしたもの）。\n"
    "# ほかのファイルにまだ例文がないトピックだけがここに入ります。手で編集してもかまいません。\n"
)

UNTOUCHED = "（データは変更していません）"

CheckFn = Callable[[Path], Sequence[object]]  # data dir → problems (empty: valid)
PassRatesFn = Callable[[Path, Path], Mapping[str, float]]  # (cases file, data dir) → pass rate per kind


@dataclass(frozen=True)
class PromoteResult:
    ok: bool
    message: str  # Japanese, for staff
    file: Path | None = None
    changed: bool = False


def real_check(data_dir: Path) -> Sequence[object]:
    from bot.data.check import check_data

    return check_data(data_dir)


def real_pass_rates(cases: Path, data_dir: Path) -> Mapping[str, float]:
    from bot.review.evaluation import evaluate

    return evaluate(cases, "main", data_dir=data_dir).pass_rates


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
    dev_set: Path | None = DEV_SET,
    check: CheckFn = real_check,
    pass_rates: PassRatesFn = real_pass_rates,
) -> PromoteResult:
    """Add `example` to `topic` when the data stays valid and the dev set does not get worse."""
    target = topic_file(data_dir, topic)
    if target is None:
        return PromoteResult(False, f"トピック「{topic}」は intents/ にも knowledge/ にもありません。"
                                    "id を確認してください。")
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
        if dev_set is not None and dev_set.exists():
            before, after = pass_rates(dev_set, data_dir), pass_rates(dev_set, copy)
            worse = [kind for kind, rate in before.items() if after.get(kind, 0.0) < rate - 1e-9]
            changes = {kind: f"{before[kind]:.1%} → {after.get(kind, 0.0):.1%}" for kind in before}
            if worse:
                listed = "\n".join(f"  {kind}: {changes[kind]}" for kind in worse)
                reason = "評価用データの正答率が下がるため追加しませんでした"
                return PromoteResult(False, f"{reason}{UNTOUCHED}:\n{listed}")
            notes = "評価（前 → 後）: " + ", ".join(f"{kind} {change}" for kind, change in changes.items())
        else:
            notes = "評価用データがないため、正答率の確認は省きました。"

    current = target.read_bytes() if target.exists() else None
    if current != original:
        return PromoteResult(False, f"{relative} が確認中に変更されました。もう一度実行してください。")
    _atomic_write(target, updated)
    done = f"{relative} のトピック「{topic}」に例文を追加しました。"
    return PromoteResult(True, f"{done}\n{notes}", target, changed=True)


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
