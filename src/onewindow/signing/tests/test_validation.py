"""Validation of signed PDFs and ASiC-E containers (docs/signing.md, "Validation").

Signed files are made by pyHanko directly (SimpleSigner with the session PKI's card keys),
by the engine (B-LT, B-LTA), and for ASiC-E by signxml's XAdES signer and by pyHanko's
CMS signer; every signed PDF is also read by poppler's `pdfsig`, an independent validator,
which must agree on whether the signature holds."""

from __future__ import annotations

import binascii
import datetime as dt
import io
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper

from onewindow.applications.attachments import services as attachments
from onewindow.applications.attachments.tests.conftest import (
    attachment_settings,  # noqa: F401 - autouse: attachments in a temporary folder
    upload,
    world,  # noqa: F401 - the fixture
)
from onewindow.applications.attachments.tests.test_accessibility import axe_violations
from onewindow.applications.models import Attachment
from onewindow.notifications.tests.jobs import run_jobs
from onewindow.signing import reports, validation
from onewindow.signing.models import SignatureCheck
from onewindow.signing.pades import Level
from testpki import Card, TestPki

from .asice_levels import cades_container, xades_container, xades_signature
from .asice_levels import container as asice_container
from .conftest import (
    TRUSTED,
    PdfsigSignature,
    assert_reports_cost_no_query_each,
    card_simple_signer,
    dead_url,
    pdfsig,
    sign_with_engine,
)
from .self_made import self_made_signing_certificate

pytestmark = pytest.mark.usefixtures("pki_settings")

NINO = "01001012345"  # EC P-384
GIORGI = "01008057492"  # RSA-2048; his previous card is revoked
TAMAZ = "01024011122"  # RSA-2048; his previous card has expired
MARIAM = "01017033481"  # EC P-256
INTACT = "Signature is Valid."


# --- Making signed files ----------------------------------------------------------------------


def sign_directly(
    pdf: bytes,
    signer: signers.Signer,
    *,
    tsa_url: str | None,
    field_name: str = "Signature1",
) -> bytes:
    """pyHanko's own signer (B-B, or B-T with a timestamp), not the engine."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
    return bytes(output.getvalue())


def sign_b_t(card: Card, pki: TestPki, server: Any, pdf: bytes) -> bytes:
    """`card`'s signature by pyHanko, timestamped by the session PKI's TSA (B-T)."""
    return sign_directly(pdf, card_simple_signer(card, pki), tsa_url=server.tsa_url)


@pytest.fixture
def nino_signed(idpki: TestPki, idpki_server: Any, small_pdf: bytes) -> bytes:
    """The small PDF with Nino's valid B-T signature (made anew for each test)."""
    return sign_b_t(idpki.card_of(NINO), idpki, idpki_server, small_pdf)


def validate_offline(signed: bytes, settings: Any) -> validation.Report:
    """Validation with the PKI's responders out of reach: the file's own data must do."""
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": dead_url()}
    return validation.validate(signed)


def only_signature(report: validation.Report) -> validation.SignatureReport:
    [signature] = report.signatures
    return signature


def poppler(signed: bytes, tmp_path: Path) -> PdfsigSignature:
    """pdfsig's verdict on the file's one signature."""
    [checked] = pdfsig(signed, tmp_path)
    return checked


def assert_poppler_trusts(checked: PdfsigSignature) -> None:
    """poppler, independently: the signature holds and its certificate is trusted."""
    assert checked.validation == INTACT and checked.certificate == TRUSTED


def untrusted_signer(tmp_path: Path) -> signers.SimpleSigner:
    """A CA of the test's own, unknown to the portal, and a signing certificate from it."""
    made = self_made_signing_certificate(
        ca_name=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Elsewhere Root CA")]),
        subject=x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
                x509.NameAttribute(NameOID.GIVEN_NAME, "MALLORY"),
                x509.NameAttribute(NameOID.SURNAME, "FORGER"),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, "PNOGE-99999999999"),
                x509.NameAttribute(NameOID.COMMON_NAME, "FORGER,MALLORY,99999999999"),
            ]
        ),
        days=30,
    )
    key_path = tmp_path / "mallory.key.pem"
    key_path.write_bytes(
        made.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path = tmp_path / "mallory.pem"
    cert_path.write_bytes(made.certificate.public_bytes(serialization.Encoding.PEM))
    ca_path = tmp_path / "elsewhere-ca.pem"
    ca_path.write_bytes(made.ca.public_bytes(serialization.Encoding.PEM))
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        key_file=str(key_path), cert_file=str(cert_path), ca_chain_files=(str(ca_path),)
    )
    assert signer is not None
    return signer


def change_one_byte(pdf: bytes) -> bytes:
    """One byte of the signed revision's content changed (inside the signed byte range)."""
    position = pdf.index(b"/Producer") + len(b"/Producer")
    position = pdf.index(b"(", position) + 2
    changed = bytearray(pdf)
    changed[position] = ord("X") if changed[position] != ord("X") else ord("Y")
    return bytes(changed)


def add_page_content(pdf: bytes) -> bytes:
    """An incremental update after signing that draws new text on the first page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 72 Td (PAID IN FULL) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))  # type: ignore[no-untyped-call]
    output = io.BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]
    return output.getvalue()


# --- PDF: valid signatures at each level ----------------------------------------------------


def test_a_timestamped_signature_is_valid_b_t(nino_signed: bytes, tmp_path: Path) -> None:
    signed = nino_signed
    report = validation.validate(signed, filename="application.pdf")
    assert report.format == "pdf"
    assert report.valid, report
    signature = only_signature(report)
    assert signature.status == "valid"
    assert signature.level == "B-T"
    assert signature.signer_name == "NINO BERIDZE"
    assert signature.signer_name_ka == "ნინო ბერიძე"
    assert signature.identifier == "PNOGE-01001012345"
    assert signature.capacity == "person"
    assert signature.time_source == "timestamp"
    assert signature.signed_at is not None
    assert abs((signature.signed_at - dt.datetime.now(dt.UTC)).total_seconds()) < 120
    assert signature.covers_whole_document
    checked = poppler(signed, tmp_path)
    assert_poppler_trusts(checked)
    assert checked.whole_document


def test_a_signature_without_timestamp_is_b_b_with_the_claimed_time(
    idpki: TestPki, small_pdf: bytes, tmp_path: Path
) -> None:
    signed = sign_directly(
        small_pdf, card_simple_signer(idpki.card_of(MARIAM), idpki), tsa_url=None
    )
    signature = only_signature(validation.validate(signed))
    assert signature.level == "B-B"
    assert signature.time_source == "claimed"
    assert signature.status == "valid", signature.problems
    assert_poppler_trusts(poppler(signed, tmp_path))


def test_engine_b_lt_is_validated_offline(
    idpki: TestPki, small_pdf: bytes, settings: Any, tmp_path: Path
) -> None:
    signed = sign_with_engine(small_pdf, idpki, GIORGI, Level.LT)
    report = validate_offline(signed, settings)
    signature = only_signature(report)
    assert signature.status == "valid", signature.problems
    assert signature.level == "B-LT"
    assert signature.signer_name == "GIORGI BERIDZE"
    assert report.valid
    assert_poppler_trusts(poppler(signed, tmp_path))


def test_engine_b_lta_with_its_document_timestamp(
    idpki: TestPki, small_pdf: bytes, settings: Any, tmp_path: Path
) -> None:
    signed = sign_with_engine(small_pdf, idpki, NINO, Level.LTA)
    report = validate_offline(signed, settings)
    signature = only_signature(report)
    assert signature.level == "B-LTA"
    assert signature.status == "valid", signature.problems
    assert signature.covers_whole_document  # the DSS and the timestamp after it are fine
    [timestamp] = report.timestamps
    assert timestamp.status == "valid", timestamp.problems
    assert report.valid
    # pdfsig lists the document timestamp too but does not verify it.
    assert_poppler_trusts(pdfsig(signed, tmp_path)[0])


# --- PDF: what must not pass ------------------------------------------------------------------


def test_one_changed_byte_is_invalid(nino_signed: bytes, tmp_path: Path) -> None:
    signed = nino_signed
    tampered = change_one_byte(signed)
    assert tampered != signed and len(tampered) == len(signed)
    report = validation.validate(tampered)
    assert not report.valid
    signature = only_signature(report)
    assert signature.status == "invalid"
    assert "modified-after-signing" in signature.problems
    assert pdfsig(tampered, tmp_path)[0].validation != INTACT


# --- One changed byte anywhere: a systematic sweep ------------------------------------------


@dataclass(frozen=True)
class Region:
    """A span of the file and whether a changed byte in it must make the report fail."""

    name: str
    start: int
    end: int  # exclusive
    protected: bool


def _cms_regions(data: bytes, label: str, hex_start: int, hex_end: int) -> list[Region]:
    """The parts of one signature's /Contents: each DER structure (mapped back to the
    hex digits that carry it) and the zero padding after the DER."""
    raw = binascii.unhexlify(data[hex_start:hex_end])
    content = cms.ContentInfo.load(raw, strict=False)
    der_length = len(content.dump())
    signed_data = content["content"]
    signer_info = signed_data["signer_infos"][0]
    parts: list[tuple[str, bytes]] = [
        ("certificates", signed_data["certificates"].dump()),
        ("signed attributes", signer_info["signed_attrs"].dump()),
        ("signature value", signer_info["signature"].dump()),
    ]
    encapsulated = signed_data["encap_content_info"]
    if encapsulated["content_type"].native == "tst_info":
        parts.append(("TSTInfo", encapsulated.dump()))
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native == "signature_time_stamp_token":
            parts.append(("signature timestamp token", attribute.dump()))
    regions = [Region(f"{label}: CMS DER", hex_start, hex_start + 2 * der_length, True)]
    for name, blob in parts:
        offset = raw.index(blob)
        regions.append(
            Region(
                f"{label}: {name}",
                hex_start + 2 * offset,
                hex_start + 2 * (offset + len(blob)),
                True,
            )
        )
    regions.append(Region(f"{label}: zero padding", hex_start + 2 * der_length, hex_end, False))
    return regions


def _regions(data: bytes) -> list[Region]:
    """Every signature's signed byte ranges and its /Contents, most specific first."""
    ranges = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))
    assert len(ranges) == 2, "a B-LTA file: the signature and the document timestamp"
    regions: list[Region] = []
    signed: list[Region] = []
    for match, label in zip(ranges, ("signature", "document timestamp"), strict=True):
        a, b, c, d = (int(group) for group in match.groups())
        regions += _cms_regions(data, label, a + b + 1, c - 1)
        signed.append(Region(f"signed by the {label}", a, a + b, True))
        signed.append(Region(f"signed by the {label}", c, c + d, True))
    first_end = int(ranges[0].group(3)) + int(ranges[0].group(4))
    dss = data.index(b"/DSS", first_end)
    regions.append(Region("the DSS (after the signature)", first_end, dss + 200, True))
    regions.append(Region("page content (first revision)", 0, int(ranges[0].group(2)), True))
    return regions + signed


def _where(regions: list[Region], position: int) -> Region:
    return next(r for r in regions if r.start <= position < r.end)


def _positions(data: bytes, regions: list[Region]) -> list[int]:
    """~40 positions: 16 spread evenly over the file, and a few inside each region."""
    chosen = {len(data) * k // 16 + 7 for k in range(16)}
    for region in regions:
        if region.name.startswith("signed by"):
            continue
        span = region.end - region.start
        for fraction in (0.1, 0.5, 0.9):
            chosen.add(region.start + int(span * fraction))
    stream = data.index(b"stream\n") + len(b"stream\n")
    chosen.add(stream + 3)  # inside the first page-content stream
    return sorted(p for p in chosen if p < len(data))


def _flip(data: bytes, position: int, regions: list[Region]) -> bytes:
    """One byte changed; inside /Contents another hex digit (the file still parses)."""
    changed = bytearray(data)
    original = changed[position]
    if _where(regions, position).name.startswith(("signature:", "document timestamp:")):
        changed[position] = ord("1") if original != ord("1") else ord("2")
    else:
        changed[position] = original ^ 0x01
    return bytes(changed)


# What a changed byte in each part must be reported as (besides not being valid).
EXPECTED_PROBLEM = {
    "signature: signature value": "bad-signature",
    "signature: signature timestamp token": "timestamp-invalid",
    "signature: certificates": "timestamp-invalid",  # only the archive timestamp covers them
    "document timestamp: TSTInfo": "timestamp-invalid",
    "document timestamp: signature value": "timestamp-invalid",
}


def test_a_changed_byte_in_the_seals_cms_is_a_broken_timestamp(
    idpki: TestPki, small_pdf: bytes
) -> None:
    """The colleague's find: inside the signature's CMS (its certificates, which the
    signature itself does not protect) — the archive timestamp no longer matches, and the
    signature must not be reported valid."""
    signed = sign_with_engine(small_pdf, idpki, NINO, Level.LTA)
    position = signed.index(b"/Contents <") + 200
    changed = bytearray(signed)
    changed[position] = ord("1") if changed[position] != ord("1") else ord("2")
    report = validation.validate(bytes(changed))
    assert not report.valid
    signature = only_signature(report)
    assert signature.status == "invalid"
    assert "timestamp-invalid" in signature.problems
    assert signature.level != "B-LTA"
    [timestamp] = report.timestamps
    assert timestamp.status == "invalid" and "timestamp-invalid" in timestamp.problems


def test_one_changed_byte_anywhere_in_a_b_lta_file_is_never_valid(
    idpki: TestPki, small_pdf: bytes, tmp_path: Path
) -> None:
    signed = sign_with_engine(small_pdf, idpki, NINO, Level.LTA)
    assert validation.validate(signed).valid
    regions = _regions(signed)
    positions = _positions(signed, regions)
    assert len(positions) >= 40
    hits: set[str] = set()
    failures: list[tuple[Any, ...]] = []
    for position in positions:
        region = _where(regions, position)
        specific = next(
            (r.name for r in regions if r.start <= position < r.end and "CMS DER" not in r.name),
            region.name,
        )
        hits.add(specific)
        report = validation.validate(_flip(signed, position, regions))
        problems = sorted(
            {*report.problems}
            | {p for s in report.signatures for p in s.problems}
            | {p for t in report.timestamps for p in t.problems}
        )
        statuses = [s.status for s in report.signatures]
        print(f"{position:>6} {specific:<45} valid={report.valid} {statuses} {problems}")  # noqa: T201
        if region.protected and (report.valid or not problems or "valid" in statuses):
            failures.append((position, specific, statuses, problems))
        expected = EXPECTED_PROBLEM.get(specific)
        if expected and not {expected, "damaged"} & set(problems):  # damaged: unreadable
            failures.append((position, specific, statuses, problems))
        if specific in ("page content (first revision)", "signature: signature value"):
            # poppler, independently: the signature over these bytes does not hold.
            seen = pdfsig(_flip(signed, position, regions), tmp_path)[0]
            print(f"{'':>6} pdfsig: {seen.validation}")  # noqa: T201
            if seen.validation == INTACT:
                failures.append((position, specific, "pdfsig", seen.validation))
    assert not failures, failures
    for needed in (
        "page content (first revision)",
        "signature: signed attributes",
        "signature: signature value",
        "signature: signature timestamp token",
        "the DSS (after the signature)",
        "document timestamp: TSTInfo",
        "document timestamp: signature value",
    ):
        assert needed in hits, (needed, sorted(hits))


def test_a_revoked_card_is_invalid(
    idpki: TestPki, idpki_server: Any, small_pdf: bytes, tmp_path: Path
) -> None:
    signed = sign_b_t(idpki.card_of(GIORGI, "revoked"), idpki, idpki_server, small_pdf)
    report = validation.validate(signed)
    signature = only_signature(report)
    assert signature.status == "invalid"
    assert signature.problems == ["certificate-revoked"]
    assert not report.valid
    # pdfsig sees an intact signature whose certificate it does not accept.
    checked = poppler(signed, tmp_path)
    assert checked.validation == INTACT
    assert checked.certificate == "Certificate has been Revoked."  # from the CA's CRL


def test_an_expired_card_is_invalid(
    idpki: TestPki, idpki_server: Any, small_pdf: bytes, tmp_path: Path
) -> None:
    signed = sign_b_t(idpki.card_of(TAMAZ, "expired"), idpki, idpki_server, small_pdf)
    report = validation.validate(signed)
    signature = only_signature(report)
    assert signature.status == "invalid"
    assert "certificate-expired" in signature.problems
    assert not report.valid
    checked = poppler(signed, tmp_path)
    assert checked.validation == INTACT
    assert checked.certificate == "Certificate has Expired"


def test_an_untrusted_ca_is_invalid(idpki_server: Any, small_pdf: bytes, tmp_path: Path) -> None:
    signed = sign_directly(small_pdf, untrusted_signer(tmp_path), tsa_url=idpki_server.tsa_url)
    signature = only_signature(validation.validate(signed))
    assert signature.status == "invalid"
    assert signature.problems == ["certificate-untrusted"]
    assert signature.signer_name == "MALLORY FORGER"
    checked = poppler(signed, tmp_path)
    assert checked.validation == INTACT
    assert checked.certificate not in (TRUSTED, ""), checked.certificate


def test_content_added_after_signing_is_not_the_whole_document(
    nino_signed: bytes, tmp_path: Path
) -> None:
    updated = add_page_content(nino_signed)
    report = validation.validate(updated)
    signature = only_signature(report)
    assert signature.status == "invalid"
    assert "not-whole-document" in signature.problems
    assert "modified-after-signing" in signature.problems
    assert not signature.covers_whole_document
    assert not report.valid
    checked = poppler(updated, tmp_path)
    assert checked.validation == INTACT and not checked.whole_document
    assert checked.certificate == TRUSTED  # the signature holds; the update is what fails


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not really a PDF\n%%EOF\n",
        b"<html><body>Totally a PDF</body></html>",
        b"",
        b"%PDF-1.4\n" + b"\x00" * 5000,
    ],
    ids=["pdf-header-only", "html", "empty", "zeros"],
)
def test_a_file_that_only_claims_to_be_a_pdf(data: bytes) -> None:
    report = validation.validate(data, filename="contract.pdf")
    assert report.format == "not-a-pdf"
    assert not report.valid
    assert report.signatures == []


def test_an_unsigned_pdf_is_reported_unsigned(small_pdf: bytes) -> None:
    report = validation.validate(small_pdf)
    assert report.format == "unsigned"
    assert not report.valid


def test_a_huge_file_is_not_parsed(settings: Any, small_pdf: bytes) -> None:
    settings.ATTACHMENT_MAX_FILE_BYTES = 1000
    report = validation.validate(small_pdf)
    assert report.problems == ["too-large"]
    assert not report.valid


# --- Many signatures, quickly --------------------------------------------------------------


def test_five_signatures_on_one_pdf(idpki: TestPki, small_pdf: bytes, tmp_path: Path) -> None:
    signed = small_pdf
    people = [NINO, GIORGI, MARIAM, TAMAZ, "60001045678"]
    for number, person in enumerate(people, start=1):
        signed = sign_with_engine(signed, idpki, person, Level.LT, field_name=f"Signature{number}")
    started = time.perf_counter()
    report = validation.validate(signed)
    elapsed = time.perf_counter() - started
    print(f"validation of 5 signatures (B-LT): {elapsed:.3f} s")  # noqa: T201 - reported
    assert len(report.signatures) == 5
    assert [s.status for s in report.signatures] == ["valid"] * 5, [
        s.problems for s in report.signatures
    ]
    assert report.valid
    assert {s.identifier for s in report.signatures} == {f"PNOGE-{p}" for p in people}
    checked = pdfsig(signed, tmp_path)
    assert len(checked) == 5 and all(c.validation == INTACT for c in checked)
    # poppler 22 reads NSS's last error even when a check succeeded, so after the first
    # signature its certificate verdicts are stale ("Unknown issue…"): only the first counts.
    assert checked[0].certificate == TRUSTED


# --- ASiC-E ---------------------------------------------------------------------------------

FILES = {"application.txt": "განაცხადი — application\n".encode(), "photo.png": b"\x89PNG fake"}


def xades_asice(card: Card, files: dict[str, bytes]) -> bytes:
    """An ASiC-E container signed by signxml's XAdES signer (not our code): detached
    references to the files by name, raw-byte digests, as DigiDoc and DSS make them; the
    signing time is signxml's own (now)."""
    return xades_container(files, xades_signature(card, files))


def cades_asice(card: Card, pki: TestPki, files: dict[str, bytes], tsa_url: str) -> bytes:
    """An ASiC-E with a CAdES B-T detached signature over an ASiCManifest (pyHanko's CMS
    signer)."""
    return cades_container(card, pki, files, tsa_url, long_term=None)


def test_an_asice_signed_with_signxml_xades_is_recognised(idpki: TestPki) -> None:
    container = xades_asice(idpki.card_of(GIORGI), FILES)
    report = validation.validate(container, filename="documents.asice")
    assert report.format == "asice"
    signature = only_signature(report)
    assert signature.status == "valid", signature.problems
    assert signature.signer_name == "GIORGI BERIDZE"
    assert signature.identifier == "PNOGE-01008057492"
    assert sorted(signature.files) == sorted(FILES)
    assert signature.covers_whole_document
    assert signature.time_source == "claimed"
    assert report.valid


def test_an_asice_with_one_file_changed_is_invalid(idpki: TestPki) -> None:
    container = xades_asice(idpki.card_of(MARIAM), FILES)
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["application.txt"] = members["application.txt"].replace(b"application", b"applicatioN")
    files = {name: members[name] for name in FILES}
    meta = {
        n: d
        for n, d in members.items()
        if n.startswith("META-INF/") and n != "META-INF/manifest.xml"
    }
    report = validation.validate(asice_container(files, meta))
    signature = only_signature(report)
    assert signature.status == "invalid"
    assert "modified-after-signing" in signature.problems
    assert not report.valid


def test_an_asice_with_an_unsigned_extra_file_is_not_whole(idpki: TestPki) -> None:
    container = xades_asice(idpki.card_of(GIORGI), FILES)
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        meta = {"META-INF/signatures0.xml": archive.read("META-INF/signatures0.xml")}
    report = validation.validate(asice_container({**FILES, "added.txt": b"later"}, meta))
    signature = only_signature(report)
    assert signature.problems == ["not-whole-document"]
    assert not report.valid


def test_a_cades_asice_is_recognised(idpki: TestPki, idpki_server: Any) -> None:
    container = cades_asice(idpki.card_of(NINO), idpki, FILES, idpki_server.tsa_url)
    report = validation.validate(container, filename="documents.asice")
    assert report.format == "asice"
    signature = only_signature(report)
    assert signature.status == "valid", signature.problems
    assert signature.level == "B-T"
    assert signature.time_source == "timestamp"
    assert signature.signer_name == "NINO BERIDZE"
    assert report.valid
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        meta = {
            n: archive.read(n)
            for n in archive.namelist()
            if n.startswith("META-INF/A") or n.endswith(".p7s")
        }
    changed = validation.validate(asice_container({**FILES, "photo.png": b"\x89PNG other"}, meta))
    assert changed.signatures[0].problems == ["modified-after-signing"]


def test_a_zip_bomb_is_refused_without_unpacking(settings: Any) -> None:
    settings.ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    report = validation.validate(asice_container({"zeros.bin": b"\x00" * (5 * 1024 * 1024)}, {}))
    assert report.problems == ["zip-bomb"]
    assert not report.valid


# --- The report in words --------------------------------------------------------------------


def _valid_report() -> validation.Report:
    return validation.Report(
        format="pdf",
        signatures=[
            validation.SignatureReport(
                signer_name="NINO BERIDZE",
                signer_name_ka="ნინო ბერიძე",
                identifier="PNOGE-01001012345",
                capacity="person",
                signed_at=dt.datetime(2026, 11, 22, 6, 14, tzinfo=dt.UTC),
                time_source="timestamp",
                level="B-LT",
                status="valid",
                covers_whole_document=True,
            ),
            validation.SignatureReport(
                signer_name="Public Service Development Agency",
                signer_name_ka="სახელმწიფო სერვისების განვითარების სააგენტო",
                identifier="GOVGE-psda",
                capacity="seal",
                signed_at=dt.datetime(2026, 11, 22, 6, 20, tzinfo=dt.UTC),
                time_source="timestamp",
                level="B-LTA",
                status="valid",
                covers_whole_document=True,
            ),
        ],
    )


def test_the_report_in_english(settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Tbilisi"
    with translation.override("en"):
        text = reports.describe(_valid_report())
    assert text.valid
    assert text.headline == "All 2 signatures are valid."
    nino, agency = text.signatures
    assert nino.who == "Signed by NINO BERIDZE (personal number 01001012345)"
    assert nino.when == "on 22 November 2026 at 10:14 (time confirmed by a timestamp)"
    assert nino.level == "long-term validation data included"
    assert nino.status == "Valid"
    assert agency.who == "Sealed by Public Service Development Agency"


def test_the_report_in_georgian_names_the_signer_in_georgian(settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Tbilisi"
    with translation.override("ka"):
        text = reports.describe(_valid_report())
    nino, agency = text.signatures
    assert "ნინო ბერიძე" in nino.who and "01001012345" in nino.who
    assert "სახელმწიფო სერვისების განვითარების სააგენტო" in agency.who
    assert "2026" in nino.when and "10:14" in nino.when
    assert "November" not in nino.when  # Django's Georgian month name


@pytest.mark.parametrize("code", validation.PROBLEMS)
def test_every_problem_has_its_own_sentence(code: str) -> None:
    report = _valid_report()
    report.signatures[0].problems = [code]
    report.signatures[0].conclude()
    with translation.override("en"):
        text = reports.describe(report)
        sentence = str(reports.PROBLEM_SENTENCES[code])
    assert not text.valid
    assert text.signatures[0].problems == [sentence]
    assert len({str(s) for s in reports.PROBLEM_SENTENCES.values()}) == len(validation.PROBLEMS)


def test_the_report_survives_its_json_round_trip() -> None:
    report = _valid_report()
    again = validation.Report.from_json(report.to_json())
    assert again == report and again.valid


# --- The hook: every uploaded signed file is checked (by the job) -----------------------------


def store(
    world: Any,  # noqa: F811 - the fixture imported above
    content: bytes,
    name: str,
    *,
    sent: bool = False,
) -> Any:
    """`content` uploaded by the world's citizen to the draft; `sent`: then moved to the
    application, as submitting does (what "My documents" lists)."""
    stored = attachments.attachment_store(
        upload(content, name), uploaded_by=world.citizen, draft=world.draft
    )
    if sent:
        Attachment.objects.filter(pk=stored.pk).update(application=world.application, draft=None)
    return stored


def test_an_uploaded_signed_pdf_is_validated_and_shown(
    world: Any,  # noqa: F811 - the fixture imported above
    nino_signed: bytes,
    small_pdf: bytes,
    client: Any,
) -> None:
    good = store(world, nino_signed, "signed.pdf")
    bad = store(world, change_one_byte(nino_signed), "tampered.pdf")
    plain = store(world, small_pdf, "plain.pdf")
    template = Template("{% load signing_reports %}{% signature_report attachment %}")
    with translation.override("en"):
        waiting = template.render(Context({"attachment": good}))
    assert "Checking the signatures" in waiting and "Signature valid" not in waiting
    assert run_jobs() == 2  # the signed and the tampered file; the plain PDF needs none
    good, bad = (Attachment.objects.get(pk=stored.pk) for stored in (good, bad))
    assert SignatureCheck.objects.get(attachment=good).valid
    check = SignatureCheck.objects.get(attachment=bad)
    assert not check.valid
    assert check.as_report().signatures[0].problems == ["modified-after-signing"]
    assert not SignatureCheck.objects.filter(attachment=plain).exists()
    with translation.override("en"):
        shown_good = template.render(Context({"attachment": good}))
        shown_bad = template.render(Context({"attachment": bad}))
        shown_plain = template.render(Context({"attachment": plain}))
    assert "Signature valid" in shown_good
    assert "Signed by NINO BERIDZE (personal number 01001012345)" in shown_good
    assert "Signature not valid" in shown_bad
    assert "changed after it was signed" in shown_bad
    assert shown_plain.strip() == ""


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_the_report_on_my_documents_has_no_axe_violations(
    world: Any,  # noqa: F811 - the fixture imported above
    nino_signed: bytes,
    client: Any,
    lang: str,
) -> None:
    for content, name in (
        (nino_signed, "signed.pdf"),
        (change_one_byte(nino_signed), "tampered.pdf"),
    ):
        store(world, content, name, sent=True)
    client.force_login(world.citizen)
    with translation.override(lang):
        waiting = client.get(reverse("applications:documents")).content.decode()
    assert waiting.count("ow-signature-pending") == 2
    assert axe_violations([waiting]) == []
    assert run_jobs() == 2
    with translation.override(lang):
        listing = client.get(reverse("applications:documents")).content.decode()
    assert listing.count("ow-signature-report") == 2
    assert "govuk-tag--green" in listing and "govuk-tag--red" in listing
    assert axe_violations([listing]) == []


def test_my_documents_costs_the_same_queries_for_one_or_four_signed_files(
    world: Any,  # noqa: F811 - the fixture imported above
    nino_signed: bytes,
    client: Any,
) -> None:
    """The report beside each file comes with the listing's own query (select_related),
    not one query per file."""

    def add(count: int) -> None:
        for number in range(count):
            store(world, nino_signed, f"signed-{number}-{time.monotonic_ns()}.pdf", sent=True)
        assert run_jobs() == count  # the worker checks them

    client.force_login(world.citizen)
    assert_reports_cost_no_query_each(client, reverse("applications:documents"), add)
