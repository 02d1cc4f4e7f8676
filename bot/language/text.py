"""Text normalization and the one shared Sudachi tokenizer.

Everything that reads residents' Japanese goes through here, so the matcher, the town finder, the
crisis detector and the masking in storage all see the same normalized text and the same tokens.
"""

from __future__ import annotations

import importlib
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from sudachipy import Dictionary, SplitMode
from sudachipy.errors import SudachiError

from bot.diskcache import package_version
from bot.mapped import copy_for_mapping, release_mapped_file

# The Sudachi dictionary package (sudachidict_<name>, pinned in pyproject.toml). Every cache of analysed
# text is keyed by it (dictionary_version; bot/core/snapshot.py). "small" was measured in round 6: a third
# less memory, but it moved answers on the dev sets (README, "Speed (issue 10, round 6)").
DICTIONARY = "core"
DICTIONARY_COPY = f"sudachi-{DICTIONARY}"  # the name of its copy in the cache folder (bot/mapped.py)

# Characters that carry no meaning for matching: controls, zero-width and bidi marks, variation
# selectors. They are removed before anything else looks at the text.
_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
_SPACES = re.compile(r"\s+")
# Lone UTF-16 surrogates: what invalid bytes become under Python's surrogateescape (argv, some JSON).
# No encoder (Sudachi's, stdout's) accepts them, so they never get past `clean`.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# A space between two Japanese characters is an input habit (「母が 認知症」), not a word break.
_JA = r"\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f々〆ー"
_SPACE_IN_JA = re.compile(rf"(?<=[{_JA}])\s+(?=[{_JA}])")
_REPEATED_MARKS = re.compile(r"([ー〜~!?！？。、.…・])\1+")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\U0001F900-\U0001F9FF]")

# Folding used on readings so that long-vowel spellings and small kana do not split matches:
# コーケン, コウケン and コオケン all become コケン.
_SMALL_TO_LARGE = str.maketrans("ァィゥェォャュョヮヵヶ", "アイウエオヤユヨワカケ")
_KANA_VARIANTS = str.maketrans({"ヴ": "ブ", "ヂ": "ジ", "ヅ": "ズ", "ヲ": "オ"})
_O_ROW = "オコソトノホモヨロゴゾドボポョ"
_E_ROW = "エケセテネヘメレゲゼデベペ"
_LONG_OU = re.compile(rf"(?<=[{_O_ROW}])[ウオ]")
_LONG_EI = re.compile(rf"(?<=[{_E_ROW}])イ")

MAX_KNOWN_WORDS = 20000  # dictionary words remembered as built tokens (a few MB at most)
MAX_ANALYSED_CHARS = 2000  # a longer message is matched on its first part; nobody writes a question longer

CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "代名詞", "接頭辞", "副詞"})
# Lemmas so common in questions that they say nothing about the topic.
STOP_LEMMAS = frozenset(
    """
    する 為る ある 有る いる 居る なる 成る 出来る できる 思う 言う 行く 来る くる いく 見る 分かる わかる 知る
    教える 聞く 欲しい 良い いい よい 無い ない 下さる くださる 頂く いただく 貰う もらう くれる 呉れる 事 こと
    物 もの 方 かた 人 ひと 所 ところ 時 とき 今 何 なに なん 誰 どこ 何処 どう どの どれ 此れ これ 其れ それ
    私 わたし 僕 ぼく 俺 おれ 自分 皆 ちょっと 少し とても すごい 凄い 本当 ほんと よく まだ もう 又 また 大丈夫
    様 さん 的 化 等 など 方法 場合 ため 為 よう 様子 感じ 話 お願い 願う 相談 窓口 質問 件 について 関する
    """.split()
)


class Token(NamedTuple):
    """One word of an analysed text. A named tuple: every message makes a few dozen, and a tuple is
    built several times faster than a frozen dataclass."""

    surface: str
    lemma: str  # Sudachi's normalized form: 申立て→申し立て, ﾎﾞｹ→惚ける
    reading: str  # katakana, folded (see fold_reading)
    pos: str  # coarse part of speech (名詞, 動詞 …)
    pos_detail: tuple[str, ...]
    parts: tuple[str, ...]  # lemmas of the A-mode split of a compound (成年後見制度 → 成年, 後見, 制度)

    @property
    def is_content(self) -> bool:
        return self.pos in CONTENT_POS and self.lemma not in STOP_LEMMAS

    @property
    def is_question_word(self) -> bool:
        """A common word of asking (どこ, 相談, 分かる): in STOP_LEMMAS but not a particle or ending."""
        return self.pos in CONTENT_POS and self.lemma in STOP_LEMMAS

    @property
    def is_person_name(self) -> bool:
        return self.pos_detail[:3] == ("名詞", "固有名詞", "人名")


@dataclass(frozen=True)
class Analysis:
    normalized: str
    tokens: tuple[Token, ...]
    reading: str  # the whole text read as folded katakana

    @property
    def content_lemmas(self) -> tuple[str, ...]:
        return tuple(t.lemma for t in self.tokens if t.is_content)


def clean(text: str) -> str:
    """`text` without lone surrogates: the one gate every resident's text passes into the core."""
    return _SURROGATES.sub("", text)


def strip_invisible(text: str) -> str:
    """`text` without surrogates, controls, zero-width and bidi marks (see _INVISIBLE)."""
    return _INVISIBLE.sub("", clean(text))


@lru_cache(maxsize=256)  # one message is normalized by the analysis, the town finder and the matcher
def normalize(text: str) -> str:
    """NFKC, lower case, no invisible characters, one space at most, no spaces inside Japanese."""
    text = unicodedata.normalize("NFKC", clean(text))
    text = _INVISIBLE.sub("", text)
    text = text.lower()
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_IN_JA.sub("", text)
    text = _REPEATED_MARKS.sub(r"\1", text)
    return text


KANJI = re.compile(r"[\u3400-\u9fff々〆ヶ]")
KANA_ONLY = re.compile(r"[ぁ-ゖァ-ヺー]+")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
_HALFWIDTH_KANA = re.compile(r"[\uff66-\uff9d]")
_KATAKANA = re.compile(r"[ァ-ヺ]")
_HIRAGANA = re.compile(r"[ぁ-ゖ]")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f々〆]")


def has_kanji(text: str) -> bool:
    return KANJI.search(text) is not None


def without_kanji(text: str) -> bool:
    """No CJK ideograph (々, 〆 and ヶ do not count)."""
    return _IDEOGRAPH.search(text) is None


def typed_as_sounds(text: str, normalized: str) -> bool:
    """Katakana written for its sounds, not as loanwords: any half-width katakana in `text` (ﾊﾊﾉ ｶｲｺﾞﾃﾞ
    means 母の介護で), or a `normalized` text with no kanji and more katakana than hiragana. Sudachi reads
    a run of such katakana as one unknown word; the same sounds in hiragana it reads as words."""
    if _HALFWIDTH_KANA.search(text) is not None:
        return True
    return without_kanji(normalized) and len(_KATAKANA.findall(normalized)) > len(_HIRAGANA.findall(normalized))


def has_japanese(text: str) -> bool:
    """Any kana or kanji (half-width katakana included)."""
    return JAPANESE.search(text) is not None


def strip_emoji(text: str) -> str:
    return _EMOJI.sub("", text)


# Hiragana ぁ…ゖ and katakana ァ…ヶ lie 0x60 apart; str.translate maps them without a Python loop.
_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}
_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def to_katakana(text: str) -> str:
    return text.translate(_TO_KATAKANA)


def to_hiragana(text: str) -> str:
    return text.translate(_TO_HIRAGANA)


def fold_reading(reading: str) -> str:
    """Fold a katakana reading so long vowels, small kana and rare kana spell one way."""
    reading = to_katakana(reading).translate(_SMALL_TO_LARGE).translate(_KANA_VARIANTS)
    reading = reading.replace("ー", "")
    reading = _LONG_OU.sub("", reading)
    return _LONG_EI.sub("", reading)


# Words recur from message to message: each reading is folded once.
_folded = lru_cache(maxsize=16384)(fold_reading)


class Analyzer:
    """Wraps one Sudachi dictionary; create it once (see `analyzer()`) and share it.

    A Sudachi tokenizer refuses to be used by two threads at once ("Tokenizer is already in use"), and a
    reload builds the new data in a worker thread while the event loop answers residents: each thread
    gets its own tokenizer over the one dictionary (a tokenizer is cheap; the dictionary is not)."""

    def __init__(self) -> None:
        self._dictionary, self.dictionary_path = _open_dictionary()
        # Loading read every entry of the dictionary once (a check of each entry's bounds): about 70 MB of
        # its pages, which a question mostly never reads again. Given back, only the pages residents' words
        # read come back.
        if self.dictionary_path is not None:
            release_mapped_file(self.dictionary_path)
        self._local = threading.local()
        # One message is read by the crisis check, the town finder and the matcher; analyses are
        # immutable, so they share one result instead of tokenizing the same text several times.
        self._cached = lru_cache(maxsize=1024)(self._analyse)
        # A dictionary word's token depends only on its entry and surface: each is built once (its
        # compound split, part of speech and reading read from Sudachi once), keyed by the word's id.
        self._words: dict[int, Token] = {}

    def __reduce__(self) -> tuple[Callable[[], Analyzer], tuple[()]]:
        """Pickled as "the process-wide analyzer": an assistant read from the disk cache
        (bot/core/snapshot.py) shares this process's dictionary instead of carrying one."""
        return analyzer, ()

    @property
    def _tokenizer(self) -> Any:
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            tokenizer = self._local.tokenizer = self._dictionary.tokenizer(mode=SplitMode.C)
        return tokenizer

    def tokens(self, normalized: str) -> tuple[Token, ...]:
        if not normalized:
            return ()
        out: list[Token] = []
        known = self._words
        for m in self._tokenizer.tokenize(clean(normalized[:MAX_ANALYSED_CHARS])):
            surface = m.surface()
            word = m.word_id()
            token = known.get(word)
            if token is not None and token.surface == surface:  # a dictionary word read before
                out.append(token)
                continue
            pos = tuple(m.part_of_speech())
            # Symbols have no reading; Sudachi reads an unknown word as itself (a kana word: its kana).
            reading = "" if pos[0] in ("補助記号", "空白") else _folded(m.reading_form() or surface)
            parts: tuple[str, ...] = ()
            if len(surface) > 1:  # one character splits into nothing smaller
                sub = m.split(SplitMode.A)
                parts = tuple(s.normalized_form() for s in sub) if len(sub) > 1 else ()
            token = Token(surface, m.normalized_form(), reading, pos[0], pos, parts)
            if not m.is_oov():  # an unknown word's id is made up for the moment
                if len(known) >= MAX_KNOWN_WORDS:
                    known.clear()
                known[word] = token
            out.append(token)
        return tuple(out)

    def surface_readings(self, text: str) -> tuple[tuple[str, str], ...]:
        """(surface, reading in katakana) of each word of a text as written, not normalized: for
        furigana on the bot's own replies, whose brackets and full-width forms must stay as they are."""
        return tuple((m.surface(), m.reading_form()) for m in self._tokenizer.tokenize(text))

    def name_kinds(self, surface: str) -> frozenset[str]:
        """The kinds of personal name (姓, 名, 一般) the dictionary lists for exactly this surface, in
        any context: Sudachi's own segmentation picks one reading, this sees them all (スズキ: fish, 姓)."""
        kinds = set()
        for morpheme in self._dictionary.lookup(clean(surface)):
            pos = morpheme.part_of_speech()
            if tuple(pos[:3]) == ("名詞", "固有名詞", "人名"):
                kinds.add(str(pos[3]))
        return frozenset(kinds)

    def analyse(self, text: str) -> Analysis:
        return self._cached(text)

    def clear_cache(self) -> None:
        """Forget earlier analyses (benchmarks measure a cold path per question)."""
        self._cached.cache_clear()

    def _analyse(self, text: str) -> Analysis:
        normalized = normalize(strip_emoji(text))
        tokens = self.tokens(normalized)
        return Analysis(normalized, tokens, "".join(t.reading for t in tokens))


def dictionary_file() -> Path | None:
    """The Sudachi dictionary's file, as Sudachi finds it (sudachidict_<name>/resources/system.dic); None
    when the package is missing."""
    try:
        package = importlib.import_module(f"sudachidict_{DICTIONARY}")
    except ImportError:
        return None
    return Path(str(package.__file__)).parent / "resources" / "system.dic"


def _open_dictionary() -> tuple[Any, Path | None]:
    """The Sudachi dictionary, read from its copy in the cache folder (bot/mapped.py: a word looked up
    makes 64 KB of it resident, not 1 MB), and the file it maps (None: the package is missing, and Sudachi
    says so). A copy Sudachi refuses to load is removed and the installed file is used."""
    installed = dictionary_file()
    if installed is None:
        return Dictionary(dict=DICTIONARY), None
    mapped = copy_for_mapping(installed, DICTIONARY_COPY)
    if mapped != installed:
        try:
            return Dictionary(dict=str(mapped)), mapped
        except SudachiError:
            mapped.unlink(missing_ok=True)
    return Dictionary(dict=str(installed)), installed


def dictionary_version() -> str:
    """The Sudachi dictionary package's version: cached indexes and checks depend on its words."""
    version = package_version(f"sudachidict-{DICTIONARY}")
    return f"{DICTIONARY} {version}" if version is not None else "none"


@lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    """The process-wide analyzer: the Sudachi dictionary is loaded once."""
    return Analyzer()
