"""Catalogue reads, served from an in-memory copy rebuilt whenever the catalogue changes.

The catalogue is small (hundreds to a few thousand services) and read on every page, so
each process keeps it, and its search index, in memory: a page costs at most one query
(the version check, every CATALOG_REFRESH_SECONDS) however large the catalogue grows.
This module and `services.py` are the catalogue's public interface to other apps.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch

from .models import Agency, CatalogState, Category, Service, ServiceCategory, SynonymGroup
from .search import SearchDocument, SearchHit, SearchIndex


@dataclass(frozen=True)
class CatalogSnapshot:
    token: str
    categories: tuple[Category, ...]
    agencies: tuple[Agency, ...]
    services: tuple[Service, ...]
    categories_by_code: dict[str, Category]
    agencies_by_code: dict[str, Agency]
    services_by_code: dict[str, Service]
    services_by_category: dict[str, tuple[Service, ...]]
    services_by_agency: dict[str, tuple[Service, ...]]
    index: SearchIndex

    def popular_services(self, limit: int = 8) -> tuple[Service, ...]:
        return self.services[:limit]

    def search(self, query: str, limit: int = 200) -> list[tuple[Service, SearchHit]]:
        return [
            (self.services_by_code[hit.code], hit)
            for hit in self.index.search(query, limit=limit)
            if hit.code in self.services_by_code
        ]

    def suggest(self, query: str, limit: int = 8) -> list[Service]:
        return [
            self.services_by_code[code]
            for code in self.index.suggest(query, limit=limit)
            if code in self.services_by_code
        ]


_lock = threading.Lock()
_snapshot: CatalogSnapshot | None = None
_checked_at = float("-inf")


def catalog() -> CatalogSnapshot:
    """The current catalogue; checks for changes at most every CATALOG_REFRESH_SECONDS."""
    global _snapshot, _checked_at
    snapshot = _snapshot
    now = time.monotonic()
    if snapshot is not None and now - _checked_at < settings.CATALOG_REFRESH_SECONDS:
        return snapshot
    token = CatalogState.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    _checked_at = now
    if snapshot is not None and snapshot.token == token:
        return snapshot
    with _lock:
        if _snapshot is None or _snapshot.token != token:
            _snapshot = _build(token)
        return _snapshot


def catalog_forget() -> None:
    """Drop the in-memory copy (tests use this between databases)."""
    global _snapshot, _checked_at
    with _lock:
        _snapshot, _checked_at = None, float("-inf")


def _build(token: str) -> CatalogSnapshot:
    categories = tuple(Category.objects.filter(is_active=True))
    agencies = tuple(Agency.objects.filter(is_active=True))
    categories_by_code = {category.code: category for category in categories}
    agencies_by_code = {agency.code: agency for agency in agencies}
    placements = ServiceCategory.objects.filter(category__is_active=True).order_by("position")
    services = tuple(
        Service.objects.filter(is_active=True, provider__is_active=True)
        .prefetch_related(Prefetch("servicecategory_set", queryset=placements, to_attr="places"))
        .order_by("-popularity", "title_ka")
    )
    agencies_by_id = {agency.pk: agency for agency in agencies}
    categories_by_id = {category.pk: category for category in categories}
    by_category: dict[str, list[Service]] = {code: [] for code in categories_by_code}
    by_agency: dict[str, list[Service]] = {code: [] for code in agencies_by_code}
    for service in services:
        service.provider = agencies_by_id[service.provider_id]
        places: list[ServiceCategory] = service.places
        service.category_list = [categories_by_id[place.category_id] for place in places]
        for category in service.category_list:
            by_category[category.code].append(service)
        by_agency[service.provider.code].append(service)
    synonyms = [tuple(group.terms) for group in SynonymGroup.objects.all()]
    index = SearchIndex.build((_document(service) for service in services), synonyms)
    return CatalogSnapshot(
        token=token,
        categories=categories,
        agencies=agencies,
        services=services,
        categories_by_code=categories_by_code,
        agencies_by_code=agencies_by_code,
        services_by_code={service.code: service for service in services},
        services_by_category={code: tuple(items) for code, items in by_category.items()},
        services_by_agency={code: tuple(items) for code, items in by_agency.items()},
        index=index,
    )


def _document(service: Service) -> SearchDocument:
    categories = service.category_list
    return SearchDocument(
        code=service.code,
        title_ka=service.title_ka,
        title_en=service.title_en,
        summary_ka=service.summary_ka,
        summary_en=service.summary_en,
        description_ka=service.description_ka,
        description_en=service.description_en,
        keywords_ka=tuple(service.keywords_ka),
        keywords_en=tuple(service.keywords_en),
        categories_ka=tuple(category.title_ka for category in categories),
        categories_en=tuple(category.title_en for category in categories),
        agency_ka=service.provider.name_ka,
        agency_en=service.provider.name_en,
        popularity=service.popularity,
    )
