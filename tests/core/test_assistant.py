import pytest

from bot.core.assistant import Assistant, build_assistant
from tests.conftest import DATA_DIR
from tests.labelled import dev_case, labelled_phones, meets_label


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("母が認知症かもしれない", "dementia_consult"),
        ("ははが にんちしょう かもしれない", "dementia_consult"),
        ("借金が返せない", "multiple_debt"),
        ("ヤングケアラーです。弟の世話で学校に行けない", "young_carer"),
        ("任意後見ってなんですか", "guardianship_nini"),
    ],
)
def test_everyday_questions_find_their_topic(assistant: Assistant, question: str, topic: str) -> None:
    reply = assistant.reply(question)
    assert reply.status == "answer", reply.to_json()
    assert reply.topic == topic


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "\u200b"])
def test_empty_input_gets_a_kind_hint(assistant: Assistant, text: str) -> None:
    reply = assistant.reply(text)
    assert reply.status == "no_match"
    assert "書いて" in reply.text


def test_huge_and_html_looking_input(assistant: Assistant) -> None:
    """Ten thousand characters of 介護 still find care, and markup around a question is no obstacle:
    the replies carry what the dev set's labels for those questions expect."""
    huge = assistant.reply("介護" * 5000)
    assert huge.status == "answer" and meets_label(dev_case("s021"), huge.text), huge.text  # 親の介護
    assert labelled_phones(dev_case("s021"), huge.text)  # the labelled window, with its number from knowledge/
    reply = assistant.reply("<b>母の物忘れ</b><script>alert(1)</script>")
    assert reply.status == "answer" and meets_label(dev_case("s001"), reply.text), reply.text  # 父の物忘れ…
    assert "<script>" not in reply.text


def test_baselines_answer_from_the_same_data(project_data: object) -> None:
    for engine in ("bm25", "fuzzy"):
        baseline = build_assistant(DATA_DIR, engine, data=project_data)  # type: ignore[arg-type]
        assert baseline.crisis is None  # the plain baselines have no crisis check
        assert baseline.reply("母の物忘れがひどい、認知症かも").status in ("answer", "clarify")


def test_unknown_engine() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        build_assistant(DATA_DIR, "gpt")
