"""Why the portal refuses to sign: the codes of docs/signing.md, with translated messages."""

from __future__ import annotations

from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: Final[dict[str, Promise]] = {
    "tsa-unreachable": _(
        "The timestamp service cannot be reached, so the document was not signed. "
        "Try again in a few minutes."
    ),
    "revocation-unavailable": _(
        "We cannot check right now whether the certificate is still valid, so the document "
        "was not signed. Try again in a few minutes."
    ),
    "certificate-revoked": _(
        "The signing certificate has been revoked. Use a valid ID card or seal."
    ),
    "certificate-expired": _(
        "The certificate on this card has expired or is not yet valid. Use a valid ID card or seal."
    ),
    "certificate-untrusted": _("The certificate was not issued by an authority the portal trusts."),
    "not-a-signing-certificate": _("This certificate cannot be used for signing documents."),
    "bad-signature": _(
        "The card's signature does not match the document, so nothing was signed. "
        "Try signing again."
    ),
    "session-expired": _(
        "The signing request has expired or is no longer valid. Start signing again."
    ),
}


class SigningRefused(Exception):
    """Signing stopped before anything was signed; `code` is one of `MESSAGES`."""

    def __init__(self, code: str, message: str | None = None) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown refusal code {code!r}")
        self.code = code
        self.detail = message or ""
        super().__init__(f"{code}: {message}" if message else code)

    @property
    def message(self) -> str:
        """The refusal as a sentence in the active language, for the person signing."""
        return str(MESSAGES[self.code])
