"""Masking of residents' unmatched questions before they touch the disk.

Only the text of `no_match` turns is ever stored, and only after `mask()`: contact details, addresses
below town level and personal names become tags such as [電話番号] or [名前]. Town names stay, since
staff need them and a town of a few thousand households identifies nobody.

The rules lean towards masking too much: a lost word costs staff a little context, a kept phone
number costs a resident their privacy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from bot.text import Token, analyzer

PHONE = "[電話番号]"
EMAIL = "[メール]"
URL = "[URL]"
POSTAL = "[郵便番号]"
ADDRESS = "[番地]"
NAME = "[名前]"
NUMBER = "[番号]"

# Longer input is cut before masking: Sudachi only reads the first 2000 characters, and nobody
# needs more than this to see what a question was about.
MAX_INPUT_CHARS = 500

# The 22 towns of Kodaira (shared/facts) and the city itself; Sudachi reads the 小川 of 小川西町
# and the 鈴木 of 鈴木町 as surnames, so these spans are protected from the name rule.
_TOWN_NAMES = """
    小川町 小川西町 小川東町 栄町 中島町 上水新町 たかの台 津田町 上水本町 学園西町 学園東町 仲町
    美園町 喜平町 上水南町 天神町 鈴木町 回田町 大沼町 花小金井南町 花小金井 御幸町 小平市
"""
TOWNS = tuple(_TOWN_NAMES.split())
_TOWN = re.compile("|".join(sorted(map(re.escape, TOWNS), key=len, reverse=True)))

_DASH = "\\-‐‑‒–—―−ー"
_N = r"[0-9一二三四五六七八九十〇百千]+"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s?@\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", re.ASCII)
_URL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+"
    r"|(?<![A-Za-z0-9@.])[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:com|net|org|info|biz|jp)\b(?:/[^\s、。]*)?",
    re.ASCII,
)
_HANDLE = re.compile(r"(?<![A-Za-z0-9])@[A-Za-z0-9_.]{3,}", re.ASCII)
_POSTAL_MARKED = re.compile(rf"(?:〒|郵便番号\s*[:は]?)\s*\d{{3}}\s*[{_DASH}]?\s*\d{{4}}(?!\d)")
# A run of digits joined by the separators people type inside phone numbers, in any width (the
# text is NFKC-normalized first, so ０９０ is already 090): 090 1234 5678, 03(1234)5678, +81-42-…
_NUMBER_RUN = re.compile(
    rf"(?:\+\s?)?\(?\d+\)?(?:(?:\s?[{_DASH}.]\s?|\s|(?=\())\(?\d+\)?|(?<=\))\d+)*",
)
_PHONE_CONTEXT = re.compile(r"(?:電話|tel|℡|☎|携帯|ファックス|fax)", re.IGNORECASE)
_AFTER_UNITS = "時分秒月日年歳才円人回件倍点位名個本枚週万千%"
_ADDRESS = re.compile(
    rf"{_N}丁目(?:\s?{_N}(?:番地?|[{_DASH}の])\s?{_N}(?:号)?|\s?{_N}番地?(?:の{_N})?)?"
    rf"|{_N}番地(?:\s?の?\s?{_N}号?)?"
    rf"|{_N}番{_N}号"
    rf"|(?<!第){_N}号(?:室|棟)"
)
_BUILDING = re.compile(
    r"[ァ-ヴーA-Za-z0-9一-龥々・○〇◯]{0,14}"
    r"(?:マンション|ハイツ|コーポ|アパート|荘|レジデンス|メゾン|ハイム|コート|パレス|ヴィラ|ビル|団地|住宅|寮|タワー)"
    rf"\s?(?:[A-Za-z]?[{_DASH}]?\d{{1,4}}(?:[{_DASH}]\d{{1,4}})?(?:号室?|号棟|棟)?|{_N}号(?:室|棟)?)(?![0-9])"
)
_ROMAJI_HONORIFIC = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}[- ](?:san|sama|kun|chan)(?![A-Za-z])", re.I)
_TAG = re.compile(r"\[(?:電話番号|メール|URL|郵便番号|番地|名前|番号)\]")
_CUT_TAIL = re.compile(rf"[0-9A-Za-z@.+_:/%~()\s{_DASH}]*$")

HONORIFICS = frozenset({"さん", "様", "さま", "くん", "君", "ちゃん", "氏", "殿", "たん", "ちゃま"})
# Words that take さん/ちゃん/様 without being a name (お母さん, ヘルパーさん, 担当者様): kept.
_ROLE_TEXT = """
    母 父 母親 父親 息子 娘 嫁 婿 旦那 主人 奥 妻 夫 兄 姉 弟 妹 孫 じい ばあ 爺 婆 祖父 祖母
    叔父 叔母 伯父 伯母 おじ おば 姪 甥 いとこ 親 子 子供 子ども 赤 姑 舅 義母 義父 長男 次男
    三男 長女 次女 三女 家族 親戚 身内 彼 彼女 彼氏 友達 友人 仲間 先輩 後輩 同僚 上司 部下 社長
    隣 近所 大家 管理人 家主 医者 歯医者 看護師 看護婦 保健師 薬剤師 ヘルパー ケアマネ
    ケアマネージャー ケアマネジャー 民生委員 児童委員 担当 担当者 職員 先生 店員 駅員 運転手
    配達 業者 弁護士 司法書士 行政書士 税理士 社労士 後見人 保佐人 補助人 警察 お巡り 患者
    利用者 客 相手 皆 みんな 神 仏 王 姫 坊 嬢 お嬢 生徒 学生 園長 校長 師匠 猫 犬 お手伝い
    支援員 相談員 指導員 保育士 介護士
"""
ROLE_WORDS = frozenset(_ROLE_TEXT.split())


def mask(text: str) -> str:
    """`text` with contact details, fine address parts and personal names replaced by tags."""
    text = _cut(unicodedata.normalize("NFKC", text))
    text = _EMAIL.sub(EMAIL, text)
    text = _URL.sub(URL, text)
    text = _HANDLE.sub(EMAIL, text)
    text = _POSTAL_MARKED.sub(lambda m: _keep_prefix(m.group(0)) + POSTAL, text)
    text = _BUILDING.sub(_building, text)
    text = _ADDRESS.sub(ADDRESS, text)
    text = _NUMBER_RUN.sub(_classify_number, text)
    text = _ROMAJI_HONORIFIC.sub(NAME, text)
    return _mask_names(text)


def _cut(text: str) -> str:
    if len(text) <= MAX_INPUT_CHARS:
        return text
    # A cut through a phone number or address would leave digits no rule recognises: drop the
    # partial token at the end as well.
    return _CUT_TAIL.sub("", text[:MAX_INPUT_CHARS]) + "…"


def _keep_prefix(matched: str) -> str:
    # 郵便番号は187-0032 → 郵便番号は[郵便番号]; the 〒 mark itself is replaced with the number.
    first_digit = re.search(r"\d", matched)
    prefix = matched[: first_digit.start()] if first_digit else ""
    return prefix.replace("〒", "").rstrip()


def _building(m: re.Match[str]) -> str:
    town = _TOWN.match(m.group(0))
    # 小川西町グリーンハイツ205: the town stays, the building and room go.
    return (town.group(0) if town else "") + ADDRESS


def _classify_number(m: re.Match[str]) -> str:
    run = m.group(0)
    digits = re.sub(r"\D", "", run)
    groups = [g for g in re.split(rf"[\s{_DASH}.()+]+", run) if g]
    before = m.string[max(0, m.start() - 8) : m.start()]
    after = m.string[m.end() : m.end() + 1]
    if run.startswith("+") and len(digits) >= 8:
        return PHONE
    if digits.startswith("0") and 10 <= len(digits) <= 11:
        return PHONE
    if [len(g) for g in groups] == [3, 4]:
        return PHONE if _PHONE_CONTEXT.search(before) else POSTAL
    if [len(g) for g in groups] == [4, 4] or (len(digits) >= 7 and _PHONE_CONTEXT.search(before)):
        return PHONE
    if len(digits) >= 7:
        return NUMBER  # account, insurance or My Number: never needed to understand a question
    dashed = re.fullmatch(rf"\d{{1,4}}(?:[{_DASH}]\d{{1,4}}){{1,3}}", run) is not None
    if dashed and (not after or after not in _AFTER_UNITS):
        return ADDRESS  # 2-1333, 1-2-3: 番地 written with hyphens
    return run


def _mask_names(text: str) -> str:
    if not text:
        return text
    tokens = analyzer().tokens(text)
    spans = _token_spans(text, tokens)
    protected = [m.span() for m in _TOWN.finditer(text)] + [m.span() for m in _TAG.finditer(text)]

    def free(i: int) -> bool:
        start, end = spans[i]
        return not any(start < p_end and p_start < end for p_start, p_end in protected)

    tokens = tokens[: len(spans)]
    masked = [False] * len(tokens)
    for i, token in enumerate(tokens):
        if token.is_person_name and free(i):
            masked[i] = True
        elif token.pos == "接尾辞" and token.surface in HONORIFICS and i > 0:
            _mask_before_honorific(tokens, i, masked, free)
    out: list[str] = []
    covered = 0
    for i, (start, end) in enumerate(spans):
        out.append(text[covered:start])
        if masked[i]:
            if not (i > 0 and masked[i - 1]):
                out.append(NAME)  # 山田 花子 → one [名前], not two
        else:
            out.append(text[start:end])
        covered = end
    out.append(text[covered:])
    return "".join(out)


def _mask_before_honorific(
    tokens: tuple[Token, ...], i: int, masked: list[bool], free: Callable[[int], bool]
) -> None:
    """Mask the word in front of さん/様/ちゃん… unless it is a role word such as 母 or ヘルパー."""
    j = i - 1
    prev = tokens[j]
    if prev.surface == "子" and j > 0 and masked[j - 1]:
        masked[j] = True  # ヨシ子さん: 子 ends the name whose first part is masked already
        return
    if masked[j] or not free(j) or prev.surface in ROLE_WORDS or prev.lemma in ROLE_WORDS:
        return
    if prev.pos in ("助詞", "助動詞", "代名詞", "空白") or (prev.pos == "補助記号" and prev.surface != "ー"):
        return
    # A name Sudachi did not know: it is the word before the honorific whatever its tag says.
    masked[j] = True
    if not _is_name_fragment(prev):
        return
    # ...and when Sudachi split it into kana fragments (み|ー|ちゃん), the whole run of them.
    k = j - 1
    while k >= 0 and i - k <= 4 and _is_name_fragment(tokens[k]) and free(k):
        if tokens[k].surface in ROLE_WORDS:
            break
        masked[k] = True
        k -= 1


def _is_name_fragment(token: Token) -> bool:
    if token.pos in ("助詞", "助動詞", "空白"):
        return False
    if token.pos == "補助記号":
        return token.surface in ("ー", "・")
    return len(token.surface) <= 3 and re.fullmatch(r"[ぁ-んァ-ヴー]+", token.surface) is not None


def _token_spans(text: str, tokens: tuple[Token, ...]) -> list[tuple[int, int]]:
    """Character spans of the tokens; Sudachi's surfaces are consecutive slices of the input."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for token in tokens:
        start = pos if text.startswith(token.surface, pos) else text.find(token.surface, pos)
        if start < 0:
            break  # cannot place the token: leave the rest as it is rather than garble it
        spans.append((start, start + len(token.surface)))
        pos = start + len(token.surface)
    return spans
