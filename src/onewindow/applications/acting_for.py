"""Acting for a company: the companies a person may apply for (asked of the registries
through the exchange, never typed in), the choice kept in `Draft.acting_for`, and the
same question asked again when the application is submitted.

The server is the source of truth: a company code posted by the browser counts only when
the registry lists that company for the person at that moment. The choice is made before
the draft starts, so that drafts for different companies (and for oneself) stay apart;
the form's own "are you acting for a company?" and "which company?" questions are then
read-only facts (`chosen` facts, shown like the registries' facts, never read from a POST).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from onewindow.catalog.models import Service
from onewindow.exchange.selectors import RepresentedCompany, represented_companies
from onewindow.exchange.services import Asker, ExchangeError

from .forms.messages import word
from .forms.schema import FormSchema

# The form fields that ask whom the person applies for (catalog/forms/*.yaml).
ASKS_FIELD = "acting_for_company"  # yes-no
COMPANY_FIELD = "company"  # select, prefill: represented-companies
# `Draft.prefilled` / `Application.prefilled` key of the company chosen at the start
# (not a field name: those never contain a hyphen).
CHOSEN_KEY = "acting-for"
SOURCE = "public-registry"
LANGUAGES = ("ka", "en")


class RepresentationUnknown(Exception):
    """The registry could not say whom the person represents (down, slow, or malformed)."""


@dataclass(frozen=True)
class Company:
    """A company the registry says the person may act for."""

    code: str  # identification code, 9 digits
    name: dict[str, str]  # {ka, en}, with the legal form

    def label(self, lang: str) -> str:
        return f"{self.name.get(lang) or self.name['ka']} ({self.code})"

    @property
    def local_name(self) -> str:
        """The name in the active language (for templates)."""
        return self.name.get(_lang()) or self.name["ka"]


def _lang() -> str:
    return "en" if (get_language() or "ka").startswith("en") else "ka"


def representation_asker(account: Any) -> Asker:
    """The person asking the registries whom they may represent (their data-access log
    shows it under the purpose "representation")."""
    name = " ".join(part for part in (account.first_name_ka, account.last_name_ka) if part)
    return Asker(
        kind="person",
        user=account.exchange_user,
        name=name or account.get_full_name() or account.get_username(),
        purpose="representation",
    )


def companies_of(account: Any) -> list[Company]:
    """The companies the registries say the person represents now (director,
    representative, individual entrepreneur, or authorised by the revenue service).
    Raises RepresentationUnknown when the registry does not answer."""
    if not account.personal_number:
        return []
    try:
        found = represented_companies(
            personal_number=account.personal_number, asker=representation_asker(account)
        )
    except ExchangeError as error:
        raise RepresentationUnknown(error.reason) from error
    return [_company(item) for item in found]


def company_of(account: Any, code: str) -> Company | None:
    """The company of that code if the person represents it now (asked again), else None.
    Raises RepresentationUnknown."""
    return next((item for item in companies_of(account) if item.code == code), None)


def _company(found: RepresentedCompany) -> Company:
    form = found.legal_form
    name = {}
    for lang in LANGUAGES:
        title = getattr(found.name, lang)
        prefix = getattr(form, lang) if form else ""
        # The registry's names often carry the legal form already (შპს „…“, "… LLC").
        name[lang] = title if not prefix or prefix in title.split() else f"{prefix} {title}"
    return Company(code=found.code, name=name)


def asks_whom(schema: FormSchema, service: Service) -> bool:
    """Whether the person says whom they apply for before the draft starts: a service only
    companies can use, or a form that asks whether the person acts for a company."""
    return service.audience == Service.Audience.LEGAL_ENTITY or _asks_in_form(schema)


def _asks_in_form(schema: FormSchema) -> bool:
    return any(item.name == ASKS_FIELD for page in schema.pages for item in page.fields)


def chosen_facts(schema: FormSchema, company: Company | None) -> tuple[dict[str, Any], list[str]]:
    """The `Draft.prefilled` facts of the choice, and the form's pages they answer (marked
    completed). The form's own questions become read-only: "acting for a company?" and
    "which company?" are the choice made at the start, not answers the browser can send."""
    facts: dict[str, Any] = {}
    if company is not None:
        facts[CHOSEN_KEY] = {"source": SOURCE, "value": company.code, "name": company.name}
    if not _asks_in_form(schema):
        return facts, []
    answer = "yes" if company is not None else "no"
    facts[ASKS_FIELD] = {
        "source": SOURCE,
        "chosen": True,
        "value": answer,
        "display": {lang: word(answer, lang) for lang in LANGUAGES},
    }
    if company is not None and schema_has(schema, COMPANY_FIELD):
        facts[COMPANY_FIELD] = {
            "source": SOURCE,
            "chosen": True,
            "value": company.code,
            "display": {lang: company.label(lang) for lang in LANGUAGES},
        }
    pages = [
        page.id
        for page in schema.pages
        if page.fields and all(item.name in facts for item in page.fields)
    ]
    return facts, pages


def schema_has(schema: FormSchema, name: str) -> bool:
    return any(item.name == name for page in schema.pages for item in page.fields)


def consistent(
    schema: FormSchema, service: Service, acting_for: str, prefilled: Mapping[str, Any]
) -> bool:
    """The draft's facts still say what `Draft.acting_for` says (a draft from before the
    choice, or one tampered with, does not); a service only companies use has a company."""
    if not asks_whom(schema, service):
        return True
    if service.audience == Service.Audience.LEGAL_ENTITY and not acting_for:
        return False
    chosen = prefilled.get(CHOSEN_KEY)
    if acting_for and not (isinstance(chosen, Mapping) and chosen.get("value") == acting_for):
        return False
    if not _asks_in_form(schema):
        return True
    asked = prefilled.get(ASKS_FIELD)
    if not (isinstance(asked, Mapping) and asked.get("chosen") is True):
        return False
    if asked.get("value") != ("yes" if acting_for else "no"):
        return False
    if acting_for and schema_has(schema, COMPANY_FIELD):
        company = prefilled.get(COMPANY_FIELD)
        return isinstance(company, Mapping) and company.get("value") == acting_for
    return True


def company_label(acting_for: str, prefilled: Mapping[str, Any] | None) -> str:
    """The company's name and code, "<name> (<code>)", in the active language (the name as
    the registry gave it when the draft started), or "" for the person's own application."""
    if not acting_for:
        return ""
    chosen = (prefilled or {}).get(CHOSEN_KEY)
    names = chosen.get("name") if isinstance(chosen, Mapping) else None
    if isinstance(names, Mapping) and names.get("ka"):
        return Company(code=acting_for, name=dict(names)).label(_lang())
    return acting_for


def on_behalf_of(acting_for: str, prefilled: Mapping[str, Any] | None) -> str:
    """The words "on behalf of <company name> (<code>)" in the active language, or ""
    when the application is the person's own."""
    label = company_label(acting_for, prefilled)
    return _("on behalf of %(company)s") % {"company": label} if label else ""
