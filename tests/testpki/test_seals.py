"""Seals in the test PKI: company seal PINs, agency seals, the seal CA's OCSP, the HSM token."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID, NameOID

from testpki import TestPki, ensure, layout, load
from testpki.model import load_agency_seals
from tests.idpki_process import REPOSITORY, _free_port, _wait_until_ready

AGENCIES = [
    {"code": "revenue-service", "name": "Revenue Service", "name_ka": "შემოსავლების სამსახური"},
    {
        "code": "napr",
        "name": "National Agency of Public Registry",
        "name_ka": "საჯარო რეესტრის ეროვნული სააგენტო",
        "status": "revoked",
    },
]
ENVIRONMENT = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}


def run_cli(*arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "testpki", *arguments],
        capture_output=True, text=True, env=ENVIRONMENT, cwd=REPOSITORY, timeout=120, check=check,
    )  # fmt: skip


@pytest.fixture(scope="module")
def sealed_pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    """A PKI of its own with the two agency seals (one revoked)."""
    directory = tmp_path_factory.mktemp("sealpki") / "pki"
    ensure(directory)
    agencies = directory.parent / "agencies.json"
    agencies.write_text(json.dumps(AGENCIES, ensure_ascii=False))
    run_cli("agency-seals", str(directory), "--agencies", str(agencies))
    return load(directory)


@pytest.fixture(scope="module")
def seal_server(sealed_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("sealserver") / "serve.log"
    port = _free_port()
    command = [sys.executable, "-m", "testpki", "serve", str(sealed_pki.directory)]
    command += ["--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=ENVIRONMENT, cwd=REPOSITORY
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _ask(url: str, certificate: x509.Certificate, issuer: x509.Certificate) -> ocsp.OCSPResponse:
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, issuer, hashes.SHA256())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    answer = httpx.post(
        f"{url}/ocsp/seal-ca",
        content=request,
        headers={"Content-Type": "application/ocsp-request"},
        timeout=10,
    )
    assert answer.status_code == 200
    response = ocsp.load_der_ocsp_response(answer.content)
    assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    return response


def test_company_seals_have_pins_and_statuses(idpki: TestPki) -> None:
    entries = json.loads((idpki.directory / layout.SEALS_JSON).read_text())
    assert [(e["code"], e["pin"], e["status"]) for e in entries] == [
        ("404123456", "4040", "valid"),
        ("404987654", "4098", "valid"),
    ]
    assert idpki.seal("404987654").name == "Georgian Digital Services JSC"


def test_seal_certificates_point_at_the_seal_ocsp_and_crl(idpki: TestPki) -> None:
    for seal in idpki.seals:
        certificate = seal.certificate()
        key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        assert key_usage.content_commitment and not key_usage.digital_signature
        access = certificate.extensions.get_extension_for_oid(
            ExtensionOID.AUTHORITY_INFORMATION_ACCESS
        ).value
        ocsp_urls = [
            d.access_location.value
            for d in access
            if d.access_method == AuthorityInformationAccessOID.OCSP
        ]
        assert ocsp_urls == ["http://127.0.0.1:8300/ocsp/seal-ca"]
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        assert points[0].full_name[0].value == "http://127.0.0.1:8300/crl/seal-ca.crl"


def test_a_pki_made_before_seal_pins_is_made_again(tmp_path: Path) -> None:
    old = ensure(tmp_path / "pki")
    old_root = old.root_ca.read_bytes()
    manifest_path = old.directory / layout.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    del manifest["format"]  # as written by the previous version
    manifest_path.write_text(json.dumps(manifest))
    seals = json.loads((old.directory / layout.SEALS_JSON).read_text())
    for seal in seals:
        del seal["pin"], seal["status"]
    (old.directory / layout.SEALS_JSON).write_text(json.dumps(seals))
    run_cli("init", str(old.directory))
    new = load(old.directory)
    assert new.root_ca.read_bytes() != old_root
    assert [seal.pin for seal in new.seals] == ["4040", "4098"]


def test_agency_seals_are_issued_once_with_the_government_identifier(
    sealed_pki: TestPki, tmp_path: Path
) -> None:
    seals = {seal.code: seal for seal in load_agency_seals(sealed_pki.directory)}
    assert set(seals) == {"revenue-service", "napr"}
    revenue = seals["revenue-service"].certificate()
    subject = revenue.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value == (
        "GOVGE-revenue-service"
    )
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Revenue Service"
    revenue.verify_directly_issued_by(_certificate(sealed_pki.seal_ca))
    key_file = sealed_pki.directory / "private/agency-seal-revenue-service.key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert seals["napr"].status == "revoked" and seals["napr"].revoked_at is not None
    # Again with the same agencies: nothing is re-issued.
    agencies = sealed_pki.directory.parent / "agencies.json"
    before = (sealed_pki.directory / layout.AGENCY_SEALS_JSON).read_bytes()
    pem = seals["revenue-service"].cert.read_bytes()
    run_cli("agency-seals", str(sealed_pki.directory), "--agencies", str(agencies))
    assert (sealed_pki.directory / layout.AGENCY_SEALS_JSON).read_bytes() == before
    assert seals["revenue-service"].cert.read_bytes() == pem


@pytest.mark.parametrize(
    "content",
    [
        "{}",
        '[{"code": "a b", "name": "A", "name_ka": "ა"}]',
        '[{"code": "x", "name": "", "name_ka": "ა"}]',
        '[{"code": "x", "name": "X", "name_ka": "ა", "status": "lost"}]',
        "not json",
    ],
)
def test_a_bad_agencies_file_changes_nothing(tmp_path: Path, idpki: TestPki, content: str) -> None:
    agencies = tmp_path / "agencies.json"
    agencies.write_text(content)
    before = sorted(p.name for p in idpki.directory.iterdir())
    done = run_cli("agency-seals", str(idpki.directory), "--agencies", str(agencies), check=False)
    assert done.returncode == 1 and "testpki:" in done.stderr
    assert sorted(p.name for p in idpki.directory.iterdir()) == before


def test_seal_ocsp_good_revoked_and_unknown(sealed_pki: TestPki, seal_server: str) -> None:
    seal_ca = _certificate(sealed_pki.seal_ca)
    agency = {seal.code: seal for seal in load_agency_seals(sealed_pki.directory)}
    company = sealed_pki.seals[0].certificate()
    for certificate, status in (
        (company, ocsp.OCSPCertStatus.GOOD),
        (agency["revenue-service"].certificate(), ocsp.OCSPCertStatus.GOOD),
        (agency["napr"].certificate(), ocsp.OCSPCertStatus.REVOKED),
    ):
        response = _ask(seal_server, certificate, seal_ca)
        assert response.certificate_status == status
        assert response.serial_number == certificate.serial_number
        # Signed by the seal CA itself (an EC P-384 key).
        ca_key = seal_ca.public_key()
        assert isinstance(ca_key, ec.EllipticCurvePublicKey)
        assert response.signature_hash_algorithm is not None
        ca_key.verify(
            response.signature,
            response.tbs_response_bytes,
            ec.ECDSA(response.signature_hash_algorithm),
        )
    revoked = _ask(seal_server, agency["napr"].certificate(), seal_ca)
    assert revoked.revocation_reason == x509.ReasonFlags.key_compromise
    # A card certificate is not the seal CA's: unknown.
    card = sealed_pki.cards[0].sign_certificate()
    assert _ask(seal_server, card, seal_ca).certificate_status == ocsp.OCSPCertStatus.UNKNOWN


def test_the_seal_crl_lists_the_revoked_agency_seal(sealed_pki: TestPki, seal_server: str) -> None:
    crl = x509.load_der_x509_crl(httpx.get(f"{seal_server}/crl/seal-ca.crl").content)
    ca_key = _certificate(sealed_pki.seal_ca).public_key()
    assert isinstance(ca_key, ec.EllipticCurvePublicKey)
    assert crl.is_signature_valid(ca_key)
    napr = next(s for s in load_agency_seals(sealed_pki.directory) if s.code == "napr")
    assert crl.get_revoked_certificate_by_serial_number(napr.certificate().serial_number)
    revenue = next(s for s in load_agency_seals(sealed_pki.directory) if s.code != "napr")
    assert crl.get_revoked_certificate_by_serial_number(revenue.certificate().serial_number) is None


# Run in a subprocess: SoftHSM2 reads SOFTHSM2_CONF once per process.
USE_TOKEN = """
import json, sys
import pkcs11
from pkcs11 import Attribute, Mechanism, ObjectClass
token = pkcs11.lib("/usr/lib/softhsm/libsofthsm2.so").get_token(token_label="agency-seals")
report = {}
with token.open(user_pin=sys.argv[1]) as session:
    for key in list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})):
        label = key[Attribute.LABEL]
        flags = {a.name: bool(key[a]) for a in (Attribute.SENSITIVE, Attribute.EXTRACTABLE,
                 Attribute.SIGN, Attribute.DECRYPT, Attribute.TOKEN)}
        try:
            key[Attribute.PRIVATE_EXPONENT]
            flags["value_readable"] = True
        except pkcs11.AttributeSensitive:
            flags["value_readable"] = False
        signature = key.sign(b"sealed answer", mechanism=Mechanism.SHA256_RSA_PKCS)
        report[label] = {"id": key[Attribute.ID].hex(), "flags": flags,
                         "signature": bytes(signature).hex()}
    for cert in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        report[cert[Attribute.LABEL]]["certificate"] = bytes(cert[Attribute.VALUE]).hex()
print(json.dumps(report))
"""


def test_the_hsm_token_signs_and_never_gives_its_keys_away(
    sealed_pki: TestPki, tmp_path: Path
) -> None:
    into = tmp_path / "hsm"
    first = run_cli("hsm", str(sealed_pki.directory), "--into", str(into))
    assert "2 keys, 2 imported now" in first.stdout
    assert stat.S_IMODE((into / "pin").stat().st_mode) == 0o600
    pin = (into / "pin").read_text().strip()
    done = subprocess.run(
        [sys.executable, "-c", USE_TOKEN, pin],
        env={"SOFTHSM2_CONF": str(into / "softhsm2.conf"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert set(report) == {"revenue-service", "napr"}
    for seal in load_agency_seals(sealed_pki.directory):
        entry = report[seal.code]
        assert entry["id"] == seal.code.encode().hex()
        assert entry["flags"] == {
            "SENSITIVE": True,
            "EXTRACTABLE": False,
            "SIGN": True,
            "DECRYPT": False,
            "TOKEN": True,
            "value_readable": False,
        }
        certificate = seal.certificate()
        assert entry["certificate"] == certificate.public_bytes(serialization.Encoding.DER).hex()
        key = certificate.public_key()
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(
            bytes.fromhex(entry["signature"]), b"sealed answer", padding.PKCS1v15(), hashes.SHA256()
        )
    # Again: nothing to import, same PIN, same token.
    again = run_cli("hsm", str(sealed_pki.directory), "--into", str(into))
    assert "2 keys, 0 imported now" in again.stdout
    assert (into / "pin").read_text().strip() == pin
    # The wrong PIN opens nothing.
    wrong = subprocess.run(
        [sys.executable, "-c", USE_TOKEN, "00000000" if pin != "00000000" else "11111111"],
        env={"SOFTHSM2_CONF": str(into / "softhsm2.conf"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert wrong.returncode != 0 and "PinIncorrect" in wrong.stderr
