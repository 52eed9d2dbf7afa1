"""The time-stamping authority (RFC 3161): tokens signed by the TSA key, with ESS
signing-certificate-v2, the request's nonce and, on certReq, the TSA certificate."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Final

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes

from . import der, layout

# Digest algorithms accepted in a request's message imprint, with their digest sizes.
DIGEST_SIZES: Final = {"sha1": 20, "sha256": 32, "sha384": 48, "sha512": 64}


class Rejected(Exception):
    def __init__(self, failure: str, text: str) -> None:
        super().__init__(text)
        self.failure = failure  # a PKIFailureInfo bit name, e.g. `bad_alg`
        self.text = text


@dataclass(frozen=True)
class TimeStampAuthority:
    certificate: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes

    def respond(self, request_der: bytes, now: datetime.datetime) -> bytes:
        try:
            request = _parse(request_der)
        except Rejected as rejection:
            status = {
                "status": "rejection",
                "status_string": [rejection.text],
                "fail_info": {rejection.failure},
            }
            # asn1crypto's TimeStampResp wants a token, which RFC 3161 makes optional.
            return der.sequence(tsp.PKIStatusInfo(status).dump())
        token = self._token(request, now)
        granted = tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})
        reply: bytes = granted.dump()
        return reply

    def _token(self, request: Any, now: datetime.datetime) -> Any:
        certificate = asn1_x509.Certificate.load(
            self.certificate.public_bytes(serialization.Encoding.DER)
        )
        info: dict[str, Any] = {
            "version": "v1",
            "policy": layout.POLICY_TSA.dotted_string,
            "message_imprint": request["message_imprint"],
            "serial_number": secrets.randbits(63) | 1,
            "gen_time": now.astimezone(datetime.UTC),
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=certificate.subject),
        }
        if request["nonce"].native is not None:
            info["nonce"] = request["nonce"].native
        tst_info = tsp.TSTInfo(info).dump()
        signed_attributes = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "message_digest", "values": [hashlib.sha256(tst_info).digest()]},
                {"type": "signing_certificate_v2", "values": [_signing_certificate(certificate)]},
            ]
        )
        signature, signature_algorithm = self._sign(signed_attributes.dump())
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value={
                        "issuer": certificate.issuer,
                        "serial_number": certificate.serial_number,
                    },
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "signed_attrs": signed_attributes,
                "signature_algorithm": algos.SignedDigestAlgorithm(
                    {"algorithm": signature_algorithm}
                ),
                "signature": signature,
            }
        )
        signed_data: dict[str, Any] = {
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": core.ParsableOctetString(tst_info),
            },
            "signer_infos": [signer],
        }
        if request["cert_req"].native:
            signed_data["certificates"] = [certificate]
        return cms.ContentInfo(
            {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
        )

    def _sign(self, data: bytes) -> tuple[bytes, str]:
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            return self.key.sign(data, ec.ECDSA(hashes.SHA256())), "sha256_ecdsa"
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256()), "sha256_rsa"
        raise TypeError(f"The TSA cannot sign with a {type(self.key).__name__}.")


def _parse(request_der: bytes) -> Any:
    try:
        request = tsp.TimeStampReq.load(request_der, strict=True)
        version = request["version"].native
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        digest = imprint["hashed_message"].native
        policy = request["req_policy"].native
        extensions = request["extensions"].native
        request["nonce"].native  # noqa: B018 - parse it now, not while answering
        request["cert_req"].native  # noqa: B018
    except (ValueError, TypeError, KeyError) as error:
        raise Rejected("bad_data_format", f"The request cannot be parsed: {error}") from error
    if version != "v1":
        raise Rejected("bad_request", "Only version 1 requests are supported.")
    if algorithm not in DIGEST_SIZES:
        raise Rejected("bad_alg", f"Unsupported digest algorithm {algorithm}.")
    if len(digest) != DIGEST_SIZES[algorithm]:
        raise Rejected("bad_data_format", "The message imprint has the wrong length.")
    if policy is not None and policy != layout.POLICY_TSA.dotted_string:
        raise Rejected("unaccepted_policy", f"This TSA only issues under {layout.POLICY_TSA}.")
    if extensions:
        raise Rejected("unaccepted_extension", "This TSA accepts no request extensions.")
    return request


def _signing_certificate(certificate: Any) -> Any:
    """ESS SigningCertificateV2 (RFC 5035) naming the TSA certificate by its SHA-256 hash."""
    issuer_serial = {
        "issuer": [asn1_x509.GeneralName(name="directory_name", value=certificate.issuer)],
        "serial_number": certificate.serial_number,
    }
    # hashAlgorithm is left out: its DEFAULT is SHA-256, and DER omits defaults.
    cert_id = {
        "cert_hash": hashlib.sha256(certificate.dump()).digest(),
        "issuer_serial": issuer_serial,
    }
    return tsp.SigningCertificateV2({"certs": [cert_id]})
