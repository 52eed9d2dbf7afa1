"""The OCSP responder of the ID-card CA (RFC 6960): good, revoked or unknown, nonce echoed."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509 import ocsp

from .crl import Revocation
from .keys import signature_hash

RESPONSE_LIFETIME: Final = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class OcspResponder:
    """Answers for the certificates `issuer` issued; `issued` maps serial → revocation or None.

    A request must ask about one certificate (cryptography parses no more); others are
    answered `malformedRequest`.
    """

    issuer: x509.Certificate
    responder_certificate: x509.Certificate
    responder_key: CertificateIssuerPrivateKeyTypes
    issued: Mapping[int, Revocation | None]

    def respond(self, request_der: bytes, now: datetime.datetime) -> bytes:
        try:
            request = ocsp.load_der_ocsp_request(request_der)
            nonce = _nonce(request)
            issuer_matches = self._is_issuer(request)
        except (ValueError, NotImplementedError, TypeError):
            return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        this_update = now.replace(microsecond=0)
        status, revocation = ocsp.OCSPCertStatus.UNKNOWN, None
        if issuer_matches and request.serial_number in self.issued:
            revocation = self.issued[request.serial_number]
            status = ocsp.OCSPCertStatus.GOOD if revocation is None else ocsp.OCSPCertStatus.REVOKED
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=request.serial_number,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=this_update,
                next_update=this_update + RESPONSE_LIFETIME,
                revocation_time=revocation.revoked_at if revocation else None,
                revocation_reason=revocation.reason if revocation else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.responder_certificate)
            .certificates([self.responder_certificate])
        )
        if nonce is not None:
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        response = builder.sign(self.responder_key, signature_hash(self.responder_key))
        return response.public_bytes(serialization.Encoding.DER)

    def _is_issuer(self, request: ocsp.OCSPRequest) -> bool:
        algorithm: hashes.HashAlgorithm = request.hash_algorithm
        name_hash = hashlib.new(algorithm.name, self.issuer.subject.public_bytes()).digest()
        key_bits = (
            asn1_x509.Certificate.load(self.issuer.public_bytes(serialization.Encoding.DER))
            .public_key["public_key"]
            .contents[1:]
        )  # the BIT STRING without its unused-bits byte
        key_hash = hashlib.new(algorithm.name, key_bits).digest()
        return request.issuer_name_hash == name_hash and request.issuer_key_hash == key_hash


def _nonce(request: ocsp.OCSPRequest) -> bytes | None:
    try:
        nonce: bytes = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None
    return nonce


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )
