"""The Web eID authentication token as JSON: size limits, strict types, the format string."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .errors import Reason, TokenRejected

MIN_TOKEN_LENGTH = 100  # characters, as Web eID's Java validator
MAX_TOKEN_LENGTH = 10_000
MAX_SIGNING_CERTIFICATES = 4
MAX_SUPPORTED_ALGORITHMS = 16

# Longest accepted value of each string field, in characters.
FIELD_LIMITS: dict[str, int] = {
    "format": 32,
    "algorithm": 32,
    "signature": 1400,  # RSA-8192: 1024 bytes = 1368 base64 characters
    "unverifiedCertificate": 8000,
    "appVersion": 500,
    "certificate": 8000,  # web-eid:1.1 signing certificate
    "cryptoAlgorithm": 32,
    "hashFunction": 32,
    "paddingScheme": 32,
}

# `web-eid:1` and any `web-eid:1.<minor>`, as the Web eID libraries' version dispatch
# (web-eid-mobile branch): `web-eid:1.0TEST` or `web-eid:10` are refused.
_FORMAT = re.compile(r"web-eid:1(?:\.\d{1,4})?")
FORMAT_V11 = "web-eid:1.1"


@dataclass(frozen=True)
class SignatureAlgorithmEntry:
    """web-eid:1.1: one algorithm a signing certificate can be used with."""

    crypto_algorithm: str | None
    hash_function: str | None
    padding_scheme: str | None


@dataclass(frozen=True)
class SigningCertificateEntry:
    """web-eid:1.1: a signing certificate of the same card, sent along for later signing."""

    certificate: str | None
    supported_algorithms: tuple[SignatureAlgorithmEntry, ...] | None


@dataclass(frozen=True)
class AuthToken:
    """The token's fields; None when absent or JSON null. Unknown fields are ignored."""

    format: str | None
    unverified_certificate: str | None
    algorithm: str | None
    signature: str | None
    app_version: str | None
    signing_certificates: tuple[SigningCertificateEntry, ...] | None

    @property
    def is_v11(self) -> bool:
        return self.format == FORMAT_V11


def _string(obj: dict[str, Any], field: str) -> str | None:
    value = obj.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TokenRejected(Reason.MALFORMED, f"'{field}' must be a string")
    if len(value) > FIELD_LIMITS[field]:
        raise TokenRejected(Reason.TOO_LONG, f"'{field}' is longer than {FIELD_LIMITS[field]}")
    return value


def _list(obj: dict[str, Any], field: str, limit: int) -> list[Any] | None:
    value = obj.get(field)
    if value is None:
        return None
    if not isinstance(value, list):
        raise TokenRejected(Reason.MALFORMED, f"'{field}' must be an array")
    if len(value) > limit:
        raise TokenRejected(Reason.TOO_LONG, f"'{field}' has more than {limit} entries")
    return value


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TokenRejected(Reason.MALFORMED, f"an entry of '{field}' is not an object")
    return value


def _algorithm_entries(obj: dict[str, Any]) -> tuple[SignatureAlgorithmEntry, ...] | None:
    entries = _list(obj, "supportedSignatureAlgorithms", MAX_SUPPORTED_ALGORITHMS)
    if entries is None:
        return None
    result = []
    for raw in entries:
        entry = _object(raw, "supportedSignatureAlgorithms")
        result.append(
            SignatureAlgorithmEntry(
                crypto_algorithm=_string(entry, "cryptoAlgorithm"),
                hash_function=_string(entry, "hashFunction"),
                padding_scheme=_string(entry, "paddingScheme"),
            )
        )
    return tuple(result)


def _signing_certificates(obj: dict[str, Any]) -> tuple[SigningCertificateEntry, ...] | None:
    entries = _list(obj, "unverifiedSigningCertificates", MAX_SIGNING_CERTIFICATES)
    if entries is None:
        return None
    result = []
    for raw in entries:
        if raw is None:  # "contains a null entry": refused later, with the 1.1 checks
            result.append(SigningCertificateEntry(None, None))
            continue
        entry = _object(raw, "unverifiedSigningCertificates")
        result.append(
            SigningCertificateEntry(
                certificate=_string(entry, "certificate"),
                supported_algorithms=_algorithm_entries(entry),
            )
        )
    return tuple(result)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("a field appears twice")
    return obj


def parse_token(token: str | bytes) -> AuthToken:
    """Decode the token JSON; TokenRejected for anything that is not a well-typed object."""
    if isinstance(token, bytes):
        if len(token) > 4 * MAX_TOKEN_LENGTH:
            raise TokenRejected(Reason.TOO_LONG, f"the token is over {MAX_TOKEN_LENGTH} characters")
        try:
            token = token.decode("utf-8")
        except UnicodeDecodeError:
            raise TokenRejected(Reason.NOT_JSON, "the token is not UTF-8") from None
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenRejected(Reason.TOO_LONG, f"the token is over {MAX_TOKEN_LENGTH} characters")
    if len(token) < MIN_TOKEN_LENGTH:
        raise TokenRejected(Reason.MALFORMED, f"the token is under {MIN_TOKEN_LENGTH} characters")
    try:
        obj = json.loads(token, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError) as exc:
        raise TokenRejected(Reason.NOT_JSON, f"the token is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise TokenRejected(Reason.MALFORMED, "the token is not a JSON object")
    return AuthToken(
        format=_string(obj, "format"),
        unverified_certificate=_string(obj, "unverifiedCertificate"),
        algorithm=_string(obj, "algorithm"),
        signature=_string(obj, "signature"),
        app_version=_string(obj, "appVersion"),
        signing_certificates=_signing_certificates(obj),
    )


def check_format(token: AuthToken) -> None:
    """Only `web-eid:1` tokens; a 1.0 token may not carry 1.1 signing certificates."""
    if token.format is None or not _FORMAT.fullmatch(token.format):
        raise TokenRejected(
            Reason.UNSUPPORTED_FORMAT, f"token format {token.format!r} is not supported"
        )
    if token.format in ("web-eid:1", "web-eid:1.0") and token.signing_certificates is not None:
        raise TokenRejected(
            Reason.MALFORMED,
            f"'unverifiedSigningCertificates' is not allowed in format {token.format!r}",
        )
