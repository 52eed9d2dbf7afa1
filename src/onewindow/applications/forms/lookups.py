"""Lookups: the registries confirm a personal number or a company code a person typed
(fields with `lookup: true`), through the exchange, and give the name to show.

Call `lookup_page` after `engine.clean_page` found no errors; its errors are shown like
the engine's (same field names) and the page is not saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from onewindow.exchange.services import ExchangeError, Query, exchange_fetch
from onewindow.identity.models import Account
from owexchange import Subject

from .engine import LOOKUP_PREFIX, page_fields
from .messages import message
from .prefill import prefill_asker
from .schema import FormSchema


@dataclass(frozen=True)
class Found:
    """A registry's answer: the name ({ka, en}) or why there is none."""

    name: dict[str, str] | None
    error: str = ""  # "not-found" or "unavailable"


@dataclass(frozen=True)
class Lookups:
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {ka, en}
    errors: dict[str, str] = field(default_factory=dict)  # field → message
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What to merge into `Draft.prefilled` when the page is saved: `lookup:<field>` →
    `{source, value: the number, display: the name {ka, en}}`; the summary shows the name
    while the answer is still that number."""


def lookup_person(personal_number: str, *, account: Account, acting_for: str = "") -> Found:
    """The civil registry's name for a personal number."""
    return _lookup("civil-registry", "person", Subject.person(personal_number), account, acting_for)


def lookup_company(code: str, *, account: Account, acting_for: str = "") -> Found:
    """The registry of entrepreneurs' name for a company's identification code."""
    return _lookup("public-registry", "entrepreneurs", Subject.company(code), account, acting_for)


def _lookup(
    agency: str, operation: str, subject: Subject, account: Account, acting_for: str
) -> Found:
    asker = prefill_asker(account, acting_for)
    try:
        (answer,) = exchange_fetch(queries=[Query(agency, operation, subject)], asker=asker)
    except ExchangeError:
        return Found(None, "unavailable")
    if answer.error is not None:
        return Found(None, "not-found" if answer.error.reason == "not-found" else "unavailable")
    data: Mapping[str, Any] = answer.data or {}
    if subject.type == "person":
        first, last = data.get("first_name"), data.get("last_name")
        if not isinstance(first, Mapping) or not isinstance(last, Mapping):
            return Found(None, "unavailable")
        return Found({lang: f"{first[lang]} {last[lang]}" for lang in ("ka", "en")})
    company = data.get("company")
    if not isinstance(company, Mapping):
        return Found(None, "not-found")
    name, form = company["name"], company.get("legal_form") or {}
    abbreviation = form.get("abbreviation") if isinstance(form, Mapping) else None
    return Found(
        {
            lang: " ".join(
                part
                for part in (
                    str(abbreviation[lang]) if isinstance(abbreviation, Mapping) else "",
                    str(name[lang]),
                )
                if part
            )
            for lang in ("ka", "en")
        }
    )


def lookup_page(
    schema: FormSchema,
    page_id: str,
    cleaned: Mapping[str, Any],
    *,
    answers: Mapping[str, Any],
    prefilled: Mapping[str, Any] | None,
    account: Account,
    acting_for: str,
    lang: str,
) -> Lookups:
    """Look up every visible `lookup: true` field of the page that was answered."""
    page = schema.page(page_id)
    names: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    facts: dict[str, dict[str, Any]] = {}
    for item in page_fields(schema, page, {**answers, **cleaned}, prefilled):
        value = cleaned.get(item.name)
        if not item.lookup or not value:
            continue
        if item.type == "personal-number":
            found = lookup_person(str(value), account=account, acting_for=acting_for)
            not_found = "not_found_person"
        else:
            found = lookup_company(str(value), account=account, acting_for=acting_for)
            not_found = "not_found_company"
        if found.name is not None:
            names[item.name] = found.name
            source = "civil-registry" if item.type == "personal-number" else "public-registry"
            facts[f"{LOOKUP_PREFIX}{item.name}"] = {
                "source": source,
                "value": str(value),
                "display": found.name,
            }
        elif found.error == "not-found":
            errors[item.name] = message(not_found, lang, item.label.get(lang))
        else:
            errors[item.name] = message("lookup_unavailable", lang, item.label.get(lang))
    return Lookups(names=names, errors=errors, facts=facts)
