""" "Did you mean": queries close to one that found nothing, made of words the catalogue has.

A word is replaced by real words spelled like it, in the script it was typed in: Georgian
for Georgian; for Latin letters, English words or Georgian ones romanised as people type
them (without apostrophes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .analysis import ENGLISH, GEORGIAN, QueryWord, query_words, words
from .matching import EXACT
from .translit import georgian_to_latin

if TYPE_CHECKING:
    from .index import SearchIndex


def corrected_queries(index: SearchIndex, query: str, limit: int) -> list[str]:
    """Up to `limit` corrections of `query` that each find something."""
    written = words(query)
    choices: list[list[str]] = []
    for word in written:
        readings = query_words(word)
        if not readings or index.word_matches(readings[0]).kind == EXACT:
            choices.append([word])
        else:
            choices.append(close_words(index, readings[0], limit) or [word])
    if all(
        len(options) == 1 and options[0] == word
        for options, word in zip(choices, written, strict=True)
    ):
        return []
    corrections: list[str] = []
    for rank in range(max(len(options) for options in choices)):
        candidate = " ".join(options[min(rank, len(options) - 1)] for options in choices)
        if candidate not in corrections and candidate != query and index.search(candidate, 1):
            corrections.append(candidate)
    return corrections[:limit]


def close_words(index: SearchIndex, word: QueryWord, limit: int) -> list[str]:
    """Real words of the catalogue spelled like `word`, in its script, closest first."""
    georgian = index.vocabulary(GEORGIAN)
    surfaces = [r.term.surface for r in word.readings if r.term.language == GEORGIAN]
    scored = [
        (similarity, georgian_to_latin(written, apostrophes=False) if word.is_latin else written)
        for _, written, similarity in georgian.words_like(surfaces, limit)
    ]
    if word.is_latin:
        english = index.vocabulary(ENGLISH)
        surfaces = [r.term.surface for r in word.readings if r.term.language == ENGLISH]
        scored += [
            (similarity, written) for _, written, similarity in english.words_like(surfaces, limit)
        ]
    scored.sort(key=lambda item: -item[0])
    return list(dict.fromkeys(written for _, written in scored))[:limit]
