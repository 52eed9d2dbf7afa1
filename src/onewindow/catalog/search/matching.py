"""How one query word finds index terms: as it is, by prefix, or with a letter or two wrong.

Kinds of match, surest first: the stem itself (or a plural/syncope variant of it); then,
only if there is none, a Georgian stem the word begins with (an ending the stemmer did not
know) or a word it begins (prefix); and, only when nothing else matched, stems or words one or two
edits away. While the user types, the last word is always also tried as a prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from .analysis import GEORGIAN, Language, QueryWord, Term
from .vocabulary import Vocabulary

TermKey: TypeAlias = tuple[Language, str]

EXACT, PREFIX, FUZZY = 3, 2, 1  # kinds of match, surest first

VARIANT_CERTAINTY = 0.85
STEM_PREFIX_CERTAINTY = 0.8
PREFIX_CERTAINTY = 0.7
ONE_EDIT_CERTAINTY = 0.6
TWO_EDITS_CERTAINTY = 0.45

MIN_PREFIX = 3  # letters before a whole word is looked for by its beginning
MIN_PARTIAL_PREFIX = 2  # …while the user is still typing that word
MIN_STEM_PREFIX = 4  # a stem this long may stand for a word with an unknown ending
MAX_UNKNOWN_ENDING = 3
MIN_FUZZY = 4  # one edit allowed from this many letters (of the stem's key)…
MIN_TWO_EDITS = 8  # …two from this many


@dataclass(frozen=True, slots=True)
class Match:
    """An index term a query word matched, how surely, and by which kind of match."""

    term: TermKey
    certainty: float
    kind: int


@dataclass(frozen=True, slots=True)
class WordMatches:
    """What one query word found."""

    scores: dict[int, float]  # document → how well this word matched it
    strong_terms: frozenset[TermKey]  # the terms matched by the surest kind found
    title_terms: frozenset[TermKey]  # the terms that may stand for the word in a title
    title_documents: frozenset[int]  # documents with one of those in a title
    kind: int  # the surest kind of match found, 0 for none


def match_word(
    vocabularies: dict[Language, Vocabulary], word: QueryWord, *, partial: bool
) -> WordMatches:
    """Every term `word` matches; `partial` when the user is still typing it."""
    matches = _matches(vocabularies, word, partial=partial)
    if not matches:
        return WordMatches({}, frozenset(), frozenset(), frozenset(), 0)
    kind = max(match.kind for match in matches.values())
    strong = frozenset(term for term, match in matches.items() if match.kind == kind)
    # While the user types, a word that begins a title word puts it in a title beside surer
    # matches elsewhere; a typo correction does so only when nothing surer was found.
    in_title = frozenset(term for term, match in matches.items() if match.kind >= min(kind, PREFIX))
    scores: dict[int, float] = {}
    for (language, stem), match in matches.items():
        vocabulary = vocabularies[language]
        weight = match.certainty * vocabulary.idf[stem]
        for number, field_weight in vocabulary.postings[stem].items():
            score = weight * field_weight
            if score > scores.get(number, 0.0):
                scores[number] = score
    title_documents: set[int] = set()
    for language, stem in in_title:
        title_documents.update(vocabularies[language].in_titles.get(stem, ()))
    return WordMatches(scores, strong, in_title, frozenset(title_documents), kind)


def _matches(
    vocabularies: dict[Language, Vocabulary], word: QueryWord, *, partial: bool
) -> dict[TermKey, Match]:
    found = _Found()
    for reading in word.readings:
        vocabulary = vocabularies[reading.language]
        if _add_exact(found, vocabulary, reading) and not vocabulary.has_surface(reading.surface):
            # Its stem is known but not the word: it may be a typo that stems like another
            # word ("registation" → regist, as "registered"). Words a letter away count too.
            _add_near(found, vocabulary, reading, stems=False)
    if not found.matches:
        for reading in word.readings:
            _add_stem_prefixes(found, vocabularies[reading.language], reading)
    if partial or not found.matches:
        shortest = MIN_PARTIAL_PREFIX if partial else MIN_PREFIX
        for reading in word.readings:
            _add_prefixed(found, vocabularies[reading.language], reading, shortest)
    if not found.matches:
        for reading in word.readings:
            _add_near(found, vocabularies[reading.language], reading)
    return found.matches


class _Found:
    """The matches of one word so far, the surest kept for each term."""

    def __init__(self) -> None:
        self.matches: dict[TermKey, Match] = {}

    def add(self, term: TermKey, certainty: float, kind: int) -> None:
        known = self.matches.get(term)
        if known is None or (kind, certainty) > (known.kind, known.certainty):
            self.matches[term] = Match(term, certainty, kind)


def _add_exact(found: _Found, vocabulary: Vocabulary, term: Term) -> bool:
    """Add the word's stem and variants if indexed; whether any was."""
    known = False
    if term.stem in vocabulary:
        found.add((term.language, term.stem), 1.0, EXACT)
        known = True
    for variant in term.variants:
        if variant in vocabulary:
            found.add((term.language, variant), VARIANT_CERTAINTY, EXACT)
            known = True
    return known


def _add_stem_prefixes(found: _Found, vocabulary: Vocabulary, term: Term) -> None:
    """Georgian stems the word begins with: its ending was one the stemmer does not know.
    (English has Snowball; there this would only find unrelated shorter words.)"""
    if term.language != GEORGIAN:
        return
    for stem in vocabulary.stems_prefixing(
        term.stem, min_length=MIN_STEM_PREFIX, max_missing=MAX_UNKNOWN_ENDING
    ):
        found.add((term.language, stem), STEM_PREFIX_CERTAINTY, PREFIX)


def _add_prefixed(found: _Found, vocabulary: Vocabulary, term: Term, shortest: int) -> None:
    for prefix in dict.fromkeys((term.surface, term.stem)):
        if len(prefix) >= shortest:
            for stem in vocabulary.stems_starting(prefix):
                found.add((term.language, stem), PREFIX_CERTAINTY, PREFIX)


def _add_near(found: _Found, vocabulary: Vocabulary, term: Term, *, stems: bool = True) -> None:
    """Stems (unless not `stems`) and whole words a letter or two away, by their length."""
    near = vocabulary.surfaces_near(term.surface, _edits_allowed(term.surface))
    if stems:
        near += vocabulary.stems_near(term.stem, _edits_allowed(term.stem))
    for stem, distance in near:
        certainty = ONE_EDIT_CERTAINTY if distance == 1 else TWO_EDITS_CERTAINTY
        found.add((term.language, stem), certainty, FUZZY)


def _edits_allowed(key: str) -> int:
    if len(key) < MIN_FUZZY:
        return 0
    return 2 if len(key) >= MIN_TWO_EDITS else 1
