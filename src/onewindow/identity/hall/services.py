"""The Public Service Hall desk: look a person up in the civil registry (through the data
exchange, as the operator), register them with a username and a one-time password, or
give them a new one. Every operator action is in the audit log under the operator's name.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from axes.utils import reset as axes_reset

from onewindow.exchange.services import Answer, Asker, Query, exchange_fetch
from owexchange import Subject

from .. import audit
from ..models import Account, AuditEvent, PortalSession
from ..password.services import initial_password_generate, second_factor_remove
from ..services import end_session

CIVIL_REGISTRY = "civil-registry"
# The exchange's purpose for looking a person up at a hall (the person sees it in their
# data-access log).
PURPOSE = "registration"
USERNAME = re.compile(r"^[a-z0-9.-]{3,30}$")


@dataclass(frozen=True)
class IdentityDocument:
    kind: str
    kind_name: dict[str, str]
    number: str
    issued_on: str
    valid_until: str | None
    status: str

    @property
    def valid(self) -> bool:
        return self.status == "valid"


@dataclass(frozen=True)
class Person:
    """A person as the civil registry knows them (kept in the operator's session)."""

    personal_number: str
    first_name: dict[str, str]
    last_name: dict[str, str]
    birth_date: str
    address: dict[str, str] | None
    documents: list[IdentityDocument] = field(default_factory=list)

    def to_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> Person:
        values = dict(data)
        values["documents"] = [IdentityDocument(**doc) for doc in values.get("documents", [])]
        return cls(**values)

    def name(self, language: str) -> str:
        return f"{self.first_name.get(language, '')} {self.last_name.get(language, '')}".strip()

    @property
    def birth(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.birth_date)
        except ValueError:
            return None

    def valid_document(self, number: str) -> IdentityDocument | None:
        wanted = document_number_normalise(number)
        for document in self.documents:
            if document.valid and document_number_normalise(document.number) == wanted:
                return document
        return None


class LookupFailed(Exception):
    """The registry did not give the person: `not_found` or unavailable."""

    def __init__(self, *, not_found: bool) -> None:
        self.not_found = not_found
        super().__init__("not-found" if not_found else "unavailable")


def document_number_normalise(number: str) -> str:
    return "".join(number.split()).upper()


def hall_of(operator: Account) -> str:
    return operator.service_hall or ""


def operator_asker(operator: Account) -> Asker:
    name = f"{operator.first_name} {operator.last_name}".strip() or operator.get_username()
    hall = hall_of(operator)
    return Asker(
        kind="operator",
        user=operator.exchange_user,
        name=f"{name}, {hall}" if hall else name,
        purpose=PURPOSE,
    )


def person_lookup(*, operator: Account, personal_number: str, request: HttpRequest) -> Person:
    """Ask the civil registry about the person (identity, address, documents), as the
    operator; record the lookup. Raises LookupFailed."""
    subject = Subject(type="person", id=personal_number)
    answers = exchange_fetch(
        queries=[
            Query(CIVIL_REGISTRY, "person", subject),
            Query(CIVIL_REGISTRY, "address", subject),
            Query(CIVIL_REGISTRY, "identity-documents", subject),
        ],
        asker=operator_asker(operator),
    )
    person_answer, address_answer, documents_answer = answers
    account = Account.objects.filter(personal_number=personal_number).first()
    found = person_answer.ok
    data: dict[str, Any] = {"hall": hall_of(operator), "found": found}
    if account is None:
        data["personal_number"] = personal_number
    audit.record(
        AuditEvent.Kind.OPERATOR_LOOKUP, actor=operator, subject=account, request=request, data=data
    )
    if not found:
        error = person_answer.error
        raise LookupFailed(not_found=error is not None and error.reason == "not-found")
    return _person(personal_number, person_answer, address_answer, documents_answer)


def _text(value: object) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {"ka": str(value.get("ka", "")), "en": str(value.get("en", ""))}
    return {"ka": "", "en": ""}


def _person(personal_number: str, person: Answer, address: Answer, documents: Answer) -> Person:
    data = dict(person.data or {})
    registered: dict[str, str] | None = None
    if address.ok and address.data is not None:
        where = address.data.get("registered_address")
        if isinstance(where, Mapping):
            registered = _text(where.get("text"))
    items: list[IdentityDocument] = []
    if documents.ok and documents.data is not None:
        raw_items = documents.data.get("items")
        for item in raw_items if isinstance(raw_items, list) else []:
            items.append(
                IdentityDocument(
                    kind=str(item.get("kind", "")),
                    kind_name=_text(item.get("kind_name")),
                    number=str(item.get("number", "")),
                    issued_on=str(item.get("issued_on", "")),
                    valid_until=str(item["valid_until"]) if item.get("valid_until") else None,
                    status=str(item.get("status", "")),
                )
            )
    return Person(
        personal_number=personal_number,
        first_name=_text(data.get("first_name")),
        last_name=_text(data.get("last_name")),
        birth_date=str(data.get("birth_date", "")),
        address=registered,
        documents=items,
    )


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode())


def username_suggest(person: Person) -> str:
    """`first.last` in Latin letters, with a number when it is taken (e.g. tamaz.beridze2)."""
    first, last = _ascii(person.first_name["en"]), _ascii(person.last_name["en"])
    base = ".".join(part for part in (first, last) if part)[:26] or "person"
    if len(base) < 3:
        base = f"{base}.{person.personal_number[-4:]}"
    candidate, number = base, 1
    while Account.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def username_taken(username: str) -> bool:
    return Account.objects.filter(username__iexact=username).exists()


class AlreadyRegistered(Exception):
    """The person (or the username) got an account meanwhile."""


def hall_register(
    *,
    operator: Account,
    person: Person,
    username: str,
    document: IdentityDocument,
    request: HttpRequest,
) -> tuple[Account, str]:
    """Create the person's account with a one-time password (returned, never stored in
    clear); they must choose their own password and set up an app at first sign-in."""
    password = initial_password_generate()
    try:
        with transaction.atomic():
            account = Account.objects.create(
                username=username,
                password=make_password(password),
                personal_number=person.personal_number,
                first_name=person.first_name["en"],
                last_name=person.last_name["en"],
                first_name_ka=person.first_name["ka"],
                last_name_ka=person.last_name["ka"],
                must_change_password=True,
                registered_by=operator,
            )
            audit.record(
                AuditEvent.Kind.OPERATOR_REGISTERED,
                actor=operator,
                subject=account,
                request=request,
                data={"hall": hall_of(operator), "document": document.kind},
            )
    except IntegrityError as error:
        raise AlreadyRegistered from error
    return account, password


def hall_reset(
    *,
    operator: Account,
    account: Account,
    document: IdentityDocument,
    remove_second_factor: bool,
    request: HttpRequest,
) -> str:
    """A new one-time password for a person who came to the hall: every session of theirs
    ends, a lock-out of their username is lifted, and (if they lost their phone) their
    authenticator app and recovery codes are removed. Returns the password."""
    password = initial_password_generate()
    with transaction.atomic():
        account.set_password(password)
        account.must_change_password = True
        account.save(update_fields=["password", "must_change_password"])
        sessions = list(PortalSession.objects.filter(account=account, ended_at__isnull=True))
        for portal_session in sessions:
            end_session(
                portal_session,
                PortalSession.EndReason.PASSWORD_RESET,
                request=request,
                actor=operator,
            )
        if remove_second_factor:
            second_factor_remove(
                account=account, actor=operator, request=request, why="operator-reset"
            )
        audit.record(
            AuditEvent.Kind.OPERATOR_PASSWORD_RESET,
            actor=operator,
            subject=account,
            request=request,
            data={
                "hall": hall_of(operator),
                "document": document.kind,
                "second_factor_removed": remove_second_factor,
                "sessions_ended": len(sessions),
            },
        )
    axes_reset(username=account.get_username())
    return password
