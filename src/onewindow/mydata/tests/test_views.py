"""The dashboard and the service pages' logic, with a stand-in for the exchange.

Who is asked about is always the signed-in person; a failed agency is one section's
message and a way to try again. (`test_sandbox.py` does the same over real HTTP.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from onewindow.identity.models import Account
from onewindow.mydata.informational import AGENCY_CATALOG_CODES, SERVICE_OPERATIONS
from onewindow.mydata.services import personal_data_dashboard

from .conftest import PERSON_A, PERSON_B, FakeExchange, make_account, text_of

pytestmark = pytest.mark.django_db

SignIn = Callable[[Account], Client]
PAGES = [
    "/{lang}/my-data/",
    "/{lang}/my-data/personal-data/",
    "/{lang}/my-data/access-log/",
    "/{lang}/my-data/access-log.csv",
    "/{lang}/my-data/access-log.pdf",
]


@pytest.mark.parametrize("lang", ["ka", "en"])
@pytest.mark.parametrize("template", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_and_back(
    client: Client, catalogue: None, fake_exchange: FakeExchange, template: str, lang: str
) -> None:
    url = template.format(lang=lang)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/sign-in/?next={url}"
    assert fake_exchange.calls == []


@pytest.mark.parametrize("template", PAGES)
def test_an_account_without_a_personal_number_is_told_it_needs_one(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, template: str
) -> None:
    staff = make_account("operator", None)
    response = signed_in(staff).get(template.format(lang="en"))
    assert response.status_code == 403
    assert "My data needs a personal number" in text_of(response)
    assert fake_exchange.calls == []


def test_the_dashboard_asks_every_agency_once_about_the_person_in_one_call(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    response = signed_in(person_a).get("/en/my-data/")
    assert response.status_code == 200
    ((queries, asker),) = fake_exchange.calls
    pairs = [(query.agency, query.operation) for query in queries]
    expected = {(op.agency, op.name) for ops in SERVICE_OPERATIONS.values() for op in ops}
    assert len(pairs) == len(set(pairs)) and set(pairs) == expected
    assert fake_exchange.subjects == {PERSON_A}
    assert {query.subject.type for query in queries} == {"person"}
    assert (asker.kind, asker.user, asker.purpose) == ("person", f"person:{PERSON_A}", "self-view")
    assert asker.on_behalf_of is None


def test_the_dashboard_shows_every_agencys_data_in_words(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    html = text_of(signed_in(person_a).get("/en/my-data/"))
    for agency in AGENCY_CATALOG_CODES:
        assert f'data-agency="{agency}"' in html
    assert "Public Service Development Agency" in html and "Tbilisi City Hall" in html
    assert "Nino" in html and "Beridze" in html and "27 March 1990" in html
    assert "12 Rustaveli Ave., Tbilisi" in html
    assert "Speeding" in html and "50.00" in html and "Unpaid" in html
    assert 'data-state="failed"' not in html and "Try again" not in html
    assert 'href="/en/my-data/access-log/"' in html


def test_the_dashboard_in_georgian_shows_the_georgian_texts(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    html = text_of(signed_in(person_a).get("/ka/my-data/"))
    assert '<html lang="ka"' in html
    assert "ნინო" in html and "ქ. თბილისი, რუსთაველის გამზ. №12" in html
    assert "Rustaveli" not in html


def test_a_failed_agency_shows_its_message_and_a_retry_while_the_others_show_data(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    fake_exchange.fail("patrol-police")
    html = text_of(signed_in(person_a).get("/en/my-data/"))
    fines = _section(html, "fines-info")
    assert 'data-state="failed"' in fines
    assert "The agency&#x27;s service is not available at the moment" in fines
    assert 'href="/en/my-data/fines-info/"' in fines and "Try again" in fines
    assert "Try again" in _section(html, "vehicle-ownership")
    assert "Try again" in _section(html, "driving-licence")
    personal = _section(html, "personal-data")
    assert 'data-state="ok"' in personal and "Nino" in personal and "Try again" not in personal
    assert "3 sections could not be shown" in html  # fines, vehicles, driving licence


def test_a_malformed_answer_is_a_section_error_not_a_crash(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    fake_exchange.malformed("border-police")
    html = text_of(signed_in(person_a).get("/en/my-data/"))
    crossings = _section(html, "border-crossing")
    assert "was not in the expected form" in crossings and "Try again" in crossings


@pytest.mark.parametrize(
    "data",
    [
        {"items": "not a list"},
        {"items": [1, None, "x", {"crossed_at": 3, "direction": ["?"]}]},
        {"unexpected": {"deeply": {"nested": {"thing": {"here": [1]}}}}},
        {},
    ],
)
def test_odd_data_that_passed_the_exchange_is_still_shown_without_an_error(
    signed_in: SignIn,
    catalogue: None,
    fake_exchange: FakeExchange,
    person_a: Account,
    data: object,
) -> None:
    fake_exchange.data[("border-police", "border-crossings")] = data
    response = signed_in(person_a).get("/en/my-data/border-crossing/")
    assert response.status_code == 200


def test_the_retry_page_asks_only_that_services_agencies(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    html = text_of(signed_in(person_a).get("/en/my-data/fines-info/"))
    ((queries, _asker),) = fake_exchange.calls
    assert [(q.agency, q.operation) for q in queries] == [("patrol-police", "fines")]
    assert "<h1" in html and "Your fines" in html and "Speeding" in html


def test_a_service_page_shows_only_the_part_of_the_answer_it_is_about(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    fake_exchange.data[("social-service", "benefits")] = {
        "items": [
            {"programme": "child-benefit", "programme_name": {"ka": "ბ", "en": "Child benefit"},
             "status": "active", "monthly_gel": 50.0, "since": "2025-01-01", "until": None,
             "rating_score": 30000},
            {"programme": "idp-allowance", "programme_name": {"ka": "დ", "en": "IDP allowance"},
             "status": "active", "monthly_gel": 45.0, "since": "2020-01-01", "until": None,
             "rating_score": None},
        ]
    }  # fmt: skip
    html = text_of(signed_in(person_a).get("/en/my-data/child-benefit/"))
    assert "Child benefit" in html and "IDP allowance" not in html


@pytest.mark.parametrize(
    "code",
    ["no-such-service", "debtors-registry-search", "registry-extract", "real-estate-x", PERSON_B],
)
def test_only_mapped_informational_services_have_a_page(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account, code: str
) -> None:
    assert signed_in(person_a).get(f"/en/my-data/{code}/").status_code == 404
    assert fake_exchange.calls == []


@pytest.mark.parametrize("url", ["/en/my-data/", "/en/my-data/real-estate/"])
@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"personal_number": PERSON_B}, {}),
        ({"subject": PERSON_B, "id": PERSON_B, "pn": PERSON_B, "retry": "personal-data"}, {}),
        ({}, {"X-Personal-Number": PERSON_B}),
        ({}, {"X-Subject": PERSON_B, "OW-User": f"person:{PERSON_B}"}),
        ({}, {"OW-On-Behalf-Of": f"person:{PERSON_B}", "X-Forwarded-User": "giorgi"}),
    ],
)
def test_no_parameter_or_header_makes_the_portal_ask_about_someone_else(
    signed_in: SignIn,
    catalogue: None,
    fake_exchange: FakeExchange,
    person_a: Account,
    person_b: Account,
    url: str,
    params: dict[str, str],
    headers: dict[str, str],
) -> None:
    response = signed_in(person_a).get(url, params, headers=headers)
    assert response.status_code == 200
    assert fake_exchange.subjects == {PERSON_A}
    assert all(asker.on_behalf_of is None for _queries, asker in fake_exchange.calls)
    main = text_of(response).split("<main", 1)[1].split("</main>", 1)[0]
    assert PERSON_B not in main


def test_person_b_sees_only_their_own_data(
    signed_in: SignIn,
    catalogue: None,
    fake_exchange: FakeExchange,
    person_a: Account,
    person_b: Account,
) -> None:
    signed_in(person_b).get("/en/my-data/")
    signed_in(person_b).get("/en/my-data/personal-data/", {"personal_number": PERSON_A})
    assert fake_exchange.subjects == {PERSON_B}


def test_the_pages_only_answer_get(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    client = signed_in(person_a)
    for template in PAGES:
        assert client.post(template.format(lang="en")).status_code == 405
    assert fake_exchange.calls == []


def test_the_pages_are_never_cached_by_browsers_or_proxies(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    response = signed_in(person_a).get("/en/my-data/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_dashboard_costs_a_bounded_number_of_queries(
    signed_in: SignIn, catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    client = signed_in(person_a)
    client.get("/en/my-data/")  # the catalogue's in-memory copy is built once per process
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/my-data/")
    # session, account, catalogue version check, the header's unread-inbox count (the
    # exchange's own writes: in its tests)
    assert len(queries) <= 4, [query["sql"] for query in queries]


def _section(html: str, code: str) -> str:
    start = html.index(f'id="service-{code}"')
    end = html.find('id="service-', start + 1)
    return html[start : end if end != -1 else len(html)]


def test_the_benchmarks_one_at_a_time_dashboard_asks_the_same_queries_separately(
    catalogue: None, fake_exchange: FakeExchange, person_a: Account
) -> None:
    together = personal_data_dashboard(account=person_a)
    ((all_queries, _asker),) = fake_exchange.calls
    fake_exchange.calls.clear()
    apart = personal_data_dashboard(account=person_a, one_at_a_time=True)
    assert [len(queries) for queries, _asker in fake_exchange.calls] == [1] * len(all_queries)
    assert [q for queries, _asker in fake_exchange.calls for q in queries] == all_queries
    assert apart == together
