"""Masking of unmatched questions: real Japanese input through the real Sudachi dictionary."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.storage.masking import ADDRESS, EMAIL, MAX_INPUT_CHARS, PHONE, POSTAL, URL
from bot.storage.names import NAME
from tests.wording import mask

TABLE = [
    # phone numbers in any width and with any separator
    ("電話番号は０９０ー１２３４ー５６７８です", "電話番号は[電話番号]です"),
    ("090 1234 5678に折り返してください", "[電話番号]に折り返してください"),
    ("03(1234)5678に電話しました", "[電話番号]に電話しました"),
    ("０３（１２３４）５６７８", "[電話番号]"),
    ("連絡先は+81 90-1234-5678です", "連絡先は[電話番号]です"),
    ("+81(0)42-345-0691まで", "[電話番号]まで"),
    ("携帯 09012345678", "携帯 [電話番号]"),
    ("0120-123-456は無料ですか", "[電話番号]は無料ですか"),
    ("電話は345-0691です", "電話は[電話番号]です"),
    # separators, invisible characters and kanji numerals inside phone numbers (issue 9)
    ("090の1234の5678に電話して", "[電話番号]に電話して"),
    ("090・1234・5678", "[電話番号]"),
    ("090/1234/5678です", "[電話番号]です"),
    ("090\u200b1234\u200b5678", "[電話番号]"),
    ("携帯は〇九〇一二三四五六七八です", "携帯は[電話番号]です"),
    ("〇四二ー三四五ー〇六九一", "[電話番号]"),
    # e-mails and URLs inside sentences
    ("メールはtaro.yamada@example.co.jpに送ってください", "メールは[メール]に送ってください"),
    ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍへ", "[メール]へ"),
    ("https://example.com/abc?x=1を見たけど分からない", "[URL]を見たけど分からない"),
    ("www.city.kodaira.tokyo.jp のページ", "[URL] のページ"),
    # SNS handles (LINE, Instagram, X): an @name reaches the person as surely as an e-mail does
    ("LINEのIDは@kodaira_taro です", "LINEのIDは[メール] です"),
    ("インスタの@hanako.y123にDMください", "インスタの[メール]にDMください"),
    ("ID:@kodaira.mama2", "ID:[メール]"),
    ("@ab と書いた", "@ab と書いた"),  # too short to name anyone
    # postal codes and address parts below town level; the town stays
    ("〒187-0032 小平市小川町2-1333", "[郵便番号] 小平市小川町[番地]"),
    ("〒１８７－００３２", "[郵便番号]"),
    ("郵便番号は187-0032", "郵便番号は[郵便番号]"),
    ("小川西町3丁目5番地に住んでいます", "小川西町[番地]に住んでいます"),
    ("小川西町３丁目５番７号の母", "小川西町[番地]の母"),
    ("学園東町1-2-3の者です", "学園東町[番地]の者です"),
    ("○○マンション205に一人暮らし", "[番地]に一人暮らし"),
    ("花小金井グリーンハイツ203号室", "花小金井[番地]"),
    ("101号室の隣の人が心配", "[番地]の隣の人が心配"),
    ("小川町2の1333に住んでいます", "小川町[番地]に住んでいます"),
    ("小川町二丁目十三の五", "小川町[番地]"),
    # dates of birth
    ("1948年3月15日生まれの父", "[日付]生まれの父"),
    ("生年月日は1948/03/15です", "生年月日は[日付]です"),
    ("昭和23年3月15日生まれ", "[日付]生まれ"),
    ("S23.3.15生", "[日付]生"),
    ("誕生日は3月15日です", "誕生日は[日付]です"),
    # personal names: Sudachi's 人名 and the honorific patterns
    ("田中さんに相談したい", "[名前]さんに相談したい"),
    ("山田花子様の件で", "[名前]様の件で"),
    ("母の友人のたなかさんが倒れた", "母の友人の[名前]さんが倒れた"),
    ("翔太くんが学校に行かない", "[名前]くんが学校に行かない"),
    ("佐藤氏から聞いた", "[名前]氏から聞いた"),
    ("みーちゃんの世話", "[名前]ちゃんの世話"),
    ("キララさんに言われた", "[名前]さんに言われた"),
    ("鈴木町に住む鈴木さん", "鈴木町に住む[名前]さん"),
    ("tanaka-sanに聞いた", "[名前]に聞いた"),
    ("やまだたろうです", "[名前]です"),
    ("わたしはやまもと まさおといいます", "わたしは[名前]といいます"),
    # words that are not personal data stay
    ("次の行", "次の行"),
    ("次の行を見てください", "次の行を見てください"),
    ("小平で相談できる所", "小平で相談できる所"),
    ("保健師さんに相談したい", "保健師さんに相談したい"),
    ("児童委員さんに話したい", "児童委員さんに話したい"),
    ("ケースワーカーさんが誰かわからない", "ケースワーカーさんが誰かわからない"),
    ("赤ちゃんをかわいいと思えない", "赤ちゃんをかわいいと思えない"),
    ("2025年4月から変わりますか", "2025年4月から変わりますか"),
    ("三四日前から", "三四日前から"),
    ("お母さんが認知症かもしれない", "お母さんが認知症かもしれない"),
    ("ヘルパーさんが来てくれない", "ヘルパーさんが来てくれない"),
    ("ケアマネさんに相談した", "ケアマネさんに相談した"),
    ("第1号被保険者の保険料", "第1号被保険者の保険料"),
    ("80歳の母と子供2人", "80歳の母と子供2人"),
    ("9-17時に開いていますか", "9-17時に開いていますか"),
    ("小平市で介護保険の申請", "小平市で介護保険の申請"),
]


@pytest.mark.parametrize(("raw", "masked"), TABLE)
def test_masking_table(raw: str, masked: str) -> None:
    assert mask(raw) == masked


def test_several_kinds_in_one_message() -> None:
    raw = "小川東町4丁目12番地の高橋一郎です。電話０４２－３４５－６７８９、メール ichiro@example.ne.jp"
    out = mask(raw)
    assert out.startswith("小川東町")
    for tag in (ADDRESS, NAME, PHONE, EMAIL):
        assert tag in out
    assert "高橋" not in out and "一郎" not in out
    assert not re.search(r"\d", out)


def test_long_input_is_cut_without_leaving_a_partial_number() -> None:
    out = mask("あ" * 495 + "090-1234-5678 の件")
    assert not re.search(r"\d", out)
    assert len(out) <= 501


def test_input_at_the_limit_is_kept_whole_and_longer_input_ends_with_an_ellipsis() -> None:
    at_limit = "あ" * MAX_INPUT_CHARS
    assert mask(at_limit) == at_limit
    assert mask("あ" * (MAX_INPUT_CHARS + 100)) == at_limit + "…"


def test_space_between_the_postal_label_and_the_number_is_dropped() -> None:
    assert mask("郵便番号は 187-0032") == "郵便番号は[郵便番号]"


# How a run of digits is tagged (_classify_number): each case pins one boundary of the rules, so
# staff read the right tag and no number in these forms is left in the clear.
NUMBER_RUNS = [
    # +country code and at least 8 digits: a phone number, whatever its grouping
    ("+81-42-3456", "[電話番号]"),
    # 0 and 10 or 11 digits: a phone number; 10 digits without the 0, or 12 with it, are not
    ("会員番号は1234567890です", "会員番号は[番号]です"),
    ("マイナンバーは012345678901です", "マイナンバーは[番号]です"),
    # groups of 3 and 4 without a phone word nearby: a postal code; 4 and 4: a phone number
    ("187-0032あての書類", "[郵便番号]あての書類"),
    ("1234-5678に連絡", "[電話番号]に連絡"),
    # 7 or more digits next to a phone word: a phone number; fewer stay even next to one
    ("電話は3450691です", "電話は[電話番号]です"),
    ("電話を3回かけたがつながらない", "電話を3回かけたがつながらない"),
    # 7 or more digits otherwise: an account, insurance or My Number
    ("保険証の番号は1234567です", "保険証の番号は[番号]です"),
    ("口座番号は12345678です", "口座番号は[番号]です"),
]


@pytest.mark.parametrize(("raw", "masked"), NUMBER_RUNS)
def test_number_runs_are_tagged_by_their_shape(raw: str, masked: str) -> None:
    assert mask(raw) == masked


def test_a_phone_word_counts_within_eight_characters_before_the_number() -> None:
    near, far = "電話でね。番号は345-0691", "電話してね。番号は345-0691"
    assert near.index("345") - near.index("電話") == 8
    assert far.index("345") - far.index("電話") == 9
    assert mask(near) == "電話でね。番号は[電話番号]"
    assert mask(far) == "電話してね。番号は[郵便番号]"


def _digits_left(text: str) -> bool:
    return re.search(r"\d", unicodedata.normalize("NFKC", text)) is not None


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_SEPARATORS = ["-", "ー", "－", " ", "‐", "−", "", "."]
_BEFORE = ["", "電話番号は", "母の携帯 ", "連絡先：", "TEL ", "こちらに"]
_AFTER = ["", "です", "に電話してください。", "まで連絡をください", "（日中）"]


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["mobile", "landline", "freedial"]))
    if kind == "mobile":
        head = "0" + draw(st.sampled_from(["70", "80", "90"]))
        groups = [head, draw(digits(4)), draw(digits(4))]
    elif kind == "landline":
        area = draw(st.sampled_from(["03", "042", "0422", "0428"]))
        local = draw(digits(10 - len(area)))
        cut = draw(st.integers(1, len(local) - 1))
        groups = [area, local[:cut], local[cut:]]
    else:
        groups = ["0120", draw(digits(3)), draw(digits(3))]
    style = draw(st.sampled_from(["plain", "parens", "international"]))
    sep = draw(st.sampled_from(_SEPARATORS))
    if style == "parens":
        number = f"{groups[0]}({groups[1]}){groups[2]}"
    elif style == "international":
        number = "+81" + draw(st.sampled_from([" ", "-", "(0)"])) + sep.join([groups[0][1:], *groups[1:]])
    else:
        number = sep.join(groups)
    if draw(st.booleans()):
        number = number.translate(_FULL)
    return draw(st.sampled_from(_BEFORE)) + number + draw(st.sampled_from(_AFTER))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phone_numbers())
def test_no_phone_number_is_recognisable_after_masking(text: str) -> None:
    out = mask(text)
    assert not _digits_left(out), (text, out)
    assert PHONE in out


_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+\-]{0,15}", fullmatch=True)
_DOMAIN = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,8}){0,2}\.(com|jp|net|org)", fullmatch=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LOCAL, _DOMAIN, st.sampled_from(_BEFORE), st.sampled_from(_AFTER), st.booleans())
def test_no_email_is_recognisable_after_masking(
    local: str, domain: str, before: str, after: str, wide: bool
) -> None:
    address = f"{local}@{domain}"
    if wide:
        address = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in address)
    out = mask(f"{before}{address}{after}")
    residue = re.sub(r"\[[^\]]+\]", "", unicodedata.normalize("NFKC", out))
    assert "@" not in residue
    assert not re.search(r"[a-z0-9]{2,}", residue.replace("tel", "")), (address, out)
    assert EMAIL in out


def test_tags_are_the_documented_ones() -> None:
    out = mask("〒187-0032 https://a.example.jp")
    assert POSTAL in out and URL in out
