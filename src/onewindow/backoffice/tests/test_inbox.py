"""The inbox: filters, search, order, keyset pages, and a query count that does not grow."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from onewindow.applications.models import Application
from onewindow.identity.models import Account

from .conftest import Office, make_case, signed_in, text_of

Status = Application.Status
REFERENCE = re.compile(r">(OW-2026-\d{7})</a>")
NEXT = re.compile(r'href="(\?[^"]*after=[^"]*)" rel="next"')
PREVIOUS = re.compile(r'href="(\?[^"]*before=[^"]*)" rel="prev"')


def _references(page: str) -> list[str]:
    return REFERENCE.findall(page)


def _all_pages(client: object, query: str = "") -> list[list[str]]:
    return _walk(client, f"/en/office/?{query}", NEXT)[0]


def _follow(client: object, url: str, link: re.Pattern[str]) -> str:
    """The URL the page at `url` links to with `link` (next or previous)."""
    found = link.search(text_of(client.get(url)))  # type: ignore[attr-defined]
    assert found is not None, f"no {link.pattern} on {url}"
    return "/en/office/" + found.group(1).replace("&amp;", "&")


def _walk(client: object, url: str, link: re.Pattern[str]) -> tuple[list[list[str]], str]:
    """Follow the `link` (next or previous) from `url` to its end: each page's cases,
    and the URL of the last page reached."""
    pages = []
    while True:
        page = text_of(client.get(url))  # type: ignore[attr-defined]
        pages.append(_references(page))
        found = link.search(page)
        if found is None:
            return pages, url
        url = "/en/office/" + found.group(1).replace("&amp;", "&")


def test_open_cases_of_the_agency_soonest_deadline_first(office: Office) -> None:
    late = make_case(office.citizen, office.service, due_in_days=30)
    soon = make_case(office.citizen, office.service, due_in_days=1)
    none = make_case(office.citizen, office.service, due_in_days=None)
    closed = make_case(office.citizen, office.service, status=Status.CLOSED)
    page = _references(text_of(signed_in(office.clerk).get("/en/office/")))
    assert page == [soon.reference, office.case.reference, late.reference, none.reference]
    assert closed.reference not in page and office.foreign_case.reference not in page


def test_newest_first(office: Office) -> None:
    old = make_case(office.citizen, office.service, submitted_days_ago=5)
    page = _references(text_of(signed_in(office.clerk).get("/en/office/?sort=submitted")))
    assert page == [office.case.reference, old.reference]


def test_filters(office: Office) -> None:
    mine = make_case(office.citizen, office.service, assignee=office.clerk)
    colleagues = make_case(office.citizen, office.service, assignee=office.second_clerk)
    other_service = make_case(office.citizen, office.other_service, due_in_days=3)
    overdue = make_case(office.citizen, office.service, due_in_days=-2, status=Status.IN_PROGRESS)
    answered = make_case(office.citizen, office.service, status=Status.ANSWERED)
    clerk = signed_in(office.clerk)

    def found(query: str) -> set[str]:
        return set(_references(text_of(clerk.get(f"/en/office/?{query}"))))

    assert found("assignee=mine") == {mine.reference}
    assert found("assignee=unassigned") == {
        office.case.reference,
        other_service.reference,
        overdue.reference,
    }
    assert found(f"assignee={office.second_clerk.pk}") == {colleagues.reference}
    assert found(f"service={office.other_service.pk}") == {other_service.reference}
    assert found("overdue=on") == {overdue.reference}
    assert found("status=answered") == {answered.reference}
    assert found("status=in-progress") == {overdue.reference}
    assert answered.reference in found("status=all")
    due_range = found("due_from=2000-01-01&due_to=" + str(other_service.due_on))
    assert due_range == {other_service.reference, overdue.reference}


def test_a_wrong_filter_is_explained(office: Office) -> None:
    response = signed_in(office.clerk).get("/en/office/?due_from=2026-05-01&due_to=2026-04-01")
    assert response.status_code == 200
    assert "The end of the range must be after its start" in text_of(response)


def test_search_by_reference_name_and_subject(office: Office) -> None:
    giorgi = Account.objects.create_user(
        username="giorgi",
        password=None,
        personal_number="01001099999",
        first_name="Giorgi",
        last_name="Tsereteli",
    )
    his = make_case(giorgi, office.service, subject="Lost passport of a child")
    clerk = signed_in(office.clerk)

    def found(query: str) -> list[str]:
        return _references(text_of(clerk.get("/en/office/", {"q": query})))

    assert found(his.reference) == [his.reference]
    assert found(his.reference.lower()) == [his.reference]
    assert found("tsereteli") == [his.reference]
    assert found("child") == [his.reference]
    assert found("01001012345") == [office.case.reference]
    assert found(office.foreign_case.reference) == []  # another agency's


@pytest.mark.parametrize(
    ("sort", "search"), [("due", ""), ("submitted", ""), ("due", "Nino"), ("submitted", "Nino")]
)
def test_keyset_pages_cover_every_case_once_in_order(
    office: Office, sort: str, search: str
) -> None:
    days = [5, 5, 5, None, 1, 9, None, 3, 5, 2] * 6  # ties and cases without a deadline
    for index, due in enumerate(days):
        case = make_case(office.citizen, office.service, due_in_days=due)
        if index % 3 == 0:  # ties in the submission time too
            Application.objects.filter(pk=case.pk).update(submitted_at=office.case.submitted_at)
    pages = _all_pages(signed_in(office.supervisor), f"sort={sort}&q={search}")
    assert [len(page) for page in pages] == [25, 25, 11]
    seen = [reference for page in pages for reference in page]
    cases = Application.objects.filter(agency=office.agency)
    if sort == "due":
        expected = sorted(cases, key=lambda c: (c.due_on is None, c.due_on or 0, c.pk))
    else:
        expected = sorted(cases, key=lambda c: (-c.submitted_at.timestamp(), c.pk))
    assert seen == [case.reference for case in expected]


@pytest.mark.parametrize(
    ("sort", "search"), [("due", ""), ("submitted", ""), ("due", "Nino"), ("submitted", "Nino")]
)
def test_previous_pages_walk_back_the_same_pages(office: Office, sort: str, search: str) -> None:
    days = [5, 5, 5, None, 1, 9, None, 3, 5, 2] * 6  # ties and cases without a deadline
    for index, due in enumerate(days):
        case = make_case(office.citizen, office.service, due_in_days=due)
        if index % 3 == 0:
            Application.objects.filter(pk=case.pk).update(submitted_at=office.case.submitted_at)
    client = signed_in(office.supervisor)
    forwards, last = _walk(client, f"/en/office/?sort={sort}&q={search}", NEXT)
    assert [len(page) for page in forwards] == [25, 25, 11]
    backwards, first = _walk(client, last, PREVIOUS)
    assert backwards == forwards[::-1]
    # Back at the start: no previous page, and a next page again; the filters are kept.
    page = text_of(client.get(first))
    assert PREVIOUS.search(page) is None and NEXT.search(page)
    assert f"sort={sort}" in first and "after=" not in first


def test_the_first_page_has_no_previous_page(office: Office) -> None:
    for _ in range(30):
        make_case(office.citizen, office.service, due_in_days=4)
    client = signed_in(office.clerk)
    page = text_of(client.get("/en/office/"))
    assert PREVIOUS.search(page) is None and NEXT.search(page)
    assert 'aria-label="Pages of the inbox"' in page
    second = text_of(client.get(_follow(client, "/en/office/", NEXT)))
    assert '<span class="govuk-pagination__link-title">Previous page</span>' in second
    assert 'aria-hidden="true" focusable="false"' in second  # the arrows are not read out


@pytest.mark.parametrize("cursor", ["after=nonsense~x", "before=nonsense~x", "before=2026-13-01~5"])
def test_a_broken_cursor_shows_the_first_page(office: Office, cursor: str) -> None:
    page = text_of(signed_in(office.clerk).get(f"/en/office/?{cursor}"))
    assert _references(page) == [office.case.reference]
    assert PREVIOUS.search(page) is None


def _queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_cases(office: Office) -> None:
    clerk = signed_in(office.clerk)
    staff = [office.clerk, office.second_clerk, office.supervisor, None]
    for index in range(9):
        make_case(office.citizen, office.service, assignee=staff[index % 4])
    clerk.get("/en/office/")  # the first request loads the catalogue into the process
    few = _queries(clerk, "/en/office/")
    few_filtered = _queries(clerk, "/en/office/?q=Nino&sort=submitted")
    for index in range(190):
        make_case(office.citizen, office.service, assignee=staff[index % 4])
    assert _queries(clerk, "/en/office/") == few
    assert _queries(clerk, "/en/office/?q=Nino&sort=submitted") == few_filtered
    # A page further on, and the way back to the one before it: the same queries.
    for start, expected in (
        ("/en/office/", few),
        ("/en/office/?q=Nino&sort=submitted", few_filtered),
    ):
        second = _follow(clerk, start, NEXT)
        assert _queries(clerk, second) == expected
        assert _queries(clerk, _follow(clerk, second, PREVIOUS)) == expected
    page = text_of(clerk.get("/en/office/"))
    assert len(_references(page)) == 25 and NEXT.search(page)
    # Session, account, role, memberships, catalogue version, colleagues (the assignee
    # filter), the page's ids, its rows, and the header's unread-notifications count.
    assert few <= 9
