"""The terms of one language in the index, and the ways a query word can find them."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# A prefix of a common syllable can stand for hundreds of words; the most used are enough.
MAX_PREFIX_TERMS = 40


class VocabularyBuilder:
    """Collects, document by document, where each term occurs and with what weight."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[int, float]] = {}
        self.in_titles: dict[str, set[int]] = {}
        self.surfaces: dict[str, set[str]] = {}
        self.written: dict[str, dict[str, int]] = {}

    def add_document(self, number: int, weights: dict[str, float], titled: set[str]) -> None:
        """The terms of document `number`, each with its greatest field weight."""
        for stem, weight in weights.items():
            documents = self.postings.get(stem)
            if documents is None:
                self.postings[stem] = {number: weight}
            else:
                documents[number] = weight
        for stem in titled:
            self.in_titles.setdefault(stem, set()).add(number)

    def add_word(self, surface: str, stem: str, word: str, count: int) -> None:
        """A word as written (`count` times), its surface key and its stem."""
        self.surfaces.setdefault(surface, set()).add(stem)
        counts = self.written.setdefault(surface, {})
        counts[word] = counts.get(word, 0) + count

    def build(self, document_count: int) -> Vocabulary:
        return Vocabulary(self, document_count)


class Vocabulary:
    """Immutable once built: postings, title membership, surfaces and lookups by shape."""

    def __init__(self, builder: VocabularyBuilder, document_count: int) -> None:
        self.postings = builder.postings
        self.in_titles = {stem: frozenset(docs) for stem, docs in builder.in_titles.items()}
        # Rarer terms tell more: 1 for a term in every document, up to 2 for one in one.
        scale = math.log(document_count + 1) or 1.0
        self.idf = {
            stem: 1.0 + math.log((document_count + 1) / len(docs)) / scale
            for stem, docs in self.postings.items()
        }
        self._surface_stems = {
            surface: tuple(sorted(stems)) for surface, stems in builder.surfaces.items()
        }
        self._surfaces = sorted(self._surface_stems)
        self._frequency = {
            surface: sum(words.values()) for surface, words in builder.written.items()
        }
        self._written = {
            surface: max(words, key=words.__getitem__) for surface, words in builder.written.items()
        }
        self._stems_by_length = sorted(self.postings, key=len)
        self._stem_length_starts = _length_starts(self._stems_by_length)
        self._surfaces_by_length = sorted(self._surfaces, key=len)
        self._surface_length_starts = _length_starts(self._surfaces_by_length)
        self._spellable = [surface for surface in self._surfaces if len(surface) >= 3]

    def __contains__(self, stem: str) -> bool:
        return stem in self.postings

    def has_surface(self, surface: str) -> bool:
        return surface in self._surface_stems

    def stems_starting(self, prefix: str) -> list[str]:
        """Stems of the words that begin with `prefix`, the most used words first."""
        start = bisect.bisect_left(self._surfaces, prefix)
        found: list[str] = []
        for surface in self._surfaces[start:]:
            if not surface.startswith(prefix):
                break
            found.append(surface)
        found.sort(key=lambda surface: -self._frequency[surface])
        stems = (stem for surface in found for stem in self._surface_stems[surface])
        return list(dict.fromkeys(stems))[:MAX_PREFIX_TERMS]

    def stems_prefixing(self, stem: str, *, min_length: int, max_missing: int) -> list[str]:
        """Indexed stems that `stem` begins with, longest first (an ending not taken off)."""
        shortest = max(min_length, len(stem) - max_missing)
        return [
            stem[:length]
            for length in range(len(stem) - 1, shortest - 1, -1)
            if stem[:length] in self.postings
        ]

    def stems_near(self, stem: str, max_distance: int) -> list[tuple[str, int]]:
        """Stems within `max_distance` edits (a swap of neighbours is one edit)."""
        return _near(stem, self._stems_by_length, self._stem_length_starts, max_distance)

    def surfaces_near(self, surface: str, max_distance: int) -> list[tuple[str, int]]:
        """Stems of the words within `max_distance` edits of the word `surface`."""
        near = _near(surface, self._surfaces_by_length, self._surface_length_starts, max_distance)
        return [(stem, distance) for found, distance in near for stem in self._surface_stems[found]]

    def words_like(self, surfaces: Iterable[str], limit: int) -> list[tuple[str, str, float]]:
        """Real words spelled like one of `surfaces`: (surface, as written, similarity 0–100)."""
        scored: dict[str, float] = {}
        for surface in surfaces:
            for candidate, similarity, _ in process.extract(
                surface, self._spellable, scorer=fuzz.ratio, score_cutoff=70, limit=limit * 4
            ):
                if candidate != surface and similarity > scored.get(candidate, 0.0):
                    scored[candidate] = similarity
        ranked = sorted(scored, key=lambda c: (-scored[c], -self._frequency[c], c))
        return [(c, self._written[c], scored[c]) for c in ranked[:limit]]


def _near(
    key: str, by_length: list[str], length_starts: dict[int, int], max_distance: int
) -> list[tuple[str, int]]:
    if max_distance <= 0:
        return []
    low = length_starts.get(len(key) - max_distance, 0)
    high = length_starts.get(len(key) + max_distance + 1, len(by_length))
    matches = process.extract(
        key, by_length[low:high], scorer=OSA.distance, score_cutoff=max_distance, limit=None
    )
    return [(candidate, int(distance)) for candidate, distance, _ in matches if distance]


def _length_starts(stems_by_length: list[str]) -> dict[int, int]:
    """For each length, where stems of that length or more begin in the sorted list."""
    starts: dict[int, int] = {}
    longest = len(stems_by_length[-1]) if stems_by_length else 0
    position = 0
    for length in range(longest + 2):
        while position < len(stems_by_length) and len(stems_by_length[position]) < length:
            position += 1
        starts[length] = position
    return starts
