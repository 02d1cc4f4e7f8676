"""Masking as a property: ≥ 10,000 generated personal-data strings in many formats, none survives.

Each case puts one piece of personal data (a phone number, an address below town level, a full name,
a date of birth, an e-mail, a postal code) in one of many written forms into an everyday sentence;
after `mask()` no trace of it may remain. The generator is seeded, so a failure is reproducible.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from tests.wording import mask

CASES = 10_000
SEED = 20261126

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_KANJI = str.maketrans("0123456789", "〇一二三四五六七八九")
_PHONE_SEPARATORS = ["-", "ー", "－", " ", "・", "/", "の", "\u200b", ".", "‐", "−", " の ", "", "、"]
_NOT_JA_DIGIT = re.compile(r"\d")
_KANJI_DIGITS = re.compile(r"[〇一二三四五六七八九]{4,}")
# Everyday surnames and given names, in the kana a resident would type them.
_FAMILY = "やまだ すずき たなか さとう たかはし わたなべ いとう なかむら こばやし かとう よしだ やまもと".split()
_GIVEN = "たろう はなこ いちろう よしこ けんじ ひろし まさお ゆみこ さちこ まさこ かずお けいこ".split()
_KANJI_NAMES = "山田太郎 鈴木花子 田中一郎 佐藤良子 高橋健二 渡辺幸子 伊藤博 中村正雄 小林由美子".split()
_HONORIFICS = ["", "さん", "様", "くん", "ちゃん", "氏"]
_TOWNS = ["小川町", "小川西町", "学園東町", "花小金井南町", "仲町", "上水本町", ""]
_BEFORE = ["", "母の", "相談者は", "連絡先：", "私は", "隣の", "電話番号は", "住所は", "生年月日は"]
_AFTER = ["", "です", "に住んでいます。", "まで連絡をください", "（日中）", "の件で相談したい", "。よろしく"]


@dataclass(frozen=True)
class Case:
    kind: str
    secret: str  # the personal data as written
    text: str  # the sentence around it
    words: tuple[str, ...] = ()  # parts of it that must not be readable afterwards (names, e-mail)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _styled(rng: random.Random, number: str) -> str:
    style = rng.random()
    if style < 0.2:
        return number.translate(_FULL_WIDTH)
    if style < 0.35:
        return number.translate(_KANJI)
    return number


def phone(rng: random.Random) -> str:
    kind = rng.choice(["mobile", "landline", "freedial"])
    if kind == "mobile":
        groups = ["0" + rng.choice(["70", "80", "90"]), _digits(rng, 4), _digits(rng, 4)]
    elif kind == "landline":
        area = rng.choice(["03", "042", "0422", "0428"])
        local = _digits(rng, 10 - len(area))
        cut = rng.randint(1, len(local) - 1)
        groups = [area, local[:cut], local[cut:]]
    else:
        groups = ["0120", _digits(rng, 3), _digits(rng, 3)]
    form = rng.random()
    if form < 0.1:
        number = f"{groups[0]}({groups[1]}){groups[2]}"
    elif form < 0.2:
        number = "+81" + rng.choice(["", " ", "-"]) + "-".join([groups[0][1:], *groups[1:]])
    else:
        number = rng.choice(_PHONE_SEPARATORS).join(groups)
    return _styled(rng, number)


def address(rng: random.Random) -> str:
    chome, ban, go = rng.randint(1, 9), rng.randint(1, 3999), rng.randint(1, 40)
    forms = [
        f"{chome}-{ban}-{go}", f"{chome}の{ban}の{go}", f"{chome}丁目{ban}番{go}号", f"{chome}丁目{ban}-{go}",
        f"{chome}丁目{ban}番地", f"{ban}番地の{go}", f"{chome}の{ban}", f"{chome}-{ban}", f"{ban}番{go}号",
        f"{chome}丁目{ban}の{go}", f"{chome}－{ban}－{go}",
    ]
    written = rng.choice(forms)
    if rng.random() < 0.3:
        written = written.translate(_FULL_WIDTH)
    return rng.choice(_TOWNS[:-1]) + written


def kana_name(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    family, given = rng.choice(_FAMILY), rng.choice(_GIVEN)
    return family + rng.choice(["", " ", "　"]) + given, (family, given)


def kanji_name(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    name = rng.choice(_KANJI_NAMES)
    return name + rng.choice(_HONORIFICS), (name[:2], name[2:])


def birth_date(rng: random.Random) -> str:
    year, month, day = rng.randint(1925, 2024), rng.randint(1, 12), rng.randint(1, 28)
    era_year = year - 1925 if year < 1989 else year - 1988
    era = "昭和" if year < 1989 else "平成"
    forms = [
        f"{year}年{month}月{day}日", f"{year}/{month:02d}/{day:02d}", f"{year}/{month}/{day}",
        f"{year}-{month:02d}-{day:02d}", f"{year}.{month}.{day}", f"{era}{era_year}年{month}月{day}日",
        f"{'S' if era == '昭和' else 'H'}{era_year}.{month}.{day}", f"{era}{era_year}.{month}.{day}",
    ]
    return _styled(rng, rng.choice(forms))


def email(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    local = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789._") for _ in range(rng.randint(3, 12)))
    local = local.strip(".") + "x"
    return f"{local}@{rng.choice(['example.jp', 'mail.example.com', 'ex.ne.jp'])}", (local, "@")


def postal(rng: random.Random) -> str:
    return _styled(rng, f"{rng.choice(['〒', '郵便番号は', '〒 '])}187-{_digits(rng, 4)}")


GENERATORS: dict[str, Callable[[random.Random], str | tuple[str, tuple[str, ...]]]] = {
    "phone": phone, "address": address, "kana_name": kana_name, "kanji_name": kanji_name,
    "birth_date": birth_date, "email": email, "postal": postal,
}


def cases(count: int, seed: int = SEED) -> list[Case]:
    rng = random.Random(seed)
    kinds = sorted(GENERATORS)
    out = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        made = GENERATORS[kind](rng)
        secret, words = made if isinstance(made, tuple) else (made, ())
        out.append(Case(kind, secret, rng.choice(_BEFORE) + secret + rng.choice(_AFTER), words))
    return out


def survives(case: Case, masked: str) -> bool:
    """True when anything of the secret is still readable in the masked text."""
    plain = unicodedata.normalize("NFKC", masked)
    if case.words:
        return any(word in plain for word in case.words)
    # Numbers: no digit of any width, and no run of kanji digits, may be left.
    return _NOT_JA_DIGIT.search(plain) is not None or _KANJI_DIGITS.search(plain) is not None


def test_no_generated_personal_data_survives_masking() -> None:
    generated = cases(CASES)
    assert len(generated) >= 10_000
    survivors = [(c.kind, c.text, out) for c in generated if survives(c, out := mask(c.text))]
    by_kind = {kind: sum(1 for k, _, _ in survivors if k == kind) for kind in GENERATORS}
    assert survivors == [], f"{len(survivors)} of {len(generated)} survived: {by_kind}\n" + "\n".join(
        f"  {kind}: {text!r} -> {out!r}" for kind, text, out in survivors[:30]
    )
