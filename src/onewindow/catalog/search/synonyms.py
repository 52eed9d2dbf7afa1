"""Synonym groups: where a member stands in a text, and the other members it brings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .analysis import Term, text_terms
from .matching import TermKey


@dataclass(frozen=True, slots=True)
class SynonymFound:
    """A member of a group found in a text: where its words stand, and the other members
    of its group, each as its terms."""

    positions: range
    others: tuple[tuple[Term, ...], ...]


class Synonyms:
    """The synonym groups of a catalogue, each member found by the stem of its first word."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[TermKey, ...], tuple[tuple[Term, ...], ...]]]]
        self._by_first = {}
        for group in groups:
            members = [tuple(terms) for member in group if (terms := text_terms(member))]
            for member in members:
                others = tuple(other for other in members if other is not member)
                phrase = tuple((term.language, term.stem) for term in member)
                self._by_first.setdefault(phrase[0][1], []).append((phrase, others))

    def may_be_in(self, stems: set[str]) -> bool:
        """Whether a text with these stems may hold a member (a quick test)."""
        return not self._by_first.keys().isdisjoint(stems)

    def found_in(self, terms: Sequence[Term]) -> list[SynonymFound]:
        """The members that stand in `terms`, their words in order."""
        keys = [(term.language, term.stem) for term in terms]
        return [
            SynonymFound(range(position, position + len(phrase)), others)
            for position, (_, stem) in enumerate(keys)
            for phrase, others in self._by_first.get(stem, ())
            if tuple(keys[position : position + len(phrase)]) == phrase
        ]
