"""'Who looked at my data': the person's own log, in words, filtered, as CSV and PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from onewindow.exchange.models import DataAccess
from onewindow.identity.models import Account

from .conftest import PERSON_A, PERSON_B, text_of

pytestmark = pytest.mark.django_db

SignIn = Callable[[Account], Client]
TBILISI = ZoneInfo("Asia/Tbilisi")
UTC = dt.UTC


def access(
    personal_number: str = PERSON_A,
    *,
    at: dt.datetime,
    agency: str = "civil-registry",
    operation: str = "person",
    asker_kind: str = "person",
    asker: str = f"person:{PERSON_A}",
    asker_name: str = "ნინო ბერიძე",
    purpose: str = "self-view",
    on_behalf_of: str = "",
    source: str = "portal",
) -> DataAccess:
    return DataAccess.objects.create(
        personal_number=personal_number,
        accessed_at=at,
        asker_kind=asker_kind,
        asker=asker,
        asker_name=asker_name,
        on_behalf_of=on_behalf_of,
        purpose=purpose,
        agency=agency,
        operation=operation,
        source=source,
        request_id="c0ffee00-0000-4000-8000-000000000000",
    )


@pytest.fixture
def log(db: None) -> list[DataAccess]:
    """Person A's log (oldest first) and one entry about person B."""
    return [
        access(at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
        access(
            at=dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
            agency="revenue",
            operation="tax-debts",
            asker_kind="operator",
            asker="operator:hall-7",
            asker_name="Operator Tamar",
            purpose="case-handling",
            on_behalf_of=f"person:{PERSON_A}",
        ),
        access(
            # 20:30 UTC on 31 March is 00:30 on 1 April in Tbilisi.
            at=dt.datetime(2026, 3, 31, 20, 30, tzinfo=UTC),
            agency="patrol-police",
            operation="სისტემური შემოწმება",  # what an agency reported, in its words
            asker_kind="agency_staff",
            asker="inspector-12",
            asker_name="inspector-12",
            purpose="ადმინისტრაციული სამართალწარმოება",
            source="agency_report",
        ),
        access(
            PERSON_B,
            at=dt.datetime(2026, 3, 15, 8, 0, tzinfo=UTC),
            agency="border-police",
            operation="border-crossings",
            asker=f"person:{PERSON_B}",
            asker_name="Giorgi Kapanadze",
        ),
    ]


def test_the_log_shows_the_persons_own_accesses_newest_first_in_words(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    html = text_of(signed_in(person_a).get("/en/my-data/access-log/"))
    assert "3 accesses" in html
    rows = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>")[0]
    first, second, third = rows.split("</tr>")[:3]
    assert "1 April 2026, 00:30" in first and "Reported by the agency" in first
    assert "Agency staff" in first and "სისტემური შემოწმება" in first and "Patrol Police" in first
    assert "10 March 2026, 16:00" in second and "Public Service Hall operator" in second
    assert "Operator Tamar" in second and "on behalf of: You" in second
    assert "Handling a case" in second and "Tax debts" in second and "Revenue Service" in second
    assert "1 March 2026, 13:00" in third and "You" in third
    assert "You viewed your own data" in third and "Personal details" in third
    assert "Public Service Development Agency" in third and "The portal&#x27;s record" in third
    # Person B's access is not in person A's log.
    assert "Giorgi" not in html and "Border crossings" not in rows


def test_the_log_in_georgian_names_the_agencies_in_georgian(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    html = text_of(signed_in(person_a).get("/ka/my-data/access-log/"))
    assert "სახელმწიფო სერვისების განვითარების სააგენტო" in html
    assert "შემოსავლების სამსახური" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"agency": "revenue"}, {"Tax debts"}),
        ({"purpose": "self-view"}, {"Personal details"}),
        ({"since_day": "10", "since_month": "3", "since_year": "2026"}, {"Tax debts", "სისტ"}),
        ({"until_day": "31", "until_month": "03", "until_year": "2026"}, {"Personal", "Tax"}),
        (
            {"since_day": "1", "since_month": "4", "since_year": "2026"} | {"agency": "revenue"},
            set(),
        ),
        (
            {"since_day": "1", "since_month": "4", "since_year": "2026"}
            | {"until_day": "1", "until_month": "4", "until_year": "2026"},
            {"სისტემური"},
        ),
    ],
)
def test_the_filters_narrow_the_list(
    signed_in: SignIn,
    catalogue: None,
    person_a: Account,
    log: list[DataAccess],
    params: dict[str, str],
    expected: set[str],
) -> None:
    html = text_of(signed_in(person_a).get("/en/my-data/access-log/", params))
    assert "There is a problem" not in html
    rows = html.split("<tbody", 1)[1].split("</tbody>")[0] if "<tbody" in html else ""
    shown = rows.count("<tr ")
    assert shown == len(expected)
    for text in expected:
        assert text in rows
    assert "Accesses matching your filters" in html
    # The download links keep the filters.
    assert "/en/my-data/access-log.csv?" in html


@pytest.mark.parametrize(
    ("params", "anchor", "message"),
    [
        ({"since_day": "31", "since_month": "2", "since_year": "2026"}, "since-day", "real date"),
        ({"since_day": "1", "since_year": "2026"}, "since-day", "include a day, month and year"),
        ({"until_day": "x", "until_month": "y", "until_year": "z"}, "until-day", "real date"),
        ({"until_day": "1", "until_month": "1", "until_year": "26"}, "until-day", "real date"),
        (
            {"since_day": "2", "since_month": "3", "since_year": "2026"}
            | {"until_day": "1", "until_month": "3", "until_year": "2026"},
            "until-day",
            "same as or after the start date",
        ),
        ({"agency": "ministry-of-magic"}, "agency", "Select an agency from the list"),
        ({"purpose": "curiosity"}, "purpose", "Select a purpose from the list"),
    ],
)
def test_bad_filters_give_an_error_summary_and_change_nothing(
    signed_in: SignIn,
    catalogue: None,
    person_a: Account,
    log: list[DataAccess],
    params: dict[str, str],
    anchor: str,
    message: str,
) -> None:
    response = signed_in(person_a).get("/en/my-data/access-log/", {"agency": "revenue"} | params)
    html = text_of(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert f'href="#{anchor}"' in html and message in html
    assert f'id="{anchor}"' in html
    assert "<title>Error:" in html
    assert "3 accesses" in html  # unfiltered: the bad filter changed nothing
    assert '/en/my-data/access-log.csv"' in html  # and the downloads are unfiltered too


def test_the_list_is_paginated(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    start = dt.datetime(2025, 1, 1, tzinfo=UTC)
    for day in range(30):
        access(at=start + dt.timedelta(days=day), operation="address")
    client = signed_in(person_a)
    first = text_of(client.get("/en/my-data/access-log/", {"purpose": "self-view"}))
    assert "31 accesses" in first and "Page 1 of 2" in first
    assert 'href="?purpose=self-view&amp;page=2"' in first
    second = text_of(client.get("/en/my-data/access-log/", {"purpose": "self-view", "page": 2}))
    assert "Page 2 of 2" in second and ">1 January 2025, 04:00<" in second
    assert ">1 January 2025, 04:00<" not in first


def test_query_count_of_the_log_does_not_grow_with_its_length(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    client = signed_in(person_a)
    client.get("/en/my-data/access-log/")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/my-data/access-log/").status_code == 200
        return len(queries)

    few = count()
    for day in range(60):
        access(at=dt.datetime(2025, 6, 1, tzinfo=UTC) + dt.timedelta(hours=day))
    # session, account, catalogue check, count, page, the header's unread-inbox count
    assert count() == few <= 6


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"personal_number": PERSON_B}, {}),
        ({"subject": PERSON_B, "agency": "border-police"}, {}),
        ({}, {"X-Personal-Number": PERSON_B, "X-Subject": PERSON_B}),
    ],
)
@pytest.mark.parametrize(
    "url", ["/en/my-data/access-log/", "/en/my-data/access-log.csv", "/en/my-data/access-log.pdf"]
)
def test_no_parameter_or_header_shows_another_persons_log(
    signed_in: SignIn,
    catalogue: None,
    person_a: Account,
    person_b: Account,
    log: list[DataAccess],
    url: str,
    params: dict[str, str],
    headers: dict[str, str],
) -> None:
    response = signed_in(person_a).get(url, params, headers=headers)
    assert response.status_code == 200
    body = response.content
    if url.endswith(".pdf"):
        body = _pdf_text(body).encode()
    assert b"Giorgi" not in body and PERSON_B.encode() not in body.split(b"<main", 1)[-1]


def test_person_b_sees_only_their_own_single_access(
    signed_in: SignIn, catalogue: None, person_b: Account, log: list[DataAccess]
) -> None:
    html = text_of(signed_in(person_b).get("/en/my-data/access-log/"))
    assert "1 access," in html and "Border crossings" in html
    assert "Operator Tamar" not in html and "Tax debts" not in html


def test_the_csv_opens_in_excel_with_georgian_text_and_the_filters(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    response = signed_in(person_a).get("/ka/my-data/access-log.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    assert "no-store" in response["Cache-Control"]
    body: bytes = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 4  # the header and person A's three accesses
    assert rows[1][0] == "2026-04-01 00:30:00"  # Tbilisi time, newest first
    assert "სისტემური შემოწმება" in rows[1]
    assert "შემოსავლების სამსახური" in rows[2]
    assert rows[3][1:3] != ["", ""] and "ნინო ბერიძე" in rows[3]
    english = signed_in(person_a).get("/en/my-data/access-log.csv", {"agency": "revenue"})
    rows = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When (Tbilisi time)", "Who asked", "Name"]
    assert len(rows) == 2 and "Revenue Service" in rows[1] and "Handling a case" in rows[1]


def test_a_reported_text_cannot_become_a_spreadsheet_formula(
    signed_in: SignIn, catalogue: None, person_a: Account
) -> None:
    access(
        at=dt.datetime(2026, 1, 1, tzinfo=UTC), asker_name="=HYPERLINK(1)", source="agency_report"
    )
    body = signed_in(person_a).get("/en/my-data/access-log.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def test_a_download_with_bad_filters_goes_back_to_the_list_with_the_errors(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    for extension in ("csv", "pdf"):
        response = signed_in(person_a).get(
            f"/en/my-data/access-log.{extension}", {"since_day": "99", "since_month": "1"}
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/en/my-data/access-log/?since_day=99")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_is_a_tagged_pdf_listing_the_persons_accesses(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    response = signed_in(person_a).get("/ka/my-data/access-log.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    body: bytes = response.content
    assert body.startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", "-"], input=body, capture_output=True, check=True)
    assert "Tagged:          yes" in info.stdout.decode()
    text = _pdf_text(body)
    assert "01001012345" in text and "ნინო ბერიძე" in text
    assert "სისტემური" in text and "შემოწმება" in text and "Tamar" in text, text
    assert "2026-04-01" in text and "00:30:00" in text
    assert "Giorgi" not in text


def test_the_pdf_keeps_the_filters(
    signed_in: SignIn, catalogue: None, person_a: Account, log: list[DataAccess]
) -> None:
    response = signed_in(person_a).get("/en/my-data/access-log.pdf", {"agency": "revenue"})
    text = _pdf_text(response.content)
    assert "Tamar" in text and "Revenue Service" in text
    assert "სისტემური" not in text and "Agency: Revenue Service" in text


def _pdf_text(body: Any) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, check=True
    )
    return result.stdout.decode()
