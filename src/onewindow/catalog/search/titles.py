"""How well a service's titles answer a query: the whole title, its beginning, every word.

A title word is matched by its stem, its variants, or a one-word synonym of it; a synonym
of several words ("close a company" for ლიკვიდაცია) only when the query has all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .analysis import Term
from .matching import TermKey, WordMatches
from .synonyms import SynonymFound


class TitleMatch:
    """How well a title answers the query, best last."""

    NONE = 0
    ALL_WORDS = 1  # every query word is somewhere in the title
    BEGINNING = 2  # the title begins with the query
    WHOLE = 3  # the title is the query


@dataclass(frozen=True, slots=True)
class Title:
    """A title as the sequence of its words, each the set of terms that stand for it."""

    words: tuple[frozenset[TermKey], ...]
    # Synonyms of several words, by the position they stand for, each word's terms a set.
    phrases: tuple[tuple[int, tuple[frozenset[TermKey], ...]], ...]


def title_of(terms: Sequence[Term], synonyms: Sequence[SynonymFound]) -> Title:
    words = [set(_keys(term)) for term in terms]
    phrases: list[tuple[int, tuple[frozenset[TermKey], ...]]] = []
    for found in synonyms:
        for member in found.others:
            for position in found.positions:
                if len(member) == 1:
                    words[position].update(_keys(member[0]))
                else:
                    phrases.append((position, tuple(_keys(term) for term in member)))
    return Title(tuple(frozenset(word) for word in words), tuple(phrases))


def title_match(titles: Sequence[Title], matched: Sequence[WordMatches]) -> tuple[int, float]:
    """The best match among `titles`, and the share of that title's words the query covers."""
    found = frozenset().union(*(word.title_terms for word in matched))
    best, best_coverage = TitleMatch.NONE, 0.0
    for title in titles:
        words = _words_for(title, found)
        if not words or not all(
            any(terms & word.title_terms for terms in words) for word in matched
        ):
            continue
        kind = TitleMatch.ALL_WORDS
        if len(words) >= len(matched) and all(
            terms & word.title_terms for terms, word in zip(words, matched, strict=False)
        ):
            kind = TitleMatch.WHOLE if len(words) == len(matched) else TitleMatch.BEGINNING
        coverage = sum(1 for terms in words if terms & found) / len(words)
        if (kind, coverage) > (best, best_coverage):
            best, best_coverage = kind, coverage
    return best, best_coverage


def _words_for(title: Title, found: frozenset[TermKey]) -> list[frozenset[TermKey]]:
    """The title's words, with the synonyms of several words the query holds in full."""
    words = list(title.words)
    for position, phrase in title.phrases:
        if all(terms & found for terms in phrase):
            words[position] = words[position].union(*phrase)
    return words


def _keys(term: Term) -> frozenset[TermKey]:
    return frozenset((term.language, stem) for stem in (term.stem, *term.variants))
