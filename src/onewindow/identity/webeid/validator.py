"""`validate_token`: is this Web eID token a fresh sign-in by the holder of a trusted ID card?

Checks run in the order of Web eID's Java validator (so that a token failing several checks
gets the same reason): JSON → format → certificate → purpose → policies → validity → trusted
CA → OCSP → algorithm and signature → (web-eid:1.1) signing certificates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509 as asn1_x509

from .certificates import (
    DEFAULT_DISALLOWED,
    TrustedCa,
    check_policies,
    check_purpose,
    check_validity,
    decode_base64,
    decode_certificate,
    find_issuer,
    key_description,
    personal_number,
    subject_fields,
)
from .errors import Reason, TokenRejected
from .ocsp import OcspChecker
from .signatures import (
    TOKEN_ALGORITHMS,
    key_family,
    load_public_key,
    signed_data,
    verify_token_signature,
)
from .signing_certificates import check_signing_certificates
from .token import AuthToken, check_format, parse_token

# `https://host[:port]`, no path and no trailing slash; plain http only on the loopback
# interface, for development (`http://127.0.0.1:8000`).
_ORIGIN = re.compile(
    r"https://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?::[1-9][0-9]{0,4})?"
    r"|http://(?:127\.0\.0\.1|localhost|\[::1\])(?::[1-9][0-9]{0,4})?"
)


@dataclass(frozen=True)
class ValidatedCard:
    """Who signed in: facts from the authentication certificate of a validated token."""

    personal_number: str | None  # 11 digits from `PNOGE-…`; None for a foreign card
    subject_serial: str | None  # the raw subject serialNumber, e.g. `PNOEE-38001085718`
    given_name: str | None
    surname: str | None
    common_name: str | None
    country: str | None
    certificate: bytes  # DER
    serial: int
    issuer: str
    not_after: datetime
    key_algorithm: str  # e.g. "EC secp384r1", "RSA 2048"
    token_algorithm: str  # e.g. "ES384"
    format: str
    signing_certificates: tuple[bytes, ...] = ()  # web-eid:1.1 only, DER


def check_origin(origin: str) -> None:
    """ValueError unless `origin` is a configuration the validator accepts."""
    if not _ORIGIN.fullmatch(origin):
        raise ValueError(
            f"origin {origin!r} must be https://host[:port] (or http:// on the loopback), "
            "without a path or trailing slash"
        )


def _certificate(token: AuthToken) -> asn1_x509.Certificate:
    if not token.unverified_certificate:
        raise TokenRejected(
            Reason.CERTIFICATE_MISSING, "'unverifiedCertificate' is missing, null or empty"
        )
    return decode_certificate(token.unverified_certificate)


def _check_signature(
    token: AuthToken, cert: asn1_x509.Certificate, *, origin: str, nonce: str
) -> None:
    if not token.algorithm:
        raise TokenRejected(Reason.UNSUPPORTED_ALGORITHM, "'algorithm' is missing or empty")
    algorithm = TOKEN_ALGORITHMS.get(token.algorithm)
    if algorithm is None:
        raise TokenRejected(
            Reason.UNSUPPORTED_ALGORITHM, f"signature algorithm {token.algorithm!r} is refused"
        )
    if not token.signature:
        raise TokenRejected(Reason.MALFORMED, "'signature' is missing or empty")
    if not nonce:
        raise ValueError("the challenge nonce is empty")
    try:
        signature = decode_base64(token.signature)
    except ValueError:
        raise TokenRejected(Reason.MALFORMED, "'signature' is not base64") from None
    try:
        key = load_public_key(cert["tbs_certificate"]["subject_public_key_info"].dump())
    except ValueError as exc:
        raise TokenRejected(Reason.CERTIFICATE_MALFORMED, str(exc)) from None
    if key_family(key) is not algorithm.key_family:
        raise TokenRejected(
            Reason.ALGORITHM_MISMATCH,
            f"{algorithm.name} does not fit the certificate's {key_description(cert)} key",
        )
    if not verify_token_signature(key, algorithm, signature, signed_data(algorithm, origin, nonce)):
        raise TokenRejected(
            Reason.BAD_SIGNATURE, "the signature does not match this origin, nonce and key"
        )


def check_token_signature(token: str | bytes, *, origin: str, nonce: str) -> None:
    """Only the signature: algorithm, key and H(origin) ‖ H(nonce); no certificate checks.

    For tests and diagnostics, never for signing in: the certificate is not validated.
    """
    parsed = parse_token(token)
    _check_signature(parsed, _certificate(parsed), origin=origin, nonce=nonce)


def validate_token(
    token: str | bytes,
    *,
    nonce: str,
    origin: str,
    trusted_cas: Sequence[TrustedCa],
    now: datetime,
    ocsp: OcspChecker | None,
    disallowed_policies: Sequence[str] = DEFAULT_DISALLOWED,
) -> ValidatedCard:
    """Validate a Web eID authentication token; raises TokenRejected(reason, detail).

    The nonce's single use, lifetime and binding to the session are the caller's.
    `now` must be timezone-aware. A token of format `web-eid:1.1` must also carry valid
    signing certificates of the same person and CA.
    """
    check_origin(origin)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    parsed = parse_token(token)
    check_format(parsed)
    cert = _certificate(parsed)
    check_purpose(cert)
    check_policies(cert, disallowed_policies)
    check_validity(cert, now)
    issuer = find_issuer(cert, trusted_cas, now)
    if ocsp is not None:
        ocsp.check(certificate=cert, issuer=issuer)
    _check_signature(parsed, cert, origin=origin, nonce=nonce)
    signing: tuple[bytes, ...] = ()
    if parsed.is_v11:
        signing = check_signing_certificates(parsed, cert, trusted_cas, now)
    fields = subject_fields(cert)
    return ValidatedCard(
        personal_number=personal_number(fields["serial_number"]),
        subject_serial=fields["serial_number"],
        given_name=fields["given_name"],
        surname=fields["surname"],
        common_name=fields["common_name"],
        country=fields["country"],
        certificate=cert.dump(),
        serial=int(cert.serial_number),
        issuer=str(cert.issuer.human_friendly),
        not_after=cert.not_valid_after,
        key_algorithm=key_description(cert),
        token_algorithm=str(parsed.algorithm),
        format=str(parsed.format),
        signing_certificates=signing,
    )
