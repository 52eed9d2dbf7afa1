"""web-eid:1.1: the signing certificates a token carries must belong to the same card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from asn1crypto import x509 as asn1_x509

from .certificates import (
    TrustedCa,
    decode_base64,
    parse_certificate,
    same_subject_any_order,
)
from .errors import Reason, TokenRejected
from .token import AuthToken, SignatureAlgorithmEntry

CRYPTO_ALGORITHMS = frozenset({"ECC", "RSA"})
HASH_FUNCTIONS = frozenset(
    {"SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA3-224", "SHA3-256", "SHA3-384", "SHA3-512"}
)
PADDING_SCHEMES = frozenset({"NONE", "PKCS1.5", "PSS"})


def _invalid(detail: str) -> TokenRejected:
    return TokenRejected(Reason.SIGNING_CERTIFICATE_INVALID, detail)


def _check_algorithms(entries: tuple[SignatureAlgorithmEntry, ...] | None) -> None:
    if not entries:
        raise TokenRejected(Reason.MALFORMED, "'supportedSignatureAlgorithms' field is missing")
    for entry in entries:
        if (
            entry.crypto_algorithm not in CRYPTO_ALGORITHMS
            or entry.hash_function not in HASH_FUNCTIONS
            or entry.padding_scheme not in PADDING_SCHEMES
        ):
            raise TokenRejected(
                Reason.UNSUPPORTED_ALGORITHM,
                f"unsupported signing algorithm {entry.crypto_algorithm!r}/"
                f"{entry.hash_function!r}/{entry.padding_scheme!r}",
            )


def _check_one(
    signing: asn1_x509.Certificate,
    auth: asn1_x509.Certificate,
    trusted_cas: Sequence[TrustedCa],
    now: datetime,
) -> None:
    if not same_subject_any_order(signing.subject, auth.subject):
        raise _invalid("the signing certificate's subject is not the authentication certificate's")
    aki = signing.authority_key_identifier
    if aki is None or aki != auth.authority_key_identifier:
        raise _invalid("the signing certificate's authority key identifier differs")
    if not signing.not_valid_before <= now <= signing.not_valid_after:
        raise _invalid("the signing certificate is not valid now")
    usage = signing.key_usage_value
    if usage is None or "non_repudiation" not in usage.native:
        raise _invalid("the signing certificate lacks KeyUsage nonRepudiation")
    if not any(ca.issued(signing) and ca.valid_at(now) for ca in trusted_cas):
        raise _invalid("the signing certificate is not issued by a trusted, valid CA")


def check_signing_certificates(
    token: AuthToken,
    auth: asn1_x509.Certificate,
    trusted_cas: Sequence[TrustedCa],
    now: datetime,
) -> tuple[bytes, ...]:
    """Check every signing certificate; returns them as DER."""
    if not token.signing_certificates:
        raise TokenRejected(
            Reason.MALFORMED, "'unverifiedSigningCertificates' is missing, null or empty"
        )
    result = []
    for entry in token.signing_certificates:
        if not entry.certificate:
            raise TokenRejected(
                Reason.MALFORMED, "'unverifiedSigningCertificates' has a null or empty entry"
            )
        _check_algorithms(entry.supported_algorithms)
        try:
            signing = parse_certificate(decode_base64(entry.certificate))
        except ValueError as exc:
            raise TokenRejected(
                Reason.CERTIFICATE_MALFORMED, f"signing certificate: {exc}"
            ) from None
        _check_one(signing, auth, trusted_cas, now)
        result.append(signing.dump())
    return tuple(result)
