"""Reads for My data: the signed-in person's data-access log, in words.

The person is always the account's own personal number; nothing a request carries (URL,
parameter, header) can name another. This module is the app's public read interface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.selectors import catalog
from onewindow.exchange.selectors import data_accesses_for_person

from .informational import AGENCY_CATALOG_CODES, OPERATION_LABELS, SERVICE_OPERATIONS
from .presentation import TBILISI, format_datetime

if TYPE_CHECKING:
    from onewindow.identity.models import Account

# Who asked, in words (DataAccess.asker_kind).
ASKER_KINDS: dict[str, str | Promise] = {
    "person": _("A citizen"),
    "operator": _("Public Service Hall operator"),
    "agency_staff": _("Agency staff"),
    "portal": _("The portal, for you"),
    "agency": _("The agency"),
}
# Why, in words (DataAccess.purpose; the protocol's OW-Purpose values).
PURPOSES: dict[str, str | Promise] = {
    "self-view": _("You viewed your own data"),
    "prefill": _("Filling in an application"),
    "case-handling": _("Handling a case"),
    "registration": _("Registration"),
    "representation": _("Acting as a representative"),
    "test": _("Test"),
}
# Where the entry comes from (DataAccess.source).
SOURCES: dict[str, str | Promise] = {
    "portal": _("The portal's record"),
    "agency_report": _("Reported by the agency"),
}


@dataclass(frozen=True)
class AccessLogFilters:
    agency: str = ""
    purpose: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class LogEntry:
    """One access to the person's data, every field in words."""

    accessed_at: dt.datetime  # in Tbilisi time
    asker_kind: str
    asker_name: str
    on_behalf_of: str
    purpose: str
    data: str
    agency: str
    source: str
    request_id: str

    @property
    def when(self) -> str:
        return format_datetime(self.accessed_at)


def access_log_for_account(*, account: Account, filters: AccessLogFilters) -> QuerySet[Any]:
    """The accesses to the account's own person's data, newest first (one query per use)."""
    personal_number = account.personal_number
    if not personal_number:
        raise ValueError("The access log needs an account with a personal number.")
    since = until = None
    if filters.since is not None:
        since = dt.datetime.combine(filters.since, dt.time.min, tzinfo=TBILISI)
    if filters.until is not None:
        # Up to the end of that day in Tbilisi.
        until = dt.datetime.combine(filters.until, dt.time.max, tzinfo=TBILISI)
    return data_accesses_for_person(
        personal_number=personal_number,
        agency=filters.agency or None,
        purpose=filters.purpose or None,
        since=since,
        until=until,
    )


def log_entries(
    *, account: Account, accesses: Iterable[Any], agencies: dict[str, str] | None = None
) -> Iterator[LogEntry]:
    """The rows of the log as the person reads them; `agencies`:
    `agency_names(every_code=True)`, so that every agency is named in the page's language."""
    names = agencies if agencies is not None else agency_names(every_code=True)
    yourself = account.exchange_user
    own = f"person:{account.personal_number}"
    for access in accesses:
        yield LogEntry(
            accessed_at=access.accessed_at.astimezone(TBILISI),
            asker_kind=(
                gettext("You")
                if access.asker == yourself and access.asker_kind == "person"
                else _in_words(ASKER_KINDS, access.asker_kind)
            ),
            asker_name=_asker_name(access, names),
            on_behalf_of=_on_behalf_of(access.on_behalf_of, own),
            purpose=_in_words(PURPOSES, access.purpose),
            data=_in_words(OPERATION_LABELS, (access.agency, access.operation), access.operation),
            agency=names.get(access.agency, access.agency),
            source=_in_words(SOURCES, access.source),
            request_id=str(access.request_id or ""),
        )


def my_data_url(service_code: str) -> str | None:
    """The My data page of an informational service of the catalogue (None if it has
    none). It asks an anonymous visitor to sign in first, and comes back after."""
    if service_code not in SERVICE_OPERATIONS:
        return None
    return reverse("mydata:service", kwargs={"code": service_code})


def display_name(account: Account) -> str:
    """The person's name as the page's language writes it."""
    georgian = " ".join(part for part in (account.first_name_ka, account.last_name_ka) if part)
    if georgian and (get_language() or "ka").startswith("ka"):
        return georgian
    return account.get_full_name() or georgian or account.get_username()


def agency_names(*, every_code: bool = False) -> dict[str, str]:
    """The exchange's agencies by id, named as the catalogue names them (in order) in the
    page's language. With `every_code`, also every catalogue agency by its own code: the
    portal's own records (agency staff opening a case) name the agency that way. One
    look at the in-memory catalogue, however many entries the names are for."""
    agencies = catalog().agencies_by_code
    names = {}
    for agency_id, code in AGENCY_CATALOG_CODES.items():
        agency = agencies.get(code)
        names[agency_id] = str(agency.name) if agency is not None else agency_id
    if every_code:
        for code, agency in agencies.items():
            names.setdefault(code, str(agency.name))
    return names


def exchange_agencies(names: dict[str, str]) -> dict[str, str]:
    """Of `agency_names(every_code=True)`, the exchange's agencies (the filter's choices)."""
    return {agency_id: names[agency_id] for agency_id in AGENCY_CATALOG_CODES}


def purpose_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in PURPOSES.items()]


def _in_words(labels: dict[Any, str | Promise], key: Any, default: str | None = None) -> str:
    label = labels.get(key)
    if label is not None:
        return str(label)
    return default if default is not None else str(key or "")


def _asker_name(access: Any, names: dict[str, str]) -> str:
    """An agency as asker is named, not coded: an agency's system by the agency's name, a
    reported `staff:<agency>:<number>` as that agency's staff member."""
    name = access.asker_name or ""
    if access.asker_kind not in ("agency", "agency_staff"):
        return name
    if name in names:
        return names[name]
    kind, _sep, rest = name.partition(":")
    agency, _sep, number = rest.partition(":")
    if kind == "staff" and agency in names and number:
        return gettext("%(agency)s, staff member %(number)s") % {
            "agency": names[agency],
            "number": number,
        }
    return name


def _on_behalf_of(value: str | None, own: str) -> str:
    if not value:
        return ""
    if value == own:
        return gettext("You")
    kind, _sep, identifier = value.partition(":")
    if kind == "company" and identifier:
        return gettext("Company %(code)s") % {"code": identifier}
    if kind == "person" and identifier:
        return gettext("Person %(number)s") % {"number": identifier}
    return value
