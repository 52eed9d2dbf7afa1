"""Revenue Service (შემოსავლების სამსახური): tax debts and a company's authorised persons."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from owexchange import Subject

from ..population import REFERENCE_DATE, Population, Ref
from .operations import Agency, Operation
from .values import AGENCY_NAMES, Party, Shape, Text, derived_random, money, party, text

TaxCode = Literal["property", "income", "vat", "profit", "excise"]
_TAXES = {
    "property": text("ქონების გადასახადი", "Property tax"),
    "income": text("საშემოსავლო გადასახადი", "Personal income tax"),
    "vat": text("დამატებული ღირებულების გადასახადი", "Value added tax"),
    "profit": text("მოგების გადასახადი", "Profit tax"),
    "excise": text("აქციზი", "Excise tax"),
}


class TaxDebt(Shape):
    tax: TaxCode
    tax_name: Text
    principal_gel: float
    penalty_gel: float
    total_gel: float
    due_since: date
    status: Literal["unpaid", "restructured", "disputed"]


class TaxDebtsData(Shape):
    total_gel: float
    items: list[TaxDebt]


AuthorityRole = Literal["director", "accountant", "authorised-representative", "entrepreneur"]
Right = Literal["declarations", "payments", "view"]
_AUTHORITY_NAMES = {
    "director": text("დირექტორი", "Director"),
    "accountant": text("ბუღალტერი", "Accountant"),
    "authorised-representative": text("უფლებამოსილი წარმომადგენელი", "Authorised representative"),
    "entrepreneur": text("ინდივიდუალური მეწარმე", "Individual entrepreneur"),
}


class AuthorisedPerson(Shape):
    person: Party
    role: AuthorityRole
    role_name: Text
    rights: list[Right]
    since: date


class AuthorisedPersonsData(Shape):
    items: list[AuthorisedPerson]


def _debt(rng_value: float, tax: TaxCode, principal: float, since: date) -> TaxDebt:
    months = max(0, (REFERENCE_DATE - since).days // 30)
    penalty = money(principal * min(0.0007 * 30 * months, 0.6))
    status: Literal["unpaid", "restructured", "disputed"] = "unpaid"
    if rng_value < 0.15:
        status = "restructured"
    elif rng_value < 0.22:
        status = "disputed"
    return TaxDebt(
        tax=tax,
        tax_name=_TAXES[tax],
        principal_gel=money(principal),
        penalty_gel=penalty,
        total_gel=money(principal + penalty),
        due_since=since,
        status=status,
    )


def tax_debt_items(population: Population, subject_id: str) -> list[TaxDebt]:
    """Debts of a person who owns property or runs a business, or of an active company."""
    written = population.overrides.get(("tax-debts", subject_id))
    if written is not None:
        return TaxDebtsData.model_validate(written).items
    rng = derived_random(population, "tax-debts", subject_id)
    items: list[TaxDebt] = []
    if subject_id in population.persons:
        owns = bool(population.properties_of.get(subject_id))
        runs = any(
            role == "individual-entrepreneur" for _, role in population.roles.get(subject_id, [])
        )
        if owns and rng.random() < 0.07:
            since = REFERENCE_DATE - timedelta(days=rng.randint(30, 1500))
            items.append(_debt(rng.random(), "property", rng.uniform(40, 900), since))
        if runs and rng.random() < 0.25:
            since = REFERENCE_DATE - timedelta(days=rng.randint(30, 1200))
            items.append(_debt(rng.random(), "income", rng.uniform(150, 6000), since))
        return items
    company = population.companies.get(subject_id)
    if company is None or company.status not in ("active", "insolvent") or company.kind:
        return items
    chance = 0.9 if company.status == "insolvent" else 0.15
    if rng.random() < chance:
        for tax in rng.sample(["vat", "profit", "property", "income", "excise"], rng.randint(1, 3)):
            since = REFERENCE_DATE - timedelta(days=rng.randint(30, 1800))
            items.append(_debt(rng.random(), tax, rng.uniform(300, 80000), since))  # type: ignore[arg-type]
    return items


def tax_debts(population: Population, subject: Subject) -> TaxDebtsData:
    items = tax_debt_items(population, subject.id)
    return TaxDebtsData(total_gel=money(sum(item.total_gel for item in items)), items=items)


def authorised_persons(population: Population, subject: Subject) -> AuthorisedPersonsData:
    company = population.companies.get(subject.id)
    if company is None:
        return AuthorisedPersonsData(items=[])
    rng = derived_random(population, "authorised-persons", company.code)
    items = []

    def add(pn: str, role: AuthorityRole, rights: list[Right], since: date) -> None:
        items.append(
            AuthorisedPerson(
                person=party(population, Ref("person", pn)),
                role=role,
                role_name=_AUTHORITY_NAMES[role],
                rights=rights,
                since=since,
            )
        )

    everything: list[Right] = ["declarations", "payments", "view"]
    if company.legal_form == "IE":
        add(company.partners[0].owner.id, "entrepreneur", everything, company.registered_on)
        return AuthorisedPersonsData(items=items)
    for appointment in company.directors:
        add(appointment.person, "director", everything, appointment.since)
    for appointment in company.representatives:
        add(
            appointment.person, "authorised-representative", ["view", "payments"], appointment.since
        )
    adults = population.adults
    if adults and not company.demo and rng.random() < 0.6:
        since = company.registered_on + timedelta(days=rng.randint(0, 900))
        add(rng.choice(adults), "accountant", ["declarations", "view"], min(since, REFERENCE_DATE))
    return AuthorisedPersonsData(items=items)


AGENCY = Agency(
    id="revenue",
    name=AGENCY_NAMES["revenue"],
    description="Tax debts of persons and companies, and the persons a company has "
    "authorised towards the Revenue Service. Unknown subjects get empty lists.",
    operations=(
        Operation(
            name="tax-debts",
            summary="Tax debts",
            description="Unpaid taxes with principal, penalty and total, per tax.",
            subjects=("person", "company"),
            model=TaxDebtsData,
            derive=tax_debts,
        ),
        Operation(
            name="authorised-persons",
            summary="A company's authorised persons",
            description="Directors, representatives and accountants authorised to act for "
            "the company towards the Revenue Service, with their rights.",
            subjects=("company",),
            model=AuthorisedPersonsData,
            derive=authorised_persons,
        ),
    ),
)
