"""The protocol's refusals (requests) and the portal's refusal of a tampered response."""

from __future__ import annotations

from typing import Final

# Each refusal reason of the protocol, with its HTTP status and problem title.
REASONS: Final[dict[str, tuple[int, str]]] = {
    "signature-missing": (401, "The request is not signed"),
    "unknown-client": (401, "The client is unknown or not trusted"),
    "signature-invalid": (401, "The signature does not verify"),
    "digest-mismatch": (401, "The body does not match its Content-Digest"),
    "expired": (401, "The signature is expired or dated in the future"),
    "replayed": (409, "The request id was seen before"),
    "too-large": (413, "The request is too large"),
    "unknown-operation": (404, "The operation is unknown"),
    "bad-request": (400, "The request is malformed"),
    "not-found": (404, "The subject is not known"),
}


class ProtocolRefusal(Exception):
    """A request the receiving party refuses, with the protocol's reason code.

    `status` defaults to the reason's usual HTTP status (see `REASONS`); `detail` is
    English text for the problem response and the message log.
    """

    def __init__(self, reason: str, status: int | None = None, detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"Unknown refusal reason {reason!r}.")
        default_status, title = REASONS[reason]
        self.reason = reason
        self.status = status if status is not None else default_status
        self.title = title
        self.detail = detail or title
        super().__init__(f"{reason}: {self.detail}")

    def problem(self, request_id: str | None = None) -> dict[str, object]:
        """The RFC 9457 problem document that answers the refused request."""
        return {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "reason": self.reason,
            "detail": self.detail,
            "request_id": request_id,
        }


# Reasons a response is refused by the party that asked.
RESPONSE_REASONS: Final = frozenset(
    {
        "signature-missing",
        "signature-invalid",
        "wrong-signer",
        "untrusted-signer",
        "digest-mismatch",
        "request-id-mismatch",
        "expired",
    }
)


class ResponseTampered(Exception):
    """A response whose signature, signer, digest or request id does not match."""

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in RESPONSE_REASONS:
            raise ValueError(f"Unknown response refusal reason {reason!r}.")
        self.reason = reason
        self.detail = detail or reason
        super().__init__(f"{reason}: {self.detail}")
