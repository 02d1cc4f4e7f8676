"""Read Japanese written in Latin letters (romaji) as hiragana.

Foreign residents and people without Japanese input often write 「kaigo hoken ryou takai」 or
「shinitai」. Sudachi reads those as unknown Latin words, so neither the matcher nor the crisis check
would see 介護 or 死にたい. `to_kana` gives the hiragana the writer meant when the message is mostly
romaji; other views then read it like any kana-only message. English words do not parse as romaji
syllables (help, my, need) and are kept as they are.
"""

from __future__ import annotations

import re
import unicodedata

_VOWELS = {"a": "あ", "i": "い", "u": "う", "e": "え", "o": "お"}
_ROWS = {
    "k": "かきくけこ", "g": "がぎぐげご", "s": "さしすせそ", "z": "ざじずぜぞ", "t": "たちつてと",
    "d": "だぢづでど", "n": "なにぬねの", "h": "はひふへほ", "b": "ばびぶべぼ", "p": "ぱぴぷぺぽ",
    "m": "まみむめも", "r": "らりるれろ", "y": "や い ゆ いぇ よ", "w": "わ うぃ う うぇ を",
}  # fmt: skip
# Syllables written with two or three letters: Hepburn and kunrei spellings both.
_SPECIAL = {
    "shi": "し", "chi": "ち", "tsu": "つ", "fu": "ふ", "ji": "じ", "si": "し", "ti": "ち", "tu": "つ",
    "hu": "ふ", "zi": "じ", "di": "ぢ", "du": "づ", "fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ",
    "she": "しぇ", "che": "ちぇ", "je": "じぇ", "wo": "を", "va": "ば", "vi": "び", "vu": "ぶ", "ve": "べ",
    "vo": "ぼ",
}  # fmt: skip
_SMALL = {"a": "ゃ", "u": "ゅ", "o": "ょ"}
_PALATAL = {  # consonant(s) before y or h that make きゃ, しゃ, ちゃ …: the i-row kana
    "k": "き", "g": "ぎ", "n": "に", "h": "ひ", "b": "び", "p": "ぴ", "m": "み", "r": "り", "d": "ぢ",
    "s": "し", "z": "じ", "t": "ち", "sh": "し", "ch": "ち", "j": "じ",
}  # fmt: skip


def _syllables() -> dict[str, str]:
    table = dict(_VOWELS)
    for consonant, kana in _ROWS.items():
        row = kana.split() if " " in kana else list(kana)
        for vowel, char in zip("aiueo", row, strict=True):
            table[consonant + vowel] = char
    table.update(_SPECIAL)
    for start, i_kana in _PALATAL.items():
        for vowel, small in _SMALL.items():
            glide = "" if start in ("sh", "ch", "j") else "y"
            table[start + glide + vowel] = i_kana + small
    table.update({"jya": "じゃ", "jyu": "じゅ", "jyo": "じょ"})
    return table


_TABLE = _syllables()
_LONGEST = max(map(len, _TABLE))
_MACRONS = str.maketrans({"ā": "aa", "ī": "ii", "ū": "uu", "ē": "ei", "ō": "ou", "â": "aa", "û": "uu", "ô": "ou"})
_WORD = re.compile(r"[a-zāīūēōâûô']+", re.IGNORECASE)
# Short words that are both English and romaji; they do not count as evidence of romaji.
_AMBIGUOUS = frozenset({"a", "i", "no", "to", "so", "do", "go", "he", "me", "we", "be", "mo", "ni", "de", "ga", "wa"})
MIN_SHARE = 0.4  # of the message's Latin words that must read as romaji


def word_to_kana(word: str) -> str | None:
    """The hiragana of one romaji word, or None if it is not made of Japanese syllables."""
    letters = word.lower().translate(_MACRONS)
    out: list[str] = []
    i = 0
    while i < len(letters):
        char = letters[i]
        if char == "'":  # hon'ya: the apostrophe only separates ん from the next vowel
            i += 1
            continue
        nxt = letters[i + 1] if i + 1 < len(letters) else ""
        if char == "n" and (not nxt or nxt not in "aiueoy"):  # ん before a consonant, an apostrophe or the end
            out.append("ん")
            i += 1
            continue
        if (char == nxt and char not in "aiueon") or (char == "t" and nxt == "c"):  # kitte, matcha: っ
            out.append("っ")
            i += 1
            continue
        for size in range(min(_LONGEST, len(letters) - i), 0, -1):
            kana = _TABLE.get(letters[i : i + size])
            if kana is not None:
                out.append(kana)
                i += size
                break
        else:
            return None
    return "".join(out)


def to_kana(text: str) -> str | None:
    """The message with its romaji words in hiragana, or None when it is not mostly romaji.

    Mostly romaji: at least MIN_SHARE of its Latin words read as Japanese syllables, and at least two of
    them are not also short English words (so 「I go to school」 or 「no」 stay as they are).
    """
    text = unicodedata.normalize("NFKC", text)
    words = _WORD.findall(text)
    if not words:
        return None
    readings = {w: word_to_kana(w) for w in words}
    romaji = [w for w in words if readings[w] is not None]
    telling = [w for w in romaji if w.lower() not in _AMBIGUOUS]
    if len(romaji) < MIN_SHARE * len(words) or len(telling) < min(2, len(words)):
        return None
    return _WORD.sub(lambda m: readings[m.group(0)] or m.group(0), text)
