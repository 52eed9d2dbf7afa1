"""The access log names agencies, never codes: the back-office's case views (recorded by
catalogue agency code), agencies' systems and reported staff, in the page's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from onewindow.exchange.models import DataAccess
from onewindow.identity.models import Account

from .conftest import text_of
from .test_access_log import access

pytestmark = pytest.mark.django_db

SignIn = Callable[[Account], Client]
UTC = dt.UTC


def case_view(agency: str, at: dt.datetime) -> DataAccess:
    """What `backoffice.services.case_view_record` writes."""
    return access(
        at=at, agency=agency, operation="application OW-2026-0000001",
        asker_kind="agency_staff", asker=f"staff:{agency}:7", asker_name="Nana Gelashvili",
        purpose="case-handling",
    )  # fmt: skip


def reported(asker_kind: str, asker_name: str, at: dt.datetime) -> DataAccess:
    return access(
        at=at, asker_kind=asker_kind, asker=asker_name, asker_name=asker_name,
        purpose="registration", source="agency_report",
    )  # fmt: skip


def rows_of(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>")[0]
    return body.split("</tr>")[:-1]


@pytest.fixture
def entries(db: None) -> None:
    case_view("psda", dt.datetime(2026, 5, 3, 9, 0, tzinfo=UTC))
    reported("agency_staff", "staff:civil-registry:4821", dt.datetime(2026, 5, 2, 9, 0, tzinfo=UTC))
    reported("agency", "revenue", dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC))


def test_case_views_and_agency_askers_are_named_in_english(
    signed_in: SignIn, catalogue: None, person_a: Account, entries: None
) -> None:
    html = text_of(signed_in(person_a).get("/en/my-data/access-log/"))
    case, staff, system = rows_of(html)
    assert "Nana Gelashvili" in case and "Handling a case" in case
    assert '<td class="govuk-table__cell">Public Service Development Agency</td>' in case
    assert "Public Service Development Agency, staff member 4821" in staff
    assert "Revenue Service" in system
    for row in (case, staff, system):
        assert ">psda<" not in row and "staff:" not in row and ">revenue<" not in row


def test_case_views_are_named_in_georgian(
    signed_in: SignIn, catalogue: None, person_a: Account, entries: None
) -> None:
    html = text_of(signed_in(person_a).get("/ka/my-data/access-log/"))
    case, _staff, system = rows_of(html)
    assert "სახელმწიფო სერვისების განვითარების სააგენტო" in case
    assert "შემოსავლების სამსახური" in system
    assert ">psda<" not in case


def test_the_filter_still_offers_the_exchanges_agencies_once(
    signed_in: SignIn, catalogue: None, person_a: Account, entries: None
) -> None:
    html = text_of(signed_in(person_a).get("/en/my-data/access-log/"))
    form = html.split('name="agency"', 1)[1].split("</select>", 1)[0]
    assert 'value="civil-registry"' in form and 'value="psda"' not in form
    assert form.count("Public Service Development Agency") == 1


def test_naming_the_agencies_costs_no_query_per_row(
    signed_in: SignIn,
    catalogue: None,
    person_a: Account,
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    client = signed_in(person_a)
    case_view("psda", dt.datetime(2026, 5, 3, 9, 0, tzinfo=UTC))
    client.get("/en/my-data/access-log/")
    with CaptureQueriesContext(connection) as one_row:
        client.get("/en/my-data/access-log/")
    codes = ["psda", "napr", "rs", "nbe", "ssa", "mes", "tbilisi", "patrol-police"]
    start = dt.datetime(2026, 4, 1, tzinfo=UTC)
    for hour in range(24):
        case_view(codes[hour % len(codes)], start + dt.timedelta(hours=hour))
    # session, account, catalogue check, count, page, the header's unread-inbox count
    assert len(one_row) <= 6
    with django_assert_num_queries(len(one_row)):
        html = text_of(client.get("/en/my-data/access-log/"))
    assert "National Agency of Public Registry" in html and ">napr<" not in html
