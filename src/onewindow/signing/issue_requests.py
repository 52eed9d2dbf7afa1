"""One-time request keys of the buttons that issue a sealed document to the signed-in person
(a registry extract, a copy of a registered document): a second POST of the same rendered
form — a double click past the button's script, a browser's or the network's retry — gets
the document the first one issued, never a second one (docs/signing.md, "Issued documents").

Each rendered form carries a fresh random key in a token signed with the portal's secret
(`django.core.signing`) that also names the account and what the button asks for, so a
token cannot be made up, nor used by another person or for another button. The key itself
is kept on the `IssuedDocument` it produced, unique per person (`issued_to`)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Final

from django.core import signing as django_signing
from django.utils.translation import gettext as _

import structlog

from .models import IssuedDocument
from .services import IssuingRefused

if TYPE_CHECKING:
    from onewindow.identity.models import Account

log = structlog.get_logger(__name__)

FIELD: Final = "request_key"  # the hidden field's name in the button's form
_SALT: Final = "onewindow.signing.issue-request"


def extract_purpose(kind: str) -> str:
    """What an extract button asks for (a kind of `IssuedDocument.Kind`)."""
    return f"extract:{kind}"


def copy_purpose(registration_number: str) -> str:
    """What a registry copy button asks for (a 12-digit registration number)."""
    return f"copy:{registration_number}"


def request_token(*, account: Account, purpose: str) -> str:
    """A fresh token for one rendered button: a new random key, signed together with the
    account and the purpose."""
    key = secrets.token_urlsafe(18)  # 24 characters, 144 bits
    return django_signing.dumps({"a": str(account.pk), "p": purpose, "k": key}, salt=_SALT)


def request_key(token: str, *, account: Account, purpose: str) -> str:
    """The key in a token sent back with the button's POST; raises `IssuingRefused`
    (translated, nothing issued) when the token is missing, made up, another person's or
    another button's. No time limit: an old page's press is still one press, and sending
    its form again gets the same document."""
    try:
        payload = django_signing.loads(token, salt=_SALT) if token else None
    except django_signing.BadSignature:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("a") != str(account.pk)
        or payload.get("p") != purpose
        or not isinstance(payload.get("k"), str)
    ):
        log.info("signing.issue-request-refused", purpose=purpose, sent=bool(token))
        raise IssuingRefused(
            "stale-request",
            _(
                "This page was out of date, so nothing was issued. The page has been "
                "loaded again: press the button once more."
            ),
        )
    return str(payload["k"])


def issued_for(*, account: Account, key: str) -> IssuedDocument | None:
    """The document already issued to `account` for this key, if any."""
    return IssuedDocument.objects.filter(issued_to=account, request_key=key).first()
