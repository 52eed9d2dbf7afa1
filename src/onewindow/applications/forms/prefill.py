"""Prefill: the facts of a form's `prefill` fields, asked of the registries through the
exchange when a draft starts and stored in `Draft.prefilled` (docs/forms-format.md).

A fact: `{"source", "value", "display": {ka, en}}`; the options of a select:
`{"source", "options": [{"value", "label": {ka, en}}]}`. A registry that does not answer
(or does not know the person) leaves the field out: it is then an ordinary question.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import structlog

from onewindow.exchange.selectors import LocalText, registered_address, represented_companies
from onewindow.exchange.services import Asker, ExchangeError, Query, exchange_fetch
from onewindow.identity.models import Account
from owexchange import Subject

from .messages import format_date
from .schema import Field, FormSchema

logger = structlog.get_logger(__name__)

Fact = dict[str, Any]

SOURCES = {
    "registered-address": "civil-registry",
    "full-name": "civil-registry",
    "date-of-birth": "civil-registry",
    "represented-companies": "public-registry",
    "vehicles": "patrol-police",
    "properties": "public-registry",
}


def prefill_asker(account: Account, acting_for: str = "") -> Asker:
    """The person asking for their own facts, to fill in a form."""
    name = " ".join(part for part in (account.first_name_ka, account.last_name_ka) if part)
    return Asker(
        kind="person",
        user=account.exchange_user,
        name=name or account.get_full_name() or account.get_username(),
        purpose="prefill",
        on_behalf_of=f"company:{acting_for}" if acting_for else None,
    )


def prefill_facts(schema: FormSchema, *, account: Account, acting_for: str = "") -> dict[str, Fact]:
    """The facts for every field of `schema` with a `prefill`, by field name."""
    fields = [item for page in schema.pages for item in page.fields if item.prefill]
    if not fields or not account.personal_number:
        return {}
    asker = prefill_asker(account, acting_for)
    facts: dict[str, Fact] = {}
    for item in fields:
        selector = str(item.prefill)
        try:
            fact = _SELECTORS[selector](account.personal_number, acting_for, asker)
        except ExchangeError as error:
            logger.info("prefill_unavailable", selector=selector, reason=error.reason)
            continue
        if fact is not None:
            facts[item.name] = {"source": SOURCES[selector], **fact}
    return facts


def _local(text: LocalText | Mapping[str, Any]) -> dict[str, str]:
    if isinstance(text, LocalText):
        return {"ka": text.ka, "en": text.en}
    return {"ka": str(text["ka"]), "en": str(text["en"])}


def _address(personal_number: str, acting_for: str, asker: Asker) -> Fact | None:
    address = registered_address(personal_number=personal_number, asker=asker)
    if address is None:
        return None
    street = address.street.ka
    return {
        "value": {
            "city": address.municipality.ka,
            "street": street,
            "building": address.building,
            "apartment": address.apartment or "",
            "postcode": "",
        },
        "display": _local(address.text),
    }


def _fetch(agency: str, operation: str, subject: Subject, asker: Asker) -> Mapping[str, Any] | None:
    (answer,) = exchange_fetch(queries=[Query(agency, operation, subject)], asker=asker)
    if answer.error is not None:
        if answer.error.reason == "not-found":
            return None
        raise answer.error
    return answer.data


def _person(personal_number: str) -> Subject:
    return Subject.person(personal_number)


def _full_name(personal_number: str, acting_for: str, asker: Asker) -> Fact | None:
    data = _fetch("civil-registry", "person", _person(personal_number), asker)
    if data is None:
        return None
    first, last = _local(data["first_name"]), _local(data["last_name"])
    display = {lang: f"{first[lang]} {last[lang]}" for lang in ("ka", "en")}
    return {"value": display["ka"], "display": display}


def _date_of_birth(personal_number: str, acting_for: str, asker: Asker) -> Fact | None:
    data = _fetch("civil-registry", "person", _person(personal_number), asker)
    if data is None:
        return None

    born = datetime.date.fromisoformat(str(data["birth_date"]))
    return {
        "value": born.isoformat(),
        "display": {lang: format_date(born, lang) for lang in ("ka", "en")},
    }


def _companies(personal_number: str, acting_for: str, asker: Asker) -> Fact | None:
    companies = represented_companies(personal_number=personal_number, asker=asker)
    options = []
    for company in companies:
        # A registered name already carries its legal form ("შპს „…“", "… LLC").
        label = {lang: f"{getattr(company.name, lang)} ({company.code})" for lang in ("ka", "en")}
        options.append({"value": company.code, "label": label})
    return {"options": options} if options else None


def _owner(personal_number: str, acting_for: str) -> Subject:
    return Subject.company(acting_for) if acting_for else Subject.person(personal_number)


def _vehicles(personal_number: str, acting_for: str, asker: Asker) -> Fact | None:
    data = _fetch("patrol-police", "vehicles", _owner(personal_number, acting_for), asker)
    items = data.get("items", []) if data else []
    options = [
        {
            "value": str(item["plate"]),
            "label": {
                lang: f"{item['make']} {item['model']} ({item['year']}), {item['plate']}"
                for lang in ("ka", "en")
            },
        }
        for item in items
    ]
    return {"options": options} if options else None


def _properties(personal_number: str, acting_for: str, asker: Asker) -> Fact | None:
    data = _fetch("public-registry", "real-estate", _owner(personal_number, acting_for), asker)
    items = data.get("items", []) if data else []
    options = []
    for item in items:
        kind, address = _local(item["kind_name"]), _local(item["address"]["text"])
        code = str(item["cadastral_code"])
        options.append(
            {
                "value": code,
                "label": {lang: f"{kind[lang]}, {address[lang]} ({code})" for lang in ("ka", "en")},
            }
        )
    return {"options": options} if options else None


_SELECTORS: dict[str, Callable[[str, str, Asker], Fact | None]] = {
    "registered-address": _address,
    "full-name": _full_name,
    "date-of-birth": _date_of_birth,
    "represented-companies": _companies,
    "vehicles": _vehicles,
    "properties": _properties,
}


def prefilled_fields(schema: FormSchema) -> list[Field]:
    """The fields of the form that registries may fill."""
    return [item for page in schema.pages for item in page.fields if item.prefill]
