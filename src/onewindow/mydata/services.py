"""Asking the agencies for the signed-in person's data (through the data exchange).

Every call here is a query about the person, so the exchange records it in their
data-access log. The person is always the account's own personal number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from onewindow.catalog.selectors import catalog
from onewindow.exchange.services import Answer, Asker, Query, exchange_fetch
from owexchange import Subject

from .informational import (
    AGENCY_CATALOG_CODES,
    SERVICE_OPERATIONS,
    Operation,
    agency_of,
    selection_for,
)
from .layouts import LAYOUTS
from .presentation import Presentation, present

if TYPE_CHECKING:
    from onewindow.catalog.models import Service
    from onewindow.identity.models import Account

SELF_VIEW = "self-view"


@dataclass(frozen=True)
class Part:
    """One operation's answer within a service: its data, or why there are none."""

    operation: Operation
    presentation: Presentation | None
    error: str | None
    reason: str | None = None
    from_cache: bool = False
    data: Mapping[str, object] | None = None  # the answer shown (for actions on its items)


@dataclass(frozen=True)
class Section:
    """One informational service as the person sees it: its title and its answers."""

    service: Service
    agency: str  # the exchange's agency id of the section it belongs to
    parts: tuple[Part, ...]

    @property
    def code(self) -> str:
        return self.service.code

    @property
    def failed(self) -> bool:
        return any(part.error is not None for part in self.parts)


@dataclass(frozen=True)
class AgencyGroup:
    agency: str
    name: str
    sections: tuple[Section, ...]


def personal_data_dashboard(
    *, account: Account, row_limit: int | None = None, one_at_a_time: bool = False
) -> list[AgencyGroup]:
    """Every mapped informational service the catalogue offers, asked at once, grouped
    into one section per agency (in the protocol's order). `one_at_a_time` asks the
    agencies one after another instead: only the benchmark's comparison does that."""
    snapshot = catalog()
    services = [
        snapshot.services_by_code[code]
        for code in SERVICE_OPERATIONS
        if code in snapshot.services_by_code
    ]
    sections = personal_data_fetch(
        account=account, services=services, row_limit=row_limit, one_at_a_time=one_at_a_time
    )
    groups = []
    for agency_id, catalog_code in AGENCY_CATALOG_CODES.items():
        members = tuple(section for section in sections if section.agency == agency_id)
        if members:
            agency = snapshot.agencies_by_code.get(catalog_code)
            name = agency.name if agency is not None else agency_id
            groups.append(AgencyGroup(agency=agency_id, name=name, sections=members))
    return groups


def personal_data_service(*, account: Account, code: str) -> Section | None:
    """One informational service, asked now; None when My data has no such service."""
    service = catalog().services_by_code.get(code)
    if service is None or code not in SERVICE_OPERATIONS:
        return None
    (section,) = personal_data_fetch(account=account, services=[service])
    return section


def personal_data_fetch(
    *,
    account: Account,
    services: Sequence[Service],
    row_limit: int | None = None,
    one_at_a_time: bool = False,
) -> list[Section]:
    """Ask every agency behind `services` at once (one exchange call) about the account's
    own person; one section per service, in order. Never raises for a failed agency."""
    if not account.personal_number:
        raise ValueError("My data needs an account with a personal number.")
    subject = Subject(type="person", id=account.personal_number)
    operations: list[Operation] = []
    for service in services:
        for operation in SERVICE_OPERATIONS[service.code]:
            if operation not in operations:
                operations.append(operation)
    queries = [Query(op.agency, op.name, subject, {}) for op in operations]
    asker = _asker(account)
    if one_at_a_time:
        answers = [exchange_fetch(queries=[query], asker=asker)[0] for query in queries]
    else:
        answers = exchange_fetch(queries=queries, asker=asker)
    by_operation = dict(zip(operations, answers, strict=True))
    return [
        Section(
            service=service,
            agency=agency_of(service.code),
            parts=tuple(
                _part(service.code, op, by_operation[op], row_limit)
                for op in SERVICE_OPERATIONS[service.code]
            ),
        )
        for service in services
    ]


def _asker(account: Account) -> Asker:
    name = " ".join(part for part in (account.first_name_ka, account.last_name_ka) if part)
    return Asker(
        kind="person",
        user=account.exchange_user,
        name=name or account.get_full_name() or account.get_username(),
        purpose=SELF_VIEW,
        on_behalf_of=None,
    )


def _part(code: str, operation: Operation, answer: Answer, row_limit: int | None) -> Part:
    if answer.error is not None or answer.data is None:
        error = answer.error
        return Part(
            operation=operation,
            presentation=None,
            error=str(error.message) if error is not None else _no_data_message(),
            reason=error.reason if error is not None else "no-data",
        )
    selection = selection_for(code, operation)
    presentation = present(
        answer.data,
        layout=LAYOUTS.get((operation.agency, operation.name)),
        fields=selection.fields,
        where=dict(selection.where),
        caption=str(operation.label),
        row_limit=row_limit,
    )
    return Part(
        operation=operation,
        presentation=presentation,
        error=None,
        from_cache=answer.from_cache,
        data=answer.data,
    )


def _no_data_message() -> str:
    return gettext("The agency sent no data. Please try again later.")
