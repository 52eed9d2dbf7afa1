"""Catalogue writes: loading the YAML catalogue into the database, and change tracking.

This module and `selectors.py` are the catalogue's public interface to other apps.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from django.db import transaction
from django.db.models import F

from .generated import generated_services
from .loader import AgencyData, CatalogData, CategoryData, ServiceData, read_catalog
from .models import Agency, CatalogState, Category, Service, ServiceCategory, SynonymGroup
from .signals import bulk_loading


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deactivated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(
            sum(counts.values()) for counts in (self.created, self.updated, self.deactivated)
        )

    def count(self, kind: str, what: str) -> None:
        counts = getattr(self, kind)
        counts[what] = counts.get(what, 0) + 1

    def __str__(self) -> str:
        if not self.changed:
            return "The catalogue is up to date; nothing changed."
        parts = []
        for kind in ("created", "updated", "deactivated"):
            for what, number in sorted(getattr(self, kind).items()):
                parts.append(f"{number} {what} {kind}")
        return "Catalogue loaded: " + ", ".join(parts) + "."


def catalog_load_directory(*, directory: Path, generate: int = 0) -> LoadReport:
    """Read, check and load the catalogue files; nothing changes if any file is wrong."""
    data = read_catalog(directory)
    return catalog_load(data=data, generate=generate)


@transaction.atomic
def catalog_load(*, data: CatalogData, generate: int = 0) -> LoadReport:
    """Make the database hold exactly `data` (+ `generate` generated services), idempotently."""
    report = LoadReport()
    services = list(data.services)
    if generate:
        services += generated_services(
            count=generate,
            agency_codes=[agency.code for agency in data.agencies],
            category_codes=[category.code for category in data.categories],
        )
    with bulk_loading():
        categories = _sync(Category, data.categories, _fill_category, "categories", report)
        agencies = _sync(Agency, data.agencies, _fill_agency, "agencies", report)
        _load_services(services, categories, agencies, report)
        _load_synonyms(data, report)
    if report.changed:
        catalog_changed()
    return report


class _Entry(Protocol):
    @property
    def code(self) -> str: ...

    def content_hash(self) -> str: ...


Record = TypeVar("Record", Category, Agency, Service)
Item = TypeVar("Item", bound=_Entry)


def _sync(
    model: type[Record],
    items: Sequence[Item],
    fill: Callable[[Record, Item], None],
    label: str,
    report: LoadReport,
) -> dict[str, Record]:
    """Create or update a record per item (only where its content changed); deactivate
    the records no item names any more. Returns every record by code."""
    existing = {record.code: record for record in model.objects.all()}
    for item in items:
        record = existing.get(item.code) or model(code=item.code)
        digest = item.content_hash()
        if record.pk and record.content_hash == digest and record.is_active:
            continue
        report.count("updated" if record.pk else "created", label)
        fill(record, item)
        record.is_active, record.content_hash = True, digest
        record.save()
        existing[item.code] = record
    wanted = {item.code for item in items}
    stale = [code for code, record in existing.items() if code not in wanted and record.is_active]
    model.objects.filter(code__in=stale).update(is_active=False)
    for code in stale:
        existing[code].is_active = False
        report.count("deactivated", label)
    return existing


def _fill_category(category: Category, item: CategoryData) -> None:
    category.title_ka, category.title_en = item.title.ka, item.title.en
    category.description_ka, category.description_en = item.description.ka, item.description.en
    category.position = item.position


def _fill_agency(agency: Agency, item: AgencyData) -> None:
    agency.name_ka, agency.name_en = item.name.ka, item.name.en
    agency.short_name_ka, agency.short_name_en = item.short_name.ka, item.short_name.en
    agency.description_ka, agency.description_en = item.description.ka, item.description.en
    agency.address_ka, agency.address_en = item.address.ka, item.address.en
    agency.website, agency.email, agency.phone = item.website, item.email, item.phone
    agency.position = item.position


def _load_services(
    items: list[ServiceData],
    categories: dict[str, Category],
    agencies: dict[str, Agency],
    report: LoadReport,
) -> None:
    placed: list[tuple[Service, ServiceData]] = []

    def fill(service: Service, item: ServiceData) -> None:
        service.title_ka, service.title_en = item.title.ka, item.title.en
        service.summary_ka, service.summary_en = item.summary.ka, item.summary.en
        service.description_ka, service.description_en = item.description.ka, item.description.en
        service.kind, service.audience = item.kind, item.audience
        service.provider = agencies[item.provider]
        service.fee_gel = item.fee_gel
        service.fee_note_ka, service.fee_note_en = item.fee_note.ka, item.fee_note.en
        service.deadline_working_days = item.deadline_working_days
        service.documents_ka, service.documents_en = (
            list(item.documents.ka),
            list(item.documents.en),
        )
        service.steps_ka, service.steps_en = list(item.steps.ka), list(item.steps.en)
        service.keywords_ka, service.keywords_en = list(item.keywords.ka), list(item.keywords.en)
        service.popularity, service.is_generated = item.popularity, item.is_generated
        service.form = item.form
        service.signature = item.signature
        placed.append((service, item))

    _sync(Service, items, fill, "services", report)
    # Categories of the services that changed, now that each has a primary key.
    ServiceCategory.objects.filter(service__in=[service for service, _item in placed]).delete()
    ServiceCategory.objects.bulk_create(
        ServiceCategory(service=service, category=categories[code], position=position)
        for service, item in placed
        for position, code in enumerate(item.categories)
    )


def _load_synonyms(data: CatalogData, report: LoadReport) -> None:
    wanted = [list(group) for group in data.synonyms]
    current = list(SynonymGroup.objects.values_list("terms", flat=True))
    if current == wanted:
        return
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.bulk_create(
        SynonymGroup(terms=terms, position=position) for position, terms in enumerate(wanted)
    )
    report.count("updated", "synonym groups")


def catalog_changed() -> None:
    """Bump the catalogue version; every process rebuilds its in-memory copy soon after."""
    token = uuid.uuid4().hex
    updated = CatalogState.objects.filter(pk=1).update(version=F("version") + 1, token=token)
    if not updated:
        CatalogState.objects.get_or_create(pk=1, defaults={"version": 1, "token": token})
