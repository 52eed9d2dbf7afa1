"""Reads: a person's access log (filters, order, query count) and once-only prefill."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

import pytest

from onewindow.exchange.errors import AgencyUnavailable
from onewindow.exchange.models import DataAccess
from onewindow.exchange.selectors import (
    LocalText,
    data_accesses_for_person,
    registered_address,
    represented_companies,
)
from onewindow.exchange.services import Asker

from .conftest import Agencies

pytestmark = pytest.mark.django_db

PN = "01001012345"
ASKER = Asker(kind="person", user=f"person:{PN}", name="Nino", purpose="prefill")
TBILISI = datetime.timezone(datetime.timedelta(hours=4))


def access(at: datetime.datetime, **changes: Any) -> DataAccess:
    values: dict[str, Any] = {
        "personal_number": PN,
        "accessed_at": at,
        "asker_kind": "person",
        "asker": f"person:{PN}",
        "purpose": "self-view",
        "agency": "civil-registry",
        "operation": "address",
        "source": "portal",
    }
    values.update(changes)
    return DataAccess.objects.create(**values)


def test_a_persons_accesses_newest_first_with_filters() -> None:
    day = datetime.datetime(2026, 11, 20, 23, 30, tzinfo=TBILISI)  # 19:30 UTC
    old = access(day - datetime.timedelta(days=3))
    late = access(day, agency="revenue", purpose="prefill")
    new = access(day + datetime.timedelta(hours=1))  # 00:30 on the 21st in Tbilisi
    access(day, personal_number="01001012346")

    def ids(**filters: Any) -> list[int]:
        return [a.pk for a in data_accesses_for_person(personal_number=PN, **filters)]

    assert ids() == [new.pk, late.pk, old.pk]
    assert ids(agency="revenue") == [late.pk]
    assert ids(purpose="self-view") == [new.pk, old.pk]
    # Dates are whole days in the portal's time zone (Tbilisi).
    assert ids(since=datetime.date(2026, 11, 21)) == [new.pk]
    assert ids(until=datetime.date(2026, 11, 20)) == [late.pk, old.pk]
    assert ids(since=day, until=day) == [late.pk]  # datetimes are moments


def test_the_access_log_is_one_query() -> None:
    for _ in range(5):
        access(timezone.now())
    with CaptureQueriesContext(connection) as queries:
        assert len(list(data_accesses_for_person(personal_number=PN))) == 5
    assert len(queries) == 1


def test_the_registered_address(agencies: Agencies) -> None:
    address = registered_address(personal_number=PN, asker=ASKER)
    assert address is not None
    assert (address.building, address.apartment) == ("37", "12")
    assert address.district == LocalText(ka="ვაკე", en="Vake")
    assert address.registered_since == datetime.date(2019, 3, 20)
    with translation.override("en"):
        assert str(address.text) == "37 Ilia Chavchavadze Ave., apt. 12, Vake district, Tbilisi"
    with translation.override("ka"):
        assert str(address.municipality) == "თბილისი"
    (logged,) = DataAccess.objects.all()
    assert (logged.operation, logged.purpose) == ("address", "prefill")


def test_outside_tbilisi_there_is_no_district(agencies: Agencies) -> None:
    address = registered_address(personal_number="60001045678", asker=ASKER)
    assert address is not None and address.district is None and address.apartment is None
    assert address.municipality.en == "Kutaisi"


def test_no_address_for_an_unknown_person(agencies: Agencies) -> None:
    assert registered_address(personal_number="99001012345", asker=ASKER) is None


def test_an_unavailable_registry_is_an_error_not_an_empty_answer(agencies: Agencies) -> None:
    agencies.set_faults({"civil-registry": {"fail": True}})
    with pytest.raises(AgencyUnavailable):
        registered_address(personal_number=PN, asker=ASKER)


def test_the_companies_a_person_represents(agencies: Agencies) -> None:
    companies = represented_companies(personal_number=PN, asker=ASKER)
    assert [(c.code, c.status) for c in companies] == [
        ("404123456", "active"),
        ("404987654", "active"),
    ]
    beridze, digital = companies
    assert [(r.source, r.role) for r in beridze.roles] == [
        ("public-registry", "representative"),
        ("revenue", "authorised-representative"),
    ]
    assert beridze.roles[1].rights == ("view", "payments")
    assert [(r.source, r.role) for r in digital.roles] == [
        ("public-registry", "director"),
        ("revenue", "director"),
    ]
    with translation.override("en"):
        assert str(beridze.legal_form) == "LLC"
    # The query about the person is in their access log; those about the companies are
    # recorded for the companies.
    person = DataAccess.objects.filter(personal_number=PN)
    assert list(person.values_list("operation", flat=True)) == ["entrepreneurs"]
    companies_asked = DataAccess.objects.filter(personal_number="").order_by("company_code")
    assert sorted(companies_asked.values_list("company_code", "operation")) == [
        ("404123456", "authorised-persons"),
        ("404987654", "authorised-persons"),
    ]


def party(kind: str, identifier: str, name: str) -> dict[str, Any]:
    return {"type": kind, "id": identifier, "name": {"ka": name, "en": name}}


def role(code: str, role_code: str, status: str = "active") -> dict[str, Any]:
    text = {"ka": role_code, "en": role_code.title()}
    return {
        "company": party("company", code, f"Company {code}"),
        "legal_form": {"code": "LLC", "abbreviation": {"ka": "შპს", "en": "LLC"}, "name": text},
        "company_status": status,
        "role": role_code,
        "role_name": text,
        "share_percent": None,
        "since": "2020-01-01",
    }


def test_partners_and_liquidated_companies_are_not_represented(agencies: Agencies) -> None:
    # The registry's answer, as another person's might be (the revenue service is real).
    agencies.through_proxy(
        "public-registry",
        data={
            "roles": [
                role("404123456", "partner"),  # revenue: Nino is an authorised person
                role("404555666", "partner"),  # unknown to revenue: a partner only
                role("404987654", "director", status="liquidated"),
            ],
            "company": None,
        },
    )
    (company,) = represented_companies(personal_number=PN, asker=ASKER)
    assert company.code == "404123456"
    assert [(r.source, r.role) for r in company.roles] == [("revenue", "authorised-representative")]
    asked = [entry["subject"] for entry in agencies.seen("revenue")]
    assert sorted(asked) == ["company:404123456", "company:404555666"]


def test_a_person_with_no_roles_represents_no_company(agencies: Agencies) -> None:
    assert represented_companies(personal_number="99001012345", asker=ASKER) == []
    assert agencies.seen("revenue") == []


def test_without_revenue_the_registry_roles_remain(agencies: Agencies) -> None:
    agencies.set_faults({"revenue": {"fail": True}})
    companies = represented_companies(personal_number=PN, asker=ASKER)
    assert [[r.source for r in c.roles] for c in companies] == [
        ["public-registry"],
        ["public-registry"],
    ]


def test_without_the_registry_there_is_no_answer(agencies: Agencies) -> None:
    agencies.set_faults({"public-registry": {"fail": True}})
    with pytest.raises(AgencyUnavailable):
        represented_companies(personal_number=PN, asker=ASKER)
