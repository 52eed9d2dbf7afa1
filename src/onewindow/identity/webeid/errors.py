"""Why a Web eID authentication token was refused: one short code per reason."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Reason codes of `TokenRejected`, stable strings for the login history and the API."""

    # The token as a whole
    TOO_LONG = "too-long"  # the token or one of its fields is over the size limit
    NOT_JSON = "not-json"  # not valid UTF-8 JSON
    MALFORMED = "malformed"  # JSON, but not a token object (too short, wrong field types, …)
    UNSUPPORTED_FORMAT = "unsupported-format"
    # The authentication certificate
    CERTIFICATE_MISSING = "certificate-missing"
    CERTIFICATE_MALFORMED = "certificate-malformed"  # not base64, or not an X.509 certificate
    WRONG_KEY_USAGE = "wrong-key-usage"
    DISALLOWED_POLICY = "disallowed-policy"
    CERTIFICATE_NOT_YET_VALID = "certificate-not-yet-valid"
    CERTIFICATE_EXPIRED = "certificate-expired"
    UNTRUSTED = "untrusted"
    CA_EXPIRED = "ca-expired"  # also: the trusted CA is not yet valid
    # Revocation (OCSP)
    REVOKED = "revoked"
    OCSP_UNKNOWN = "ocsp-unknown"  # the responder does not know the certificate
    OCSP_UNAVAILABLE = "ocsp-unavailable"  # no usable answer: network, HTTP, format, signature
    # The signature
    UNSUPPORTED_ALGORITHM = "unsupported-algorithm"
    ALGORITHM_MISMATCH = "algorithm-mismatch"  # e.g. ES384 with an RSA key
    BAD_SIGNATURE = "bad-signature"
    # web-eid:1.1 only: the signing certificates that come with the token
    SIGNING_CERTIFICATE_INVALID = "signing-certificate-invalid"


class TokenRejected(Exception):
    """The token does not prove that the holder of a trusted ID card signed in to this origin."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
