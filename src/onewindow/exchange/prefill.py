"""Once-only prefill: what the state already knows about a person, asked through the
exchange and returned as typed values for forms (exported by `selectors.py`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.utils.translation import get_language

import structlog

from owexchange import Subject

from .errors import SubjectNotFound
from .queries import Answer, Asker, Query
from .services import exchange_fetch

logger = structlog.get_logger(__name__)

# Roles in the registry of entrepreneurs that let a person act for the company.
REPRESENTING_ROLES = frozenset({"director", "representative", "individual-entrepreneur"})


@dataclass(frozen=True)
class LocalText:
    """The same text in Georgian and English; `str()` gives the active language's."""

    ka: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "ka").startswith("en") else self.ka


@dataclass(frozen=True)
class Address:
    """A person's registered address (რეგისტრაციის მისამართი), from the civil registry."""

    text: LocalText  # the whole address on one line
    municipality: LocalText
    district: LocalText | None  # Tbilisi's district; None elsewhere
    street: LocalText
    building: str
    apartment: str | None
    registered_since: datetime.date | None


@dataclass(frozen=True)
class CompanyRole:
    """Why a person may act for a company: a registered role or a revenue authorisation."""

    role: str  # the agency's code: "director", "accountant", …
    name: LocalText
    source: str  # "public-registry" or "revenue"
    rights: tuple[str, ...] = ()  # revenue: "declarations", "payments", "view"


@dataclass(frozen=True)
class RepresentedCompany:
    """A company the person represents."""

    code: str  # საიდენტიფიკაციო კოდი — identification code, 9 digits
    name: LocalText
    legal_form: LocalText | None  # abbreviation, e.g. შპს / LLC
    status: str  # the registry's code: "active", "in-liquidation", …
    roles: tuple[CompanyRole, ...]


def registered_address(*, personal_number: str, asker: Asker) -> Address | None:
    """The person's registered address; None when the civil registry does not know them.

    Raises the ExchangeError that stands in for a missing or unusable answer.
    """
    (answer,) = exchange_fetch(
        queries=[Query("civil-registry", "address", Subject.person(personal_number))],
        asker=asker,
    )
    data = _data_unless_not_found(answer)
    if data is None:
        return None
    record = _object(data["registered_address"])
    since, district, apartment = (
        data.get("registered_since"),
        record.get("district"),
        record.get("apartment"),
    )
    return Address(
        text=_text(record["text"]),
        municipality=_text(record["municipality"]),
        district=_text(district) if district else None,
        street=_text(record["street"]),
        building=str(record["building"]),
        apartment=str(apartment) if apartment else None,
        registered_since=datetime.date.fromisoformat(since) if isinstance(since, str) else None,
    )


def represented_companies(*, personal_number: str, asker: Asker) -> list[RepresentedCompany]:
    """The companies the person may act for: where the registry of entrepreneurs names
    them director, representative or individual entrepreneur, or where the revenue
    service names them an authorised person (asked for every company they have a role in).

    Raises the public registry's ExchangeError when its answer is missing. A missing
    revenue answer leaves out only what revenue alone would add (it fails closed).
    """
    (answer,) = exchange_fetch(
        queries=[Query("public-registry", "entrepreneurs", Subject.person(personal_number))],
        asker=asker,
    )
    data = _data_unless_not_found(answer)
    companies: dict[str, RepresentedCompany] = {}
    for role in map(_object, _list(data["roles"]) if data else []):
        company = _object(role["company"])
        if role["company_status"] == "liquidated" or company["type"] != "company":
            continue
        code = str(company["id"])
        known = companies.get(code) or RepresentedCompany(
            code=code,
            name=_text(company["name"]),
            legal_form=_text(_object(role["legal_form"])["abbreviation"]),
            status=str(role["company_status"]),
            roles=(),
        )
        if role["role"] in REPRESENTING_ROLES:
            registered = CompanyRole(
                role=str(role["role"]), name=_text(role["role_name"]), source="public-registry"
            )
            known = _with_role(known, registered)
        companies[code] = known
    if not companies:
        return []
    answers = exchange_fetch(
        queries=[
            Query("revenue", "authorised-persons", Subject.company(code)) for code in companies
        ],
        asker=asker,
    )
    for answer in answers:
        code = answer.query.subject.id
        if answer.error is not None or answer.data is None:
            logger.warning("revenue_authorisations_missing", company=code, reason=_reason(answer))
            continue
        for authorised in map(_object, _list(answer.data["items"])):
            person = _object(authorised["person"])
            if person["type"] == "person" and person["id"] == personal_number:
                granted = CompanyRole(
                    role=str(authorised["role"]),
                    name=_text(authorised["role_name"]),
                    source="revenue",
                    rights=tuple(str(right) for right in _list(authorised["rights"])),
                )
                companies[code] = _with_role(companies[code], granted)
    return [company for company in companies.values() if company.roles]


def _data_unless_not_found(answer: Answer) -> Mapping[str, object] | None:
    if isinstance(answer.error, SubjectNotFound):
        return None
    if answer.error is not None:
        raise answer.error
    return answer.data


def _with_role(company: RepresentedCompany, role: CompanyRole) -> RepresentedCompany:
    if role in company.roles:
        return company
    return replace(company, roles=(*company.roles, role))


# The connectors checked each answer's shape; these only narrow the types.
def _object(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError("Expected an object.")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("Expected a list.")
    return value


def _text(value: object) -> LocalText:
    text = _object(value)
    return LocalText(ka=str(text["ka"]), en=str(text["en"]))


def _reason(answer: Answer) -> str:
    return answer.error.reason if answer.error is not None else "no-data"
