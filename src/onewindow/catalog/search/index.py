"""The catalogue's search index: built once from the services, then searched in memory.

Ranking, in order: documents matching more of the query's words first; then the title
match (the whole title, the title's beginning, every word somewhere in a title); then
relevance (how well and where each word matched); then popularity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .analysis import LANGUAGES, Language, QueryWord, Term, normalise, query_words, word_term, words
from .matching import WordMatches, match_word
from .spelling import corrected_queries
from .synonyms import Synonyms
from .titles import Title, TitleMatch, title_match, title_of
from .vocabulary import Vocabulary, VocabularyBuilder

# How much a word counts where it is found: title ≫ keywords, synonyms > summary >
# category and agency names > description.
TITLE_WEIGHT = 10.0
KEYWORD_WEIGHT = 6.0
SUMMARY_WEIGHT = 3.0
CATEGORY_WEIGHT = 1.5
AGENCY_WEIGHT = 1.5
DESCRIPTION_WEIGHT = 1.0
# A synonym counts a little less than the word it stands for, and never above a keyword
# (though a synonym of a title word makes a title match); each word of a synonym of
# several words counts half as much again, as it may be found alone.
SYNONYM_FACTOR = 0.9
SYNONYM_WORD_FACTOR = 0.5
# Found in more fields, a word says more about a document: each field past the best adds
# this share of its weight (keywords "register a company" and "LLC registration" as well).
OTHER_FIELDS_FACTOR = 0.15
# A plural, old-plural or syncopated reading of a word is less sure than its stem.
VARIANT_FACTOR = 0.85

_CACHED_QUERIES = 4096
# Longer than any title; past this a query is a pasted sentence, and costs a lookup a word.
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows of one service, in both languages."""

    code: str
    title_ka: str
    title_en: str
    summary_ka: str
    summary_en: str
    description_ka: str
    description_en: str
    keywords_ka: tuple[str, ...]
    keywords_en: tuple[str, ...]
    categories_ka: tuple[str, ...]
    categories_en: tuple[str, ...]
    agency_ka: str
    agency_en: str
    popularity: int = 0


@dataclass(frozen=True)
class SearchHit:
    """One service found: its code, its score (higher is better), and whether every
    word of the query matched in one of its titles (or a synonym of a title word)."""

    code: str
    score: float
    title_match: bool


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    popularity: int
    titles: tuple[Title, ...]


class SearchIndex:
    """An immutable in-memory index of the catalogue; rebuild it when the catalogue changes."""

    def __init__(
        self, entries: tuple[_Entry, ...], vocabularies: dict[Language, Vocabulary]
    ) -> None:
        self._entries = entries
        self._vocabularies = vocabularies
        self._ranked = lru_cache(maxsize=_CACHED_QUERIES)(self._rank)

    @classmethod
    def build(
        cls, documents: Iterable[SearchDocument], synonyms: Iterable[Sequence[str]] = ()
    ) -> SearchIndex:
        """Index `documents`; each group of `synonyms` lists words or phrases meaning the same."""
        groups = Synonyms(synonyms)
        documents_terms: list[_DocumentTerms] = []
        entries: list[_Entry] = []
        written: Counter[str] = Counter()
        for document in documents:
            terms = _DocumentTerms()
            titles: list[Title] = []
            for field in _fields(document):
                written.update(field.words)
                stems = terms.add(field.terms(unique=True), field.weight, is_title=field.is_title)
                found = groups.found_in(field.terms()) if groups.may_be_in(stems) else []
                synonym_weight = min(KEYWORD_WEIGHT, field.weight * SYNONYM_FACTOR)
                for member in (member for synonym in found for member in synonym.others):
                    weight = synonym_weight * (1.0 if len(member) == 1 else SYNONYM_WORD_FACTOR)
                    terms.add(member, weight, is_title=field.is_title)
                if field.is_title:
                    titles.append(title_of(field.terms(), found))
            documents_terms.append(terms)
            entries.append(_Entry(document.code, document.popularity, tuple(titles)))
        vocabularies = {
            language: _vocabulary(language, documents_terms, written) for language in LANGUAGES
        }
        return cls(tuple(entries), vocabularies)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Services for `query`, best first; none for a blank query."""
        return list(self._ranked(normalise(query), False, limit))

    def suggest(self, query: str, limit: int = 8) -> list[str]:
        """Codes of the services to offer while the user types (the last word may be partial)."""
        return [hit.code for hit in self._ranked(normalise(query), True, limit)]

    def spelling_suggestions(self, query: str, limit: int = 3) -> list[str]:
        """Queries close to `query` made of real words (for "did you mean"), in its script."""
        return corrected_queries(self, normalise(query), limit)

    # Shared with spelling suggestions.
    def vocabulary(self, language: Language) -> Vocabulary:
        return self._vocabularies[language]

    def word_matches(self, word: QueryWord, *, partial: bool = False) -> WordMatches:
        return match_word(self._vocabularies, word, partial=partial)

    def _rank(self, query: str, partial: bool, limit: int) -> tuple[SearchHit, ...]:
        found = query_words(query)[:MAX_QUERY_WORDS]
        if not found or limit <= 0:
            return ()
        last = len(found) - 1
        matched = [
            self.word_matches(word, partial=partial and i == last) for i, word in enumerate(found)
        ]
        scores = _relevance(matched)
        hits = [
            self._hit(number, count, relevance, matched)
            for number, (count, relevance) in scores.items()
        ]
        hits.sort(
            key=lambda item: (-item[0].score, -self._entries[item[1]].popularity, item[0].code)
        )
        return tuple(hit for hit, _ in hits[:limit])

    def _hit(
        self, number: int, count: int, relevance: float, matched: list[WordMatches]
    ) -> tuple[SearchHit, int]:
        entry = self._entries[number]
        kind, coverage = TitleMatch.NONE, 0.0
        if count == len(matched) and all(number in word.title_documents for word in matched):
            kind, coverage = title_match(entry.titles, matched)
        average = relevance / len(matched)
        score = 1000.0 * count + 100.0 * kind + min(99.0, average + 10.0 * coverage)
        hit = SearchHit(entry.code, round(score, 4), kind >= TitleMatch.ALL_WORDS)
        return hit, number


@dataclass(frozen=True, slots=True)
class _Field:
    weight: float
    is_title: bool
    words: tuple[str, ...]  # lowercase, as written

    def terms(self, *, unique: bool = False) -> list[Term]:
        found = dict.fromkeys(self.words) if unique else self.words
        return [term for word in found if (term := word_term(word)) is not None]


def _fields(document: SearchDocument) -> list[_Field]:
    def field(weight: float, text: str, *, is_title: bool = False) -> _Field:
        return _Field(weight, is_title, tuple(words(text.lower())))

    return [
        field(TITLE_WEIGHT, document.title_ka, is_title=True),
        field(TITLE_WEIGHT, document.title_en, is_title=True),
        *(field(KEYWORD_WEIGHT, keyword) for keyword in document.keywords_ka),
        *(field(KEYWORD_WEIGHT, keyword) for keyword in document.keywords_en),
        field(SUMMARY_WEIGHT, document.summary_ka),
        field(SUMMARY_WEIGHT, document.summary_en),
        *(field(CATEGORY_WEIGHT, name) for name in document.categories_ka),
        *(field(CATEGORY_WEIGHT, name) for name in document.categories_en),
        field(AGENCY_WEIGHT, document.agency_ka),
        field(AGENCY_WEIGHT, document.agency_en),
        field(DESCRIPTION_WEIGHT, document.description_ka),
        field(DESCRIPTION_WEIGHT, document.description_en),
    ]


class _DocumentTerms:
    """The terms of one document, each weighed by the fields it is in."""

    def __init__(self) -> None:
        self._best: dict[Language, dict[str, float]] = {lang: {} for lang in LANGUAGES}
        self._total: dict[Language, dict[str, float]] = {lang: {} for lang in LANGUAGES}
        self.titled: dict[Language, set[str]] = {lang: set() for lang in LANGUAGES}

    def add(self, terms: Iterable[Term], weight: float, *, is_title: bool) -> set[str]:
        """Add the terms of one field of `weight`; gives their stems."""
        variant_weight = weight * VARIANT_FACTOR
        in_field: dict[tuple[Language, str], float] = {}
        for term in terms:
            in_field[(term.language, term.stem)] = weight
            for variant in term.variants:
                in_field.setdefault((term.language, variant), variant_weight)
            if is_title:
                self.titled[term.language].update((term.stem, *term.variants))
        for (language, stem), field_weight in in_field.items():
            best, total = self._best[language], self._total[language]
            if field_weight > best.get(stem, 0.0):
                best[stem] = field_weight
            total[stem] = total.get(stem, 0.0) + field_weight
        return {stem for _, stem in in_field}

    def weights(self, language: Language) -> dict[str, float]:
        """Each term's weight: its best field's, and a little for each other field."""
        best, total = self._best[language], self._total[language]
        return {stem: w + OTHER_FIELDS_FACTOR * (total[stem] - w) for stem, w in best.items()}


def _vocabulary(
    language: Language, documents_terms: list[_DocumentTerms], written: Counter[str]
) -> Vocabulary:
    builder = VocabularyBuilder()
    for number, terms in enumerate(documents_terms):
        builder.add_document(number, terms.weights(language), terms.titled[language])
    for word, count in written.items():
        term = word_term(word)
        if term is not None and term.language == language:
            builder.add_word(term.surface, term.stem, word, count)
    return builder.build(len(documents_terms))


def _relevance(matched: list[WordMatches]) -> dict[int, tuple[int, float]]:
    """For each document found: how many query words it matches, and how well in sum."""
    totals: dict[int, tuple[int, float]] = {}
    for word in matched:
        for number, score in word.scores.items():
            count, relevance = totals.get(number, (0, 0.0))
            totals[number] = (count + 1, relevance + score)
    return totals
