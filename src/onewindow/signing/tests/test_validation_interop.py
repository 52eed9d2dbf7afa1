"""ASiC-E containers made by another European tool are recognised and their signatures
reported (issue 6): pyasice (Thorgate, Estonia) makes BDOC 2.1 / XAdES-LT containers as
DigiDoc does — an RFC 3161 token over the signature value and the signer's OCSP answer
embedded — here with the session test PKI's card keys, real TSA and real OCSP responder.
The portal's validator has to understand them without having made them."""

from __future__ import annotations

import base64
import io
import zipfile
from typing import Any

from django.utils import formats, timezone

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp

from onewindow.signing import validation
from testpki import TestPki

from .conftest import dead_url
from .pyasice_containers import (
    Made,
    Signer,
    card_signer,
    make_container,
    pyasice_verifies,
    self_made_signer,
    with_changed_file,
)

pytestmark = pytest.mark.usefixtures("pki_settings")

XADES = "http://uri.etsi.org/01903/v1.3.2#"

NINO = "01001012345"  # EC P-384: ecdsa-sha384
GIORGI = "01008057492"  # RSA-2048; his previous card is revoked
MARIAM = "01017033481"  # EC P-256
ONE_FILE = {"application.pdf": b"%PDF-1.7\n% an application\n"}
THREE_FILES = {
    "application.txt": "განაცხადი — application\n".encode(),
    "photo.png": b"\x89PNG\r\n\x1a\n fake",
    "attachments/plan.pdf": b"%PDF-1.7\n% a plan\n",
}


def network_off(settings: Any) -> None:
    """The OCSP responder, CRLs and TSA unreachable: only the container's own data counts."""
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": dead_url()}


def made(idpki_server: Any, files: dict[str, bytes], *signers: Signer) -> Made:
    return make_container(
        files, signers, tsa_url=idpki_server.tsa_url, ocsp_url=idpki_server.ocsp_url
    )


def card(idpki_server: Any, personal_number: str, status: str = "valid") -> Signer:
    pki: TestPki = idpki_server.pki
    return card_signer(pki.card_of(personal_number, status), pki)  # type: ignore[arg-type]


def token_time(token: bytes) -> Any:
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    return info["gen_time"].native


def only(report: validation.Report) -> validation.SignatureReport:
    [signature] = report.signatures
    return signature


def embedded_ocsp_answers(data: bytes) -> list[bytes]:
    """Every xades:EncapsulatedOCSPValue in the container's signature files."""
    from lxml import etree  # type: ignore[import-untyped]

    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("META-INF/signatures"):
                root = etree.fromstring(archive.read(name))
                found += [
                    base64.b64decode(element.text)
                    for element in root.iter(f"{{{XADES}}}EncapsulatedOCSPValue")
                ]
    return found


# --- One signature -----------------------------------------------------------------------------


@pytest.mark.parametrize("files", [ONE_FILE, THREE_FILES], ids=["one-file", "three-files"])
def test_a_pyasice_container_is_valid_with_the_timestamps_time(
    idpki_server: Any, files: dict[str, bytes]
) -> None:
    container = made(idpki_server, files, card(idpki_server, NINO))
    pyasice_verifies(container.data)  # good in the maker's own eyes
    report = validation.validate(container.data, filename="application.asice")
    signature = only(report)
    assert report.format == "asice"
    assert signature.status == "valid", signature.problems
    assert signature.identifier == f"PNOGE-{NINO}"
    assert signature.signer_name == "NINO BERIDZE"
    assert signature.signer_name_ka == "ნინო ბერიძე"
    assert signature.capacity == "person"
    assert signature.time_source == "timestamp"
    assert signature.signed_at == token_time(container.tokens[0])
    assert sorted(signature.files) == sorted(files)
    assert signature.covers_whole_document
    assert report.valid


def test_pyasice_embeds_only_the_signers_ocsp_answer_so_it_is_b_t_not_b_lt(
    idpki_server: Any, settings: Any
) -> None:
    """pyasice (like DigiDoc) embeds the signer's OCSP answer and nothing else: no CRL of the
    root for the ID-card CA, no revocation data for the TSA, whose CAs are trust anchors in
    the EU trusted lists DigiDoc relies on. The portal's one anchor is the test PKI's root,
    so the chain above the signer needs the root's CRL: fetched, the level is B-T; with the
    network off nothing proves the CA and the TSA were not revoked."""
    container = made(idpki_server, ONE_FILE, card(idpki_server, NINO))
    [answer] = embedded_ocsp_answers(container.data)
    assert answer == container.ocsps[0]
    parsed = ocsp.load_der_ocsp_response(answer)
    assert parsed.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert parsed.serial_number == card(idpki_server, NINO).certificate.serial_number

    assert only(validation.validate(container.data)).level == "B-T"
    network_off(settings)
    offline = only(validation.validate(container.data))
    assert offline.problems == ["revocation-unknown"]
    assert offline.status == "indeterminate"


# --- Two signatures ----------------------------------------------------------------------------


def test_two_people_sign_one_container_and_both_are_reported(idpki_server: Any) -> None:
    """Nino signs; Giorgi opens the container with pyasice and adds signatures2.xml."""
    container = made(
        idpki_server, THREE_FILES, card(idpki_server, NINO), card(idpki_server, GIORGI)
    )
    with zipfile.ZipFile(io.BytesIO(container.data)) as archive:
        assert {"META-INF/signatures1.xml", "META-INF/signatures2.xml"} <= set(archive.namelist())
    pyasice_verifies(container.data)
    report = validation.validate(container.data, filename="application.asice")
    assert report.valid
    by_person = {signature.identifier: signature for signature in report.signatures}
    assert set(by_person) == {f"PNOGE-{NINO}", f"PNOGE-{GIORGI}"}
    for number, person in enumerate((NINO, GIORGI)):
        signature = by_person[f"PNOGE-{person}"]
        assert signature.status == "valid", signature.problems
        assert signature.signed_at == token_time(container.tokens[number])
        assert signature.time_source == "timestamp"
    assert by_person[f"PNOGE-{GIORGI}"].signer_name == "GIORGI BERIDZE"


# --- What must not be valid --------------------------------------------------------------------


def test_a_data_file_changed_after_signing_is_modified_after_signing(idpki_server: Any) -> None:
    container = made(
        idpki_server, THREE_FILES, card(idpki_server, NINO), card(idpki_server, MARIAM)
    )
    changed = with_changed_file(container.data, "photo.png", b"\x89PNG\r\n\x1a\n other")
    report = validation.validate(changed, filename="application.asice")
    assert not report.valid
    assert len(report.signatures) == 2
    for signature in report.signatures:
        assert "modified-after-signing" in signature.problems
        assert signature.status == "invalid"


def test_the_revoked_card_is_certificate_revoked(idpki_server: Any) -> None:
    """Giorgi's previous card was revoked before the PKI was made: the OCSP answer pyasice
    embedded says so, and the timestamp proves the signature came later."""
    container = made(idpki_server, ONE_FILE, card(idpki_server, GIORGI, "revoked"))
    answer = ocsp.load_der_ocsp_response(container.ocsps[0])
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    report = validation.validate(container.data)
    signature = only(report)
    assert "certificate-revoked" in signature.problems
    assert signature.status == "invalid"
    assert signature.identifier == f"PNOGE-{GIORGI}"
    assert not report.valid


def test_a_self_made_certificate_is_certificate_untrusted(idpki_server: Any) -> None:
    """A certificate like a Georgian ID card's, issued by a CA of the signer's own making
    under the real CA's name. The container is sound (pyasice checks the signature value)."""
    container = made(idpki_server, ONE_FILE, self_made_signer(NINO))
    pyasice_verifies(container.data)
    report = validation.validate(container.data)
    signature = only(report)
    assert "certificate-untrusted" in signature.problems
    assert signature.status == "invalid"
    assert not report.valid


# --- The plain-language report -----------------------------------------------------------------


def test_the_report_of_a_pyasice_container_in_english_and_georgian(
    idpki_server: Any, settings: Any
) -> None:
    from django.utils import translation

    from onewindow.signing import reports

    settings.TIME_ZONE = "Asia/Tbilisi"
    container = made(
        idpki_server, THREE_FILES, card(idpki_server, NINO), card(idpki_server, GIORGI)
    )
    report = validation.validate(container.data, filename="application.asice")
    local = timezone.localtime(token_time(container.tokens[0]))
    with translation.override("en"):
        english = reports.describe(report)
        date = formats.date_format(local, "j F Y")
    assert english.headline == "All 2 signatures are valid."
    nino = next(text for text in english.signatures if NINO in text.who)
    assert nino.who == f"Signed by NINO BERIDZE (personal number {NINO})"
    assert nino.when == (f"on {date} at {local:%H:%M} (time confirmed by a timestamp)")
    assert nino.status == "Valid"
    assert nino.level == "signature with a time confirmed by a timestamp"
    assert sorted(nino.files) == sorted(THREE_FILES)
    with translation.override("ka"):
        georgian = reports.describe(report)
        month = formats.date_format(local, "F")
    assert georgian.headline != english.headline
    nino_ka = next(text for text in georgian.signatures if NINO in text.who)
    assert "ნინო ბერიძე" in nino_ka.who
    assert month in nino_ka.when and f"{local:%H:%M}" in nino_ka.when
    assert month not in nino.when  # the Georgian month name, not the English one
    assert nino_ka.status != "Valid"


def test_the_oscrypto_stand_in_is_seen_by_pyasice_only(idpki_server: Any) -> None:
    """Where oscrypto cannot load OpenSSL, pyasice was imported against a stand-in; nothing
    else may find it in sys.modules (pyhanko-certvalidator imports oscrypto lazily)."""
    import sys

    from . import pyasice_containers

    xmlsig = sys.modules["pyasice.xmlsig"]
    if xmlsig.load_certificate is pyasice_containers._load_certificate:
        assert "oscrypto.asymmetric" not in sys.modules
    nino = card(idpki_server, NINO).certificate
    loaded = xmlsig.load_certificate(nino.public_bytes(serialization.Encoding.PEM))
    assert loaded.asn1.serial_number == nino.serial_number
    assert loaded.public_key.algorithm == "ec"
