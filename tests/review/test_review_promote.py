"""`review promote`: the YAML edit keeps comments, and nothing changes unless check and eval agree."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.data import load_knowledge
from bot.data.check import check_data
from bot.data.intents import load_intents
from bot.data.problems import ProblemLog
from bot.review.promote import DEV_SET, PROMOTED_FILE, add_example, promote_example

EXAMPLE = "駐輪場の場所を教えてほしいと[名前]さんが言っている"

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


def same_rates(_: Path, __: Path) -> Mapping[str, float]:
    return {"answer": 0.9, "no_match": 1.0, "crisis": 1.0}


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
    result = promote_example(data_dir, topic, EXAMPLE, check=accept, pass_rates=same_rates)
    assert result.ok and result.changed and result.file == path
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
    result = promote_example(data_dir, topic, EXAMPLE, pass_rates=same_rates)  # the real check_data
    assert not result.ok
    assert "kb check" in result.message and "変更していません" in result.message
    assert snapshot(data_dir) == before


def test_promote_refuses_a_change_the_check_rejects(data_dir: Path) -> None:
    topic, path = a_topic_with_file(data_dir)

    def rejects_new_example(root: Path) -> list[object]:
        copy = root / path.relative_to(data_dir)
        return ["intents: example breaks a rule"] if EXAMPLE in copy.read_text(encoding="utf-8") else []

    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, check=rejects_new_example, pass_rates=same_rates)
    assert not result.ok and "example breaks a rule" in result.message
    assert snapshot(data_dir) == before


def test_promote_refuses_when_a_pass_rate_drops(data_dir: Path, tmp_path: Path) -> None:
    topic, _ = a_topic_with_file(data_dir)
    cases = tmp_path / "dev.yaml"
    cases.write_text("cases: []\n", encoding="utf-8")

    def worse_on_the_copy(_: Path, root: Path) -> Mapping[str, float]:
        return {"answer": 0.9 if root == data_dir else 0.85, "no_match": 1.0}

    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, dev_set=cases, check=accept, pass_rates=worse_on_the_copy)
    assert not result.ok and "answer: 90.0% → 85.0%" in result.message
    assert snapshot(data_dir) == before


def test_promote_refuses_an_unknown_topic(data_dir: Path) -> None:
    before = snapshot(data_dir)
    result = promote_example(data_dir, "no_such_topic", EXAMPLE, check=accept, pass_rates=same_rates)
    assert not result.ok and "no_such_topic" in result.message
    assert snapshot(data_dir) == before


def test_a_card_without_examples_goes_to_promoted_yaml(data_dir: Path) -> None:
    log = ProblemLog(data_dir)
    cards = set(load_knowledge(data_dir / "knowledge", log).cards)
    spare = sorted(cards - set(load_intents(data_dir / "intents", log).example_files))
    if not spare:
        pytest.skip("every card already has examples")
    result = promote_example(data_dir, spare[0], EXAMPLE, check=accept, pass_rates=same_rates)
    assert result.ok and result.file == data_dir / PROMOTED_FILE
    assert yaml.safe_load(result.file.read_text(encoding="utf-8"))["topics"][0]["topic"] == spare[0]


@pytest.mark.slow
def test_promote_end_to_end_with_the_real_check_and_dev_set(data_dir: Path) -> None:
    """A plain rephrasing of a dev-set question, filed under the topic the dev set labels it with:
    the real check passes and no pass rate drops, so the example must be written."""
    assert check_data(data_dir) == []
    cases = yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))["cases"]
    case = next(c for c in cases if c["id"] == "s001")  # 父の物忘れがひどい → dementia_consult's windows
    assert "地域包括支援センター" in case["expect_any"]
    example = "父の物忘れがひどくなってきて心配"
    result = promote_example(data_dir, "dementia_consult", example, dev_set=DEV_SET)
    assert result.ok and result.changed, result.message
    assert "評価（前 → 後）" in result.message  # the dev set really was evaluated, before and after
    path = load_intents(data_dir / "intents", ProblemLog(data_dir)).example_files["dementia_consult"]
    assert result.file == path and example in path.read_text(encoding="utf-8")
    assert check_data(data_dir) == []


def test_promote_refuses_when_the_file_changed_during_the_check(data_dir: Path) -> None:
    """Staff edited the same file while check and evaluation ran: their edit stays, ours is dropped."""
    topic, path = a_topic_with_file(data_dir)
    staff_edit = path.read_text(encoding="utf-8") + "# 職員が確認中に書き足した行\n"

    def edits_meanwhile(root: Path) -> list[object]:
        path.write_text(staff_edit, encoding="utf-8")
        return []

    result = promote_example(data_dir, topic, EXAMPLE, check=edits_meanwhile, pass_rates=same_rates)
    assert not result.ok and not result.changed
    assert "確認中に変更されました" in result.message
    assert path.read_text(encoding="utf-8") == staff_edit


@pytest.mark.slow
def test_promote_refuses_an_example_that_makes_the_evaluation_worse(data_dir: Path, tmp_path: Path) -> None:
    """A question the assistant must decline, filed under a topic: the real evaluation says no.

    The labelled file is the contract's format, small and fixed here, so the test does not depend on
    how many dev cases one example happens to disturb (one wrong example rarely flips a topic that
    many examples support, which is the point of the centroid blending).
    """
    question = "カブトムシの上手な育て方を知りたい"
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        yaml.safe_dump(
            {"cases": [{"id": "p1", "kind": "no_match", "q": question}]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    before = snapshot(data_dir)
    result = promote_example(data_dir, "volunteer", question, dev_set=cases)
    assert not result.ok, result.message
    assert "正答率が下がる" in result.message
    assert snapshot(data_dir) == before


def test_control_characters_never_turn_into_spaces() -> None:
    """Issue 9: U+0085 (a YAML line break) came back from the file as a space."""
    out = add_example(None, "dementia_consult", "駐輪場\x85どこ\u2028ですか\x00")
    assert out is not None
    assert yaml.safe_load(out)["topics"][0]["examples"] == ["駐輪場どこ ですか"]


def test_promote_reports_an_unreadable_topic_file_and_changes_nothing(data_dir: Path) -> None:
    """promoted.yaml, where a card without examples gets its first, is broken: nothing is written."""
    log = ProblemLog(data_dir)
    spare = sorted(set(load_knowledge(data_dir / "knowledge", log).cards)
                   - set(load_intents(data_dir / "intents", log).example_files))
    if not spare:
        pytest.skip("every card already has examples")
    path = data_dir / PROMOTED_FILE
    for broken in ("topics: [unclosed\n", "- a list, not a mapping\n"):
        path.write_text(broken, encoding="utf-8")
        before = snapshot(data_dir)
        result = promote_example(data_dir, spare[0], EXAMPLE, check=accept, pass_rates=same_rates)
        assert not result.ok and not result.changed and "を読めません" in result.message, result.message
        assert snapshot(data_dir) == before


def test_promote_of_a_known_example_is_ok_and_writes_nothing(data_dir: Path) -> None:
    topic, _ = a_topic_with_file(data_dir)
    known = load_intents(data_dir / "intents", ProblemLog(data_dir)).examples[topic][0]
    before = snapshot(data_dir)
    result = promote_example(data_dir, topic, known + " ", check=accept, pass_rates=same_rates)
    assert result.ok and not result.changed and "すでに" in result.message
    assert snapshot(data_dir) == before


def test_promote_without_a_dev_set_says_the_evaluation_was_skipped(data_dir: Path, tmp_path: Path) -> None:
    topic, path = a_topic_with_file(data_dir)
    result = promote_example(data_dir, topic, EXAMPLE, dev_set=tmp_path / "missing.yaml", check=accept)
    assert result.ok and result.changed and "評価用データがないため" in result.message
    assert EXAMPLE in path.read_text(encoding="utf-8")


def test_a_failed_write_leaves_the_file_and_no_temporary_copy(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    topic, _ = a_topic_with_file(data_dir)
    before = snapshot(data_dir)

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.review.promote.os.replace", disk_full)
    with pytest.raises(OSError):
        promote_example(data_dir, topic, EXAMPLE, check=accept, pass_rates=same_rates)
    assert snapshot(data_dir) == before  # the old file whole, and no .tmp file left beside it
