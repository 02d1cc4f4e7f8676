"""`review promote`: the YAML edit keeps comments, and nothing changes unless check and every evaluation
set agree; it fails closed (a missing set, an out-of-scope example, another topic's example)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.data import load_knowledge
from bot.data.check import check_data
from bot.data.intents import load_intents
from bot.data.problems import ProblemLog
from bot.review.promote import (
    EVAL_DIR,
    EVAL_SETS,
    PROMOTED_FILE,
    UNTOUCHED,
    Outcome,
    add_example,
    eval_sets,
    judge,
    promote_example,
)

EXAMPLE = "家族の介護のことで[名前]さんが困っていると言っている"

SAMPLE = """\
# 住民の言い方の例文です。
topics:
  - topic: dementia_consult          # 認知症・物忘れの相談
    examples:
      - 母が認知症かもしれない
      - "9060"   # quoted on purpose

  - topic: elder_care                # 親の介護
    examples:
      - 親の介護が必要になりそう
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the project's real knowledge/ and intents/."""
    root = tmp_path / "data"
    for part in ("knowledge", "intents"):
        shutil.copytree(PROJECT_ROOT / part, root / part)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def a_topic_with_file(root: Path) -> tuple[str, Path]:
    files = load_intents(root / "intents", ProblemLog(root)).example_files
    if not files:
        pytest.skip("intents/topics holds no topic yet")
    topic = sorted(files)[0]
    return topic, files[topic]


def accept(_: Path) -> list[object]:
    return []


def same_outcomes(_: object, __: Path) -> Mapping[str, Outcome]:
    return {
        "dev:s1": Outcome("answer", True, "answer", "dementia_consult"),
        "dev:s2": Outcome("no_match", True, "no_match"),
    }


def small_sets(root: Path, cases: dict[str, list[dict[str, object]]] | None = None) -> Path:
    """Every evaluation set, each a few real cases long (the real sets take minutes on a busy machine)."""
    folder = root / "eval"
    folder.mkdir(parents=True, exist_ok=True)
    default: list[dict[str, object]] = [
        {"id": "x1", "kind": "answer", "q": "父の物忘れがひどい", "expect_any": ["地域包括支援センター"]},
        {"id": "x2", "kind": "no_match", "q": "明日の天気は？"},
    ]
    crisis = {"messages": [{"q": "もう死にたい。今から飛び降りる", "crisis": "suicide"},
                           {"q": "死ぬほど忙しい一週間だった", "crisis": "none"}]}
    for name in EVAL_SETS:
        body = crisis if name.startswith("crisis_") else {"cases": (cases or {}).get(name, default)}
        (folder / name).write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return folder


def test_add_example_keeps_comments_quotes_and_layout() -> None:
    out = add_example(SAMPLE, "dementia_consult", EXAMPLE)
    assert out is not None
    expected = SAMPLE.replace(
        '      - "9060"   # quoted on purpose\n', f'      - "9060"   # quoted on purpose\n      - {EXAMPLE}\n'
    )
    assert out == expected  # the one added line is the whole diff


def test_add_example_skips_a_duplicate_and_creates_a_missing_file() -> None:
    assert add_example(SAMPLE, "dementia_consult", "母が認知症かもしれない") is None
    assert add_example(SAMPLE, "dementia_consult", "母が認知症かもしれない ") is None
    created = add_example(None, "new_card", EXAMPLE)
    assert created is not None and created.startswith("#")
    assert yaml.safe_load(created) == {"topics": [{"topic": "new_card", "examples": [EXAMPLE]}]}


def test_promote_writes_the_example_and_keeps_everything_else(data_dir: Path) -> None:
    topic, path = a_topic_with_file(data_dir)
    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, check=accept, outcomes=same_outcomes)
    assert result.ok and result.changed and result.file == path
    assert result.message == (
        f"{path.relative_to(data_dir)} のトピック「{topic}」に例文を追加しました。\n"
        "評価（前 → 後）: answer 100.0% → 100.0%, no_match 100.0% → 100.0%\n結果が変わったケースはありません。"
    )
    after = snapshot(data_dir)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [str(path.relative_to(data_dir))]
    text = path.read_text(encoding="utf-8")
    assert EXAMPLE in text
    comments = [line for line in before[changed[0]].decode().splitlines() if line.lstrip().startswith("#")]
    assert all(line in text.splitlines() for line in comments)  # every staff comment is still there
    assert EXAMPLE in load_intents(data_dir / "intents", ProblemLog(data_dir)).examples[topic]


def test_promote_refuses_when_the_real_kb_check_fails(data_dir: Path) -> None:
    topic, _ = a_topic_with_file(data_dir)
    broken = data_dir / "intents" / "topics" / "zz_broken.yaml"
    broken.write_text("topics:\n  - topic: no_such_card\n    examples: [何か]\n", encoding="utf-8")
    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, outcomes=same_outcomes)  # the real check_data
    assert result.ok is False
    assert "kb check" in result.message and "変更していません" in result.message
    assert snapshot(data_dir) == before


def test_promote_refuses_a_change_the_check_rejects(data_dir: Path) -> None:
    topic, path = a_topic_with_file(data_dir)

    def rejects_new_example(root: Path) -> list[object]:
        copy = root / path.relative_to(data_dir)
        return ["intents: example breaks a rule"] if EXAMPLE in copy.read_text(encoding="utf-8") else []

    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, check=rejects_new_example, outcomes=same_outcomes)
    assert result.ok is False and "example breaks a rule" in result.message
    assert snapshot(data_dir) == before


def test_promote_refuses_when_a_pass_rate_drops(data_dir: Path) -> None:
    topic, _ = a_topic_with_file(data_dir)

    def worse_on_the_copy(_: object, root: Path) -> Mapping[str, Outcome]:
        return {"dev:s1": Outcome("answer", root == data_dir, "answer", "dementia_consult", "父の物忘れ")}

    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, check=accept, outcomes=worse_on_the_copy)
    assert result.ok is False and "正答率が下がる" in result.message
    changed = "dev:s1「父の物忘れ」: 正解・answer（dementia_consult） → 不正解・answer（dementia_consult）"
    assert changed in result.message
    assert snapshot(data_dir) == before


def test_promote_refuses_when_an_evaluation_set_is_missing(data_dir: Path, tmp_path: Path) -> None:
    """Fails closed: issue 11 found the guard skipped the check when the dev set was not where it looked."""
    folder = small_sets(tmp_path)
    (folder / "faq_holdout.yaml").unlink()
    (folder / "crisis_holdout_n.yaml").unlink()
    topic, _ = a_topic_with_file(data_dir)
    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, eval_dir=folder, check=accept, outcomes=same_outcomes)
    assert result.ok is False and "評価用データがない" in result.message and "faq_holdout.yaml" in result.message
    listed = f"  {folder / 'faq_holdout.yaml'}\n  {folder / 'crisis_holdout_n.yaml'}"  # one line each, in order
    assert result.message == f"評価用データがないため追加しませんでした{UNTOUCHED}:\n{listed}"
    assert snapshot(data_dir) == before


def test_the_project_has_every_evaluation_set() -> None:
    found, missing = eval_sets(PROJECT_ROOT)
    assert missing == [] and [p.name for p in found] == list(EVAL_SETS)
    assert all(p.parent == EVAL_DIR for p in found)


def test_every_evaluation_set_in_the_project_is_required() -> None:
    """A set added to eval/ and not listed would let a promotion pass without being checked against it."""
    assert sorted(p.name for p in EVAL_DIR.glob("*.yaml")) == sorted(EVAL_SETS)


def test_refuses_an_out_of_scope_example(data_dir: Path) -> None:
    """Issue 11: 「明日の天気は?」 (an out-of-scope example) was accepted into dementia_consult."""
    before = snapshot(data_dir)
    result = promote_example(data_dir, "dementia_consult", "明日の天気は?", check=accept, outcomes=same_outcomes)
    assert result.ok is False and "out_of_scope.yaml" in result.message and "変更していません" in result.message
    assert snapshot(data_dir) == before


def test_refuses_another_topics_example(data_dir: Path) -> None:
    before = snapshot(data_dir)
    result = promote_example(data_dir, "living_costs", "子育てがつらい", check=accept, outcomes=same_outcomes)
    assert result.ok is False and "childcare" in result.message and "intents/topics/children.yaml" in result.message
    assert snapshot(data_dir) == before


def test_judge_refuses_a_newly_answered_out_of_scope_case_even_when_rates_hold() -> None:
    """Another no_match case getting better must not hide one that starts getting an answer."""
    rubbish, weather = "粗大ごみの出し方を教えて", "明日は雨？"
    before = {
        "holdout:h122": Outcome("no_match", True, "no_match", None, rubbish),
        "dev:s9": Outcome("no_match", False, "answer", "isolation", weather),
    }
    after = {
        "holdout:h122": Outcome("no_match", False, "answer", "self_neglect", rubbish),
        "dev:s9": Outcome("no_match", True, "no_match", None, weather),
    }
    verdict = judge(before, after)
    assert verdict.rates == "no_match 50.0% → 50.0%"
    assert verdict.refusal is not None
    assert verdict.refusal.startswith("答えないはずの質問（評価用データの no_match）1 件")
    assert len(verdict.changed) == 2
    assert judge(before, before).refusal is None and judge(before, before).changed == ()


def test_judge_lists_each_changed_case_and_the_rates_and_lets_an_improvement_through() -> None:
    """A case answered better, and an out-of-scope case already answered before, are no reason to refuse."""
    before = {
        "dev:a1": Outcome("answer", True, "answer", "dementia_consult", "父の物忘れ"),
        "dev:a2": Outcome("answer", False, "no_match", None, "介護の相談"),
        "dev:n1": Outcome("no_match", True, "no_match", None, "天気"),
        "dev:n2": Outcome("no_match", False, "answer", "isolation", "雨？"),
        "crisis_ab:c1": Outcome("crisis", True, "crisis", None, "死にたい"),
    }
    after = {
        **before,
        "dev:a2": Outcome("answer", True, "answer", "elder_care", "介護の相談"),
        "dev:n2": Outcome("no_match", False, "answer", "living_costs", "雨？"),
    }
    verdict = judge(before, after)
    assert verdict.refusal is None
    assert verdict.changed == (
        "  dev:a2「介護の相談」: 不正解・no_match → 正解・answer（elder_care）",
        "  dev:n2「雨？」: 不正解・answer（isolation） → 不正解・answer（living_costs）",
    )
    assert verdict.rates == "answer 50.0% → 100.0%, no_match 50.0% → 50.0%, crisis 100.0% → 100.0%"


def test_judge_refuses_a_drop_naming_each_kind_and_reads_a_missing_case_as_none() -> None:
    before = {
        "dev:n1": Outcome("no_match", True, "no_match", None, "天気"),
        "dev:n2": Outcome("no_match", True, "no_match", None, "雨？"),
        "dev:a1": Outcome("answer", True, "answer", "dementia_consult", "父の物忘れ"),
        "crisis_ab:c1": Outcome("crisis", True, "crisis", None, "死にたい"),
    }
    after = {"dev:n1": before["dev:n1"], "dev:a1": Outcome("answer", False, "no_match", None, "父の物忘れ")}
    verdict = judge(before, after)
    # A case missing afterwards is not a case that started getting an answer, but its kind's rate is 0.
    assert verdict.refusal == "評価用データの正答率が下がるため追加しませんでした（answer, crisis）"
    assert verdict.changed == (
        "  dev:n2「雨？」: 正解・no_match → （なし）",
        "  dev:a1「父の物忘れ」: 正解・answer（dementia_consult） → 不正解・no_match",
        "  crisis_ab:c1「死にたい」: 正解・crisis → （なし）",
    )
    assert verdict.rates == "no_match 100.0% → 100.0%, answer 100.0% → 0.0%, crisis 100.0% → 0.0%"


def test_judge_names_how_many_out_of_scope_cases_get_an_answer_before_any_drop() -> None:
    before = {
        "dev:n1": Outcome("no_match", True, "no_match", None, "天気"),
        "dev:n2": Outcome("no_match", True, "no_match", None, "雨？"),
        "dev:a1": Outcome("answer", True, "answer", "dementia_consult", "父の物忘れ"),
    }
    after = {
        "dev:n1": Outcome("no_match", False, "answer", "isolation", "天気"),
        "dev:n2": Outcome("no_match", False, "clarify", None, "雨？"),
        "dev:a1": Outcome("answer", False, "no_match", None, "父の物忘れ"),
    }
    verdict = judge(before, after)
    assert verdict.refusal == (
        "答えないはずの質問（評価用データの no_match）2 件に答えるようになるため追加しませんでした"
    )
    assert len(verdict.changed) == 3


def test_promote_refuses_an_unknown_topic(data_dir: Path) -> None:
    before = snapshot(data_dir)
    result = promote_example(data_dir, "no_such_topic", EXAMPLE, check=accept, outcomes=same_outcomes)
    assert result.ok is False and "no_such_topic" in result.message
    assert result.message == ("トピック「no_such_topic」は intents/ にも knowledge/ にもありません。"
                              "id を確認してください。")
    assert snapshot(data_dir) == before


def test_a_card_without_examples_goes_to_promoted_yaml(data_dir: Path) -> None:
    log = ProblemLog(data_dir)
    cards = set(load_knowledge(data_dir / "knowledge", log).cards)
    spare = sorted(cards - set(load_intents(data_dir / "intents", log).example_files))
    if not spare:
        pytest.skip("every card already has examples")
    result = promote_example(data_dir, spare[0], EXAMPLE, check=accept, outcomes=same_outcomes)
    assert result.ok and result.file == data_dir / PROMOTED_FILE
    assert yaml.safe_load(result.file.read_text(encoding="utf-8"))["topics"][0]["topic"] == spare[0]


def test_refuses_rubbish_collection_into_self_neglect_with_the_real_engine(data_dir: Path, tmp_path: Path) -> None:
    """Issue 11: 「ごみの出し方を教えて」 went into self_neglect; 「粗大ごみの出し方」 then answered セルフネグレクト.
    The real engine reads the example as out of scope, so it never reaches the topic."""
    folder = small_sets(tmp_path)
    before = snapshot(data_dir)
    result = promote_example(data_dir, "self_neglect", "ごみの出し方を教えて", eval_dir=folder)
    assert result.ok is False, result.message
    assert "に近い文です" in result.message and "変更していません" in result.message
    assert snapshot(data_dir) == before


def test_the_out_of_scope_guard_alone_refuses(data_dir: Path, tmp_path: Path) -> None:
    """Even when the check and every evaluation case would accept it."""
    before = snapshot(data_dir)
    result = promote_example(
        data_dir, "self_neglect", EXAMPLE, eval_dir=small_sets(tmp_path), check=accept, outcomes=same_outcomes,
        out_of_scope=lambda _, __: True,
    )
    assert result.ok is False and "に近い文です" in result.message
    assert result.message == (
        f"「{EXAMPLE}」は、答えない質問の例（intents/out_of_scope.yaml）に近い文です。福祉の相談として答えるなら、"
        f"out_of_scope.yaml の似た例文を先に見直してください{UNTOUCHED}"
    )
    assert snapshot(data_dir) == before


def test_a_good_promotion_works_with_the_real_check_and_evaluation(data_dir: Path, tmp_path: Path) -> None:
    folder = small_sets(tmp_path)
    path = data_dir / "intents" / "topics" / "elderly.yaml"
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    example = "おばあちゃんが同じことを何回も聞いてくるようになった"
    result = promote_example(data_dir, "dementia_consult", example, eval_dir=folder)
    assert result.ok and result.changed and result.file == path, result.message
    assert "評価（前 → 後）: answer 100.0% → 100.0%" in result.message
    assert "結果が変わったケースはありません" in result.message
    text = path.read_text(encoding="utf-8")
    assert example in text and all(line in text.splitlines() for line in comments)
    assert example in load_intents(data_dir / "intents", ProblemLog(data_dir)).examples["dementia_consult"]
    assert check_data(data_dir) == []


def test_control_characters_never_turn_into_spaces() -> None:
    """Issue 9: U+0085 (a YAML line break) came back from the file as a space."""
    out = add_example(None, "dementia_consult", "駐輪場\x85どこ\u2028ですか\x00")
    assert out is not None
    assert yaml.safe_load(out)["topics"][0]["examples"] == ["駐輪場どこ ですか"]


def test_promote_refuses_when_the_file_changed_during_the_check(data_dir: Path, tmp_path: Path) -> None:
    """Staff edited the same file while check and evaluation ran: their edit stays, ours is dropped.
    (From the issue-15 suite, on the fail-closed promote's interface.)"""
    topic, path = a_topic_with_file(data_dir)
    staff_edit = path.read_text(encoding="utf-8") + "# 職員が確認中に書き足した行\n"

    def edits_meanwhile(root: Path) -> list[object]:
        path.write_text(staff_edit, encoding="utf-8")
        return []

    result = promote_example(
        data_dir,
        topic,
        "職員が確認中の例文",
        eval_dir=small_sets(tmp_path),
        check=edits_meanwhile,
        outcomes=same_outcomes,
    )
    assert result.ok is False and not result.changed
    assert "確認中に変更されました" in result.message
    assert path.read_text(encoding="utf-8") == staff_edit


def test_add_example_refuses_a_file_that_is_not_a_topics_mapping() -> None:
    with pytest.raises(ValueError):
        add_example("- just\n- a list\n", "dementia_consult", "母の物忘れ")


def test_add_example_fills_a_topic_without_examples() -> None:
    updated = add_example("topics:\n  - topic: dementia_consult\n", "dementia_consult", "母の物忘れが心配")
    assert updated is not None
    assert yaml.safe_load(updated)["topics"][0]["examples"] == ["母の物忘れが心配"]


def test_promote_names_a_file_it_cannot_read_and_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    log = ProblemLog(data_dir)
    cards = set(load_knowledge(data_dir / "knowledge", log).cards)
    spare = sorted(cards - set(load_intents(data_dir / "intents", log).example_files))[0]
    (data_dir / PROMOTED_FILE).write_text("topics: [\n", encoding="utf-8")  # broken YAML in the target
    before = snapshot(data_dir)
    result = promote_example(
        data_dir, spare, EXAMPLE, eval_dir=small_sets(tmp_path), check=accept, outcomes=same_outcomes
    )
    assert result.ok is False and "読めません" in result.message
    assert result.message == "promoted.yaml を読めません（ParserError）。YAML を確認してください。"  # the error named
    assert snapshot(data_dir) == before


def test_promote_of_an_existing_example_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    topic, path = a_topic_with_file(data_dir)
    existing = str(yaml.safe_load(path.read_text(encoding="utf-8"))["topics"][0]["examples"][0])
    topic = str(yaml.safe_load(path.read_text(encoding="utf-8"))["topics"][0]["topic"])
    before = snapshot(data_dir)
    result = promote_example(
        data_dir, topic, existing, eval_dir=small_sets(tmp_path), check=accept, outcomes=same_outcomes
    )
    assert result.ok and "すでに" in result.message
    assert result.message == f"この質問はすでにトピック「{topic}」の例文にあります。"
    assert result.file == path and not result.changed
    assert snapshot(data_dir) == before


def test_promote_lists_the_first_ten_problems_of_the_check(data_dir: Path) -> None:
    topic, _ = a_topic_with_file(data_dir)
    problems = [f"problem {i}" for i in range(12)]
    result = promote_example(data_dir, topic, EXAMPLE, check=lambda _: problems, outcomes=same_outcomes)
    listed = "\n".join(f"  problem {i}" for i in range(10))
    assert result.ok is False and result.message == f"kb check が通らないため追加しませんでした{UNTOUCHED}:\n{listed}"


def test_promote_evaluates_every_set_on_the_data_and_then_on_the_edited_copy(data_dir: Path, tmp_path: Path) -> None:
    """Before: every evaluation set over the real data; after: the same sets over a copy that holds the example."""
    folder = small_sets(tmp_path)
    topic, path = a_topic_with_file(data_dir)
    calls: list[tuple[list[Path], Path, bool]] = []

    def recording(sets: object, root: Path) -> Mapping[str, Outcome]:
        assert isinstance(sets, list)
        held = EXAMPLE in (root / path.relative_to(data_dir)).read_text(encoding="utf-8")
        calls.append((sets, root, held))
        return same_outcomes(sets, root)

    result = promote_example(data_dir, topic, EXAMPLE, eval_dir=folder, check=accept, outcomes=recording)
    assert result.ok, result.message
    expected = [folder / name for name in EVAL_SETS]
    assert [c[0] for c in calls] == [expected, expected]
    assert calls[0][1] == data_dir and not calls[0][2]
    assert calls[1][1] != data_dir and calls[1][2]


def test_promote_into_data_without_an_intents_folder_creates_promoted_yaml(tmp_path: Path) -> None:
    """Only knowledge/ exists: the copy (and then the data) get intents/topics/promoted.yaml, folders included."""
    root = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "knowledge", root / "knowledge")
    card = sorted(load_knowledge(root / "knowledge", ProblemLog(root)).cards)[0]
    seen: list[bool] = []

    def copy_holds_the_example(copy: Path) -> list[object]:
        seen.append(EXAMPLE in (copy / PROMOTED_FILE).read_text(encoding="utf-8"))
        return []

    result = promote_example(
        root, card, EXAMPLE, eval_dir=small_sets(tmp_path), check=copy_holds_the_example, outcomes=same_outcomes,
        out_of_scope=lambda _, __: False,
    )
    assert result.ok and result.changed and result.file == root / PROMOTED_FILE, result.message
    assert seen == [True]
    assert yaml.safe_load(result.file.read_text(encoding="utf-8"))["topics"] == [{"topic": card, "examples": [EXAMPLE]}]


LOCALE_FREE_RUN = """
import json, sys
from pathlib import Path
from bot.review.promote import promote_example
args = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
root, target, example = Path(args["root"]), Path(args["target"]), args["example"]

def copy_holds_it(copy: Path) -> list[object]:
    text = (copy / target.relative_to(root)).read_text(encoding="utf-8")
    return [] if example in text else ["the copy lacks the example"]

result = promote_example(root, args["topic"], example, eval_dir=Path(args["eval_dir"]), check=copy_holds_it,
                         outcomes=lambda _, __: {}, out_of_scope=lambda _, __: False)
print(result.ok, result.changed)
"""


def test_promote_works_under_an_ascii_locale(data_dir: Path, tmp_path: Path) -> None:
    """A server left on the plain C locale (coercion off): the edited copy is still written as UTF-8."""
    topic, path = a_topic_with_file(data_dir)
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"root": str(data_dir), "target": str(path), "topic": topic, "example": EXAMPLE,
                                "eval_dir": str(small_sets(tmp_path))}), encoding="utf-8")
    script = tmp_path / "run.py"
    script.write_text(LOCALE_FREE_RUN, encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    env["PYTHONPATH"] = os.pathsep.join([os.getcwd(), str(PROJECT_ROOT), env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, str(script), str(args)], env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.stdout.strip() == "True True", out.stderr[-2000:]
    assert EXAMPLE in path.read_text(encoding="utf-8")
