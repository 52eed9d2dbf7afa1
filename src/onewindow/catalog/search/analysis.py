"""How text becomes search terms: words, Georgian stems and loose keys, English stems.

A Georgian word is stemmed (case and postposition endings off) and written as a "loose
key": romanised, with the letters people confuse folded together, so that ამონაწერი,
"amonats'eri", "amonatseri" and "amonaweri" all give the key "amonacer".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal, TypeAlias

import snowballstemmer

from .translit import APOSTROPHES, keyboard_to_georgian, latin_to_georgian

# Which vocabulary a term belongs to: Georgian loose keys or English stems. (Plain strings:
# terms are hashed hundreds of thousands of times while an index is built.)
Language: TypeAlias = Literal["ka", "en"]
GEORGIAN: Final = "ka"
ENGLISH: Final = "en"
LANGUAGES: tuple[Language, ...] = (GEORGIAN, ENGLISH)


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a text as the index sees it."""

    language: Language
    stem: str  # the loose key of the Georgian stem, or the English stem
    variants: tuple[str, ...]  # other plausible stems (plural, syncope), matched less surely
    surface: str  # the whole word as a loose key / lowercase English, for prefixes
    word: str  # the word as written, lowercase, for "did you mean"


@dataclass(frozen=True, slots=True)
class QueryWord:
    """A word of a query with every reading of it (a Latin word has several)."""

    text: str
    readings: tuple[Term, ...]  # a Latin word may be English or Georgian, read in three ways
    is_latin: bool


# Words too common to tell services apart.
_STOPWORDS = frozenset(
    {
        # English
        "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "and", "or", "from",
        "with", "about", "as", "is", "are", "be", "it", "its", "this", "that", "into",
        "i", "me", "my", "we", "our", "you", "your", "how", "what", "where", "when", "who",
        "which", "can", "do", "does", "need", "want", "please",
        # Georgian: and, or, if, that, this/that, not, what, how, where, when, who, about,
        # by; my, your, our, his/her, their; I, you, we; is, have, want, need, please
        "და", "ან", "თუ", "რომ", "ეს", "ის", "ამ", "იმ", "არ", "ვერ", "რა", "როგორ", "სად",
        "როდის", "ვინ", "შესახებ", "მიერ", "ასევე",
        "ჩემი", "ჩემს", "შენი", "თქვენი", "თქვენს", "ჩვენი", "მისი", "მათი",
        "მე", "შენ", "ჩვენ", "თქვენ", "არის", "მაქვს", "მინდა", "უნდა", "გთხოვთ",
    }
)  # fmt: skip

_WORD = re.compile(f"[^\\W_][\\w{APOSTROPHES}]*")
_GEORGIAN_LETTER = re.compile("[ა-ჰ]")
_LATIN_WORD = re.compile(f"[a-z](?:[a-z]|[{APOSTROPHES}])*", re.IGNORECASE)

# The loose key of each Georgian letter: ejective and aspirated pairs fall together (კ ქ ყ
# → k, ტ თ → t, პ ფ → p, წ ც → c, ჭ ჩ → C), as do ღ/გ, შ/ს, ძ/ზ and ჟ/ჯ, which people
# type alike in Latin letters (without Shift on the Georgian keyboard: ს for შ, ზ for ძ).
_LOOSE_KEY = str.maketrans(
    {
        "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
        "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "j",
        "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "g", "ყ": "k",
        "შ": "s", "ჩ": "C", "ც": "c", "ძ": "z", "წ": "c", "ჭ": "C", "ხ": "x", "ჯ": "j",
        "ჰ": "h",
    }
)  # fmt: skip
# Latin digraphs typed on the Georgian keyboard come out as two letters (kh → კჰ); fold
# them as the national reading would.
_LOOSE_DIGRAPHS = re.compile("kh|gh|sh|zh|th|ph|ch|Ch|ts|dz")
_LOOSE_DIGRAPH_KEY = {
    "kh": "x", "gh": "g", "sh": "s", "zh": "j", "th": "t", "ph": "p", "ch": "C", "Ch": "C",
    "ts": "c", "dz": "z",
}  # fmt: skip

# Georgian endings. A postposition follows a case ending, which it may shorten: the
# genitive -ის before -თვის/-გან/-კენ, the instrumental -ი(თ) before -დან/-ვით, the
# adverbial -ა(დ) before -მდე, nothing (dative dropped) before -ში/-ზე/-თან.
_POSTPOSITIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("თვის", ("ისა", "ის", "ს")),
    ("გან", ("ისა", "ის", "ს")),
    ("კენ", ("ისა", "ის", "ს")),
    ("დან", ("ი",)),
    ("ვით", ("ი",)),
    ("მდე", ("ა",)),
    ("ში", ()),
    ("ზე", ()),
    ("თან", ()),
)
_CASE_ENDINGS = ("ისა", "ის", "ით", "ად", "ს", "ი")
_PLURAL = "ებ"
_OLD_PLURAL = "თა"  # genitive plural of official names: მეწარმეთა, პირთა
_TRUNCATED_VOWELS = "აე"  # ქონება → ქონების, მეწარმე → მეწარმის
_SYNCOPE = re.compile("([აეო])([რლნმ])$")  # საზღვარი → საზღვრის, ქვეყანა → ქვეყნის
_MIN_STEM = 3
# English derivations Snowball does not bring back to their base: (suffix, base ending).
_ENGLISH_DERIVATIONS = (
    ("ification", "ify"),
    ("stration", "ster"),
    ("ature", ""),
    ("ment", ""),
    ("ship", ""),
)

_english = snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """NFC, one space between words; case is kept (it matters on the Georgian keyboard)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def words(text: str) -> list[str]:
    """The words of `text`: letters and digits, apostrophes inside Latin words kept."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


def text_terms(text: str) -> list[Term]:
    """The terms of a text to index, stopwords left out."""
    return [term for word in words(text) if (term := word_term(word)) is not None]


@lru_cache(maxsize=1 << 17)
def word_term(word: str) -> Term | None:
    """The index term of one word, or None for a stopword or a single letter."""
    lowered = word.lower()
    if lowered in _STOPWORDS or (len(lowered) == 1 and not lowered.isdigit()):
        return None
    if _GEORGIAN_LETTER.search(lowered):
        return georgian_term(lowered)
    return english_term(lowered)


def query_words(query: str) -> list[QueryWord]:
    """The words of a query with their readings; stopwords are left out."""
    found = [word for word in words(query) if word_term(word) is not None]
    return [_query_word(word) for word in found]


@lru_cache(maxsize=8192)
def _query_word(word: str) -> QueryWord:
    lowered = word.lower()
    if _GEORGIAN_LETTER.search(lowered) or not _LATIN_WORD.fullmatch(word):
        term = word_term(word)
        return QueryWord(text=word, readings=(term,) if term else (), is_latin=False)
    # A Latin word may be English, the national romanisation, or Georgian typed with the
    # Latin layout on (with and without the Shift the user may or may not have meant).
    candidates = [
        english_term(lowered),
        georgian_term(latin_to_georgian(lowered), typed=lowered),
        georgian_term(keyboard_to_georgian(_strip_apostrophes(word)), typed=lowered),
        georgian_term(keyboard_to_georgian(_strip_apostrophes(lowered)), typed=lowered),
    ]
    # Readings with the same stem are one reading, with the variants of both.
    merged: dict[tuple[Language, str], Term] = {}
    for term in candidates:
        known = merged.get((term.language, term.stem))
        if known is not None:
            variants = tuple(dict.fromkeys((*known.variants, *term.variants)))
            term = Term(term.language, term.stem, variants, known.surface, known.word)
        merged[(term.language, term.stem)] = term
    return QueryWord(text=word, readings=tuple(merged.values()), is_latin=True)


def english_term(word: str) -> Term:
    """The term of an English (or any non-Georgian) word: its Snowball stem."""
    plain = _strip_apostrophes(word.lower())
    stem = _english.stemWord(plain)
    return Term(ENGLISH, stem, _english_variants(plain, stem), plain, plain)


def _english_variants(word: str, stem: str) -> tuple[str, ...]:
    """The stem of the word a derivation comes from, where Snowball leaves them apart:
    registration → register, notification → notify, signature → sign, payment → pay."""
    for suffix, replacement in _ENGLISH_DERIVATIONS:
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= _MIN_STEM:
            bases = [base + replacement]
            if not replacement:  # the base may have lost a silent e: replac(e)-ment
                bases.append(base + "e")
            stems = (_english.stemWord(candidate) for candidate in bases)
            return tuple(dict.fromkeys(variant for variant in stems if variant != stem))
    return ()


def georgian_term(word: str, *, typed: str | None = None) -> Term:
    """The term of a Georgian word; `typed` is what the user wrote, if it was in Latin."""
    letters = _strip_apostrophes(word)
    stem, variants = georgian_stems(letters)
    key = loose_key(stem)
    variant_keys = tuple(
        dict.fromkeys(k for variant in variants if (k := loose_key(variant)) != key)
    )
    return Term(GEORGIAN, key, variant_keys, loose_key(letters), typed or word)


def georgian_stems(word: str) -> tuple[str, tuple[str, ...]]:
    """The stem of a Georgian word, and other plausible stems of it.

    Endings come off longest first and only while at least three letters stay. A plural
    ებ-, an old plural -თა and a dropped vowel (syncope) cannot be told from the stem
    itself (ქონება is not a plural), so they give variants, not the stem.
    """
    stem = _without_postposition(word)
    if stem == word:
        stem = _without_ending(word, _CASE_ENDINGS)
    variants: list[str] = []
    if stem.endswith(_OLD_PLURAL) and len(stem) - 2 >= _MIN_STEM:
        variants.append(_without_vowel(stem[:-2]))
    stem = _without_vowel(stem)
    if stem.endswith(_PLURAL) and len(stem) - 2 >= _MIN_STEM + 1:
        variants.append(_without_vowel(stem[:-2]))
    if len(stem) >= _MIN_STEM + 2 and (syncopated := _SYNCOPE.sub(r"\2", stem)) != stem:
        variants.append(syncopated)
    return stem, tuple(variants)


def loose_key(georgian: str) -> str:
    """The loose Latin key of Georgian letters (other characters are kept)."""
    key = georgian.translate(_LOOSE_KEY)
    return _LOOSE_DIGRAPHS.sub(lambda match: _LOOSE_DIGRAPH_KEY[match.group()], key)


def _without_postposition(word: str) -> str:
    for postposition, case_remnants in _POSTPOSITIONS:
        if word.endswith(postposition) and len(word) - len(postposition) >= _MIN_STEM:
            return _without_ending(word[: -len(postposition)], case_remnants)
    return word


def _without_ending(word: str, endings: tuple[str, ...]) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


def _without_vowel(stem: str) -> str:
    if stem[-1:] in _TRUNCATED_VOWELS and len(stem) - 1 >= _MIN_STEM:
        return stem[:-1]
    return stem


def _strip_apostrophes(word: str) -> str:
    return word.translate(_NO_APOSTROPHES)


_NO_APOSTROPHES = {ord(mark): None for mark in APOSTROPHES}
