"""Fixtures for the signing engine: the session test PKI's server as TSA/OCSP/CRL source, the
demo cards' signing keys standing in for the cards, a SoftHSM2 seal token, and checks of the
results by pyHanko's validator and by poppler's `pdfsig` (independent of pyHanko)."""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

import httpx
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature
from cryptography.x509.oid import AuthorityInformationAccessOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from onewindow.signing import pades, trust
from onewindow.signing.pades import Level
from testpki import Card, TestPki
from testpki.model import load_private_key

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
SEAL_AGENCY = "TEST-AGENCY"
REVOKED_AGENCY = "REVOKED-AGENCY"


@pytest.fixture
def pki_settings(settings: Any, idpki: TestPki, idpki_server: Any, monkeypatch: Any) -> Any:
    """The engine pointed at the session's test PKI and its running server."""
    settings.SIGNING_TRUST_ROOTS = [str(idpki.root_ca)]
    settings.SIGNING_INTERMEDIATE_CERTS = [str(idpki.idcard_ca), str(idpki.seal_ca)]
    settings.SIGNING_TSA_URL = idpki_server.tsa_url
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": idpki_server.url}
    settings.SIGNING_NETWORK_TIMEOUT = 3.0
    settings.SIGNING_FAIL_CLOSED_AFTER = 300
    CRL_SOURCE["url"] = idpki_server.url  # for pdfsig, even when a test cuts the engine off
    # Each test its own cached revocation answers: with Redis the cache is shared by the
    # test workers, so deleting "our" keys would also delete another test's mid-run.
    monkeypatch.setattr(trust, "CACHE_PREFIX", f"{trust.CACHE_PREFIX}{uuid.uuid4().hex}:")
    return settings


def dead_url() -> str:
    """A loopback URL where nothing listens (a port just freed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def small_pdf() -> bytes:
    """A one-page PDF/A-3b document as the portal renders them (WeasyPrint)."""
    from weasyprint import HTML

    html = (
        "<html lang='en'><head><title>Application</title></head><body>"
        "<h1>Application for a certificate</h1><p>განაცხადი — application 2026/1.</p>"
        "</body></html>"
    )
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/a-3b"))


# --- The card --------------------------------------------------------------------------------


def device_signature(key: Any, digest: bytes, hash_function: str) -> bytes:
    """What a card or seal device holding `key` returns for `digest` ("SHA-256" or
    "SHA-384"): PKCS#1 v1.5 for RSA, raw r‖s for ECDSA (as XML-DSig's SignatureValue)."""
    algorithm = Prehashed(hashes.SHA384() if hash_function == "SHA-384" else hashes.SHA256())
    if isinstance(key, rsa.RSAPrivateKey):
        return bytes(key.sign(digest, padding.PKCS1v15(), algorithm))
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(algorithm)))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def card_sign(card: Card, digest: bytes, hash_function: str) -> bytes:
    """What the card returns for `digest`."""
    return device_signature(load_private_key(card.sign_key), digest, hash_function)


def card_simple_signer(card: Card, pki: TestPki) -> signers.SimpleSigner:
    """pyHanko's own signer with the card's key, certificate and CA chain (not the engine)."""
    signer: signers.SimpleSigner | None = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        key_file=str(card.sign_key),
        cert_file=str(card.sign_cert),
        ca_chain_files=(str(pki.idcard_ca), str(pki.root_ca)),
    )
    assert signer is not None
    return signer


def certificate_der(path: Path) -> bytes:
    return x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )


def sign_with_engine(
    pdf: bytes, pki: TestPki, personal_number: str, level: Level, field_name: str = "Signature1"
) -> bytes:
    """The portal's own engine (prepare, the card's signature, finish) at `level`."""
    card = pki.card_of(personal_number)
    prepared = pades.prepare(
        pdf,
        certificate=certificate_der(card.sign_cert),
        reason="Application 2026/1",
        location="Tbilisi",
        field_name=field_name,
    )
    signature = card_sign(card, prepared.digest, prepared.hash_function)
    return pades.finish(prepared.state, signature, level=level)


# --- Checking the results ------------------------------------------------------------------


def assert_reports_cost_no_query_each(client: Any, url: str, add: Callable[[int], None]) -> None:
    """The page at `url` lists one, then four files with signature reports (`add(n)` adds n
    checked files): a report beside each, for the same number of queries (not one query
    per file). The first request only warms the per-process caches (catalogue, translations)."""

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        return len(captured), page

    add(1)
    queries()
    one, page = queries()
    assert page.count("ow-signature-report") == 1
    add(3)
    four, page = queries()
    assert page.count("ow-signature-report") == 4
    assert four == one, (one, four)


def _asn1(path: Path) -> asn1_x509.Certificate:
    return trust.to_asn1(x509.load_pem_x509_certificate(path.read_bytes()))


def validate_offline(pdf: bytes, pki: TestPki) -> list[Any]:
    """pyHanko's validation of every signature with nothing but the file's own DSS and the
    trust root: no fetching, revocation required (so a B-LT proof must be embedded)."""
    import asyncio

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    try:
        dss: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        dss = None
    settings = {
        "trust_roots": [_asn1(pki.root_ca)],
        "allow_fetching": False,
        "revocation_mode": "hard-fail",
    }
    statuses = []
    for embedded in reader.embedded_regular_signatures:
        context = (
            dss.as_validation_context(settings)
            if dss
            else ValidationContext(**settings, crls=[], ocsps=[])
        )
        statuses.append(
            asyncio.run(async_validate_pdf_signature(embedded, signer_validation_context=context))
        )
    return statuses


def validate_document_timestamps(pdf: bytes, pki: TestPki) -> list[Any]:
    """pyHanko's validation of the document timestamps (B-LTA) from the file's DSS."""
    import asyncio

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    dss = DocumentSecurityStore.read_dss(reader)
    return [
        asyncio.run(
            async_validate_pdf_timestamp(
                embedded,
                validation_context=dss.as_validation_context(
                    {
                        "trust_roots": [_asn1(pki.root_ca)],
                        "allow_fetching": False,
                        "revocation_mode": "hard-fail",
                    }
                ),
            )
        )
        for embedded in reader.embedded_timestamp_signatures
    ]


def validate_with_fetched_revinfo(pdf: bytes, pki: TestPki, server_url: str) -> list[Any]:
    """pyHanko's validation with revocation data the test fetches itself (for B-T files,
    which carry none)."""
    import asyncio

    crls = [httpx.get(f"{server_url}/crl/{ca}.crl").content for ca in ("root-ca", "idcard-ca")]
    crls.append(httpx.get(f"{server_url}/crl/seal-ca.crl").content)
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    statuses = []
    for embedded in reader.embedded_regular_signatures:
        signer = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        ocsps = []
        if _has_ocsp(signer):
            chain = trust.build_chain(signer)
            ocsps = trust.collect_revinfo(chain).ocsps
        context = ValidationContext(
            trust_roots=[_asn1(pki.root_ca)],
            other_certs=[_asn1(pki.idcard_ca), _asn1(pki.seal_ca)],
            crls=crls,
            ocsps=ocsps,
            allow_fetching=False,
            revocation_mode="hard-fail",
        )
        statuses.append(
            asyncio.run(async_validate_pdf_signature(embedded, signer_validation_context=context))
        )
    return statuses


def _has_ocsp(certificate: x509.Certificate) -> bool:
    return bool(trust._aia_urls(certificate, AuthorityInformationAccessOID.OCSP))


_NSS_DATABASES: dict[str, Path] = {}
TRUSTED = "Certificate is Trusted."
NSS_BUILTINS = (
    Path("/usr/lib/x86_64-linux-gnu/libnssckbi.so"),
    Path("/lib/x86_64-linux-gnu/libnssckbi.so"),
    Path("/usr/lib/aarch64-linux-gnu/libnssckbi.so"),
)
CRL_SOURCE: dict[str, str] = {}  # the session test PKI server's URL (pki_settings)


@dataclass(frozen=True)
class PdfsigSignature:
    """One signature as pdfsig sees it; `certificate` is TRUSTED when NSS accepted the
    chain to the session root (validity period and, where it can, revocation)."""

    validation: str
    certificate: str
    signer: str
    whole_document: bool


def _nss_database(root_pem: Path, crls: list[bytes]) -> Path:
    """An NSS database (made once per root and set of CRLs, in a tmp dir) that trusts
    `root_pem` for signing and holds the CAs' CRLs, as a relying party's would: pdfsig then
    judges the chain, its validity period and revocation itself.

    NSS first looks for the built-in roots module beside the database; poppler 22 reads
    NSS's last error even after a successful check, so that miss would turn every good
    certificate into "Unknown issue…": the module is linked in."""
    key = hashlib.sha256(b"".join([root_pem.read_bytes(), *crls])).hexdigest()
    if (known := _NSS_DATABASES.get(key)) is not None:
        return known
    if shutil.which("certutil") is None or shutil.which("crlutil") is None:
        pytest.fail("certutil and crlutil are required (apt-get install libnss3-tools)")
    directory = Path(tempfile.mkdtemp(prefix="onewindow-nss-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    database = f"sql:{directory}"
    for builtin in NSS_BUILTINS:
        if builtin.exists():
            (directory / builtin.name).symlink_to(builtin)
            break
    subprocess.run(
        ["certutil", "-N", "--empty-password", "-d", database],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    subprocess.run(
        [
            "certutil", "-A", "-n", "onewindow-test-root", "-t", "CT,C,C",
            "-i", str(root_pem), "-d", database,
        ],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    for number, crl in enumerate(crls):
        crl_path = directory / f"ca-{number}.crl"
        crl_path.write_bytes(crl)
        subprocess.run(
            ["crlutil", "-I", "-B", "-i", str(crl_path), "-d", database],
            capture_output=True, check=True, timeout=60,
        )  # fmt: skip
    _NSS_DATABASES[key] = directory
    return directory


def _trusted_root() -> Path:
    """The root the portal trusts right now (`SIGNING_TRUST_ROOTS`, the session PKI's)."""
    from django.conf import settings

    roots = list(settings.SIGNING_TRUST_ROOTS)
    assert roots, "SIGNING_TRUST_ROOTS is empty"
    return Path(roots[0])


def _current_crls() -> list[bytes]:
    """The test PKI's CRLs as its running server publishes them now (pdfsig cannot ask
    OCSP: the certificates name the demo's port, the session server has its own)."""
    server = CRL_SOURCE.get("url")
    if not server:
        return []
    crls = []
    for ca in ("root-ca", "idcard-ca", "seal-ca"):
        try:
            response = httpx.get(f"{server}/crl/{ca}.crl", timeout=10)
        except httpx.HTTPError:
            continue
        if response.status_code == 200:
            crls.append(response.content)
    return crls


def pdfsig(pdf: bytes, tmp_path: Path) -> list[PdfsigSignature]:
    """poppler's `pdfsig` on `pdf`, parsed: one entry per signature (document timestamps
    included, as pdfsig lists them).

    pdfsig trusts what its NSS database trusts: a database of its own that trusts the
    session PKI's root (the one in `SIGNING_TRUST_ROOTS`) and holds its CRLs, so a good
    signature's certificate is "Certificate is Trusted." and a revoked, expired or foreign
    one is not. `-no-ocsp`: revocation comes from the CRLs (see `_current_crls`)."""
    path = tmp_path / f"signed-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    database = _nss_database(_trusted_root(), _current_crls())
    home = tmp_path / "home"  # no NSS database of the user's
    home.mkdir(exist_ok=True)
    completed = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{database}", "-no-ocsp", str(path)],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = completed.stdout
    blocks = re.split(r"^Signature #\d+:\s*$", output, flags=re.MULTILINE)[1:]
    found = []
    for block in blocks:
        validation = re.search(r"Signature Validation: (.+)", block)
        certificate = re.search(r"Certificate Validation: (.+)", block)
        signer = re.search(r"Signer Certificate Common Name: (.+)", block)
        found.append(
            PdfsigSignature(
                validation=validation.group(1).strip() if validation else "",
                certificate=certificate.group(1).strip() if certificate else "",
                signer=signer.group(1).strip() if signer else "",
                whole_document="Total document signed" in block
                and "Not total document signed" not in block,
            )
        )
    assert found, f"pdfsig found no signature:\n{output}\n{completed.stderr}"
    return found


def assert_sealed_by(
    sealed: bytes, organization_identifier: str, pki: TestPki, tmp_path: Path
) -> PdfsigSignature:
    """The agency's B-LTA seal holds: for pyHanko from the file alone (signature, DocMDP,
    the agency's certificate, the archive timestamp) and for poppler's pdfsig, which trusts
    it. pdfsig's reading of the seal, for what a test checks besides."""
    [status] = validate_offline(sealed, pki)
    assert status.bottom_line, status.pretty_print_details()
    assert status.docmdp_ok is not False
    assert status.signing_cert.subject.native["organization_identifier"] == organization_identifier
    [archive] = validate_document_timestamps(sealed, pki)
    assert archive.valid and archive.trusted
    seal, _archive_timestamp = pdfsig(sealed, tmp_path)
    assert seal.validation == "Signature is Valid." and seal.certificate == TRUSTED
    return seal


# --- A SoftHSM2 seal token ----------------------------------------------------------------


@dataclass(frozen=True)
class SealToken:
    conf: Path
    agency_code: str
    revoked_agency_code: str


def ensure_test_agencies(pki: TestPki) -> None:
    """Our two agencies in the session PKI's agency-seals.json (idempotent), keeping any
    others: another test may have rewritten the file since the token was made."""
    from testpki.agency import issue_agency_seals
    from testpki.generate import now
    from testpki.model import load_agency_seals

    ours = [
        {"code": SEAL_AGENCY, "name": "Test Agency", "name_ka": "სატესტო უწყება"},
        {
            "code": REVOKED_AGENCY,
            "name": "Revoked Agency",
            "name_ka": "გაუქმებული უწყება",
            "status": "revoked",
        },
    ]
    existing = load_agency_seals(pki.directory)
    if {SEAL_AGENCY, REVOKED_AGENCY} <= {seal.code for seal in existing}:
        return
    kept = [
        {"code": seal.code, "name": seal.name, "name_ka": seal.name_ka, "status": seal.status}
        for seal in existing
        if seal.code not in {SEAL_AGENCY, REVOKED_AGENCY}
    ]
    issue_agency_seals(pki.directory, [*kept, *ours], now=now())


@pytest.fixture(scope="session")
def seal_token(idpki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SealToken]:
    """A real SoftHSM2 token `agency-seals` made by `python -m testpki agency-seals` and
    `hsm` (in-process): one good agency seal and one revoked, issued by the session PKI's
    seal CA (whose OCSP the running server answers, reloading agency-seals.json).

    Agencies already issued into the session PKI are kept. SoftHSM2 reads SOFTHSM2_CONF
    once per process: this token is the process's."""
    from testpki.hsm import build_hsm

    if shutil.which("softhsm2-util") is None or not SOFTHSM_MODULE.exists():
        pytest.fail("SoftHSM2 is required (apt-get install softhsm2)")
    ensure_test_agencies(idpki)
    previous = os.environ.get("SOFTHSM2_CONF")
    report = build_hsm(idpki.directory, tmp_path_factory.mktemp("hsm"))
    yield SealToken(conf=report.conf, agency_code=SEAL_AGENCY, revoked_agency_code=REVOKED_AGENCY)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous
