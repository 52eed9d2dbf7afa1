"""Why an ID-card sign-in was refused: a reason code for the records, a plain message for
the person (in the page's language)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.identity.webeid import Reason

# The portal's own reasons, beside the validator's (`webeid.Reason`).
CHALLENGE_MISSING = "challenge-missing"
CHALLENGE_EXPIRED = "challenge-expired"
NO_PERSONAL_NUMBER = "no-personal-number"
ACCOUNT_INACTIVE = "account-inactive"
DIFFERENT_PERSON = "different-person"
NOT_IN_REGISTRY = "not-in-registry"
NAMES_DIFFER = "names-differ"
REGISTRY_UNAVAILABLE = "registry-unavailable"

_UNREADABLE = _(
    "The answer from your ID card could not be read. Try again. If it happens again, "
    "install the latest version of the card agent program."
)
_NOT_FOR_SIGN_IN = _("This certificate cannot be used to sign in. Use your Georgian ID card.")
_SIGNATURE = _("The signature of your ID card could not be verified. Try again.")

MESSAGES: dict[str, Promise] = {
    Reason.TOO_LONG: _UNREADABLE,
    Reason.NOT_JSON: _UNREADABLE,
    Reason.MALFORMED: _UNREADABLE,
    Reason.UNSUPPORTED_FORMAT: _UNREADABLE,
    Reason.CERTIFICATE_MISSING: _UNREADABLE,
    Reason.CERTIFICATE_MALFORMED: _UNREADABLE,
    Reason.WRONG_KEY_USAGE: _NOT_FOR_SIGN_IN,
    Reason.DISALLOWED_POLICY: _NOT_FOR_SIGN_IN,
    Reason.CERTIFICATE_NOT_YET_VALID: _(
        "Your ID card's certificate is not valid yet. Check the date and time of your "
        "computer, or try again later."
    ),
    Reason.CERTIFICATE_EXPIRED: _(
        "Your ID card's certificate has expired. Get a new ID card at a Public Service Hall."
    ),
    Reason.UNTRUSTED: _("This card was not issued by an authority the portal trusts."),
    Reason.CA_EXPIRED: _(
        "The authority that issued this card is no longer valid. Get a new ID card at a "
        "Public Service Hall."
    ),
    Reason.REVOKED: _(
        "This ID card has been revoked. Use your new card or visit a Public Service Hall."
    ),
    Reason.OCSP_UNKNOWN: _(
        "The card's issuer does not know this ID card. Visit a Public Service Hall."
    ),
    Reason.OCSP_UNAVAILABLE: _(
        "We could not check with the card's issuer that your ID card is valid. Try again in "
        "a few minutes."
    ),
    Reason.UNSUPPORTED_ALGORITHM: _SIGNATURE,
    Reason.ALGORITHM_MISMATCH: _SIGNATURE,
    Reason.BAD_SIGNATURE: _SIGNATURE,
    Reason.SIGNING_CERTIFICATE_INVALID: _SIGNATURE,
    CHALLENGE_MISSING: _(
        "This sign-in was not started from this page, or was already used. Start again."
    ),
    CHALLENGE_EXPIRED: _("The sign-in took longer than 5 minutes. Start again."),
    NO_PERSONAL_NUMBER: _(
        "This card's certificate has no Georgian personal number, so it cannot be used to sign in."
    ),
    ACCOUNT_INACTIVE: _(
        "Your account has been blocked. Contact the portal's support or visit a Public "
        "Service Hall."
    ),
    DIFFERENT_PERSON: _(
        "This ID card belongs to someone else than the person signed in. Use your own card."
    ),
    NOT_IN_REGISTRY: _(
        "The Civil Registry has no record of the personal number on this card. Visit a "
        "Public Service Hall."
    ),
    NAMES_DIFFER: _(
        "The name on your ID card is not the name the Civil Registry holds. Visit a "
        "Public Service Hall."
    ),
    REGISTRY_UNAVAILABLE: _(
        "We could not reach the Civil Registry to register you. Try again in a few minutes."
    ),
}

_OTHER = _("Your ID card could not be used to sign in. Try again.")


def message(reason: str) -> str:
    return str(MESSAGES.get(reason, _OTHER))
