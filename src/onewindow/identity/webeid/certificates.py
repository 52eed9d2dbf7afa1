"""ID-card certificates: decoding, purpose, policies, validity and the link to a trusted CA."""

from __future__ import annotations

import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from .errors import Reason, TokenRejected
from .signatures import PublicKey, load_public_key, verify_ca_signature

CLIENT_AUTH = "client_auth"  # asn1crypto's name for id-kp-clientAuth 1.3.6.1.5.5.7.3.2

# Estonian Mobile-ID certificates: not ID cards, refused by default (as Web eID does).
DEFAULT_DISALLOWED: tuple[str, ...] = (
    "1.3.6.1.4.1.10015.1.3",
    "1.3.6.1.4.1.10015.1.3.1",
    "1.3.6.1.4.1.10015.1.3.2",
    "1.3.6.1.4.1.10015.1.3.3",
)

# Critical extensions this validator understands (RFC 5280: refuse a certificate with any
# other critical extension).
_UNDERSTOOD_CRITICAL = frozenset(
    {
        "key_usage",
        "extended_key_usage",
        "basic_constraints",
        "certificate_policies",
        "subject_alt_name",
        "issuer_alt_name",
        "subject_directory_attributes",
        "qc_statements",
    }
)

_PERSONAL_NUMBER = re.compile(r"PNOGE-(\d{11})")


def decode_base64(value: str) -> bytes:
    """Standard base64, padding optional (as Java's decoder); ValueError otherwise."""
    if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", value):
        raise ValueError("not base64")
    stripped = value.rstrip("=")
    if len(stripped) % 4 == 1:
        raise ValueError("not base64: truncated")
    try:
        return binascii.a2b_base64(stripped + "=" * (-len(stripped) % 4), strict_mode=True)
    except binascii.Error as exc:
        raise ValueError(f"not base64: {exc}") from exc


def parse_certificate(der: bytes) -> asn1_x509.Certificate:
    """An X.509 certificate, fully parsed; ValueError for anything else."""
    try:
        cert = asn1_x509.Certificate.load(der, strict=True)
        tbs = cert["tbs_certificate"]
        # asn1crypto parses lazily: touch everything used later so that errors surface here.
        ids = [ext["extn_id"].dotted for ext in tbs["extensions"]]
        if len(ids) != len(set(ids)):
            raise ValueError("an extension appears twice")
        _ = cert.critical_extensions, cert.subject.native, cert.issuer.native
        _ = cert.not_valid_before, cert.not_valid_after, cert.serial_number
        _ = cert.public_key.algorithm, cert["signature_algorithm"].signature_algo
        _ = tbs["subject_public_key_info"].dump()
    except ValueError:
        raise
    except Exception as exc:  # asn1crypto raises many kinds of errors on bad input
        raise ValueError(f"not an X.509 certificate: {type(exc).__name__}: {exc}") from exc
    return cert


def decode_certificate(value: str) -> asn1_x509.Certificate:
    """The token's base64 certificate field, or TokenRejected(certificate-malformed)."""
    try:
        return parse_certificate(decode_base64(value))
    except ValueError as exc:
        raise TokenRejected(Reason.CERTIFICATE_MALFORMED, str(exc)) from None


class TrustedCa:
    """A trust anchor: an issuing CA (often an intermediate) whose certificates are accepted."""

    def __init__(self, certificate: asn1_x509.Certificate, *, source: str = "") -> None:
        self.certificate = certificate
        self.source = source
        self.der: bytes = certificate.dump()
        self.subject: asn1_x509.Name = certificate.subject
        self.not_before: datetime = certificate.not_valid_before
        self.not_after: datetime = certificate.not_valid_after

    @classmethod
    def from_der(cls, der: bytes, *, source: str = "") -> TrustedCa:
        return cls(parse_certificate(der), source=source)

    @property
    def name(self) -> str:
        return str(self.subject.human_friendly)

    @cached_property
    def public_key(self) -> PublicKey:
        return load_public_key(
            self.certificate["tbs_certificate"]["subject_public_key_info"].dump()
        )

    @cached_property
    def may_sign_certificates(self) -> bool:
        usage = self.certificate.key_usage_value
        return usage is None or "key_cert_sign" in usage.native

    def key_hash(self, algorithm: str) -> bytes:
        """Hash of the public key BIT STRING contents, as in an OCSP CertID."""
        return public_key_hash(self.certificate, algorithm)

    def name_hash(self, algorithm: str) -> bytes:
        return hashlib.new(algorithm, self.subject.dump()).digest()

    def valid_at(self, now: datetime) -> bool:
        return self.not_before <= now <= self.not_after

    def issued(self, cert: asn1_x509.Certificate) -> bool:
        """Whether this CA's key made the certificate's signature (and its name matches)."""
        if cert.issuer != self.subject or not self.may_sign_certificates:
            return False
        try:
            key = self.public_key
        except ValueError:
            return False
        return verify_ca_signature(
            key,
            cert["signature_algorithm"],
            cert["tbs_certificate"].dump(),
            cert["signature_value"].native,
        )

    def __repr__(self) -> str:
        return f"TrustedCa({self.name!r})"


def public_key_hash(cert: asn1_x509.Certificate, algorithm: str) -> bytes:
    """Hash of the subjectPublicKey BIT STRING's bits (OCSP CertID and ResponderID byKey)."""
    bits: bytes = cert.public_key["public_key"].contents[1:]  # minus the unused-bits octet
    return hashlib.new(algorithm, bits).digest()


def load_trusted_cas(paths: Iterable[str | Path]) -> list[TrustedCa]:
    """Read CA certificates from PEM (one or more per file) or DER files."""
    cas: list[TrustedCa] = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            blocks = [
                der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"
            ]
            if not blocks:
                raise ValueError(f"{path}: no CERTIFICATE in the PEM file")
        else:
            blocks = [data]
        for der in blocks:
            try:
                cas.append(TrustedCa.from_der(der, source=str(path)))
            except ValueError as exc:
                raise ValueError(f"{path}: {exc}") from exc
    return cas


def check_purpose(cert: asn1_x509.Certificate) -> None:
    """KeyUsage digitalSignature; an EKU, when present, must include clientAuth."""
    usage = cert.key_usage_value
    if usage is None:
        raise TokenRejected(Reason.WRONG_KEY_USAGE, "the certificate has no KeyUsage extension")
    if "digital_signature" not in usage.native:
        raise TokenRejected(Reason.WRONG_KEY_USAGE, "KeyUsage lacks digitalSignature")
    eku = cert.extended_key_usage_value
    if eku is not None and len(eku) > 0 and CLIENT_AUTH not in eku.native:
        raise TokenRejected(Reason.WRONG_KEY_USAGE, "ExtendedKeyUsage lacks clientAuth")


def certificate_policies(cert: asn1_x509.Certificate) -> list[str]:
    policies = cert.certificate_policies_value
    if policies is None:
        return []
    return [str(info["policy_identifier"].dotted) for info in policies]


def check_policies(cert: asn1_x509.Certificate, disallowed: Sequence[str]) -> None:
    for oid in certificate_policies(cert):
        if oid in disallowed:
            raise TokenRejected(Reason.DISALLOWED_POLICY, f"certificate policy {oid} is refused")


def check_validity(cert: asn1_x509.Certificate, now: datetime) -> None:
    if now < cert.not_valid_before:
        raise TokenRejected(
            Reason.CERTIFICATE_NOT_YET_VALID,
            f"the certificate is valid from {cert.not_valid_before.isoformat()}",
        )
    if now > cert.not_valid_after:
        raise TokenRejected(
            Reason.CERTIFICATE_EXPIRED,
            f"the certificate expired on {cert.not_valid_after.isoformat()}",
        )


def find_issuer(
    cert: asn1_x509.Certificate, trusted_cas: Sequence[TrustedCa], now: datetime
) -> TrustedCa:
    """The trusted CA that issued the certificate, valid at `now`.

    The anchor ends the path (PKIX TrustAnchor semantics): its own issuer is not needed.
    Expired CAs that did not issue the certificate are ignored.
    """
    unknown_critical = set(cert.critical_extensions) - _UNDERSTOOD_CRITICAL
    if unknown_critical:
        raise TokenRejected(
            Reason.UNTRUSTED, f"unknown critical extensions: {', '.join(sorted(unknown_critical))}"
        )
    issuers = [ca for ca in trusted_cas if ca.issued(cert)]
    if not issuers:
        raise TokenRejected(
            Reason.UNTRUSTED, f"not issued by a trusted CA (issuer {cert.issuer.human_friendly})"
        )
    for ca in issuers:
        if ca.valid_at(now):
            return ca
    ca = issuers[0]
    raise TokenRejected(
        Reason.CA_EXPIRED,
        f"the trusted CA {ca.name} is valid {ca.not_before.isoformat()} … "
        f"{ca.not_after.isoformat()}",
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def subject_fields(cert: asn1_x509.Certificate) -> dict[str, str | None]:
    subject: dict[str, Any] = dict(cert.subject.native)
    return {
        "serial_number": _text(subject.get("serial_number")),
        "given_name": _text(subject.get("given_name")),
        "surname": _text(subject.get("surname")),
        "common_name": _text(subject.get("common_name")),
        "country": _text(subject.get("country_name")),
    }


def personal_number(subject_serial: str | None) -> str | None:
    """The Georgian personal number (11 digits) of a `PNOGE-…` serialNumber, else None."""
    if subject_serial is None:
        return None
    match = _PERSONAL_NUMBER.fullmatch(subject_serial)
    return match.group(1) if match else None


def key_description(cert: asn1_x509.Certificate) -> str:
    """E.g. "RSA 2048" or "EC secp384r1"."""
    key = cert.public_key
    if key.algorithm == "ec":
        return f"EC {key.curve[1]}"
    return f"{str(key.algorithm).upper()} {key.bit_size}"


def same_subject_any_order(a: asn1_x509.Name, b: asn1_x509.Name) -> bool:
    """Name equality that ignores the order of the RDNs (BouncyCastle's RFC4519Style)."""
    return sorted(rdn.hashable for rdn in a.chosen) == sorted(rdn.hashable for rdn in b.chosen)
