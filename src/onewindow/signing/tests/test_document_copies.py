"""Document copies (docs/signing.md, "Document copies"): what a clerk encloses with an
answer reaches the citizen as the agency's sealed, verifiable copy — a PDF sealed as it is,
a photo put on a PDF page first, other files as they are with their SHA-256 in the sealed
letter — all inside the answer's transaction (a refusal sends nothing and leaves no file).
Sealed through a real SoftHSM2 token, checked by pyHanko and by poppler's pdfsig."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image

from onewindow.applications.attachments.tests.files import docx, jpeg, png
from onewindow.applications.models import Application, Attachment, Message
from onewindow.backoffice.tests.conftest import signed_in
from onewindow.catalog.models import Agency
from onewindow.identity.models import Account
from onewindow.identity.password.tests.conftest import accept_current_terms
from onewindow.signing import issued
from onewindow.signing.models import IssuedDocument
from testpki import TestPki

from .conftest import (
    TRUSTED,
    assert_sealed_by,
    pdfsig,
    validate_offline,
)
from .issuing import (  # noqa: F401 (fixtures)
    REGISTRY,
    answering_office,
    issuing_fixture,
    pdf_text,
    sealing_agency_fixture,
)

pytestmark = pytest.mark.django_db


def _answer(clerk: Account, case: Any, *files: SimpleUploadedFile) -> Any:
    return signed_in(clerk).post(
        f"/en/office/cases/{case.reference}/answer",
        {"outcome": "approved", "body": "The copies you asked for.", "documents": list(files)},
        follow=True,
    )


def _received(citizen: Account, attachment: Attachment) -> bytes:
    download = signed_in(citizen).get(f"/en/files/{attachment.pk}/")
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def a4_pdf(title: str) -> bytes:
    """A scanned A4 letter as a clerk would enclose it (Pillow's PDF writer, 150 dpi)."""
    out = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(out, format="PDF", resolution=150, title=title)
    return out.getvalue()


def _files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.usefixtures("issuing")
def test_an_enclosed_pdf_reaches_the_citizen_as_the_agencys_sealed_copy(
    sealing_agency: Agency, idpki: TestPki, tmp_path: Path
) -> None:
    clerk, citizen, case = answering_office(sealing_agency)
    original = a4_pdf("decision")
    response = _answer(clerk, case, SimpleUploadedFile("decision.pdf", original))
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Application.Status.ANSWERED

    copy = IssuedDocument.objects.get(application=case, kind="document-copy")
    assert copy.issued_to == citizen and copy.agency == sealing_agency
    assert copy.title == f"Document copy: decision.pdf (application {case.reference})"
    message = Message.objects.get(application=case)
    received = message.attachments.get(name="decision.pdf")
    sealed = _received(citizen, received)
    assert hashlib.sha256(sealed).hexdigest() == copy.sha256 == received.sha256
    # The clerk's file is untouched: the stamp and seal are incremental updates after it.
    assert sealed.startswith(original) and sealed != original

    assert_sealed_by(sealed, "GOVGE-TEST-AGENCY", idpki, tmp_path)
    assert issued.shown(copy.code) in pdf_text(sealed, tmp_path)
    assert issued.code_in_file(sealed) == copy.code

    # Anyone with the code, or the file, finds it authentic on /verify/.
    checked = signed_in(clerk).get("/en/verify/", {"code": issued.shown(copy.code).lower()})
    page = checked.content.decode()
    assert checked.status_code == 200 and "Authentic" in page and copy.title in page
    uploaded = signed_in(clerk).post(
        "/en/verify/", {"file": SimpleUploadedFile("decision.pdf", sealed)}
    )
    assert "Authentic and unchanged" in uploaded.content.decode()

    # The sealed letter names the enclosed copy.
    letter = message.attachments.get(name=f"Answer {case.reference}.pdf")
    assert "decision.pdf" in pdf_text(_received(citizen, letter), tmp_path)


@pytest.mark.usefixtures("issuing")
def test_a_photo_is_put_on_a_pdf_page_and_sealed(
    sealing_agency: Agency, idpki: TestPki, tmp_path: Path
) -> None:
    clerk, citizen, case = answering_office(sealing_agency)
    photo = jpeg((1240, 1754))  # an A4 scan at 150 dpi
    _answer(
        clerk,
        case,
        SimpleUploadedFile("scan.jpg", photo),
        SimpleUploadedFile("stamp.png", png()),
    )
    message = Message.objects.get(application=case)
    names = sorted(attachment.name for attachment in message.attachments.all())
    assert names == [f"Answer {case.reference}.pdf", "scan.pdf", "stamp.pdf"]
    copies = IssuedDocument.objects.filter(application=case, kind="document-copy")
    assert copies.count() == 2

    received = message.attachments.get(name="scan.pdf")
    assert received.content_type == "application/pdf"
    sealed = _received(citizen, received)
    copy = copies.get(sha256=hashlib.sha256(sealed).hexdigest())
    [status] = validate_offline(sealed, idpki)
    assert status.bottom_line
    seal, _archive_timestamp = pdfsig(sealed, tmp_path)
    assert seal.validation == "Signature is Valid." and seal.certificate == TRUSTED
    info = subprocess.run(
        ["pdfinfo", "-"], input=sealed, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)  # scan, caption and stamp: one page
    text = pdf_text(sealed, tmp_path)
    assert "scan.jpg" in text and case.reference in text and issued.shown(copy.code) in text
    # The photo is in the copy as it was sent: the same JPEG data, not re-encoded.
    path = tmp_path / "scan-copy.pdf"
    path.write_bytes(sealed)
    subprocess.run(["pdfimages", "-all", str(path), str(tmp_path / "img")], check=True, timeout=60)
    assert photo in [found.read_bytes() for found in tmp_path.glob("img-*.jpg")]


@pytest.mark.usefixtures("issuing")
def test_a_word_file_goes_as_it_is_and_the_sealed_letter_vouches_for_its_content(
    sealing_agency: Agency, tmp_path: Path
) -> None:
    clerk, citizen, case = answering_office(sealing_agency)
    word = docx()
    _answer(clerk, case, SimpleUploadedFile("notes.docx", word))
    message = Message.objects.get(application=case)
    assert _received(citizen, message.attachments.get(name="notes.docx")) == word
    assert not IssuedDocument.objects.filter(kind="document-copy").exists()
    letter = _received(citizen, message.attachments.get(name=f"Answer {case.reference}.pdf"))
    assert hashlib.sha256(word).hexdigest() in "".join(pdf_text(letter, tmp_path).split())


@pytest.mark.usefixtures("issuing")
def test_when_the_seal_fails_nothing_is_sent_and_no_file_is_left(
    db: None, settings: Any, small_pdf: bytes
) -> None:
    agency = Agency.objects.create(code="NO-SEAL", name_ka="უწყება", name_en="No seal")
    clerk, _citizen, case = answering_office(agency)
    response = _answer(clerk, case, SimpleUploadedFile("decision.pdf", small_pdf))
    assert "seal is not available, so nothing was issued or sent" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Application.Status.IN_PROGRESS
    assert not Message.objects.exists() and not IssuedDocument.objects.exists()
    assert not Attachment.objects.exists()
    assert _files_under(Path(settings.MEDIA_ROOT)) == []
    assert _files_under(Path(settings.ATTACHMENT_ROOT)) == []


@pytest.mark.usefixtures("issuing")
def test_a_document_that_cannot_be_sealed_refuses_the_answer_and_removes_the_copies_made(
    sealing_agency: Agency, settings: Any
) -> None:
    clerk, _citizen, case = answering_office(sealing_agency)
    broken = b"%PDF-1.7\nnot really a PDF\n%%EOF\n"
    response = _answer(
        clerk,
        case,
        SimpleUploadedFile("decision.pdf", a4_pdf("decision")),
        SimpleUploadedFile("annex.pdf", broken),
    )
    page = response.content.decode()
    assert "annex.pdf could not be read as a PDF, so it cannot be sealed" in page
    case.refresh_from_db()
    assert case.status == Application.Status.IN_PROGRESS
    assert not Message.objects.exists() and not IssuedDocument.objects.exists()
    # decision.pdf had been sealed already: its file went with the refused answer.
    assert _files_under(Path(settings.MEDIA_ROOT)) == []
    assert _files_under(Path(settings.ATTACHMENT_ROOT)) == []


@pytest.mark.usefixtures("issuing")
def test_electronic_copies_of_registry_documents_are_in_my_documents_and_verifiable(
    db: None,
) -> None:
    registry = Agency.objects.create(
        code=REGISTRY, name_ka="საჯარო რეესტრის ეროვნული სააგენტო", name_en="Public Registry"
    )
    clerk, citizen, case = answering_office(registry, service_code="registry-document-copies")
    _answer(clerk, case, SimpleUploadedFile("charter.pdf", a4_pdf("charter")))
    copy = IssuedDocument.objects.get(kind="document-copy")
    assert copy.agency.code == REGISTRY and copy.application == case

    client = signed_in(citizen)
    page = client.get("/en/documents/").content.decode()
    sealed_section = page.split('id="issued-title"', 1)[1]
    assert "Document copy: charter.pdf" in sealed_section
    assert issued.shown(copy.code) in sealed_section
    assert f"Answer to application {case.reference}" in sealed_section  # answers too
    download = client.get(f"/en/documents/issued/{copy.pk}/")
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == copy.sha256
    checked = client.get("/en/verify/", {"code": copy.code})
    assert "Authentic" in checked.content.decode() and "Public Registry" in checked.content.decode()

    # Nobody else can download it from My documents.
    other = Account.objects.create_user(
        username="gio", password=None, personal_number="01008057492"
    )
    accept_current_terms(other)
    assert signed_in(other).get(f"/en/documents/issued/{copy.pk}/").status_code == 404
    assert "charter.pdf" not in signed_in(other).get("/en/documents/").content.decode()
