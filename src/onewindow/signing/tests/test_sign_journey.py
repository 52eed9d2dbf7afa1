"""The signing step of the apply journey: "Sign your application", `prepare` and `finish`
with the card's real signature (made here from the demo card's key, in the card agent's
format), submission of a signed application (B-LTA as its document), and the cases that
must refuse: another person's session, another digest's signature, an expired session,
answers changed after signing, the wrong card, an unreachable TSA."""

# ruff: noqa: F811 - the journey's fixtures are imported, then named as arguments
from __future__ import annotations

import base64
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

import pytest

from onewindow.applications.models import Application, Attachment, Draft
from onewindow.applications.tests.journey_helpers import (  # noqa: F401 - fixtures
    agency,
    citizen,
    make_draft,
    make_service,
    other_citizen,
)
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account
from onewindow.signing import validation
from onewindow.signing.models import SigningSession
from testpki import TestPki
from testpki.model import load_private_key

from .conftest import card_sign, certificate_der, dead_url, device_signature

pytestmark = pytest.mark.usefixtures("pki_settings")

NINO = "01001012345"
GIORGI = "01008057492"
DIGITAL_SERVICES = "404987654"


@pytest.fixture
def signed_service(agency: Agency) -> Service:
    return make_service(agency, code="mortgage-registration", signature="required")


@pytest.fixture
def draft(citizen: Account, signed_service: Service) -> Draft:
    return make_draft(citizen, signed_service)


@pytest.fixture
def nino(client: Client, citizen: Account) -> Client:
    client.force_login(citizen)
    return client


def attach_pdf(
    draft: Draft, name: str = "plan.pdf", content: bytes = b"%PDF-1.4 plan"
) -> Attachment:
    """A PDF the draft's owner uploaded to it (scanned clean), as the upload stores it."""
    import hashlib

    attachment = Attachment(
        uploaded_by=draft.owner, draft=draft, field="", name=name,
        content_type="application/pdf", size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), scan="clean",
    )  # fmt: skip
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def _prepare(client: Client, draft: Draft, certificate: bytes, attachments: list[str]) -> Any:
    return client.post(
        f"/en/sign/draft/{draft.pk}/prepare",
        {"certificate": base64.b64encode(certificate).decode(), "attachments": attachments},
        content_type="application/json",
    )


def _finish(client: Client, url: str, signature: bytes) -> Any:
    return client.post(
        url, {"signature": base64.b64encode(signature).decode()}, content_type="application/json"
    )


def _sign(client: Client, draft: Draft, idpki: TestPki, attachments: list[str] = ()) -> Any:  # type: ignore[assignment]
    card = idpki.card_of(NINO)
    prepared = _prepare(client, draft, certificate_der(card.sign_cert), list(attachments))
    assert prepared.status_code == 200, prepared.content
    answer = prepared.json()
    signature = card_sign(card, base64.b64decode(answer["hash"]), answer["hashFunction"])
    return _finish(client, answer["finishUrl"], signature)


def seal_sign(key_path: Path, digest: bytes, hash_function: str) -> bytes:
    """What a seal device returns (as `card_sign`, from the seal's key)."""
    return device_signature(load_private_key(key_path), digest, hash_function)


def _embedded_files(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout


# --- The page -------------------------------------------------------------------------------


def test_check_your_answers_leads_to_signing_and_not_to_sending(nino: Client, draft: Draft) -> None:
    page = nino.get(f"/en/apply/draft/{draft.pk}/check/").content.decode()
    assert f'href="/en/sign/draft/{draft.pk}/"' in page
    assert "Continue to signing" in page
    assert f'action="/en/apply/draft/{draft.pk}/submit/"' not in page


def test_the_sign_page_shows_what_is_signed(nino: Client, draft: Draft) -> None:
    attachment = attach_pdf(draft)
    response = nino.get(f"/en/sign/draft/{draft.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign your application" in page
    assert "Rustaveli Ave." in page  # the answers signed
    assert f'value="{attachment.pk}"' in page and "plan.pdf" in page
    assert 'data-module="ow-signing"' in page and f'data-personal-number="{NINO}"' in page
    assert "Signing needs your ID card" in page  # said without JavaScript
    assert "<script>" not in page  # CSP: no inline script
    preview = nino.get(f"/en/sign/draft/{draft.pk}/preview.pdf", {"attachment": attachment.pk})
    assert preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF-")


def test_a_service_without_signature_has_no_signing_page(
    nino: Client,
    citizen: Account,
    agency: Agency,
) -> None:
    unsigned = make_draft(citizen, make_service(agency, code="plain"))
    assert nino.get(f"/en/sign/draft/{unsigned.pk}/").status_code == 404


def test_another_persons_draft_is_not_found(
    client: Client,
    draft: Draft,
    other_citizen: Account,
    idpki: TestPki,
) -> None:
    client.force_login(other_citizen)
    assert client.get(f"/en/sign/draft/{draft.pk}/").status_code == 404
    assert client.get(f"/en/sign/draft/{draft.pk}/preview.pdf").status_code == 404
    certificate = certificate_der(idpki.card_of(NINO).sign_cert)
    assert _prepare(client, draft, certificate, []).status_code == 404


# --- Signing and sending --------------------------------------------------------------------


def test_signing_then_sending_keeps_the_signed_pdf_as_the_applications_document(
    nino: Client,
    draft: Draft,
    citizen: Account,
    idpki: TestPki,
    tmp_path: Path,
) -> None:
    attachment = attach_pdf(draft, "site-plan.pdf", b"%PDF-1.4 the site plan")
    attach_pdf(draft, "not-signed.pdf", b"%PDF-1.4 other")
    finished = _sign(nino, draft, idpki, [str(attachment.pk)])
    assert finished.status_code == 200, finished.content
    session = SigningSession.objects.get(draft=draft, status=SigningSession.Status.SIGNED)
    assert finished.json()["redirect"] == f"/en/sign/draft/{draft.pk}/?signed={session.pk}#signed"
    assert session.kind == "person" and session.attachment_ids == [str(attachment.pk)]
    assert session.signer_name and bytes(session.state) == b""

    page = nino.get(f"/en/sign/draft/{draft.pk}/").content.decode()
    assert "Your application is signed" in page and f"Signed by {session.signer_name}" in page
    assert f'action="/en/apply/draft/{draft.pk}/submit/"' in page
    signed = b"".join(nino.get(f"/en/sign/draft/{draft.pk}/signed.pdf").streaming_content)
    report = validation.validate(signed)
    assert report.valid and report.signatures[0].level == "B-LT"
    assert report.signatures[0].identifier == f"PNOGE-{NINO}"
    listed = _embedded_files(signed, tmp_path)
    assert "site-plan.pdf" in listed and "not-signed.pdf" not in listed

    sent = nino.post(f"/en/apply/draft/{draft.pk}/submit/")
    application = Application.objects.get(applicant=citizen)
    assert sent.status_code == 302 and application.reference in sent["Location"]
    with application.pdf.open("rb") as handle:
        archived = handle.read()
    kept = validation.validate(archived)
    assert kept.valid and kept.signatures[0].level == "B-LTA"
    assert "site-plan.pdf" in _embedded_files(archived, tmp_path)
    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert not SigningSession.objects.filter(draft_id=draft.pk).exists()
    # "My applications" says who signed it.
    detail = nino.get(f"/en/applications/{application.reference}/").content.decode()
    assert f"Signed by NINO BERIDZE (personal number {NINO})" in detail


def test_sending_without_a_signature_is_refused(
    nino: Client,
    draft: Draft,
    citizen: Account,
) -> None:
    response = nino.post(f"/en/apply/draft/{draft.pk}/submit/", follow=True)
    assert "must be signed with your ID card" in response.content.decode()
    assert not Application.objects.filter(applicant=citizen).exists()
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_answers_changed_after_signing_void_the_signature(
    nino: Client,
    draft: Draft,
    citizen: Account,
    idpki: TestPki,
) -> None:
    assert _sign(nino, draft, idpki).status_code == 200
    draft.answers = {**draft.answers, "reason": "something else"}
    draft.save()

    response = nino.post(f"/en/apply/draft/{draft.pk}/submit/", follow=True)
    assert "Your answers changed after you signed" in response.content.decode()
    assert not Application.objects.filter(applicant=citizen).exists()
    page = nino.get(f"/en/sign/draft/{draft.pk}/").content.decode()
    assert "Your answers changed after you signed" in page
    assert "Your application is signed" not in page
    assert nino.get(f"/en/sign/draft/{draft.pk}/signed.pdf").status_code == 404
    # Signing again makes it sendable.
    assert _sign(nino, draft, idpki).status_code == 200
    nino.post(f"/en/apply/draft/{draft.pk}/submit/")
    assert Application.objects.filter(applicant=citizen).exists()


def test_a_signed_file_removed_from_the_draft_voids_the_signature(
    nino: Client, draft: Draft, idpki: TestPki
) -> None:
    attachment = attach_pdf(draft)
    assert _sign(nino, draft, idpki, [str(attachment.pk)]).status_code == 200
    attachment.delete()
    response = nino.post(f"/en/apply/draft/{draft.pk}/submit/", follow=True)
    assert "Your answers changed after you signed" in response.content.decode()


# --- Refusals and tampering -----------------------------------------------------------------


def test_a_signature_of_another_digest_is_refused_and_nothing_is_kept(
    nino: Client, draft: Draft, idpki: TestPki
) -> None:
    card = idpki.card_of(NINO)
    answer = _prepare(nino, draft, certificate_der(card.sign_cert), []).json()
    other_digest = bytes(len(base64.b64decode(answer["hash"])))
    response = _finish(
        nino, answer["finishUrl"], card_sign(card, other_digest, answer["hashFunction"])
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad-signature"
    assert "does not match the document" in response.json()["error"]
    session = SigningSession.objects.get(draft=draft)
    assert session.status == SigningSession.Status.FAILED and not session.signed_file
    # The session cannot be finished afterwards, even with the right signature.
    right = card_sign(card, base64.b64decode(answer["hash"]), answer["hashFunction"])
    assert _finish(nino, answer["finishUrl"], right).json()["code"] == "session-expired"


def test_another_persons_session_is_not_found(
    nino: Client,
    draft: Draft,
    idpki: TestPki,
    other_citizen: Account,
) -> None:
    card = idpki.card_of(NINO)
    answer = _prepare(nino, draft, certificate_der(card.sign_cert), []).json()
    signature = card_sign(card, base64.b64decode(answer["hash"]), answer["hashFunction"])
    intruder = Client()
    intruder.force_login(other_citizen)
    assert _finish(intruder, answer["finishUrl"], signature).status_code == 404
    assert SigningSession.objects.get(draft=draft).status == SigningSession.Status.PREPARED


def test_an_expired_session_is_refused(nino: Client, draft: Draft, idpki: TestPki) -> None:
    card = idpki.card_of(NINO)
    answer = _prepare(nino, draft, certificate_der(card.sign_cert), []).json()
    SigningSession.objects.filter(draft=draft).update(expires_at=timezone.now() - timedelta(1))
    signature = card_sign(card, base64.b64decode(answer["hash"]), answer["hashFunction"])
    response = _finish(nino, answer["finishUrl"], signature)
    assert response.status_code == 400
    assert "has expired" in response.json()["error"]
    assert not SigningSession.objects.filter(status=SigningSession.Status.SIGNED).exists()


def test_another_persons_card_is_refused(nino: Client, draft: Draft, idpki: TestPki) -> None:
    giorgi = idpki.card_of(GIORGI)
    response = _prepare(nino, draft, certificate_der(giorgi.sign_cert), [])
    assert response.status_code == 400
    assert response.json()["code"] == "wrong-signer"
    assert "not yours" in response.json()["error"]
    assert not SigningSession.objects.exists()


def test_garbage_from_the_browser_is_refused(nino: Client, draft: Draft) -> None:
    url = f"/en/sign/draft/{draft.pk}/prepare"
    for body in ("not json", '{"certificate": "%%%"}', "[]", '{"certificate": "AAAA"}'):
        response = nino.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["error"]
    assert not SigningSession.objects.exists()


def test_no_timestamp_service_no_signature(
    nino: Client, draft: Draft, idpki: TestPki, settings: Any
) -> None:
    card = idpki.card_of(NINO)
    answer = _prepare(nino, draft, certificate_der(card.sign_cert), []).json()
    settings.SIGNING_TSA_URL = f"{dead_url()}/tsa"
    signature = card_sign(card, base64.b64decode(answer["hash"]), answer["hashFunction"])
    response = _finish(nino, answer["finishUrl"], signature)
    assert response.status_code == 400
    assert response.json()["code"] == "tsa-unreachable"
    assert "timestamp service cannot be reached" in response.json()["error"]
    assert not SigningSession.objects.filter(status=SigningSession.Status.SIGNED).exists()


# --- A company's seal -----------------------------------------------------------------------


def test_a_company_application_is_sealed_with_the_companys_seal(
    nino: Client,
    citizen: Account,
    signed_service: Service,
    idpki: TestPki,
) -> None:
    company_draft = make_draft(citizen, signed_service, acting_for=DIGITAL_SERVICES)
    page = nino.get(f"/en/sign/draft/{company_draft.pk}/").content.decode()
    assert "Seal your application" in page and f'data-company-code="{DIGITAL_SERVICES}"' in page
    # Nino's own card is not the company's seal.
    card = idpki.card_of(NINO)
    refused = _prepare(nino, company_draft, certificate_der(card.sign_cert), [])
    assert refused.json()["code"] == "wrong-signer"

    seal = idpki.seal(DIGITAL_SERVICES)
    answer = _prepare(nino, company_draft, certificate_der(seal.cert), []).json()
    signature = seal_sign(seal.key, base64.b64decode(answer["hash"]), answer["hashFunction"])
    assert _finish(nino, answer["finishUrl"], signature).status_code == 200
    session = SigningSession.objects.get(draft=company_draft, status="signed")
    assert session.kind == "seal" and session.company_code == DIGITAL_SERVICES
    with session.signed_file.open("rb") as handle:
        report = validation.validate(handle.read())
    assert report.valid and report.signatures[0].capacity == "seal"
    assert report.signatures[0].identifier == f"NTRGE-{DIGITAL_SERVICES}"
