"""`data_access_record`: the access-log entry for data looked at in the portal itself."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from onewindow.exchange.models import DataAccess
from onewindow.exchange.services import data_access_record

pytestmark = pytest.mark.django_db

VIEW = {
    "personal_number": "01001012345",
    "asker_kind": DataAccess.AskerKind.AGENCY_STAFF,
    "asker": "staff:psda:7",
    "asker_name": "Nana Gelashvili",
    "purpose": "case-handling",
    "agency": "psda",
    "operation": "application OW-2026-0000001",
}


def test_an_access_is_kept_as_the_portals_own() -> None:
    entry = data_access_record(**VIEW)
    assert entry is not None
    stored = DataAccess.objects.get()
    assert stored.pk == entry.pk
    assert (stored.personal_number, stored.company_code) == ("01001012345", "")
    assert (stored.asker_kind, stored.asker, stored.asker_name) == (
        "agency_staff",
        "staff:psda:7",
        "Nana Gelashvili",
    )
    assert (stored.purpose, stored.agency, stored.operation) == (
        "case-handling",
        "psda",
        "application OW-2026-0000001",
    )
    assert stored.source == DataAccess.Source.PORTAL
    assert stored.request_id == ""


def test_once_within_skips_the_same_look_again_but_not_another() -> None:
    hour = dt.timedelta(hours=1)
    assert data_access_record(**VIEW, once_within=hour) is not None
    assert data_access_record(**VIEW, once_within=hour) is None
    # Another staff member, another case, another person: each is its own entry.
    assert data_access_record(**{**VIEW, "asker": "staff:psda:8"}, once_within=hour)
    assert data_access_record(**{**VIEW, "operation": "application OW-2", "once_within": hour})
    assert data_access_record(**{**VIEW, "personal_number": "01001099999"}, once_within=hour)
    # Without once_within every look is written.
    assert data_access_record(**VIEW) is not None
    assert DataAccess.objects.filter(**VIEW).count() == 2


def test_once_within_writes_again_after_the_time() -> None:
    DataAccess.objects.create(
        **VIEW, accessed_at=timezone.now() - dt.timedelta(minutes=61), source="portal"
    )
    assert data_access_record(**VIEW, once_within=dt.timedelta(hours=1)) is not None
    assert DataAccess.objects.count() == 2
