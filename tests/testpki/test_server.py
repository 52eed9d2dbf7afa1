"""The test PKI's server over real HTTP: OCSP, CRLs, CA certificates, timestamps, SIGTERM."""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from asn1crypto import cms, core, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from testpki.model import load_certificate
from tests.idpki_process import RunningIdPki, _free_port, _wait_until_ready

REPOSITORY = Path(__file__).resolve().parents[2]


def ocsp_request(
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    *,
    nonce: bytes | None = None,
    algorithm: hashes.HashAlgorithm | None = None,
) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(
        certificate,
        issuer,
        algorithm or hashes.SHA1(),  # noqa: S303 - OCSP's usual CertID hash
    )
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def post_ocsp(server: RunningIdPki, request: bytes) -> ocsp.OCSPResponse:
    response = httpx.post(
        server.ocsp_url, content=request, headers={"Content-Type": "application/ocsp-request"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(response.content)


def verify_ocsp_signature(answer: ocsp.OCSPResponse, server: RunningIdPki) -> None:
    responder = load_certificate(server.pki.ocsp_responder)
    assert answer.certificates == [responder]
    public_key = responder.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert answer.signature_hash_algorithm is not None
    public_key.verify(
        answer.signature, answer.tbs_response_bytes, ec.ECDSA(answer.signature_hash_algorithm)
    )
    responder.verify_directly_issued_by(load_certificate(server.pki.idcard_ca))
    eku = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.OCSP_SIGNING in eku
    assert answer.responder_key_hash == (
        responder.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    )


def test_health(idpki_server: RunningIdPki) -> None:
    assert httpx.get(f"{idpki_server.url}/health").status_code == 200
    assert httpx.get(f"{idpki_server.url}/nothing-here").status_code == 404


def test_ocsp_good_for_a_valid_card(idpki_server: RunningIdPki) -> None:
    idcard_ca = load_certificate(idpki_server.pki.idcard_ca)
    card = idpki_server.pki.card("card-01001012345")
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    answer = post_ocsp(idpki_server, ocsp_request(card.auth_certificate(), idcard_ca))
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert answer.serial_number == card.auth_certificate().serial_number
    assert before <= answer.this_update_utc <= datetime.datetime.now(datetime.UTC)
    assert answer.next_update_utc == answer.this_update_utc + datetime.timedelta(hours=1)
    verify_ocsp_signature(answer, idpki_server)


def test_ocsp_revoked_with_time_and_reason(idpki_server: RunningIdPki) -> None:
    idcard_ca = load_certificate(idpki_server.pki.idcard_ca)
    card = idpki_server.pki.card("revoked-01008057492")
    for certificate in (card.auth_certificate(), card.sign_certificate()):
        answer = post_ocsp(
            idpki_server, ocsp_request(certificate, idcard_ca, algorithm=hashes.SHA256())
        )
        assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
        assert answer.revocation_time_utc == card.revoked_at
        assert answer.revocation_reason == x509.ReasonFlags.key_compromise
        assert answer.hash_algorithm.name == "sha256"
        verify_ocsp_signature(answer, idpki_server)


def test_ocsp_unknown_for_certificates_the_idcard_ca_did_not_issue(
    idpki_server: RunningIdPki,
) -> None:
    pki = idpki_server.pki
    seal = load_certificate(pki.seal("404123456").cert)
    answer = post_ocsp(idpki_server, ocsp_request(seal, load_certificate(pki.seal_ca)))
    assert answer.certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    verify_ocsp_signature(answer, idpki_server)
    idcard_ca = load_certificate(pki.idcard_ca)
    probe = ocsp.load_der_ocsp_request(ocsp_request(pki.cards[0].auth_certificate(), idcard_ca))
    unknown_serial = (
        ocsp.OCSPRequestBuilder()
        .add_certificate_by_hash(
            probe.issuer_name_hash,
            probe.issuer_key_hash,
            123456789,
            hashes.SHA1(),  # noqa: S303
        )
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    answer = post_ocsp(idpki_server, unknown_serial)
    assert answer.certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    assert answer.serial_number == 123456789


def test_ocsp_echoes_the_nonce_and_adds_none_unasked(idpki_server: RunningIdPki) -> None:
    idcard_ca = load_certificate(idpki_server.pki.idcard_ca)
    certificate = idpki_server.pki.card("card-60001045678").sign_certificate()
    nonce = secrets.token_bytes(32)
    answer = post_ocsp(idpki_server, ocsp_request(certificate, idcard_ca, nonce=nonce))
    assert answer.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == nonce
    without = post_ocsp(idpki_server, ocsp_request(certificate, idcard_ca))
    with pytest.raises(x509.ExtensionNotFound):
        without.extensions.get_extension_for_class(x509.OCSPNonce)


def test_ocsp_by_get(idpki_server: RunningIdPki) -> None:
    idcard_ca = load_certificate(idpki_server.pki.idcard_ca)
    card = idpki_server.pki.card("card-01008057492")
    request = ocsp_request(card.auth_certificate(), idcard_ca, nonce=b"get-nonce-123456")
    encoded = httpx.URL(f"{idpki_server.ocsp_url}/{base64.b64encode(request).decode()}")
    answer = ocsp.load_der_ocsp_response(httpx.get(encoded).content)
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert (
        answer.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"get-nonce-123456"
    )


@pytest.mark.parametrize("body", [b"", b"not an OCSP request", b"\x30\x03\x02\x01\x01"])
def test_ocsp_malformed_request(idpki_server: RunningIdPki, body: bytes) -> None:
    answer = post_ocsp(idpki_server, body)
    assert answer.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_a_tampered_ocsp_response_fails_verification(idpki_server: RunningIdPki) -> None:
    idcard_ca = load_certificate(idpki_server.pki.idcard_ca)
    answer = post_ocsp(
        idpki_server, ocsp_request(idpki_server.pki.cards[0].auth_certificate(), idcard_ca)
    )
    public_key = load_certificate(idpki_server.pki.ocsp_responder).public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    tampered = bytearray(answer.tbs_response_bytes)
    tampered[-1] ^= 1
    with pytest.raises(InvalidSignature):
        public_key.verify(answer.signature, bytes(tampered), ec.ECDSA(hashes.SHA256()))


def test_the_served_crl_is_fresh_lists_the_revoked_card_and_verifies(
    idpki_server: RunningIdPki,
) -> None:
    pki = idpki_server.pki
    response = httpx.get(idpki_server.crl_url)
    assert response.headers["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.is_signature_valid(load_certificate(pki.idcard_ca).public_key())  # type: ignore[arg-type]
    now = datetime.datetime.now(datetime.UTC)
    assert crl.last_update_utc > now - datetime.timedelta(minutes=1)
    assert crl.next_update_utc is not None and crl.next_update_utc > now
    revoked = pki.card("revoked-01008057492")
    entry = crl.get_revoked_certificate_by_serial_number(revoked.auth_certificate().serial_number)
    assert entry is not None and entry.revocation_date_utc == revoked.revoked_at
    assert crl.get_revoked_certificate_by_serial_number(revoked.sign_certificate().serial_number)
    valid = pki.card("card-01008057492").auth_certificate().serial_number
    assert crl.get_revoked_certificate_by_serial_number(valid) is None
    again = x509.load_der_x509_crl(httpx.get(idpki_server.crl_url).content)
    number = x509.CRLNumber
    assert (
        again.extensions.get_extension_for_class(number).value.crl_number
        > crl.extensions.get_extension_for_class(number).value.crl_number
    )
    root_crl = x509.load_der_x509_crl(httpx.get(idpki_server.crl_url_of("root-ca")).content)
    assert root_crl.is_signature_valid(load_certificate(pki.root_ca).public_key())  # type: ignore[arg-type]
    assert len(root_crl) == 0


def test_ca_certificates_are_served(idpki_server: RunningIdPki) -> None:
    response = httpx.get(f"{idpki_server.url}/certs/idcard-ca.cer")
    assert response.headers["Content-Type"] == "application/pkix-cert"
    assert x509.load_der_x509_certificate(response.content) == load_certificate(
        idpki_server.pki.idcard_ca
    )
    assert httpx.get(f"{idpki_server.url}/certs/tsa.cer").status_code == 404


class TimeStampReply(core.Sequence):
    """RFC 3161 TimeStampResp, whose token is OPTIONAL (asn1crypto's requires it)."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def timestamp_request(
    digest: bytes, *, nonce: int | None, cert_req: bool, algorithm: str = "sha256"
) -> bytes:
    request: dict[str, Any] = {
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": algorithm}, "hashed_message": digest},
        "cert_req": cert_req,
    }
    if nonce is not None:
        request["nonce"] = nonce
    der: bytes = tsp.TimeStampReq(request).dump()
    return der


def post_tsa(server: RunningIdPki, body: bytes) -> Any:
    response = httpx.post(
        server.tsa_url, content=body, headers={"Content-Type": "application/timestamp-query"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/timestamp-reply"
    return TimeStampReply.load(response.content, strict=True)


def test_timestamp_granted_with_imprint_nonce_and_a_verifiable_signature(
    idpki_server: RunningIdPki,
) -> None:
    digest = hashlib.sha256(b"a document to timestamp").digest()
    nonce = secrets.randbits(64)
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    reply = post_tsa(idpki_server, timestamp_request(digest, nonce=nonce, cert_req=True))
    assert reply["status"]["status"].native == "granted"
    token = reply["time_stamp_token"]
    assert token["content_type"].native == "signed_data"
    signed_data = token["content"]
    encapsulated = signed_data["encap_content_info"]
    assert encapsulated["content_type"].native == "tst_info"
    info = encapsulated["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert info["nonce"].native == nonce
    assert info["policy"].native == "2.999.2026.2.1"
    assert before <= info["gen_time"].native <= datetime.datetime.now(datetime.UTC)

    tsa_certificate = load_certificate(idpki_server.pki.tsa)
    tsa_der = tsa_certificate.public_bytes(serialization.Encoding.DER)
    assert [c.chosen.dump() for c in signed_data["certificates"]] == [tsa_der]
    signer = signed_data["signer_infos"][0]
    assert signer["sid"].chosen["serial_number"].native == tsa_certificate.serial_number
    attributes = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    assert attributes["content_type"].native == "tst_info"
    assert (
        attributes["message_digest"].native
        == hashlib.sha256(encapsulated["content"].contents).digest()
    )
    ess = attributes["signing_certificate_v2"]["certs"][0]
    assert ess["hash_algorithm"]["algorithm"].native == "sha256"
    assert ess["cert_hash"].native == hashlib.sha256(tsa_der).digest()
    signed_bytes = signer["signed_attrs"].dump()
    to_verify = b"\x31" + signed_bytes[1:]  # the attributes are signed as a SET, not [0]
    public_key = tsa_certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert signer["signature_algorithm"]["algorithm"].native == "sha256_ecdsa"
    public_key.verify(signer["signature"].native, to_verify, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        public_key.verify(
            signer["signature"].native, to_verify + b"\x00", ec.ECDSA(hashes.SHA256())
        )


def test_timestamp_without_cert_req_or_nonce(idpki_server: RunningIdPki) -> None:
    digest = hashlib.sha512(b"x").digest()
    reply = post_tsa(
        idpki_server, timestamp_request(digest, nonce=None, cert_req=False, algorithm="sha512")
    )
    assert reply["status"]["status"].native == "granted"
    signed_data = reply["time_stamp_token"]["content"]
    assert signed_data["certificates"].native is None
    info = signed_data["encap_content_info"]["content"].parsed
    assert info["nonce"].native is None
    assert info["message_imprint"]["hashed_message"].native == digest


@pytest.mark.parametrize(
    ("body", "failure"),
    [
        (b"garbage", "bad_data_format"),
        (timestamp_request(b"short", nonce=1, cert_req=True), "bad_data_format"),
        (timestamp_request(b"\x00" * 16, nonce=1, cert_req=True, algorithm="md5"), "bad_alg"),
    ],
)
def test_timestamp_rejections(idpki_server: RunningIdPki, body: bytes, failure: str) -> None:
    reply = post_tsa(idpki_server, body)
    assert reply["status"]["status"].native == "rejection"
    assert reply["status"]["fail_info"].native == {failure}
    assert reply["time_stamp_token"].native is None


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_openssl_verifies_the_timestamp_and_the_ocsp_response(
    idpki_server: RunningIdPki, tmp_path: Path
) -> None:
    pki = idpki_server.pki
    data = tmp_path / "data.txt"
    data.write_bytes(b"independent check")
    query, reply = tmp_path / "query.tsq", tmp_path / "reply.tsr"
    subprocess.run(
        ["openssl", "ts", "-query", "-data", data, "-sha256", "-cert", "-out", query], check=True
    )
    reply.write_bytes(httpx.post(idpki_server.tsa_url, content=query.read_bytes()).content)
    verified = subprocess.run(
        ["openssl", "ts", "-verify", "-in", reply, "-queryfile", query,
         "-CAfile", pki.root_ca, "-untrusted", pki.tsa],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Verification: OK" in verified.stdout, verified.stderr
    checked = subprocess.run(
        ["openssl", "ocsp", "-issuer", pki.idcard_ca,
         "-cert", pki.card("revoked-01008057492").auth_cert,
         "-url", idpki_server.ocsp_url, "-CAfile", pki.root_ca],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Response verify OK" in checked.stderr
    assert ": revoked" in checked.stdout


def test_serve_starts_fast_and_stops_cleanly_on_sigterm(
    idpki_server: RunningIdPki, tmp_path: Path
) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    started = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "testpki", "serve", str(idpki_server.pki.directory),
             "--port", str(port)],
            stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=REPOSITORY,
        )  # fmt: skip
    try:
        _wait_until_ready(f"http://127.0.0.1:{port}", process, log)
        startup = time.monotonic() - started
        # < 2 s on an idle machine; the margin is for the shared CI machine.
        assert startup < 5, startup
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)


def test_serve_refuses_a_folder_without_a_pki(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "testpki", "serve", str(tmp_path), "--port", str(_free_port())],
        capture_output=True, text=True, env=environment, cwd=REPOSITORY, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert "testpki init" in result.stderr
