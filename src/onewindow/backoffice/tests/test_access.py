"""Who may use the back-office, and which cases they see (every URL of it)."""

from __future__ import annotations

from django.test import Client

import pytest

from onewindow.applications.models import Application, StatusChange

from .conftest import Office, signed_in, text_of

ACTIONS = ("take", "receive", "start", "close", "reassign", "request-information", "answer", "note")


def _urls(case: Application) -> list[tuple[str, str]]:
    base = f"/en/office/cases/{case.reference}/"
    return [
        ("get", "/en/office/"),
        ("get", "/en/office/workload/"),
        ("get", base),
        *(("post", f"{base}{action}") for action in ACTIONS),
    ]


def _request(client: Client, method: str, url: str) -> int:
    response = client.post(url, {"body": "x"}) if method == "post" else client.get(url)
    return int(response.status_code)


def test_anonymous_people_are_sent_to_sign_in(office: Office, client: Client) -> None:
    for method, url in _urls(office.case):
        response = client.post(url) if method == "post" else client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in/" in response["Location"]


@pytest.mark.parametrize("who", ["citizen", "operator", "no_membership"])
def test_people_who_are_not_active_staff_are_refused(office: Office, who: str) -> None:
    client = signed_in(getattr(office, who))
    for method, url in _urls(office.case):
        assert _request(client, method, url) == 403, (who, url)
    assert office.case.assignee is None
    assert not StatusChange.objects.filter(application=office.case).exists()


def test_staff_of_another_agency_do_not_see_the_case(office: Office) -> None:
    client = signed_in(office.foreign_clerk)
    assert client.get("/en/office/").status_code == 200
    assert office.case.reference not in text_of(client.get("/en/office/"))
    for method, url in _urls(office.case)[2:]:
        assert _request(client, method, url) == 404, url
    # Their own agency's case they see.
    assert client.get(f"/en/office/cases/{office.foreign_case.reference}/").status_code == 200
    office.case.refresh_from_db()
    assert office.case.assignee is None and office.case.status == "submitted"


def test_a_case_that_does_not_exist_is_404_like_another_agencys(office: Office) -> None:
    client = signed_in(office.clerk)
    assert client.get("/en/office/cases/OW-2026-9999999/").status_code == 404
    assert client.get(f"/en/office/cases/{office.foreign_case.reference}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "inbox", "workload", "case"),
    [("clerk", 200, 403, 200), ("supervisor", 200, 200, 200)],
)
def test_clerks_and_supervisors(
    office: Office, who: str, inbox: int, workload: int, case: int
) -> None:
    client = signed_in(getattr(office, who))
    assert client.get("/en/office/").status_code == inbox
    assert client.get("/en/office/workload/").status_code == workload
    assert client.get(f"/en/office/cases/{office.case.reference}/").status_code == case
    page = text_of(client.get("/en/office/"))
    assert ("/en/office/workload/" in page) is (who == "supervisor")


def test_a_clerk_cannot_reassign_or_work_a_colleagues_case(office: Office) -> None:
    office.case.assignee = office.second_clerk
    office.case.save()
    client = signed_in(office.clerk)
    base = f"/en/office/cases/{office.case.reference}/"
    assert client.post(f"{base}reassign", {"assignee": office.clerk.pk}).status_code == 403
    for action in ("take", "receive", "start", "note"):
        response = client.post(f"{base}{action}", {"body": "mine now"}, follow=True)
        assert "assigned to a colleague" in text_of(response), action
    office.case.refresh_from_db()
    assert office.case.assignee == office.second_clerk
    assert office.case.status == "submitted"
    assert not office.case.internal_notes.exists()
