"""National Bureau of Enforcement (აღსრულების ეროვნული ბიურო): the debtors' registry.

Cases follow from the other agencies' records: large unpaid tax debts (creditor: Revenue
Service), traffic fines unpaid for two months (Patrol Police), and bank loans.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from owexchange import Subject

from ..population import REFERENCE_DATE, Population, financial_company_codes
from .operations import Agency, Operation
from .patrol_police import fine_items
from .revenue import tax_debt_items
from .values import (
    AGENCY_NAMES,
    Party,
    Shape,
    Text,
    agency_party,
    company_party,
    derived_random,
    money,
    text,
)

_BASES = {
    "tax": text("საგადასახადო დავალიანება", "Tax debt"),
    "fine": text("გადაუხდელი ჯარიმა", "Unpaid fine"),
    "loan": text("სასამართლოს გადაწყვეტილება (სესხი)", "Court decision (loan)"),
}
_RESTRICTIONS = (
    text("ქონების განკარგვის აკრძალვა", "Ban on disposing of property"),
    text("საბანკო ანგარიშზე ყადაღა", "Seizure of bank accounts"),
)


class DebtorCase(Shape):
    case_number: str
    registered_on: date
    creditor: Party
    basis: Literal["tax", "fine", "loan"]
    basis_name: Text
    amount_gel: float
    status: Literal["active", "suspended", "closed"]
    restrictions: list[Text]


class DebtorsRegistryData(Shape):
    registered: bool
    items: list[DebtorCase]


def _case(
    number: int, on: date, creditor: Party, basis: str, amount: float, status: str
) -> DebtorCase:
    return DebtorCase(
        case_number=f"A{on.year % 100:02d}{number:07d}",
        registered_on=on,
        creditor=creditor,
        basis=basis,  # type: ignore[arg-type]
        basis_name=_BASES[basis],
        amount_gel=money(amount),
        status=status,  # type: ignore[arg-type]
        restrictions=list(_RESTRICTIONS) if status == "active" else [],
    )


def debtors_registry(population: Population, subject: Subject) -> DebtorsRegistryData:
    rng = derived_random(population, "debtors-registry", subject.id)
    items = []
    for debt in tax_debt_items(population, subject.id):
        if debt.status == "unpaid" and debt.principal_gel >= 1000:
            on = min(debt.due_since + timedelta(days=90), REFERENCE_DATE)
            items.append(
                _case(
                    rng.randrange(10**7),
                    on,
                    agency_party("revenue"),
                    "tax",
                    debt.total_gel,
                    "active",
                )
            )
    for fine in fine_items(population, subject.id):
        overdue = (REFERENCE_DATE - fine.due_on).days
        if fine.status == "unpaid" and overdue > 60:
            on = fine.due_on + timedelta(days=60)
            items.append(
                _case(
                    rng.randrange(10**7),
                    on,
                    agency_party("patrol-police"),
                    "fine",
                    fine.amount_gel * 2,
                    "active",
                )
            )
    person = population.persons.get(subject.id)
    if person is not None and not person.demo and person.age() >= 21 and rng.random() < 0.03:
        on = REFERENCE_DATE - timedelta(days=rng.randint(30, 2500))
        status = rng.choices(("active", "suspended", "closed"), (60, 10, 30))[0]
        bank = company_party(population, rng.choice(financial_company_codes("bank")))
        items.append(_case(rng.randrange(10**7), on, bank, "loan", rng.uniform(800, 40000), status))
    items.sort(key=lambda case: case.registered_on, reverse=True)
    return DebtorsRegistryData(registered=any(c.status == "active" for c in items), items=items)


AGENCY = Agency(
    id="enforcement",
    name=AGENCY_NAMES["enforcement"],
    description="The debtors' registry: enforcement cases against a person or a company, "
    "with creditor, amount and restrictions. A subject who owes nothing gets "
    '`{"registered": false, "items": []}`.',
    operations=(
        Operation(
            name="debtors-registry",
            summary="Debtors' registry",
            description="Enforcement cases (tax debts, unpaid fines, court decisions on "
            "loans) and whether the subject is a registered debtor.",
            subjects=("person", "company"),
            model=DebtorsRegistryData,
            derive=debtors_registry,
        ),
    ),
)
