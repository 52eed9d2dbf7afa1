"""A letter for a company carries that company's seal (tests/e2e/test_company_seal.py's
defects): the seal is required when the applicant acts for a company of a service that takes
a signature; submission refuses an unsealed letter, a person's signature and another
company's seal, nothing stored; the application and case pages say whether the seal holds
and its level (valid, and not valid once the PDF is changed), and name the company; the
"Seal your application" page speaks of sealing throughout and shows the fingerprint.

Real parts: the session's test PKI (its TSA, OCSP responders, the companies' seal keys and
Nino's card key, signing as the devices do) and the sandbox agencies (the Public Registry
is asked again on submit whether Nino represents the company)."""

# ruff: noqa: F811 - the fixtures are imported, then named as arguments
from __future__ import annotations

import html
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client

import pytest

from onewindow.applications.models import Application, Draft
from onewindow.applications.tests.journey_helpers import (  # noqa: F401 - fixtures
    agency,
    citizen,
    make_draft,
    make_service,
)
from onewindow.applications.tests.test_acting_for import (  # noqa: F401 - fixtures
    COMPANY_FORM,
    portal,
    signed_in,
    started_for,
    submit,
)
from onewindow.backoffice.tests.conftest import make_staff
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account
from onewindow.signing import signed_drafts, validation
from onewindow.signing.models import SigningSession
from testpki import TestPki

from .conftest import card_sign, certificate_der
from .test_sign_journey import seal_sign
from .test_validation import change_one_byte

pytestmark = pytest.mark.usefixtures("pki_settings")

NINO = "01001012345"
BERIDZE, BERIDZE_NAME = "404123456", "Beridze Construction LLC"
DIGITAL_SERVICES = "404987654"
SEALED_BY = f"Sealed by {BERIDZE_NAME} (identification code {BERIDZE})"
ARCHIVED = "Level: long-term validation data included, protected by an archive timestamp"
CHANGED = "The document was changed after it was signed, so the signature no longer matches it."


@pytest.fixture
def letters(agency: Agency) -> Service:
    """A service that takes a signature only if the applicant wants one, for people and
    companies (like "Correspondence with public agencies")."""
    return make_service(
        agency,
        code="fine-appeal",
        audience=Service.Audience.BOTH,
        form=COMPANY_FORM,
        signature="optional",
    )


# --- The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "acting_for", "needed"),
    [
        ("optional", BERIDZE, "required"),
        ("required", BERIDZE, "required"),
        ("none", BERIDZE, "none"),
        ("optional", "", "optional"),
        ("required", "", "required"),
        ("none", "", "none"),
    ],
)
def test_a_company_must_seal_what_a_person_may_sign(
    citizen: Account, agency: Agency, declared: str, acting_for: str, needed: str
) -> None:
    service = make_service(agency, code=f"service-{declared}", signature=declared)
    draft = make_draft(citizen, service, acting_for=acting_for)
    assert signed_drafts.requirement(draft) == needed


def test_check_your_answers_of_a_company_letter_leads_to_sealing(
    citizen: Account, agency: Agency
) -> None:
    service = make_service(agency, code="letters", signature="optional")
    company = make_draft(citizen, service, acting_for=BERIDZE)
    client = signed_in(citizen)
    page = text(client.get(f"/en/apply/draft/{company.pk}/check/"))
    assert "Now seal your application" in page
    assert "must be sealed with the company's seal before it is sent" in page
    assert f'role="button" href="/en/sign/draft/{company.pk}/">Continue to sealing</a>' in page
    assert f'action="/en/apply/draft/{company.pk}/submit/"' not in page
    assert "Accept and send" not in page

    # A person writing for themselves: unchanged (send, or sign first if they wish).
    own = make_draft(citizen, make_service(agency, code="letters-2", signature="optional"))
    page = text(client.get(f"/en/apply/draft/{own.pk}/check/"))
    assert f'action="/en/apply/draft/{own.pk}/submit/"' in page
    assert "Sign it with your ID card before sending" in page
    assert "Continue to sealing" not in page and "Continue to signing" not in page


# --- Submission -----------------------------------------------------------------------------


def _signed_with(draft: Draft, account: Account, certificate: bytes, sign: Any) -> None:
    """Sign the draft as the card agent would, straight through the signing step's parts
    (the page's `prepare` refuses a wrong device before it signs anything: this is what a
    tampered browser or an old session could leave)."""
    started = signed_drafts.start(
        draft, account=account, certificate=certificate, attachment_ids=[]
    )
    signed_drafts.complete(started.session, sign(started.digest, started.hash_function))


def _refused(client: Client, draft: Draft, expected: str) -> None:
    response = submit(client, draft)
    assert response["Location"] == f"/en/apply/draft/{draft.pk}/check/"
    assert expected in text(client.get(response["Location"]))
    assert Application.objects.count() == 0
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_a_company_letter_is_sent_only_with_that_companys_seal(
    portal: Any, citizen: Account, letters: Service, agency: Agency, idpki: TestPki
) -> None:
    client = signed_in(citizen)
    draft = started_for(client, letters, BERIDZE)
    must_seal = "This application must be sealed with the company's seal before it is sent."

    # 1. No seal at all.
    _refused(client, draft, must_seal)

    # 2. Nino's own signature (a person's, PNOGE-…), not the company's seal.
    card = idpki.card_of(NINO)
    _signed_with(
        draft, citizen, certificate_der(card.sign_cert), lambda d, h: card_sign(card, d, h)
    )
    _refused(client, draft, must_seal)

    # 3. A seal, but of another company she also represents.
    other = idpki.seal(DIGITAL_SERVICES)
    _signed_with(
        draft, citizen, certificate_der(other.cert), lambda d, h: seal_sign(other.key, d, h)
    )
    _refused(client, draft, must_seal)

    # 4. The company's own seal: sent, the seal is the application's document.
    seal = idpki.seal(BERIDZE)
    _signed_with(draft, citizen, certificate_der(seal.cert), lambda d, h: seal_sign(seal.key, d, h))
    response = submit(client, draft)
    application = Application.objects.get()
    assert response["Location"] == f"/en/applications/{application.reference}/submitted/"
    with application.pdf.open("rb") as handle:
        report = validation.validate(handle.read())
    assert report.valid and report.signatures[0].identifier == f"NTRGE-{BERIDZE}"
    assert report.signatures[0].capacity == "seal" and report.signatures[0].level == "B-LTA"

    # The application page: the company by name, the seal valid and its level.
    detail = text(client.get(f"/en/applications/{application.reference}/"))
    assert f'id="acting-for-company">{BERIDZE_NAME} ({BERIDZE})</dd>' in detail
    signatures = _signed_by(detail)
    assert SEALED_BY in signatures and "(time confirmed by a timestamp)" in signatures
    assert ">Valid</strong>" in signatures and ARCHIVED in signatures
    assert "Not valid" not in signatures

    # The clerk's case page says the same.
    clerk = signed_in(make_staff("clerk", agency, "clerk", "Eka", "Clerk"))
    case = text(clerk.get(f"/en/office/cases/{application.reference}/"))
    signatures = _signed_by(case)
    assert SEALED_BY in signatures and ">Valid</strong>" in signatures and ARCHIVED in signatures

    # Changed after it was sealed (one byte): never "Sealed by …" as if it held.
    with application.pdf.open("rb") as handle:
        changed = change_one_byte(handle.read())
    application.pdf.save("changed.pdf", ContentFile(changed))
    for page in (
        text(client.get(f"/en/applications/{application.reference}/")),
        text(clerk.get(f"/en/office/cases/{application.reference}/")),
    ):
        signatures = _signed_by(page)
        assert SEALED_BY in signatures
        assert ">Not valid</strong>" in signatures and ">Valid</strong>" not in signatures
        assert "Not valid: this file must not be accepted as signed." in signatures
        assert CHANGED in signatures


def test_a_person_writing_for_themselves_may_still_send_unsigned(
    portal: Any, citizen: Account, letters: Service
) -> None:
    client = signed_in(citizen)
    own = started_for(client, letters, "myself")
    response = submit(client, own)
    application = Application.objects.get()
    assert response["Location"] == f"/en/applications/{application.reference}/submitted/"
    assert application.acting_for == ""
    detail = text(client.get(f"/en/applications/{application.reference}/"))
    assert 'id="signed-by"' not in detail and "On behalf of the company" not in detail


def text(response: Any) -> str:
    """The page as a person reads it (entities such as &#x27; as the characters)."""
    content: bytes = response.content
    return html.unescape(content.decode())


def _signed_by(page: str) -> str:
    """The `#signed-by` block of a page."""
    start = page.index('id="signed-by"')
    return page[start : page.index("</div>", start)]


# --- The "Seal your application" page --------------------------------------------------------


def test_the_seal_page_speaks_of_sealing_and_shows_the_fingerprint(
    citizen: Account, agency: Agency, idpki: TestPki
) -> None:
    service = make_service(agency, code="letters", signature="optional")
    draft = make_draft(citizen, service, acting_for=BERIDZE)
    client = signed_in(citizen)
    page = text(client.get(f"/en/sign/draft/{draft.pk}/"))
    for wording in (
        "Seal your application",
        "What you are sealing",
        "Open the document you are sealing",
        "Choose the company's seal device in the card agent window.",
        "enter the seal device's PIN in the card agent window",
        "Sealing did not work. Nothing was sealed.",
        "You cancelled sealing. Nothing was sealed.",
        "Seal with the company's seal",
    ):
        assert wording in page, wording
    for wording in (
        "What you are signing",
        "document you are signing",
        "Choose your card",
        "signing PIN",
        "Send it without signing",
        "Nothing was signed",
    ):
        assert wording not in page, wording
    # The fingerprint's place, outside the live region, filled in by the script.
    assert "data-signing-fingerprint hidden" in page and "Fingerprint:" in page

    # Sealed: "Sealed by" the company, not "Signed by".
    seal = idpki.seal(BERIDZE)
    _signed_with(draft, citizen, certificate_der(seal.cert), lambda d, h: seal_sign(seal.key, d, h))
    session = SigningSession.objects.get(draft=draft, status="signed")
    page = text(client.get(f"/en/sign/draft/{draft.pk}/?signed={session.pk}"))
    assert "Your application is sealed" in page
    assert f"Sealed by {session.signer_name}" in page and "Signed by" not in page
    assert "Download the sealed application (PDF)" in page and "Seal again" in page


def test_the_sign_page_of_a_person_keeps_signing_wording(citizen: Account, agency: Agency) -> None:
    draft = make_draft(citizen, make_service(agency, code="letters", signature="optional"))
    page = text(signed_in(citizen).get(f"/en/sign/draft/{draft.pk}/"))
    assert "What you are signing" in page and "Choose your card in the card agent window." in page
    assert "Send it without signing" in page and "sealing" not in page
    assert "data-signing-fingerprint hidden" in page
