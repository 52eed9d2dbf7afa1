"""Issued documents: codes, the code and QR code in the document, the agency's seal through a
real SoftHSM2 token (checked by pyHanko and by poppler's pdfsig), all or nothing; the
back-office's sealed answer and a registry extract from My data."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from onewindow.applications.models import Application, Message
from onewindow.backoffice.tests.conftest import (
    signed_in,
)
from onewindow.catalog.models import Agency
from onewindow.identity.models import Account
from onewindow.identity.password.tests.conftest import accept_current_terms
from onewindow.signing import issued, services
from onewindow.signing.models import IssuedDocument
from testpki import TestPki

from .conftest import (
    assert_sealed_by,
    validate_offline,
)
from .issuing import (  # noqa: F401 (fixtures)
    answering_office,
    issuing_fixture,
    nino_fixture,
    pdf_text,
    portal_fixture,
    qr_codes,
    sealing_agency_fixture,
)
from .presses import form_key, press

pytestmark = pytest.mark.django_db


def _letter(stamp: issued.Stamp) -> bytes:
    context = {
        "application": {"reference": "OW-2026-0000042"},
        "agency_name": "Test Agency",
        "service_title": "A certificate",
        "outcome": "approved",
        "body": "Your application is approved.\nსერტიფიკატი გაიცა.",
        "enclosed": ["decision.pdf"],
    }
    return issued.render_pdf("signing/answer_pdf.html", context, stamp=stamp, language="en")


# --- Codes -----------------------------------------------------------------------------------


def test_codes_are_twelve_unambiguous_random_characters_shown_in_groups() -> None:
    codes = {issued.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 12 and set(code) <= set(issued.ALPHABET) for code in codes)
    assert not set("01ILO") & set(issued.ALPHABET)
    assert issued.shown("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


@pytest.mark.parametrize("code", ["FKWZFMEJEJEG", "EJEKEMENEPEQ", "JEJFJGJHJJJK"])
def test_the_code_is_read_from_the_pdf_as_one_word(code: str, tmp_path: Path) -> None:
    """What a person copies from the document is the code: no gap in the middle. With
    letter-spacing, poppler read "E J" for the pair EJ in the bold code (about one code in 90
    has it; a journey met it in CI), and a copied code would then have a space in it."""
    text = pdf_text(_letter(issued.Stamp(code)), tmp_path)
    assert f"Verification code: {issued.shown(code)}\n" in text, text


@pytest.mark.parametrize(
    "typed",
    ["ABCD-EFGH-JKMN", "abcd-efgh-jkmn", "abcdefghjkmn", " ABCD EFGH JKMN ", "ab cd–efgh jkmn"],
)
def test_a_typed_code_is_accepted_in_any_case_with_or_without_dashes(typed: str) -> None:
    assert issued.normalise(typed) == "ABCDEFGHJKMN"


@pytest.mark.parametrize(
    "typed", ["", "ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKM0", "ABCD/EFGH/JKMN"]
)
def test_a_malformed_code_is_refused(typed: str) -> None:
    assert issued.normalise(typed) is None


# --- Issuing ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("issuing")
def test_issuing_seals_the_document_with_its_code_and_qr_code(
    sealing_agency: Agency, idpki: TestPki, tmp_path: Path
) -> None:
    document = services.issue_document(
        _letter,
        agency=sealing_agency,
        kind="answer",
        title="Answer to application OW-2026-0000042",
        title_ka="პასუხი განცხადებაზე OW-2026-0000042",
    )

    with document.file.open("rb") as stored:
        sealed = stored.read()
    assert document.sha256 == hashlib.sha256(sealed).hexdigest()
    assert document.size == len(sealed)
    assert IssuedDocument.objects.get(code=document.code) == document
    # The agency's seal, B-LTA, valid for pyHanko from the file alone and for pdfsig.
    seal = assert_sealed_by(sealed, "GOVGE-TEST-AGENCY", idpki, tmp_path)
    assert seal.whole_document is False
    # The code printed on the page is the row's; the QR code holds the verification link.
    text = pdf_text(sealed, tmp_path)
    assert f"Verification code: {issued.shown(document.code)}" in text
    assert "Check this document at https://portal.example.ge/verify/" in text
    url = f"https://portal.example.ge/verify/?code={issued.shown(document.code)}"
    assert qr_codes(sealed, tmp_path) == [url]
    assert issued.code_in_file(sealed) == document.code


@pytest.mark.usefixtures("issuing")
def test_a_finished_pdf_gets_the_code_stamped_before_the_seal(
    sealing_agency: Agency, small_pdf: bytes, idpki: TestPki, tmp_path: Path
) -> None:
    document = services.issue_document(
        small_pdf, agency=sealing_agency, kind="document-copy", title="Copy", title_ka="ასლი"
    )
    with document.file.open("rb") as stored:
        sealed = stored.read()
    [status] = validate_offline(sealed, idpki)
    assert status.bottom_line
    assert issued.shown(document.code) in pdf_text(sealed, tmp_path)
    assert issued.code_in_file(sealed) == document.code


@pytest.mark.usefixtures("issuing")
def test_no_seal_means_nothing_is_issued(db: None, settings: Any) -> None:
    unsealed = Agency.objects.create(code="NO-SEAL", name_ka="უწყება", name_en="No seal")
    with pytest.raises(services.IssuingRefused) as refused:
        services.issue_document(
            _letter, agency=unsealed, kind="answer", title="Answer", title_ka="პასუხი"
        )
    assert refused.value.code == "seal-unavailable"
    assert not IssuedDocument.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "issued").exists()


# --- The back-office's sealed answer ----------------------------------------------------------


@pytest.mark.usefixtures("issuing")
def test_a_clerks_answer_reaches_the_citizen_as_a_sealed_letter(
    sealing_agency: Agency, idpki: TestPki, tmp_path: Path
) -> None:
    from onewindow.applications.attachments.tests.files import pdf

    clerk, citizen, case = answering_office(sealing_agency)
    response = signed_in(clerk).post(
        f"/en/office/cases/{case.reference}/answer",
        {
            "outcome": "approved",
            "body": "The certificate is issued.",
            "documents": [SimpleUploadedFile("decision.pdf", pdf("decision"))],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Application.Status.ANSWERED
    message = Message.objects.get(application=case)
    names = sorted(attachment.name for attachment in message.attachments.all())
    assert names == [f"Answer {case.reference}.pdf", "decision.pdf"]
    letter = message.attachments.get(name=f"Answer {case.reference}.pdf")
    document = IssuedDocument.objects.get(application=case, kind="answer")
    assert document.kind == "answer" and document.issued_to == citizen
    assert letter.sha256 == document.sha256

    download = signed_in(citizen).get(f"/en/files/{letter.pk}/")
    assert download.status_code == 200
    sealed = b"".join(download.streaming_content)
    assert hashlib.sha256(sealed).hexdigest() == document.sha256
    [status] = validate_offline(sealed, idpki)
    assert status.bottom_line
    text = pdf_text(sealed, tmp_path)
    for expected in (case.reference, "Approved", "The certificate is issued.", "decision.pdf"):
        assert expected in text
    assert issued.shown(document.code) in text


@pytest.mark.usefixtures("issuing")
def test_when_the_seal_fails_the_answer_is_not_sent(db: None) -> None:
    agency = Agency.objects.create(code="NO-SEAL", name_ka="უწყება", name_en="No seal")
    clerk, _citizen, case = answering_office(agency)
    response = signed_in(clerk).post(
        f"/en/office/cases/{case.reference}/answer",
        {"outcome": "approved", "body": "Approved."},
        follow=True,
    )
    assert "seal is not available, so nothing was issued or sent" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Application.Status.IN_PROGRESS
    assert not Message.objects.exists() and not IssuedDocument.objects.exists()


# --- A registry extract from My data -----------------------------------------------------------


def test_a_person_gets_a_sealed_real_estate_extract_from_my_data(
    portal: Any, nino: Account, idpki: TestPki, tmp_path: Path
) -> None:
    client = signed_in(nino)
    page = client.get("/en/my-data/real-estate/").content.decode()
    assert "Get a sealed extract (PDF)" in page

    response = client.post(
        "/en/my-data/extracts/real-estate-extract/",
        {"request_key": form_key(page, "/en/my-data/extracts/real-estate-extract/")},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith("/en/documents/")
    document = IssuedDocument.objects.get(issued_to=nino)
    assert document.kind == "real-estate-extract" and document.agency.code == "napr"
    assert document.title == "Extract from the Real Estate Registry"
    html = response.content.decode()
    assert "Extract from the Real Estate Registry" in html and issued.shown(document.code) in html

    download = client.get(f"/en/documents/issued/{document.pk}/")
    sealed = b"".join(download.streaming_content)
    assert hashlib.sha256(sealed).hexdigest() == document.sha256
    [status] = validate_offline(sealed, idpki)
    assert status.bottom_line
    assert status.signing_cert.subject.native["organization_identifier"] == "GOVGE-napr"
    text = pdf_text(sealed, tmp_path)
    assert "Extract from the Real Estate Registry" in text and "01001012345" in text
    assert issued.shown(document.code) in text

    # Somebody else cannot download it.
    other = Account.objects.create_user(
        username="other", password=None, personal_number="01008057492"
    )
    accept_current_terms(other)
    assert signed_in(other).get(f"/en/documents/issued/{document.pk}/").status_code == 404


def test_an_entrepreneurs_extract_names_the_persons_companies(
    portal: Any, nino: Account, tmp_path: Path
) -> None:
    client = signed_in(nino)
    extract = "/en/my-data/extracts/entrepreneurs-extract/"
    press(client, "/en/my-data/enterprise-participation/", extract)
    document = IssuedDocument.objects.get(issued_to=nino, kind="entrepreneurs-extract")
    with document.file.open("rb") as stored:
        text = pdf_text(stored.read(), tmp_path)
    assert "Extract from the Registry of Entrepreneurs" in text
    assert "Georgian Digital Services" in text  # Nino directs it (docs/demo-data.md)


def test_an_extract_needs_a_signed_in_person_and_a_post(db: None, client: Any) -> None:
    response = client.post("/en/my-data/extracts/real-estate-extract/")
    assert response.status_code == 302 and "/sign-in" in response["Location"]
    assert client.get("/en/my-data/extracts/real-estate-extract/").status_code == 405
    assert not IssuedDocument.objects.exists()
