"""Data problems found while loading knowledge/ and intents/: file, line, entry and a message for clerks.

A problem is a code and its values; the wording lives in one table, in Japanese (the staff's language,
the default of `kb check`) and English (`--lang en`, and `Problem.message` for logs and tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

Lang = Literal["ja", "en"]

# code → (Japanese, English); {names} are filled from the problem's values.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_missing": ("ファイルがありません", "file is missing"),
    "not_utf8": ("UTF-8 の文字で保存されていません", "file is not UTF-8 text"),
    "yaml_syntax": (
        "YAML の書き方に誤りがあります（{reason}）。この行か、すぐ上の行の字下げ・引用符・カンマを確かめてください",
        "YAML syntax error: {reason}",
    ),
    "file_empty": ("ファイルが空です。中身が必要です", "file is empty"),
    "crisis_file_empty": (
        "ファイルが空です。これがないと危機の確認ができません",
        "file is empty: the crisis check cannot run without it",
    ),
    "unknown_key": ("知らない項目名「{key}」です", "unknown key '{key}'"),
    "duplicate_key": (
        "項目名「{key}」が同じ所に2回あります。1つにまとめてください（あとの方だけが使われてしまいます）",
        "key '{key}' is written twice here (only the last would be used)",
    ),
    "missing_key": ("「{key}」がありません", "missing '{key}'"),
    "bad_phone": (
        "電話番号「{value}」の形が正しくありません（けたの不足・余分はありませんか。"
        '例: "042-346-9530"、"0120-279-338"、"#8008"、"189"、"110"）',
        "phone '{value}' is not a Japanese phone number (a digit missing or extra? e.g. "
        '"042-346-9530", "0120-279-338", "#8008", "189", "110")',
    ),
    "phone_not_text": (
        '電話番号は "042-345-0691" のように " で囲んで書いてください',
        'phone must be quoted text, e.g. "042-345-0691"',
    ),
    "empty_list": ("「{key}」が空です。1つ以上書いてください", "'{key}' must not be empty"),
    "too_few": ("「{key}」は {min} 個以上必要です", "'{key}' needs at least {min} items"),
    "bad_id": (
        "「{value}」は id に使えません（半角の英小文字・数字・_ だけで、英字で始めます）",
        "'{value}' is not an id (snake_case ASCII: a-z, 0-9, _)",
    ),
    "bad_choice": ("「{value}」は使えません（使えるもの: {allowed}）", "'{value}' is not allowed (one of: {allowed})"),
    "not_text": ("「{key}」は文字で書いてください", "'{key}' must be text"),
    "not_list": ("「{key}」はリスト（[a, b] か「- 」の行）で書いてください", "'{key}' must be a list"),
    "not_mapping": ("「{key}」は「名前: 値」の形で書いてください", "'{key}' must be a mapping (key: value)"),
    "not_number": ("「{key}」は数字で書いてください", "'{key}' must be a number"),
    "not_bool": ("「{key}」は true か false で書いてください", "'{key}' must be true or false"),
    "bad_value": ("「{key}」の値が正しくありません（{detail}）", "invalid '{key}': {detail}"),
    "duplicate_id": ("id が重複しています（{other} にもあります）", "duplicate id (also in {other})"),
    "unknown_ref": ("{what_ja}「{ref}」が見つかりません", "{what} '{ref}' does not exist"),
    "facts_without_source": (
        "{facts} を書いていますが、source と source_date がありません",
        "states {facts} but has no source and source_date",
    ),
    "no_phone_no_fallback": (
        "電話番号がないので、代わりに案内できる窓口を fallback: に書いてください",
        "has no phone, so it needs 'fallback:' windows that can direct the resident",
    ),
    "fallback_no_phone": (
        "fallback の「{ref}」にも電話番号がありません",
        "fallback '{ref}' has no phone either",
    ),
    "label_too_long": (
        "答え「{label}」はボタンには長すぎます",
        "answer label '{label}' is too long for a button",
    ),
    "town_needs_chome_list": ("chome は数字のリストです（丁目がない町は []）", "chome must be a list of numbers"),
    "topic_twice": (
        "このトピックは {other} にもあります。1つのファイルにまとめてください",
        "topic is also listed in {other}; keep one place per topic",
    ),
    "no_topic_files": ("トピックの例文が1つもありません", "no topic examples found"),
    "example_in_two_topics": (
        "例文「{example}」はトピック {other}（{other_file}）にもあります。どちらか1つだけにしてください",
        "example '{example}' is also an example of {other} ({other_file}); keep it under one topic",
    ),
    "example_out_of_scope": (
        "例文「{example}」は intents/out_of_scope.yaml（答えない質問）にもあります。どちらか1つだけにしてください",
        "example '{example}' is also in intents/out_of_scope.yaml (questions not answered)",
    ),
    "example_is_crisis": (
        "例文「{example}」は危機のことば（{kinds}）に当たるため、このトピックの答えにはなりません（緊急の返事が出ます）",
        "example '{example}' triggers the crisis check ({kinds}), so it can never answer this topic",
    ),
    "term_with_space": (
        "ことば「{term}」の中に空白があります。カンマ（,）を忘れていませんか（[ことば1, ことば2] のように書きます）",
        "term '{term}' contains a space: a missing comma in the list? ([a, b], not [a b])",
    ),
    "crisis_kind_missing": (
        "危機の種類がありません。どの種類にも terms が必要です",
        "crisis kind is missing: the crisis check needs terms for every kind",
    ),
    "crisis_kind_twice": ("この危機の種類が2回あります。1つにまとめてください", "crisis kind is listed twice"),
    "corpus_too_small": (
        "ラベル付きの文が {count} 件しかありません（学習には {min} 件以上必要です）",
        "only {count} labelled messages (at least {min} are needed for the learned crisis check)",
    ),
    "emergency_line": (
        '緊急の番号 {phone} は id {ref}、phone "{phone}" で書いてください（消せません）',
        'the emergency line {phone} must be listed with id {ref} and phone "{phone}"',
    ),
    "no_24h_line": (
        "いろいろな悩み（general）を聞く「24時間」の電話がありません。答えられないときの返事に必要です",
        "no hotline for 'general' worries is open 24時間: the safety net needs one",
    ),
    "crisis_kind_unserved": (
        "この危機の種類に案内できる電話番号がありません",
        "no line with a phone serves this crisis kind",
    ),
    "hours_mismatch": ("受付時間（schedule）の書き方: {detail}", "opening hours (schedule): {detail}"),
    "topic_in_two_domains": (
        "カード「{ref}」は分野 {other} にも入っています。1つの分野だけにしてください",
        "card '{ref}' is also in domain {other}; a card belongs to one domain",
    ),
    "reading_needs_kanji": (
        "「{word}」には漢字がありません（よみがなは漢字のある言葉につけます）",
        "'{word}' has no kanji",
    ),
    "reading_not_kana": (
        "よみ「{reading}」は ひらがな か カタカナ だけで書いてください",
        "reading '{reading}' must be hiragana or katakana only",
    ),
    "reading_twice": ("「{word}」のよみが2回書かれています", "'{word}' is listed twice"),
    "wording_placeholder": (
        "文の中の {{{name}}} は使えません（この文で使えるもの: {allowed}）。{{ }} の中の名前を確かめてください",
        "{{{name}}} cannot be used in this sentence (allowed: {allowed})",
    ),
    "wording_braces": (
        "文の {{ }} の書き方に誤りがあります（{reason}）。{{ と }} は対にして、中には名前だけを書きます",
        "broken {{ }} in this sentence: {reason}",
    ),
    "wording_number_missing": (
        "緊急の番号の {{{name}}} が文にありません。消さないでください（答えられないときの返事から番号が消えます）",
        "{{{name}}} is missing: the emergency numbers must stay in this sentence",
    ),
    "topic_not_card": (
        "トピック「{ref}」は knowledge/ のカードの id ではありません",
        "topic '{ref}' is not a card id in knowledge/",
    ),
}
SUGGESTION = ("もしかして: {hint}", "did you mean: {hint}")

# What a referenced id names, for "{what_ja}「{ref}」が見つかりません".
WHAT_JA = {
    "window": "窓口",
    "card": "カード",
    "town": "町",
    "area": "圏域",
    "centre": "センター",
    "step": "質問",
    "signal": "合図",
    "repeat_of": "再掲元の取組",
    "hotline": "緊急の電話",
}


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest known name to a misspelt one (windwos → windows), or None when nothing is close."""
    options = [c for c in choices if c != word]
    if not options:
        return None
    found = process.extractOne(word, options, scorer=Levenshtein.normalized_similarity, score_cutoff=0.5)
    return str(found[0]) if found else None


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    code: str
    values: Mapping[str, object] = field(default_factory=dict)
    line: int | None = None
    hint: str | None = None  # a close known name: 「もしかして: …」

    def text(self, lang: Lang = "ja") -> str:
        ja, en = MESSAGES[self.code]
        values = {k: str(v) for k, v in self.values.items()}
        what = values.get("what", "")
        values.setdefault("what_ja", WHAT_JA.get(what, what))
        out = (ja if lang == "ja" else en).format(**values)
        if self.hint:
            out += ("。" if lang == "ja" else "; ") + SUGGESTION[0 if lang == "ja" else 1].format(hint=self.hint)
        return out

    @property
    def message(self) -> str:
        return self.text("en")

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def render(self, lang: Lang = "ja") -> str:
        where = f"{self.location()} {self.entry}" if self.entry else self.location()
        return f"{where}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.render("ja")


@dataclass
class ProblemLog:
    """Collects problems while loading so one run reports all of them, not only the first."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def shown(self, file: Path | str) -> str:
        path = Path(file)
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(
        self,
        file: Path | str,
        entry: str,
        code: str,
        *,
        line: int | None = None,
        hint: str | None = None,
        **values: Any,
    ) -> None:
        self.problems.append(Problem(self.shown(file), entry, code, values, line, hint))

    def files_with_problems(self) -> set[str]:
        return {p.file for p in self.problems}


class DataError(Exception):
    """Raised when the data cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
