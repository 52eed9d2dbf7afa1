"""ID-card sign-in: the challenge (a single-use nonce bound to the session), what happens
to a validated card (sign in, re-authenticate, or start a registration after asking the
Civil Registry), and the registration's one write at the end."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from onewindow.exchange.errors import SubjectNotFound
from onewindow.exchange.services import Asker, Query, exchange_fetch
from onewindow.identity import audit, services
from onewindow.identity.models import (
    Account,
    AuditEvent,
    SignInMethod,
    TermsAcceptance,
    TermsVersion,
)
from onewindow.identity.steps import safe_next
from onewindow.identity.webeid import ValidatedCard
from owexchange import Subject

from . import refusals
from .pending import PendingRegistration

CHALLENGE_SESSION_KEY: Final = "ow_idcard_challenge"
CHALLENGE_SECONDS: Final = 5 * 60
NONCE_BYTES: Final = 32
REGISTRATION_PURPOSE: Final = "registration"


class Refused(Exception):
    """The sign-in cannot go on: `reason` for the records, `status` for the answer."""

    def __init__(self, reason: str, *, status: int = 400, account: Account | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.account = account


@dataclass(frozen=True)
class Challenge:
    nonce: str
    issued_at: float
    reauth: bool
    next_path: str


def challenge_issue(request: HttpRequest, *, reauth: bool, next_path: str | None) -> str:
    """A new nonce for this session (replacing any earlier one); returns it."""
    nonce = base64.b64encode(secrets.token_bytes(NONCE_BYTES)).decode("ascii")
    request.session[CHALLENGE_SESSION_KEY] = {
        "nonce": nonce,
        "issued_at": time.time(),
        "reauth": reauth,
        "next": safe_next(request, next_path) or "",
    }
    return nonce


def challenge_take(request: HttpRequest) -> Challenge:
    """The session's challenge, used up (a second token for it finds none); raises
    `Refused` if there is none or it is older than 5 minutes."""
    stored: Any = request.session.pop(CHALLENGE_SESSION_KEY, None)
    if not isinstance(stored, dict) or not isinstance(stored.get("nonce"), str):
        raise Refused(refusals.CHALLENGE_MISSING)
    request.session.save()  # used up even if what follows fails
    challenge = Challenge(
        nonce=stored["nonce"],
        issued_at=float(stored.get("issued_at", 0)),
        reauth=bool(stored.get("reauth")),
        next_path=str(stored.get("next", "")),
    )
    if not 0 <= time.time() - challenge.issued_at <= CHALLENGE_SECONDS:
        raise Refused(refusals.CHALLENGE_EXPIRED)
    return challenge


def card_accept(request: HttpRequest, card: ValidatedCard, challenge: Challenge) -> str:
    """What a validated card leads to; returns the URL to go to, or raises `Refused`."""
    personal_number = card.personal_number
    if not personal_number or (card.country or "").upper() != "GE":
        raise Refused(refusals.NO_PERSONAL_NUMBER)
    user: Any = request.user
    if challenge.reauth and user.is_authenticated:
        if user.personal_number != personal_number:
            raise Refused(refusals.DIFFERENT_PERSON, account=user)
        request.session[services.REAUTH_AT_SESSION_KEY] = time.time()
        return challenge.next_path or reverse("mydata:dashboard")
    account = Account.objects.filter(personal_number=personal_number).first()
    if account is not None:
        if not account.is_active:
            raise Refused(refusals.ACCOUNT_INACTIVE, account=account)
        return services.sign_in(
            request, account, method=SignInMethod.ID_CARD, next_path=challenge.next_path or None
        )
    registration = registration_start(request, card, next_path=challenge.next_path)
    registration.save(request)
    return reverse("identity:idcard-register")


def registration_start(
    request: HttpRequest, card: ValidatedCard, *, next_path: str
) -> PendingRegistration:
    """Ask the Civil Registry about the card's holder (for the person, who has no account
    yet; this is in their data-access log) and check that the card's names are theirs."""
    personal_number = card.personal_number or ""
    asker = Asker(
        kind="portal",
        user="system:idcard-registration",
        name="OneWindow — registration with an ID card",
        purpose=REGISTRATION_PURPOSE,
        on_behalf_of=f"person:{personal_number}",
    )
    query = Query("civil-registry", "person", Subject.person(personal_number))
    [answer] = exchange_fetch(queries=[query], asker=asker)
    if isinstance(answer.error, SubjectNotFound):
        raise Refused(refusals.NOT_IN_REGISTRY)
    if not answer.ok or answer.data is None:
        raise Refused(refusals.REGISTRY_UNAVAILABLE, status=503)
    first_name = _text(answer.data.get("first_name"))
    last_name = _text(answer.data.get("last_name"))
    if not (
        _same_name(card.given_name, first_name.get("en"))
        and _same_name(card.surname, last_name.get("en"))
    ):
        raise Refused(refusals.NAMES_DIFFER)
    # A new session id now that the session speaks for an identified person.
    request.session.cycle_key()
    return PendingRegistration(
        personal_number=personal_number,
        first_name=first_name.get("en", ""),
        last_name=last_name.get("en", ""),
        first_name_ka=first_name.get("ka", ""),
        last_name_ka=last_name.get("ka", ""),
        certificate_sha256=hashlib.sha256(card.certificate).hexdigest(),
        started_at=time.time(),
        next_path=next_path,
    )


def _text(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(key): str(text) for key, text in value.items() if isinstance(text, str)}
    return {}


def _comparable(name: str) -> str:
    """Upper/lower case, accents, hyphens and spacing do not count."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.replace("-", " ").casefold().split())


def _same_name(on_card: str | None, in_registry: str | None) -> bool:
    return bool(on_card and in_registry) and _comparable(on_card or "") == _comparable(
        in_registry or ""
    )


@transaction.atomic
def account_register(
    request: HttpRequest, *, registration: PendingRegistration, terms: TermsVersion | None
) -> str:
    """Create the account of a completed registration, record it, and sign the person in
    (all or nothing); returns the URL to go to. IntegrityError if the personal number
    has an account by now."""
    now = timezone.now()
    account = Account(
        username=registration.personal_number,
        personal_number=registration.personal_number,
        first_name=registration.first_name,
        last_name=registration.last_name,
        first_name_ka=registration.first_name_ka,
        last_name_ka=registration.last_name_ka,
        email=registration.email,
        email_confirmed_at=now,
        mobile=registration.mobile,
        mobile_confirmed_at=now,
    )
    account.set_unusable_password()
    account.save()
    data: dict[str, object] = {
        "method": str(SignInMethod.ID_CARD),
        "certificate_sha256": registration.certificate_sha256,
    }
    if terms is not None:
        TermsAcceptance.objects.create(
            account=account,
            terms=terms,
            ip_address=audit.client_ip(request),
            user_agent=services.user_agent(request),
        )
        data["terms_version"] = terms.version
    audit.record(
        AuditEvent.Kind.REGISTERED, actor=account, subject=account, request=request, data=data
    )
    if terms is not None:
        audit.record(
            AuditEvent.Kind.TERMS_ACCEPTED,
            actor=account,
            subject=account,
            request=request,
            data={"version": terms.version},
        )
    PendingRegistration.clear(request)
    return services.sign_in(
        request,
        account,
        method=SignInMethod.ID_CARD,
        next_path=registration.next_path or None,
    )
