"""pyHanko, the project's signing library, accepts the PKI's timestamps, OCSP and CRLs."""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError

from tests.idpki_process import RunningIdPki


def _run(coroutine: Any) -> Any:
    """asyncio.run in a thread of its own: in a worker that also drives Playwright's sync
    API, the main thread already has a running event loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def certificate(path: Path) -> Any:
    return asn1_x509.Certificate.load(pem.unarmor(path.read_bytes())[2])


def fetch_ocsp(server: RunningIdPki, card_cert: Path) -> Any:
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(
            x509.load_pem_x509_certificate(card_cert.read_bytes()),
            x509.load_pem_x509_certificate(server.pki.idcard_ca.read_bytes()),
            hashes.SHA256(),
        )
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    return asn1_ocsp.OCSPResponse.load(httpx.post(server.ocsp_url, content=request).content)


def validation_context(server: RunningIdPki, card_cert: Path) -> ValidationContext:
    """Offline: the revocation data comes from the test server, not from the AIA's port 8300."""
    root_crl = httpx.get(server.crl_url_of("root-ca")).content
    return ValidationContext(
        trust_roots=[certificate(server.pki.root_ca)],
        other_certs=[certificate(server.pki.idcard_ca)],
        ocsps=[fetch_ocsp(server, card_cert)],
        crls=[asn1_crl.CertificateList.load(root_crl)],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )


def test_pyhanko_validates_a_valid_card_with_the_served_ocsp(idpki_server: RunningIdPki) -> None:
    card = idpki_server.pki.card("card-01001012345")
    context = validation_context(idpki_server, card.auth_cert)
    validator = CertificateValidator(certificate(card.auth_cert), validation_context=context)
    path = _run(validator.async_validate_usage({"digital_signature"}))
    assert path.leaf.subject.native["serial_number"] == "PNOGE-01001012345"


def test_pyhanko_refuses_the_revoked_card(idpki_server: RunningIdPki) -> None:
    card = idpki_server.pki.card("revoked-01008057492")
    context = validation_context(idpki_server, card.sign_cert)
    validator = CertificateValidator(certificate(card.sign_cert), validation_context=context)
    with pytest.raises(RevokedError, match="compromised key"):
        _run(validator.async_validate_usage({"non_repudiation"}))


def test_pyhanko_timestamps_with_the_tsa_and_trusts_the_token(idpki_server: RunningIdPki) -> None:
    digest = hashlib.sha256(b"a signed PDF's signature value").digest()

    async def timestamp_and_validate() -> dict[str, Any]:
        token = await HTTPTimeStamper(idpki_server.tsa_url).async_timestamp(digest, "sha256")
        context = ValidationContext(
            trust_roots=[certificate(idpki_server.pki.root_ca)],
            crls=[
                asn1_crl.CertificateList.load(httpx.get(idpki_server.crl_url_of("root-ca")).content)
            ],
            allow_fetching=False,
            revocation_mode="hard-fail",
        )
        status: dict[str, Any] = await validate_tst_signed_data(
            token["content"], context, lambda _algorithm: digest
        )
        return status

    status = _run(timestamp_and_validate())
    assert status["intact"] and status["valid"]
    assert status["trust_problem_indic"] is None  # the chain to the root validated
    assert status["validation_path"] is not None
    assert status["signing_cert"].subject.native["common_name"] == (
        "OneWindow Test Time-Stamping Authority"
    )
