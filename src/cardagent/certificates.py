"""What the agent reads from a card's certificate: the holder, the validity dates, revocation.

The revocation check is a courtesy to the citizen (a clear message before the PIN is typed);
the portal validates the token and its certificate itself. So an OCSP responder that cannot be
reached, or an answer the agent cannot verify, lets the sign-in go on.
"""

from __future__ import annotations

import enum
import hashlib
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID, NameOID

OCSP_TIMEOUT_SECONDS = 2.0
OCSP_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class CardHolder:
    given_name: str
    surname: str
    personal_number: str
    full_name_ka: str | None

    def name(self, lang: str) -> str:
        if lang == "ka" and self.full_name_ka:
            return self.full_name_ka
        return f"{self.given_name.title()} {self.surname.title()}".strip()


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def card_holder(certificate: x509.Certificate) -> CardHolder:
    subject = certificate.subject
    serial = _attribute(subject, NameOID.SERIAL_NUMBER)
    personal_number = serial.removeprefix("PNOGE-") if serial.startswith("PNO") else serial
    full_name_ka: str | None = None
    try:
        alt_names = certificate.extensions.get_extension_for_oid(
            ExtensionOID.SUBJECT_ALTERNATIVE_NAME
        ).value
    except x509.ExtensionNotFound:
        alt_names = None
    if isinstance(alt_names, x509.SubjectAlternativeName):
        for directory_name in alt_names.get_values_for_type(x509.DirectoryName):
            common_name = _attribute(directory_name, NameOID.COMMON_NAME)
            if common_name:
                full_name_ka = common_name
                break
    return CardHolder(
        given_name=_attribute(subject, NameOID.GIVEN_NAME),
        surname=_attribute(subject, NameOID.SURNAME),
        personal_number=personal_number,
        full_name_ka=full_name_ka,
    )


@dataclass(frozen=True)
class SealHolder:
    """The company a seal certificate is for: its names and identification code."""

    name_en: str
    name_ka: str | None
    code: str

    def name(self, lang: str) -> str:
        return self.name_ka if lang == "ka" and self.name_ka else self.name_en


def seal_holder(certificate: x509.Certificate) -> SealHolder:
    """Names from `O` (Georgian: subjectAltName directoryName `O`), code from NTRGE-<code>."""
    subject = certificate.subject
    identifier = _attribute(subject, NameOID.ORGANIZATION_IDENTIFIER)
    name_ka: str | None = None
    try:
        alt_names = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except x509.ExtensionNotFound:
        alt_names = None
    if alt_names is not None:
        for directory_name in alt_names.get_values_for_type(x509.DirectoryName):
            name_ka = _attribute(directory_name, NameOID.ORGANIZATION_NAME) or name_ka
    return SealHolder(
        name_en=_attribute(subject, NameOID.ORGANIZATION_NAME),
        name_ka=name_ka,
        code=identifier.split("-", 1)[1] if "-" in identifier else identifier,
    )


def is_expired(certificate: x509.Certificate, now: datetime | None = None) -> bool:
    """Outside its validity dates (not yet valid counts as unusable too)."""
    moment = now or datetime.now(UTC)
    return not (certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc)


class Revocation(enum.Enum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # no answer, an answer we cannot trust, or the responder does not know


def ocsp_urls(certificate: x509.Certificate) -> list[str]:
    try:
        access = certificate.extensions.get_extension_for_class(
            x509.AuthorityInformationAccess
        ).value
    except x509.ExtensionNotFound:
        return []
    return [
        str(description.access_location.value)
        for description in access
        if description.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(description.access_location, x509.UniformResourceIdentifier)
    ]


def load_issuers(ca_dir: Path) -> list[x509.Certificate]:
    issuers: list[x509.Certificate] = []
    if ca_dir.is_dir():
        for path in sorted(ca_dir.glob("*.pem")):
            issuers.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return issuers


def _request(certificate: x509.Certificate, issuer: x509.Certificate | None) -> bytes:
    builder = ocsp.OCSPRequestBuilder()
    if issuer is not None:
        builder = builder.add_certificate(certificate, issuer, hashes.SHA1())  # noqa: S303
    else:
        # Without the issuer, its key hash is the authority key identifier (RFC 5280 method 1).
        key_id = certificate.extensions.get_extension_for_class(
            x509.AuthorityKeyIdentifier
        ).value.key_identifier
        if key_id is None:
            raise ValueError("no authority key identifier")
        builder = builder.add_certificate_by_hash(
            hashlib.sha1(certificate.issuer.public_bytes()).digest(),  # noqa: S324
            key_id,
            certificate.serial_number,
            hashes.SHA1(),  # noqa: S303
        )
    return builder.build().public_bytes(serialization.Encoding.DER)


def _signed_by(signed: x509.Certificate | ocsp.OCSPResponse, signer: x509.Certificate) -> bool:
    if isinstance(signed, x509.Certificate):
        data, signature, algorithm = (
            signed.tbs_certificate_bytes,
            signed.signature,
            signed.signature_hash_algorithm,
        )
    else:
        data, signature, algorithm = (
            signed.tbs_response_bytes,
            signed.signature,
            signed.signature_hash_algorithm,
        )
    key = signer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(signature, data, ec.ECDSA(algorithm))
        else:
            return False
    except Exception:  # any failure means "not signed by this key"
        return False
    return True


def _trusted(response: ocsp.OCSPResponse, issuer: x509.Certificate | None) -> bool:
    if issuer is None:
        return False
    if _signed_by(response, issuer):
        return True
    return any(
        responder.issuer == issuer.subject
        and _signed_by(responder, issuer)
        and _signed_by(response, responder)
        for responder in response.certificates
    )


def revocation_status(
    certificate: x509.Certificate,
    *,
    issuers: list[x509.Certificate],
    url: str | None = None,
    timeout: float = OCSP_TIMEOUT_SECONDS,
) -> Revocation:
    """Ask `url` (or the certificate's AIA OCSP responder) whether the certificate is revoked."""
    urls = [url] if url else ocsp_urls(certificate)
    if not urls or not urls[0].startswith(("http://", "https://")):
        return Revocation.UNKNOWN
    issuer = next((ca for ca in issuers if ca.subject == certificate.issuer), None)
    try:
        body = _request(certificate, issuer)
        http_request = urllib.request.Request(  # noqa: S310 - scheme checked above
            urls[0], data=body, headers={"Content-Type": "application/ocsp-request"}
        )
        with urllib.request.urlopen(http_request, timeout=timeout) as answer:  # noqa: S310
            response = ocsp.load_der_ocsp_response(answer.read(OCSP_MAX_BYTES))
    except Exception:  # unreachable, slow or garbled: the portal decides
        return Revocation.UNKNOWN
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return Revocation.UNKNOWN
    if response.serial_number != certificate.serial_number or not _trusted(response, issuer):
        return Revocation.UNKNOWN
    if response.certificate_status == ocsp.OCSPCertStatus.REVOKED:
        return Revocation.REVOKED
    if response.certificate_status == ocsp.OCSPCertStatus.GOOD:
        return Revocation.GOOD
    return Revocation.UNKNOWN
