"""Personal names in residents' questions, found with the real Sudachi dictionary.

Three ways a name is recognised: Sudachi tags the word 人名 (山田花子, すずきはなこ); a word stands
before an honorific (○○さん・様・ちゃん…), unless it is a role (お母さん, ヘルパーさん); or a run of
hiragana reads, in katakana, as a surname followed by a given name in Sudachi's dictionary
(やまだたろう = ヤマダ + タロウ), which Sudachi's hiragana segmentation (やま|だ|たろう) misses.

Sudachi also tags some ordinary words 人名 in context (the 行 of 次の行, the city's short name): those
are in NON_NAMES (the city's name is passed in with the other place words), and a one- or two-kana
"name" glued inside a longer kana word (the けん of けんりようご) is a fragment, not a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from bot.language.text import Token, analyzer, to_katakana

NAME = "[名前]"
_NAME_TAG = re.compile(re.escape(NAME))

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
    支援員 相談員 指導員 保育士 介護士 シルバー CSW 議員 委員
"""
ROLE_WORDS = frozenset(_ROLE_TEXT.split())


def mask_names(text: str, keep: Sequence[re.Pattern[str]] = (), words: frozenset[str] = frozenset()) -> str:
    """`text` with personal names replaced by [名前]; spans matching a `keep` pattern (town names, tags
    already put in) are never touched; `words` are ordinary words of the place (the city's short name)
    that Sudachi may tag 人名."""
    if not text:
        return text
    text = _mask_kana_full_names(text, keep)
    tokens = analyzer().tokens(text)
    spans = _token_spans(text, tokens)
    protected = [m.span() for pattern in (*keep, _NAME_TAG) for m in pattern.finditer(text)]

    def free(i: int) -> bool:
        start, end = spans[i]
        return not any(start < p_end and p_start < end for p_start, p_end in protected)

    tokens = tokens[: len(spans)]
    masked = [False] * len(tokens)
    for i, token in enumerate(tokens):
        if token.is_person_name and free(i) and token.surface not in words and not _not_a_name(tokens, spans, i):
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
    if prev.pos == "接尾辞" or prev.surface.endswith(_ROLE_ENDINGS):
        return  # 親御さん, 支援員さん, うどん屋さん, ソーシャルワーカーさん: a role, not a name
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


# Ordinary words Sudachi tags 人名 in some contexts (found in the project's own question sets).
NON_NAMES = frozenset(
    """
    行 健師 均 朗 源氏 マイナ アルツハイマー シルバー ジョイ 会 カイ 御幸 栄 仲 喜平 美園 天神
    """.split()
)
# Role words end like this: 委員, 議員, 支援員, 保健師, 介護士, 農家, うどん屋, ケースワーカー.
_ROLE_ENDINGS = ("員", "師", "士", "家", "屋", "ワーカー", "マン", "CSW", "csw", "選手", "さん")
# Hiragana, with at most one space between words (やまだ はなこ); the text is NFKC-normalized already.
_HIRAGANA_RUN = re.compile(r"[ぁ-ゖー]+(?: [ぁ-ゖー]+)*")
_MAX_FULL_NAME = 13  # kana: ささきはら + space + ゆういちろう at most
# Four kana (かわ|いい, しん|せい) split into a surname and a name far too often: five at least.
_MIN_FULL_NAME = 5
_BEFORE_NAME = " はがのをにともへでや"  # a particle (or a space) may come before a name inside a kana run
# What may follow a name: the run's end (""), a space, particles, copulas, honorifics.
_AFTER_NAME = ("", " ", "です", "でした", "だ", "さん", "さま", "くん", "ちゃん", "の", "が", "は", "に", "を",
               "と", "も", "へ", "で", "まで", "から", "より", "や", "って", "という")


@lru_cache(maxsize=16384)
def _name_kinds(kana: str) -> frozenset[str]:
    """The kinds of name (姓, 名) Sudachi's dictionary lists for this kana, written in hiragana or katakana."""
    shared = analyzer()
    return shared.name_kinds(kana) | shared.name_kinds(to_katakana(kana))


def is_kana_full_name(kana: str) -> bool:
    """True when `kana` splits into a surname and a given name that Sudachi's dictionary lists as such
    (やまもと|まさお: ヤマモト is a 姓, マサオ a 名), whatever else the words can mean (すずき: a fish too)."""
    kana = kana.replace(" ", "")
    if len(kana) < _MIN_FULL_NAME:
        return False
    return any(
        "姓" in _name_kinds(kana[:cut]) and "名" in _name_kinds(kana[cut:]) for cut in range(2, len(kana) - 1)
    )


@lru_cache(maxsize=16384)
def _reads_as_words(kana: str) -> bool:
    """True when Sudachi reads `kana` on its own as ordinary words: with a verb or an adjective in it
    (かわいい|と, いい|の|かな), or ending with a particle (しんせい|は)."""
    tokens = analyzer().tokens(kana)
    return any(t.pos in ("動詞", "形容詞") for t in tokens) or (bool(tokens) and tokens[-1].pos == "助詞")


def _longest_name(kana: str, start: int) -> int | None:
    """The end of the longest full name starting at `start` that ends where a word may end."""
    if start >= len(kana) or kana[start] == " " or (start > 0 and kana[start - 1] not in _BEFORE_NAME):
        return None
    for end in range(min(len(kana), start + _MAX_FULL_NAME), start + _MIN_FULL_NAME - 1, -1):
        if (
            kana[end - 1] != " "
            and kana[end:].startswith(_AFTER_NAME)
            and is_kana_full_name(kana[start:end])
            and not _reads_as_words(kana[start:end])
        ):
            return end
    return None


def _mask_kana_full_names(text: str, keep: Sequence[re.Pattern[str]]) -> str:
    """Hiragana full names (やまだたろう, やまだ はなこ) that Sudachi's segmentation of hiragana misses.
    A name starts where the run starts or after a particle, and ends before a particle, a copula, an
    honorific or the end of the run; of two overlapping candidates the longer wins (は|たなか けいこ)."""
    kept = [m.span() for pattern in keep for m in pattern.finditer(text)]
    found: list[tuple[int, int]] = []
    for run in _HIRAGANA_RUN.finditer(text):
        kana = run.group(0)
        if len(kana) < _MIN_FULL_NAME:
            continue
        start = 0
        while start <= len(kana) - _MIN_FULL_NAME:
            end = _longest_name(kana, start)
            later = _longest_name(kana, start + 1) if end is not None else None
            if end is None or (later is not None and later > end):
                start += 1
                continue
            span = (run.start() + start, run.start() + end)
            if not any(a < span[1] and span[0] < b for a, b in kept):
                found.append(span)
            start = end
    for start, end in reversed(found):
        text = text[:start] + NAME + text[end:]
    return text


def _not_a_name(tokens: Sequence[Token], spans: Sequence[tuple[int, int]], i: int) -> bool:
    """A 人名 tag that is wrong in context: a listed non-name, or a short kana fragment of a longer word."""
    token = tokens[i]
    if token.surface in NON_NAMES or token.surface in ROLE_WORDS or token.surface.endswith(_ROLE_ENDINGS):
        return True  # Sudachi tags unknown katakana words 人名 too: ソーシャルワーカー, CSW
    if len(token.surface) > 2 or not re.fullmatch(r"[ぁ-ゖァ-ヺー]+", token.surface):
        return False
    for j in (i - 1, i + 1):
        if not 0 <= j < len(tokens):
            continue
        glued = spans[j][1] == spans[i][0] if j < i else spans[i][1] == spans[j][0]
        other = tokens[j]
        kana_word = re.fullmatch(r"[ぁ-ゖァ-ヺー]+", other.surface) is not None
        if glued and kana_word and other.pos not in ("助詞", "助動詞", "接尾辞") and not other.is_person_name:
            return True
    return False
