"""Masking of residents' unmatched questions before they touch the disk.

Only the text of `no_match` turns is ever stored, and only after `mask()`: contact details, addresses
below town level, full dates and personal names become tags such as [電話番号] or [名前]. Town names
stay, since staff need them and a town of a few thousand households identifies nobody: the caller passes
them in (`places`, from knowledge/municipality.yaml); without them a town read as a surname is masked.

Before any rule the text is cleaned (invisible characters, controls and lone surrogates removed, so a
zero-width space cannot split a number), NFKC-normalized (full-width digits) and numbers written in
kanji digit by digit (〇九〇一二三…) are read as digits. SECURITY.md lists every rule.

The rules lean towards masking too much: a lost word costs staff a little context, a kept phone
number costs a resident their privacy.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.language.text import strip_invisible
from bot.storage.names import NAME, mask_names

if TYPE_CHECKING:
    from bot.data import Municipality

PHONE = "[電話番号]"
EMAIL = "[メール]"
URL = "[URL]"
POSTAL = "[郵便番号]"
ADDRESS = "[番地]"
NUMBER = "[番号]"
DATE = "[日付]"

# Longer input is cut before masking: Sudachi only reads the first 2000 characters, and nobody
# needs more than this to see what a question was about.
MAX_INPUT_CHARS = 500



@dataclass(frozen=True)
class Places:
    """The municipality's place names, from knowledge/municipality.yaml (the caller passes them in).

    `names`: the towns and the city, kept as written: Sudachi reads some town names as surnames (a
    town named after a family), so these spans are protected from the name rule. `words`: the city's
    short name, an ordinary word Sudachi tags 人名 in some contexts (「…の福祉」), never a name on its own.
    """

    names: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, municipality: Municipality) -> Places:
        return cls(municipality.place_names(), frozenset({municipality.city.short}))


NO_PLACES = Places()


@functools.lru_cache(maxsize=8)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """The place names, longest first (花小金井南町 before 花小金井)."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else re.compile(r"(?!x)x")

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
# Separators people type between the groups of a phone number: dashes, dots, slashes, 中黒, commas, の.
_SEP = rf"[{_DASH}./・,、の]"
# A run of digits joined by those separators, in any width (the text is NFKC-normalized first, so
# ０９０ is already 090): 090 1234 5678, 03(1234)5678, +81-42-…, 090の1234の5678, 090・1234・5678.
_NUMBER_RUN = re.compile(
    rf"(?:\+\s?)?\(?\d+\)?(?:(?:\s*{_SEP}\s*|\s|(?=\())\(?\d+\)?|(?<=\))\d+)*",
)
# Kanji digits written one by one (〇九〇ー一二三四…): four or more, maybe separated, are a number.
_KANJI_DIGITS = "〇零一二三四五六七八九"
_KANJI_NUMBER = re.compile(rf"[{_KANJI_DIGITS}](?:(?:\s*{_SEP}\s*|\s|[()])?[{_KANJI_DIGITS}]){{3,}}")
_TO_DIGITS = str.maketrans(_KANJI_DIGITS, "00123456789")
# Full dates (year, month and day: dates of birth above all), in kanji, Western or era form, and a
# month and day next to 生まれ or 誕生日.
_ERA = r"(?:明治|大正|昭和|平成|令和)"
_AFTER_BIRTHDAY = "|".join(
    f"(?<={word}{particle})" for word in ("生年月日", "誕生日") for particle in ("", "は", "が", ":")
)
_DATE = re.compile(
    rf"(?:{_ERA}\s*(?:元|{_N})|{_N})\s*年\s*{_N}\s*月(?:\s*{_N}\s*日|\s*(?=生まれ|生))"
    rf"|(?:{_ERA}|[MTSHR])\s*\.?\s*\d{{1,2}}\s*[./\-]\s*\d{{1,2}}\s*[./\-]\s*\d{{1,2}}(?!\d)"
    rf"|(?<!\d)(?:1[89]|20)\d{{2}}\s*[./\-]\s*\d{{1,2}}\s*[./\-]\s*\d{{1,2}}(?!\d)"
    rf"|(?<!\d)\d{{1,4}}/\d{{1,2}}/\d{{1,2}}(?!\d)"
    rf"|(?:{_AFTER_BIRTHDAY})\s*{_N}\s*(?:月\s*{_N}\s*日|/\s*\d{{1,2}}(?![\d/]))"
    rf"|{_N}\s*(?:月\s*{_N}\s*日|/\s*\d{{1,2}})\s*(?=生まれ|生)",
    re.IGNORECASE,
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
_TAG = re.compile(r"\[(?:電話番号|メール|URL|郵便番号|番地|名前|番号|日付)\]")
_CUT_TAIL = re.compile(rf"[0-9A-Za-z@.+_:/%~()\s{_DASH}]*$")

def mask(text: str, places: Places = NO_PLACES) -> str:
    """`text` with contact details, fine address parts and personal names replaced by tags; the
    `places` (town and city names) are kept."""
    town = _pattern(places.names)
    text = _cut(unicodedata.normalize("NFKC", strip_invisible(text)))
    text = _KANJI_NUMBER.sub(lambda m: m.group(0).translate(_TO_DIGITS), text)
    text = _EMAIL.sub(EMAIL, text)
    text = _URL.sub(URL, text)
    text = _HANDLE.sub(EMAIL, text)
    text = _POSTAL_MARKED.sub(lambda m: _keep_prefix(m.group(0)) + POSTAL, text)
    text = _DATE.sub(DATE, text)
    text = _BUILDING.sub(lambda m: _building(m, town), text)
    text = _ADDRESS.sub(ADDRESS, text)
    text = _NUMBER_RUN.sub(_classify_number, text)
    text = _ROMAJI_HONORIFIC.sub(NAME, text)
    return mask_names(text, (town, _TAG), places.words)


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


def _building(m: re.Match[str], places: re.Pattern[str]) -> str:
    town = places.match(m.group(0))
    # 小川西町グリーンハイツ205: the town stays, the building and room go.
    return (town.group(0) if town else "") + ADDRESS


def _classify_number(m: re.Match[str]) -> str:
    run = m.group(0)
    digits = re.sub(r"\D", "", run)
    groups = [g for g in re.split(rf"(?:\s|{_SEP}|[()+])+", run) if g]
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
    dashed = re.fullmatch(rf"\d{{1,4}}(?:\s*[{_DASH}の]\s*\d{{1,4}}){{1,3}}", run) is not None
    if dashed and (not after or after not in _AFTER_UNITS):
        return ADDRESS  # 2-1333, 1-2-3: 番地 written with hyphens
    return run
