"""The exchange's reads for other apps: a person's data-access log, the agencies' health,
and once-only prefill (data the state already holds, fetched through the exchange).

This module and `services.py` are the exchange's public interface. The prefill
selectors (`registered_address`, `represented_companies`, from `prefill.py`) ask agencies,
so they also write the data-access log (through exchange_fetch).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet

from .breaker import BreakerState, breaker_for
from .connectors import registered_agencies
from .models import DataAccess
from .prefill import (
    Address,
    CompanyRole,
    LocalText,
    RepresentedCompany,
    registered_address,
    represented_companies,
)


def data_accesses_for_person(
    *,
    personal_number: str,
    agency: str | None = None,
    purpose: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[DataAccess]:
    """Every recorded access to the person's data, newest first.

    `since`/`until` are inclusive: a date means that whole day (in the portal's time
    zone), a datetime that moment.
    """
    accesses = DataAccess.objects.filter(personal_number=personal_number)
    if agency:
        accesses = accesses.filter(agency=agency)
    if purpose:
        accesses = accesses.filter(purpose=purpose)
    if isinstance(since, datetime.datetime):
        accesses = accesses.filter(accessed_at__gte=since)
    elif since is not None:
        accesses = accesses.filter(accessed_at__date__gte=since)
    if isinstance(until, datetime.datetime):
        accesses = accesses.filter(accessed_at__lte=until)
    elif until is not None:
        accesses = accesses.filter(accessed_at__date__lte=until)
    return accesses.order_by("-accessed_at", "-id")


def data_accesses_for_company(*, company_code: str) -> QuerySet[DataAccess]:
    """Every recorded query about the company's data, newest first (for the company's
    representatives, once they have a view of it)."""
    accesses = DataAccess.objects.filter(company_code=company_code, personal_number="")
    return accesses.order_by("-accessed_at", "-id")


def agency_health() -> list[BreakerState]:
    """Each agency's circuit: closed (asked), open (not asked now), half-open (one try)."""
    failures = max(1, int(settings.EXCHANGE_BREAKER_FAILURES))
    reset = float(settings.EXCHANGE_BREAKER_RESET_SECONDS)
    return [
        breaker_for(agency).state(failures=failures, reset_seconds=reset)
        for agency in registered_agencies()
    ]


__all__ = [
    "Address",
    "CompanyRole",
    "LocalText",
    "RepresentedCompany",
    "agency_health",
    "data_accesses_for_company",
    "data_accesses_for_person",
    "registered_address",
    "represented_companies",
]
