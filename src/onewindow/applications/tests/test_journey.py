"""The apply journey through a small form: start, each page, back and change links,
errors, save and come back later (from another session), check your answers, submit,
confirmation; services without a form; who may apply."""

# The fixtures come from journey_helpers: pytest passes them in under the same names.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from onewindow.applications.models import Application, Draft
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account

from .journey_helpers import (  # noqa: F401 - fixtures
    agency,
    citizen,
    make_service,
    other_citizen,
    service,
)

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def signed_in(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def page_url(draft: Draft, page: str) -> str:
    return f"/en/apply/draft/{draft.pk}/{page}/"


ABOUT = {"reason": "New flat", "moving": "yes"}
MOVE = {
    "move_date-day": "15", "move_date-month": "1", "move_date-year": "2026",
    "new_address-city": "Tbilisi", "new_address-street": "Rustaveli Ave.",
    "new_address-building": "12",
}  # fmt: skip


def test_the_whole_journey(citizen: Account, service: Service) -> None:
    client = signed_in(citizen)
    response = client.get("/en/apply/address-change/")
    draft = Draft.objects.get(owner=citizen)
    assert response.status_code == 302
    assert response["Location"] == page_url(draft, "about")
    assert draft.expires_at > timezone.now() + timedelta(days=29)

    first = client.get(page_url(draft, "about"))
    assert first.status_code == 200
    body = text(first)
    assert "About you" in body and "Reason for the application" in body
    assert "Save and come back later" in body
    assert 'href="/en/services/address-change/"' in body  # back to the service's page

    # Nothing filled in: the error summary links to the fields.
    empty = client.post(page_url(draft, "about"), {})
    assert empty.status_code == 400
    body = text(empty)
    assert "There is a problem" in body and 'href="#reason"' in body
    assert body.count("govuk-error-message") >= 2

    response = client.post(page_url(draft, "about"), ABOUT)
    assert response["Location"] == page_url(draft, "move")
    move = text(client.get(page_url(draft, "move")))
    assert f'href="{page_url(draft, "about")}"' in move  # back link

    response = client.post(page_url(draft, "move"), MOVE)
    assert response["Location"] == page_url(draft, "contact")
    response = client.post(page_url(draft, "contact"), {"email": "Nino@Example.GE"})
    check_url = f"/en/apply/draft/{draft.pk}/check/"
    assert response["Location"] == check_url

    check = text(client.get(check_url))
    assert "Check your answers before sending your application" in check
    for answer in ("New flat", "15 January 2026", "Rustaveli Ave., 12", "Nino@example.ge"):
        assert answer in check, answer
    assert f'href="{page_url(draft, "move")}"' in check  # a Change link

    submit_url = f"/en/apply/draft/{draft.pk}/submit/"
    response = client.post(submit_url, {"submission_key": str(draft.submission_key)})
    application = Application.objects.get()
    assert response["Location"] == f"/en/applications/{application.reference}/submitted/"
    assert application.answers["email"] == "Nino@example.ge"
    confirmation = text(client.get(response["Location"]))
    assert "Application sent" in confirmation and application.reference in confirmation
    assert "Public Service Development Agency" in confirmation
    assert "must answer by" in confirmation

    # A second click finds the same application.
    again = client.post(submit_url, {"submission_key": str(draft.submission_key)})
    assert again["Location"] == response["Location"]
    assert Application.objects.count() == 1


def test_changing_an_answer_hides_a_page_and_drops_its_answers(
    citizen: Account, service: Service
) -> None:
    client = signed_in(citizen)
    client.get("/en/apply/address-change/")
    draft = Draft.objects.get(owner=citizen)
    client.post(page_url(draft, "about"), ABOUT)
    client.post(page_url(draft, "move"), MOVE)
    client.post(page_url(draft, "contact"), {"email": "nino@example.ge"})
    # Change: not moving after all.
    response = client.post(page_url(draft, "about"), {"reason": "New flat", "moving": "no"})
    assert response["Location"] == f"/en/apply/draft/{draft.pk}/check/"
    draft.refresh_from_db()
    assert "move_date" not in draft.answers and "new_address" not in draft.answers
    assert draft.completed_pages == ["about", "contact"]
    assert client.get(page_url(draft, "move")).status_code == 404
    # Moving again: the page is asked again before the check page.
    response = client.post(page_url(draft, "about"), ABOUT)
    assert response["Location"] == page_url(draft, "move")
    assert client.get(f"/en/apply/draft/{draft.pk}/check/")["Location"] == page_url(draft, "move")


def test_save_and_come_back_later_from_another_session(citizen: Account, service: Service) -> None:
    laptop = signed_in(citizen)
    laptop.get("/en/apply/address-change/")
    draft = Draft.objects.get(owner=citizen)
    response = laptop.post(page_url(draft, "about"), {**ABOUT, "later": "1"})
    assert response["Location"] == "/en/applications/drafts/"
    assert "Your answers are saved" in text(laptop.get(response["Location"]))

    phone = signed_in(citizen)  # another device, another session
    response = phone.get("/en/apply/address-change/")
    assert response["Location"] == page_url(draft, "move")  # resumed where they left off
    assert Draft.objects.filter(owner=citizen).count() == 1
    about = text(phone.get(page_url(draft, "about")))
    assert 'value="New flat"' in about


def test_a_broken_rule_shows_on_check_your_answers(citizen: Account, service: Service) -> None:
    client = signed_in(citizen)
    client.get("/en/apply/address-change/")
    draft = Draft.objects.get(owner=citizen)
    next_year = str(timezone.localdate().year + 1)
    client.post(page_url(draft, "about"), ABOUT)
    response = client.post(page_url(draft, "move"), {**MOVE, "move_date-year": next_year})
    assert response.status_code == 302  # the field itself has no bounds; the rule does
    client.post(page_url(draft, "contact"), {"email": "nino@example.ge"})
    check = text(client.get(f"/en/apply/draft/{draft.pk}/check/"))
    assert "There is a problem" in check and "The move must be in the past" in check
    assert 'href="#change-move_date"' in check and 'id="change-move_date"' in check
    response = client.post(f"/en/apply/draft/{draft.pk}/submit/")
    assert response["Location"] == f"/en/apply/draft/{draft.pk}/check/"
    assert Application.objects.count() == 0


def test_a_service_without_a_form_explains_how_to_apply(citizen: Account, agency: Agency) -> None:
    make_service(agency, code="paper-only", form=None, steps_en=["Go to the hall"])
    response = signed_in(citizen).get("/en/apply/paper-only/")
    assert response.status_code == 200
    body = text(response)
    assert "You cannot apply for this service online yet" in body and "Go to the hall" in body
    assert Draft.objects.count() == 0


def test_a_company_only_service_says_so(citizen: Account, agency: Agency, settings: Any) -> None:
    # Which company is asked of the registry first (test_acting_for.py); here none answers.
    settings.EXCHANGE_SANDBOX_URL, settings.EXCHANGE_AGENCY_URLS = "http://127.0.0.1:9", {}
    make_service(agency, code="company-thing", audience=Service.Audience.LEGAL_ENTITY)
    response = signed_in(citizen).get("/en/apply/company-thing/")
    assert response.status_code == 503
    assert "the Public Registry is not answering" in text(response)
    assert Draft.objects.count() == 0


def test_an_account_without_a_personal_number_cannot_apply(service: Service) -> None:
    staff = Account.objects.create_user(username="clerk", password=None, personal_number=None)
    response = signed_in(staff).get("/en/apply/address-change/")
    assert response.status_code == 403
    assert "needs a personal number" in text(response)


def test_an_unknown_service_is_not_found(citizen: Account, service: Service) -> None:
    assert signed_in(citizen).get("/en/apply/no-such-service/").status_code == 404


def test_the_confirmation_is_only_the_applicants(
    citizen: Account, other_citizen: Account, service: Service
) -> None:
    from onewindow.applications.services import application_submit

    from .journey_helpers import make_draft

    application = application_submit(make_draft(citizen, service), submitted_by=citizen)
    url = f"/en/applications/{application.reference}/submitted/"
    assert signed_in(citizen).get(url).status_code == 200
    assert signed_in(other_citizen).get(url).status_code == 404


def test_georgian_pages(citizen: Account, service: Service) -> None:
    client = signed_in(citizen)
    response = client.get("/ka/apply/address-change/")
    assert Draft.objects.get(owner=citizen).language == "ka"
    body = text(client.get(response["Location"]))
    assert "თქვენ შესახებ" in body and "განცხადების მიზეზი" in body
    assert re.search(r'<html[^>]+lang="ka"', body)


LETTER: dict[str, Any] = {
    "kind": "letter",
    "addressee": "chosen",
    "pages": [
        {
            "id": "letter",
            "title": {"ka": "წერილი", "en": "Your letter"},
            "fields": [
                {"name": "subject", "type": "text", "label": {"ka": "თემა", "en": "Subject"}},
                {"name": "body", "type": "textarea", "label": {"ka": "ტექსტი", "en": "Text"}},
            ],
        }
    ],
}


def test_a_letter_goes_to_the_institution_chosen(citizen: Account, agency: Agency) -> None:
    make_service(agency, code="letter", form=LETTER, deadline_working_days=None)
    other = Agency.objects.create(code="mof", name_ka="ფინანსთა სამინისტრო", name_en="Ministry")
    client = signed_in(citizen)
    choose = client.get("/en/apply/letter/")
    assert choose.status_code == 200
    assert "Which institution is it for?" in text(choose) and 'value="mof"' in text(choose)
    assert Draft.objects.count() == 0
    refused = client.post("/en/apply/letter/", {"agency": "no-such-agency"})
    assert refused.status_code == 400
    assert "Select the institution you are writing to" in text(refused)

    response = client.post("/en/apply/letter/", {"agency": "mof"})
    draft = Draft.objects.get()
    assert draft.agency == other
    assert response["Location"] == page_url(draft, "letter")
    assert client.get("/en/apply/letter/")["Location"] == page_url(draft, "letter")  # resumes
    client.post(page_url(draft, "letter"), {"subject": "Street lights", "body": "Please fix"})
    check = text(client.get(f"/en/apply/draft/{draft.pk}/check/"))
    assert "Sent to" in check and "Ministry" in check
    client.post(f"/en/apply/draft/{draft.pk}/submit/")
    application = Application.objects.get()
    assert application.agency == other
    assert application.kind == "letter"
    assert application.subject == "Street lights"
