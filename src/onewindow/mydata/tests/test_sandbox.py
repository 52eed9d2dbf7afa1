"""My data over real HTTP: signed queries to the sandbox agencies, faults and all.

The portal is Django's test client in this process; the agencies are the sandbox in its
own process (`sandbox` fixture, tests/sandbox_process.py), with the demo persons' data.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import httpx
import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.exchange.models import DataAccess
from onewindow.exchange.tests.conftest import exchange_through_sandbox
from onewindow.identity.models import Account
from onewindow.mydata.informational import AGENCY_CATALOG_CODES, SERVICE_OPERATIONS
from sandbox.access_reports import report_accesses

from .conftest import make_account, text_of

pytestmark = pytest.mark.django_db

NINO = "01001012345"  # demo persons (src/sandbox/demo.py, docs/demo-data.md)
GIORGI = "01008057492"
SignIn = Callable[[Account], Client]
OPERATIONS = {(op.agency, op.name) for ops in SERVICE_OPERATIONS.values() for op in ops}


@pytest.fixture
def portal(settings: Any, sandbox: RunningSandbox) -> Iterator[Any]:
    """The portal's exchange pointed at the sandbox, with nothing cached between tests."""
    with exchange_through_sandbox(settings, sandbox, timeout=3.0):
        yield settings


@pytest.fixture
def nino(db: None) -> Account:
    return make_account("nino", NINO, first_name="Nino", last_name="Beridze")


@pytest.fixture
def giorgi(db: None) -> Account:
    return make_account("giorgi", GIORGI, first_name="Giorgi", last_name="Beridze")


def test_the_dashboard_shows_data_from_every_agency_for_a_demo_person(
    portal: Any, catalogue: None, signed_in: SignIn, nino: Account
) -> None:
    html = text_of(signed_in(nino).get("/en/my-data/"))
    for agency in AGENCY_CATALOG_CODES:
        section = _agency_section(html, agency)
        assert 'data-state="ok"' in section and 'data-state="failed"' not in section, agency
        assert "govuk-summary-list" in section or "govuk-table" in section, agency
    assert "Try again" not in html
    assert "Nino" in html and "Beridze" in html
    # One query per operation, each about Nino, logged once.
    accesses = DataAccess.objects.filter(personal_number=NINO)
    assert {(a.agency, a.operation) for a in accesses} == OPERATIONS
    assert accesses.count() == len(OPERATIONS)
    assert {a.purpose for a in accesses} == {"self-view"}
    assert {a.asker for a in accesses} == {f"person:{NINO}"}


def test_the_queries_just_made_appear_in_the_access_log(
    portal: Any, catalogue: None, signed_in: SignIn, nino: Account
) -> None:
    client = signed_in(nino)
    client.get("/en/my-data/border-crossing/")
    html = text_of(client.get("/en/my-data/access-log/"))
    assert "1 access," in html and "Border crossings" in html and "You viewed your own data" in html
    assert "Border Police" in html and "The portal&#x27;s record" in html


def test_a_failing_agency_is_one_sections_message_and_retry_while_the_others_show(
    portal: Any, catalogue: None, signed_in: SignIn, nino: Account, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({"revenue": {"fail": True}})
    client = signed_in(nino)
    html = text_of(client.get("/en/my-data/"))
    revenue = _agency_section(html, "revenue")
    assert 'data-state="failed"' in revenue
    assert "not available at the moment" in revenue
    assert 'href="/en/my-data/tax-debt/"' in revenue and "Try again" in revenue
    for agency in set(AGENCY_CATALOG_CODES) - {"revenue"}:
        assert 'data-state="failed"' not in _agency_section(html, agency), agency
    # The agency is back: trying again shows its data.
    sandbox.set_faults({})
    retried = text_of(client.get("/en/my-data/tax-debt/"))
    assert 'data-state="ok"' in retried and "Try again" not in retried


@pytest.mark.parametrize("malformed", ["json", "shape"])
def test_a_malformed_answer_is_a_clear_section_error(
    portal: Any,
    catalogue: None,
    signed_in: SignIn,
    nino: Account,
    sandbox: RunningSandbox,
    malformed: str,
) -> None:
    sandbox.set_faults({"education": {"malformed": malformed}})
    response = signed_in(nino).get("/en/my-data/")
    assert response.status_code == 200
    education = _agency_section(text_of(response), "education")
    assert 'data-state="failed"' in education and "Try again" in education
    assert "not in the expected form" in education or "could not be" in education


@pytest.mark.parametrize("fault", [{"delay_ms": 2500}, {"hang": True}, {"down": True}])
def test_an_agency_slower_than_the_timeout_or_down_is_a_section_error(
    portal: Any,
    catalogue: None,
    signed_in: SignIn,
    nino: Account,
    sandbox: RunningSandbox,
    fault: dict[str, Any],
) -> None:
    portal.EXCHANGE_TIMEOUT_SECONDS = 1.0
    sandbox.set_faults({"border-police": fault})
    started = time.monotonic()
    html = text_of(signed_in(nino).get("/en/my-data/"))
    assert time.monotonic() - started < 2.5  # the others did not wait for it
    crossings = _agency_section(html, "border-police")
    assert 'data-state="failed"' in crossings and "not available at the moment" in crossings
    assert 'data-state="failed"' not in _agency_section(html, "civil-registry")


def test_the_dashboard_takes_as_long_as_the_slowest_agency_not_the_sum(
    portal: Any, catalogue: None, signed_in: SignIn, nino: Account, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({agency: {"delay_ms": 400} for agency in AGENCY_CATALOG_CODES})
    client = signed_in(nino)
    started = time.monotonic()
    html = text_of(client.get("/en/my-data/"))
    elapsed = time.monotonic() - started
    assert 'data-state="failed"' not in html
    # 19 queries of 400 ms each: about 7.6 s one after the other.
    assert elapsed < 1.6, elapsed


@contextmanager
def _connections_kept_open() -> Iterator[None]:
    """As Django's test client does: a WSGI request in the test must not close the test's
    database connection (PostgreSQL would lose the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_agencies_reports_appear_in_the_persons_log(
    portal: Any, catalogue: None, signed_in: SignIn, nino: Account, sandbox: RunningSandbox
) -> None:
    portal.ALLOWED_HOSTS = ["testserver"]
    with _connections_kept_open():
        results = report_accesses(
            portal="http://testserver",
            pki_dir=sandbox.pki_dir,
            count=20,
            seed=7,
            transport=httpx.WSGITransport(app=get_wsgi_application()),
        )
    assert all(result.problem is None for result in results), results
    reported = DataAccess.objects.filter(personal_number=NINO, source="agency_report")
    assert reported.exists()
    html = text_of(signed_in(nino).get("/en/my-data/access-log/", {"agency": "revenue"}))
    assert "Reported by the agency" in html and "Agency staff" in html
    assert "Handling a case" in html


def test_person_b_cannot_make_the_portal_ask_about_person_a(
    portal: Any, catalogue: None, signed_in: SignIn, nino: Account, giorgi: Account
) -> None:
    client = signed_in(giorgi)
    client.get(
        "/en/my-data/personal-data/",
        {"personal_number": NINO, "subject": NINO},
        headers={"X-Personal-Number": NINO, "OW-On-Behalf-Of": f"person:{NINO}"},
    )
    client.get(f"/en/my-data/access-log/?personal_number={NINO}")
    assert set(DataAccess.objects.values_list("personal_number", flat=True)) == {GIORGI}
    html = text_of(client.get("/en/my-data/personal-data/"))
    assert "Giorgi" in html and "Nino" not in html.split("<main", 1)[1]


def test_the_dashboard_query_count_does_not_grow_with_the_access_log(
    portal: Any, catalogue: None, signed_in: SignIn, nino: Account
) -> None:
    client = signed_in(nino)
    client.get("/en/my-data/")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/en/my-data/")
        return len(queries)

    before = count()
    DataAccess.objects.bulk_create(
        DataAccess(
            personal_number=NINO,
            accessed_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n),
            asker_kind="person",
            asker=f"person:{NINO}",
            purpose="self-view",
            agency="revenue",
            operation="tax-debts",
            source="portal",
        )
        for n in range(200)
    )
    assert count() == before <= 9  # +1: the header's unread-inbox count


def _agency_section(html: str, agency: str) -> str:
    start = html.index(f'data-agency="{agency}"')
    end = html.find("data-agency=", start + 1)
    return html[start : end if end != -1 else len(html)]
