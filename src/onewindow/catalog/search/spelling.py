"""Did you mean: queries close to one that found nothing, made of words the catalogue has.

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
    """Up to `limit` corrections of `query` that each find something: every unknown word
    at its closest, then one word at a time at its next closest."""
    written = words(query)
    choices: list[list[str]] = []
    for word in written:
        readings = query_words(word)
        if not readings or index.word_matches(readings[0]).kind == EXACT:
            choices.append([word])
        else:
            choices.append(close_words(index, readings[0], limit) or [word])
    best = [options[0] for options in choices]
    candidates = [best] + [
        [*best[:position], option, *best[position + 1 :]]
        for position, options in enumerate(choices)
        for option in options[1:]
    ]
    corrections: list[str] = []
    for candidate in (" ".join(option) for option in candidates):
        if candidate != query and candidate not in corrections and index.search(candidate, 1):
            corrections.append(candidate)
    return corrections[:limit]


def close_words(index: SearchIndex, word: QueryWord, limit: int) -> list[str]:
    """Real words of the catalogue spelled like `word`, in its script, closest first."""
    georgian = index.vocabulary(GEORGIAN)
    surfaces = [term.surface for term in word.readings if term.language == GEORGIAN]
    scored = [
        (similarity, georgian_to_latin(written, apostrophes=False) if word.is_latin else written)
        for _, written, similarity in georgian.words_like(surfaces, limit)
    ]
    if word.is_latin:
        english = index.vocabulary(ENGLISH)
        surfaces = [term.surface for term in word.readings if term.language == ENGLISH]
        scored += [
            (similarity, written) for _, written, similarity in english.words_like(surfaces, limit)
        ]
    scored.sort(key=lambda item: -item[0])
    # Far worse than the closest is no help ("owns" beside "ownership" for "ownrshp").
    close = [written for similarity, written in scored if similarity >= scored[0][0] - _MARGIN]
    return list(dict.fromkeys(close))[:limit]


_MARGIN = 8.0  # points of similarity (0–100) below the closest word still worth offering
