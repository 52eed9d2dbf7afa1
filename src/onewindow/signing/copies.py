"""Sealed copies of single registered documents straight from the Public Registry: the
document asked for now through the exchange (about the signed-in person only, so the
registry answers only for a document of their own property), issued as the registry's
sealed document copy with a verification code and a QR code."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from django.utils.translation import gettext as _

import structlog

from onewindow.catalog.selectors import catalog
from onewindow.exchange.services import Asker, ExchangeError, Query, exchange_fetch
from owexchange import DocumentRef, Subject

from .models import IssuedDocument
from .services import IssuingRefused, issue_document

if TYPE_CHECKING:
    from onewindow.identity.models import Account

log = structlog.get_logger(__name__)

REGISTRY: Final = "public-registry"  # the exchange's agency id
OPERATION: Final = "registered-document"
SEALING_AGENCY: Final = "napr"  # the catalogue's agency whose seal the copy carries
REGISTRATION_NUMBER: Final = re.compile(r"\d{12}")
# Exchange errors that mean the registry did not answer (rather than answered badly).
_NO_ANSWER: Final = frozenset(
    {"timeout", "connection-failed", "server-error", "circuit-open", "unavailable"}
)


def issue_registry_copy(
    *, account: Account, registration_number: str, request_key: str | None = None
) -> IssuedDocument:
    """A sealed copy of the registered document, asked now from the Public Registry about
    the account's own person (so recorded in their data-access log).

    Raises `IssuingRefused` (translated), with nothing issued, when the number is not one
    of a document of the person's property, when the registry does not answer or answers
    with something unusable, or when the seal cannot be applied. `request_key`: the
    button press's one-time key (`issue_document`: one document per key)."""
    if not REGISTRATION_NUMBER.fullmatch(registration_number):
        raise _not_theirs(registration_number)
    agency = catalog().agencies_by_code.get(SEALING_AGENCY)
    if agency is None or not account.personal_number:
        raise IssuingRefused("no-registry", _("Copies of registered documents are not available."))
    query = Query(
        REGISTRY,
        OPERATION,
        Subject.person(account.personal_number),
        {"document": DocumentRef(registration_number).to_json()},
    )
    (answer,) = exchange_fetch(queries=[query], asker=_asker(account))
    if answer.error is not None or answer.data is None:
        raise _refusal(answer.error, registration_number)
    pdf, document = _document(answer.data, registration_number)
    kind_name = document["kind_name"]
    return issue_document(
        pdf,
        agency=agency,
        kind=IssuedDocument.Kind.DOCUMENT_COPY,
        title=f"Copy: {kind_name['en']} No. {registration_number}",
        title_ka=f"ასლი: {kind_name['ka']} № {registration_number}",
        issued_to=account,
        request_key=request_key,
    )


def _asker(account: Account) -> Asker:
    name = " ".join(part for part in (account.first_name_ka, account.last_name_ka) if part)
    return Asker(
        kind="person",
        user=account.exchange_user,
        name=name or account.get_full_name() or account.get_username(),
        purpose="self-view",
    )


def _not_theirs(registration_number: str) -> IssuingRefused:
    return IssuingRefused(
        "not-found",
        _(
            "The Public Registry has no document number %(number)s on a property of yours, "
            "so no copy was made."
        )
        % {"number": registration_number},
    )


def _refusal(error: ExchangeError | None, registration_number: str) -> IssuingRefused:
    reason = error.reason if error is not None else "no-data"
    log.warning("signing.registry-copy-refused", reason=reason)
    if reason == "not-found":
        return _not_theirs(registration_number)
    if reason in _NO_ANSWER:
        return IssuingRefused(
            "registry-unavailable",
            _("The Public Registry did not answer, so no copy was made. Try again later."),
        )
    return IssuingRefused(
        "registry-answer",
        _("The Public Registry's answer could not be used, so no copy was made. Try again later."),
    )


def _document(data: Mapping[str, Any], registration_number: str) -> tuple[bytes, dict[str, Any]]:
    """The PDF and the record of the answer, once they are the document asked for and the
    file is the one the registry describes (size and SHA-256)."""
    document, file = data["document"], data["file"]
    try:
        pdf = base64.b64decode(file["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        pdf = b""
    if (
        document.get("registration_number") != registration_number
        or len(pdf) != file["size"]
        or hashlib.sha256(pdf).hexdigest() != file["sha256"]
        or not pdf.startswith(b"%PDF-")
    ):
        log.warning("signing.registry-copy-mismatch", registration_number=registration_number)
        raise _refusal(None, registration_number)
    return pdf, document
