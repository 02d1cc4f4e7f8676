import pytest

from bot.assistant import Assistant
from bot.crisis import CrisisDetector
from bot.intents import CrisisKind
from bot.text import analyzer


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    kinds = (
        CrisisKind("suicide", ("死にたい", "自殺", "消えたい")),
        CrisisKind("violence", ("殴られている",)),
    )
    return CrisisDetector(kinds, ("死ぬほど忙しい", "自殺予防"), analyzer())


@pytest.mark.parametrize("text", ["死にたい", "もう しにたい", "シニタイ", "消えたい…", "自殺を考えてる"])
def test_crisis_terms_in_any_script(detector: CrisisDetector, text: str) -> None:
    hit = detector.detect(text)
    assert hit is not None and hit.kinds == ("suicide",)


def test_allow_list_blanks_only_its_own_span(detector: CrisisDetector) -> None:
    assert detector.detect("死ぬほど忙しい毎日です") is None
    assert detector.detect("自殺予防の講演会はありますか") is None
    hit = detector.detect("死ぬほど忙しい。もう死にたい")
    assert hit is not None


def test_several_kinds_are_all_reported_in_file_order(detector: CrisisDetector) -> None:
    hit = detector.detect("夫に殴られている。死にたい")
    assert hit is not None and hit.kinds == ("suicide", "violence")


def test_ordinary_text_is_not_a_crisis(detector: CrisisDetector) -> None:
    assert detector.detect("母の物忘れが心配です") is None
    assert detector.detect("") is None


def test_project_crisis_vocabulary_wins_over_matching(assistant: Assistant) -> None:
    reply = assistant.reply("もう死にたい。介護に疲れた")
    assert reply.status == "crisis"
    assert "110" in reply.text and "119" in reply.text
    assert any("いのちの電話" in w.name for w in reply.windows)


@pytest.mark.parametrize(
    "text", ["死ぬほど忙しくて親の介護が大変", "自殺予防の取組を知りたい", "DVの相談窓口はどこですか"]
)
def test_project_allow_list(assistant: Assistant, text: str) -> None:
    assert assistant.reply(text).status != "crisis"


def test_reading_matches_only_at_word_starts(detector: CrisisDetector) -> None:
    # 私に対して reads ワタシニタイシテ: シニタイ is inside it, but no word there means 死にたい.
    assert detector.detect("市に対して意見があります") is None
    assert detector.detect("医師に対して相談したい") is None


def test_story_context_cancels_only_its_own_kind() -> None:
    kinds = (
        CrisisKind("suicide", ("死にたい",)),
        CrisisKind("violence", ("殺される",), unless=("ゲーム",)),
    )
    detector = CrisisDetector(kinds, (), analyzer())
    assert detector.detect("ゲームでボスに殺された") is None
    hit = detector.detect("ゲームばかりの毎日で死にたい")
    assert hit is not None and hit.kinds == ("suicide",)
    assert detector.detect("夫に殺される") is not None


def test_long_kana_term_matches_inside_a_longer_word() -> None:
    detector = CrisisDetector((CrisisKind("dv", ("夫に首を絞め",)),), (), analyzer())
    hit = detector.detect("さっき夫に首をしめられた")
    assert hit is not None and hit.kinds == ("dv",)


def test_no_topic_or_out_of_scope_example_is_taken_for_a_crisis(assistant: Assistant) -> None:
    """Ordinary phrasings (2,000+ of them in intents/) must never get the crisis reply."""
    assert assistant.crisis is not None
    intents = assistant.data.intents
    examples = [e for phrases in intents.examples.values() for e in phrases] + list(intents.out_of_scope)
    flagged = [e for e in examples if assistant.crisis.detect(e) is not None]
    assert flagged == []
