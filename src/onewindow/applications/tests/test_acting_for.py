"""Applying on behalf of a company, against the real sandbox agencies (the `sandbox`
fixture, tests/sandbox_process.py): the choice is the Public Registry's list of the
companies the person represents (docs/demo-data.md: Nino is a representative of Beridze
Construction and the director of Georgian Digital Services; Levan a representative of
Georgian Digital Services and an individual entrepreneur; Mariam represents nobody), a
code the registry does not list is refused, the representation is asked again on submit,
and the application shows whom it was made for everywhere it is shown."""

# The fixtures come from journey_helpers: pytest passes them in under the same names.
# ruff: noqa: F811

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import sync_playwright
from tests.sandbox_process import RunningSandbox

from onewindow.applications import pdf
from onewindow.applications.acting_for import CHOSEN_KEY
from onewindow.applications.models import Application, Draft
from onewindow.backoffice.tests.conftest import make_staff
from onewindow.catalog.models import Agency, Service
from onewindow.exchange.models import DataAccess
from onewindow.exchange.tests.conftest import exchange_through_sandbox
from onewindow.identity.models import Account

from .journey_helpers import agency, make_citizen, make_service  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

NINO, LEVAN, MARIAM = "01001012345", "60001045678", "01017033481"
BERIDZE_CONSTRUCTION, DIGITAL_SERVICES, LEVAN_IE = "404123456", "404987654", "412987654"

# A form that asks, like catalog/forms/fine-appeal.yaml, whether the person acts for a
# company and which one.
COMPANY_FORM: dict[str, Any] = {
    "kind": "application",
    "addressee": "provider",
    "pages": [
        {
            "id": "acting-for",
            "fields": [
                {
                    "name": "acting_for_company",
                    "type": "yes-no",
                    "label": {"ka": "კომპანიის სახელით?", "en": "On behalf of a company?"},
                }
            ],
        },
        {
            "id": "company",
            "when": {"field": "acting_for_company", "equals": "yes"},
            "fields": [
                {
                    "name": "company",
                    "type": "select",
                    "prefill": "represented-companies",
                    "label": {"ka": "რომელი ორგანიზაცია?", "en": "Which organisation?"},
                }
            ],
        },
        {
            "id": "about",
            "fields": [
                {
                    "name": "reason",
                    "type": "text",
                    "label": {"ka": "მიზეზი", "en": "Reason for the application"},
                }
            ],
        },
    ],
}
# A form of a service only companies use: it does not ask whom (the start page does).
PLAIN_FORM: dict[str, Any] = {
    "kind": "application",
    "addressee": "provider",
    "pages": [COMPANY_FORM["pages"][2]],
}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CSS = Path(__file__).resolve().parents[2] / "static" / "dist" / "css" / "onewindow.css"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def portal(settings: Any, sandbox: RunningSandbox) -> Iterator[Any]:
    """The portal's exchange pointed at the sandbox, with nothing cached between tests."""
    with exchange_through_sandbox(settings, sandbox, timeout=3.0):
        yield settings


@pytest.fixture
def nino(db: None) -> Account:
    return make_citizen("nino", NINO)


@pytest.fixture
def company_service(agency: Agency) -> Service:
    return make_service(
        agency, code="fine-appeal", audience=Service.Audience.BOTH, form=COMPANY_FORM
    )


@pytest.fixture
def companies_only(agency: Agency) -> Service:
    return make_service(
        agency, code="company-thing", audience=Service.Audience.LEGAL_ENTITY, form=PLAIN_FORM
    )


def signed_in(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def text(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def page_url(draft: Draft, page: str) -> str:
    return f"/en/apply/draft/{draft.pk}/{page}/"


def submit(client: Client, draft: Draft) -> Any:
    return client.post(
        f"/en/apply/draft/{draft.pk}/submit/", {"submission_key": str(draft.submission_key)}
    )


def started_for(client: Client, service: Service, choice: str) -> Draft:
    """Start (or resume) the service's draft for `choice` and answer the rest of the form."""
    response = client.post(f"/en/apply/{service.code}/", {"acting_for": choice})
    assert response.status_code == 302, text(response)
    draft = Draft.objects.get(pk=response["Location"].split("/")[4])
    assert response["Location"] == page_url(draft, "about")  # whom: answered already
    saved = client.post(page_url(draft, "about"), {"reason": "Appeal"})
    assert saved["Location"] == f"/en/apply/draft/{draft.pk}/check/"
    draft.refresh_from_db()
    return draft


def test_the_choice_is_the_registrys_list_of_the_persons_companies(
    portal: Any, nino: Account, company_service: Service
) -> None:
    response = signed_in(nino).get("/en/apply/fine-appeal/")
    assert response.status_code == 200
    page = text(response)
    assert "Who are you applying for?" in page
    assert 'type="radio" value="myself"' in page and "Myself (Nino Beridze)" in page
    for name, code in (
        ("Beridze Construction LLC", BERIDZE_CONSTRUCTION),
        ("Georgian Digital Services JSC", DIGITAL_SERVICES),
    ):
        assert f'value="{code}"' in page and name in page and f"Identification code {code}" in page
    assert LEVAN_IE not in page  # Levan's, not hers
    assert 'type="text"' not in page  # never a code typed in
    assert Draft.objects.count() == 0  # nothing starts before the choice
    georgian = text(signed_in(nino).get("/ka/apply/fine-appeal/"))
    assert "ნინო ბერიძე" in georgian and "„ბერიძე კონსტრაქშენი“" in georgian
    asked = DataAccess.objects.filter(personal_number=NINO, purpose="representation")
    assert asked.exists()  # in her data-access log

    levan = make_citizen("levan", LEVAN)
    page = text(signed_in(levan).get("/en/apply/fine-appeal/"))
    assert f'value="{DIGITAL_SERVICES}"' in page and f'value="{LEVAN_IE}"' in page  # his own IE
    assert f'value="{BERIDZE_CONSTRUCTION}"' not in page  # a partner, not a representative


def test_each_company_and_oneself_have_their_own_draft_and_the_company_is_read_only(
    portal: Any, nino: Account, company_service: Service
) -> None:
    client = signed_in(nino)
    digital = started_for(client, company_service, DIGITAL_SERVICES)
    assert digital.acting_for == DIGITAL_SERVICES
    assert digital.prefilled["company"]["value"] == DIGITAL_SERVICES
    assert digital.prefilled["acting_for_company"]["value"] == "yes"
    assert "company" not in digital.answers and "acting_for_company" not in digital.answers

    own = started_for(client, company_service, "myself")
    construction = started_for(client, company_service, BERIDZE_CONSTRUCTION)
    assert own.acting_for == "" and own.prefilled["acting_for_company"]["value"] == "no"
    assert len({digital.pk, own.pk, construction.pk}) == 3
    again = client.post("/en/apply/fine-appeal/", {"acting_for": DIGITAL_SERVICES})
    assert again["Location"] == f"/en/apply/draft/{digital.pk}/check/"  # resumed, not new
    assert Draft.objects.filter(owner=nino).count() == 3

    # The form's own question shows the choice, with no way to change it there.
    check = text(client.get(f"/en/apply/draft/{digital.pk}/check/"))
    assert "Georgian Digital Services JSC (404987654)" in check
    assert 'id="change-company"' not in check and 'id="change-acting_for_company"' not in check
    posted = client.post(page_url(digital, "company"), {"company": BERIDZE_CONSTRUCTION})
    assert posted.status_code == 302
    posted = client.post(page_url(digital, "acting-for"), {"acting_for_company": "no"})
    digital.refresh_from_db()
    assert digital.prefilled["company"]["value"] == DIGITAL_SERVICES
    assert digital.prefilled["acting_for_company"]["value"] == "yes"
    assert "company" not in digital.answers and "acting_for_company" not in digital.answers


def test_a_company_the_registry_does_not_list_for_the_person_is_refused(
    portal: Any, nino: Account, company_service: Service
) -> None:
    client = signed_in(nino)
    for tampered in (LEVAN_IE, "400000001", "not-a-code"):
        response = client.post("/en/apply/fine-appeal/", {"acting_for": tampered})
        assert response.status_code == 400
        page = text(response)
        assert "There is a problem" in page
        assert "The Public Registry does not list you as a representative of that company" in page
        assert 'href="#acting_for"' in page and 'id="acting_for"' in page
    nothing = client.post("/en/apply/fine-appeal/", {})
    assert nothing.status_code == 200  # the question, not yet an error
    empty = client.post("/en/apply/fine-appeal/", {"acting_for": ""})
    assert empty.status_code == 400 and "Select who you are applying for" in text(empty)
    assert Draft.objects.count() == 0


def test_submitting_for_a_company_records_it_and_every_view_shows_it(
    portal: Any, nino: Account, company_service: Service, agency: Agency
) -> None:
    client = signed_in(nino)
    draft = started_for(client, company_service, DIGITAL_SERVICES)
    response = submit(client, draft)
    application = Application.objects.get()
    assert response["Location"] == f"/en/applications/{application.reference}/submitted/"
    assert application.acting_for == DIGITAL_SERVICES
    shown = "n behalf of Georgian Digital Services JSC (404987654)"

    detail = text(client.get(f"/en/applications/{application.reference}/"))
    assert f"O{shown}" in detail
    assert f"O{shown}" in text(client.get("/en/applications/"))
    with translation.override("en"):
        rendition = render_to_string(
            "applications/application_pdf.html", pdf._context(application, "en")
        )
    assert "On behalf of the company" in rendition
    assert "Georgian Digital Services JSC (404987654)" in rendition

    clerk = make_staff("clerk", agency, "clerk", "Eka", "Clerk")
    case = text(signed_in(clerk).get(f"/en/office/cases/{application.reference}/"))
    assert f"o{shown}" in case

    # One's own application says nothing of the kind.
    own = started_for(client, company_service, "myself")
    submit(client, own)
    mine = Application.objects.get(acting_for="")
    assert "n behalf of" not in text(client.get(f"/en/applications/{mine.reference}/"))


def test_a_representation_lost_since_the_start_refuses_the_submission(
    portal: Any, nino: Account, company_service: Service
) -> None:
    client = signed_in(nino)
    draft = started_for(client, company_service, DIGITAL_SERVICES)
    # Since the draft started, the registry stopped listing her for the company: the
    # registry is asked about a person it lists for no company (Mariam, docs/demo-data.md).
    Account.objects.filter(pk=nino.pk).update(personal_number=MARIAM)

    response = submit(client, draft)
    assert response["Location"] == f"/en/apply/draft/{draft.pk}/check/"
    check = text(client.get(response["Location"]))
    assert (
        "The Public Registry no longer lists you as a representative of Georgian Digital "
        "Services JSC (404987654), so you cannot apply on its behalf" in check
    )
    assert Application.objects.count() == 0
    assert Draft.objects.filter(pk=draft.pk, acting_for=DIGITAL_SERVICES).exists()


def test_a_registry_that_cannot_be_reached_refuses_the_submission(
    portal: Any, nino: Account, company_service: Service, sandbox: RunningSandbox
) -> None:
    client = signed_in(nino)
    draft = started_for(client, company_service, DIGITAL_SERVICES)
    sandbox.set_faults({"public-registry": {"fail": True}})

    response = submit(client, draft)
    assert response["Location"] == f"/en/apply/draft/{draft.pk}/check/"
    check = text(client.get(response["Location"]))
    assert "We cannot check with the Public Registry that you still represent" in check
    assert "Nothing has been sent" in check
    assert Application.objects.count() == 0
    assert Draft.objects.filter(pk=draft.pk).exists()

    # At the start: a service only companies use cannot start; another can, for oneself.
    companies_page = client.get("/en/apply/fine-appeal/")
    assert companies_page.status_code == 200
    page = text(companies_page)
    assert "the Public Registry is not answering" in page and 'value="myself"' in page
    assert f'value="{DIGITAL_SERVICES}"' not in page
    refused = client.post("/en/apply/fine-appeal/", {"acting_for": DIGITAL_SERVICES})
    assert refused.status_code == 400
    assert Draft.objects.count() == 1


def test_a_service_only_companies_use_works_for_a_representative(
    portal: Any, nino: Account, companies_only: Service, sandbox: RunningSandbox
) -> None:
    client = signed_in(nino)
    page = text(client.get("/en/apply/company-thing/"))
    assert "Only a company can apply for this service" in page
    assert 'value="myself"' not in page and f'value="{BERIDZE_CONSTRUCTION}"' in page
    assert 'id="acting_for"' in page  # the first company: the error summary's target
    refused = client.post("/en/apply/company-thing/", {"acting_for": "myself"})
    assert refused.status_code == 400 and Draft.objects.count() == 0

    draft = started_for(client, companies_only, BERIDZE_CONSTRUCTION)
    assert draft.acting_for == BERIDZE_CONSTRUCTION
    assert draft.prefilled[CHOSEN_KEY]["name"]["en"] == "Beridze Construction LLC"
    submit(client, draft)
    application = Application.objects.get()
    assert application.acting_for == BERIDZE_CONSTRUCTION
    detail = text(client.get(f"/en/applications/{application.reference}/"))
    assert "On behalf of Beridze Construction LLC (404123456)" in detail

    # Someone the registry lists for no company is told so, and what to do.
    mariam = signed_in(make_citizen("mariam", MARIAM))
    response = mariam.get("/en/apply/company-thing/")
    assert response.status_code == 403
    page = text(response)
    assert "does not list you as the director, a representative" in page
    assert "Public Service Hall" in page

    # The registry down: nothing starts.
    sandbox.set_faults({"public-registry": {"fail": True}})
    down = client.get("/en/apply/company-thing/")
    assert down.status_code == 503
    assert "the Public Registry is not answering" in text(down)
    assert Draft.objects.count() == 0


def test_the_choice_page_has_no_axe_violations(
    portal: Any, nino: Account, company_service: Service, companies_only: Service
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (set CHROMIUM)")
    client = signed_in(nino)
    pages = {
        f"{lang}-{name}": text(response)
        for lang in ("en", "ka")
        for name, response in (
            ("question", client.get(f"/{lang}/apply/fine-appeal/")),
            ("error", client.post(f"/{lang}/apply/fine-appeal/", {"acting_for": LEVAN_IE})),
            ("companies-only", client.post(f"/{lang}/apply/company-thing/", {"acting_for": ""})),
        )
    }
    assert all("acting_for" in html for html in pages.values())
    styles = f"<style>{CSS.read_text()}</style>"
    found: dict[str, Any] = {}

    def check() -> None:  # Playwright's sync API in its own thread (its event loop)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            tab = browser.new_page()
            for name, html in pages.items():
                tab.set_content(html.replace("</head>", f"{styles}</head>"))
                results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
                found[name] = [
                    (v["id"], [n["target"] for n in v["nodes"][:3]])
                    for v in results.response["violations"]
                ]
                # By keyboard: the first Tab stops reach the radios and the button.
                tab.focus("#acting_for")
                tab.keyboard.press("Space")
                found[f"{name}-checked"] = tab.is_checked("#acting_for")
            browser.close()

    worker = threading.Thread(target=check)
    worker.start()
    worker.join(timeout=120)
    assert len(found) == 2 * len(pages), found
    for name in pages:
        assert found[name] == [], (name, found[name])
        assert found[f"{name}-checked"] is True, name


def test_a_letter_carries_the_choice_through_the_institution_page(
    portal: Any, nino: Account, agency: Agency
) -> None:
    letter_form = {**COMPANY_FORM, "kind": "letter", "addressee": "chosen"}
    make_service(agency, code="letter", audience=Service.Audience.BOTH, form=letter_form)
    client = signed_in(nino)
    chosen = client.post("/en/apply/letter/", {"acting_for": DIGITAL_SERVICES})
    assert chosen.status_code == 200 and "Which institution is it for?" in text(chosen)
    assert f'name="acting_for" value="{DIGITAL_SERVICES}"' in text(chosen)
    assert Draft.objects.count() == 0

    # The carried choice is checked again: a code changed on the way is refused.
    tampered = client.post("/en/apply/letter/", {"acting_for": LEVAN_IE, "agency": agency.code})
    assert tampered.status_code == 400 and Draft.objects.count() == 0

    response = client.post("/en/apply/letter/", {"acting_for": DIGITAL_SERVICES, "agency": "psda"})
    draft = Draft.objects.get()
    assert response["Location"] == page_url(draft, "about")
    assert draft.acting_for == DIGITAL_SERVICES and draft.agency == agency
