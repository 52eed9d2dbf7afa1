"""Which exchange operations answer each informational service of the catalogue (data).

A service code is the catalogue's (`catalog/services/*.yaml`, `kind: informational`); an
operation is an (agency, operation) pair of the exchange protocol (docs/exchange-protocol.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Operation:
    agency: str  # the exchange's agency id, e.g. "civil-registry"
    name: str  # the operation, e.g. "person"

    @property
    def label(self) -> str | Promise:
        """What data this is, in words (for the page and the access log)."""
        return OPERATION_LABELS.get((self.agency, self.name), self.name)


# The exchange's agency ids, in the order the dashboard shows them, with the catalogue's
# agency code (catalog/agencies.yaml) whose name the portal shows for each.
AGENCY_CATALOG_CODES: dict[str, str] = {
    "civil-registry": "psda",
    "public-registry": "napr",
    "revenue": "rs",
    "patrol-police": "patrol-police",
    "border-police": "border-police",
    "enforcement": "nbe",
    "social-service": "ssa",
    "education": "mes",
    "tbilisi": "tbilisi",
}

OPERATION_LABELS: dict[tuple[str, str], str | Promise] = {
    ("civil-registry", "person"): _("Personal details"),
    ("civil-registry", "address"): _("Registered address"),
    ("civil-registry", "family"): _("Family and civil status records"),
    ("civil-registry", "identity-documents"): _("ID cards and passports"),
    ("public-registry", "real-estate"): _("Real estate"),
    ("public-registry", "entrepreneurs"): _("Roles in companies"),
    ("public-registry", "share-pledges"): _("Pledges on shares"),
    ("public-registry", "mortgages"): _("Mortgages"),
    ("public-registry", "document-participation"): _("Documents in the Public Registry"),
    ("public-registry", "registered-document"): _("Registered document"),
    ("revenue", "tax-debts"): _("Tax debts"),
    ("revenue", "authorised-persons"): _("A company's authorised persons"),
    ("patrol-police", "fines"): _("Fines"),
    ("patrol-police", "vehicles"): _("Vehicles"),
    ("patrol-police", "driving-licences"): _("Driving licences"),
    ("border-police", "border-crossings"): _("Border crossings"),
    ("enforcement", "debtors-registry"): _("Debtors' registry"),
    ("social-service", "pensions"): _("Pensions"),
    ("social-service", "benefits"): _("Benefits"),
    ("social-service", "health-insurance"): _("Health insurance"),
    ("education", "education-records"): _("Education records"),
    ("tbilisi", "municipal-data"): _("Tbilisi municipal data"),
    ("tbilisi", "towed-vehicles"): _("Towed vehicles"),
}


def _ops(*pairs: tuple[str, str]) -> tuple[Operation, ...]:
    return tuple(Operation(agency, name) for agency, name in pairs)


# Each informational service about the signed-in person, and the operations that answer
# it; the dashboard shows the services in this order, grouped by their first agency.
SERVICE_OPERATIONS: dict[str, tuple[Operation, ...]] = {
    "personal-data": _ops(
        ("civil-registry", "person"),
        ("civil-registry", "address"),
        ("civil-registry", "identity-documents"),
    ),
    "participation-in-documents": _ops(
        ("civil-registry", "family"),
        ("civil-registry", "identity-documents"),
        ("public-registry", "document-participation"),
    ),
    "real-estate": _ops(("public-registry", "real-estate"), ("public-registry", "mortgages")),
    "enterprise-participation": _ops(
        ("public-registry", "entrepreneurs"), ("public-registry", "share-pledges")
    ),
    "tax-debt": _ops(("revenue", "tax-debts")),
    "fines-info": _ops(("patrol-police", "fines")),
    "vehicle-ownership": _ops(("patrol-police", "vehicles")),
    "driving-licence": _ops(("patrol-police", "driving-licences")),
    "border-crossing": _ops(("border-police", "border-crossings")),
    "debtors-registry-status": _ops(("enforcement", "debtors-registry")),
    "enforcement-cases": _ops(("enforcement", "debtors-registry")),
    "pension-and-benefits": _ops(("social-service", "pensions"), ("social-service", "benefits")),
    "child-benefit": _ops(("social-service", "benefits")),
    "social-rating-score": _ops(("social-service", "benefits")),
    "health-insurance-status": _ops(("social-service", "health-insurance")),
    "education-records": _ops(("education", "education-records")),
    "parking-fines": _ops(("tbilisi", "municipal-data")),
    # By the plates of the person's own vehicles (Tbilisi's tow service).
    "towed-vehicle-search": _ops(("tbilisi", "towed-vehicles")),
}


@dataclass(frozen=True)
class Selection:
    """The part of an operation's data a service shows, when it is not all of it."""

    fields: tuple[str, ...] | None = None  # top-level fields kept
    where: tuple[tuple[str, str], ...] = ()  # list records kept: those with these values


SERVICE_SELECTIONS: dict[tuple[str, Operation], Selection] = {
    ("enforcement-cases", Operation("enforcement", "debtors-registry")): Selection(
        fields=("items",)
    ),
    ("child-benefit", Operation("social-service", "benefits")): Selection(
        where=(("programme", "child-benefit"),)
    ),
    ("parking-fines", Operation("tbilisi", "municipal-data")): Selection(
        fields=("parking_fines", "parking_permits")
    ),
}

# Informational services My data does not show, and why.
UNMAPPED_SERVICES: dict[str, str] = {
    "debtors-registry-search": "searches the registry for another person or company by "
    "their number: a look-up about someone else, which needs a stated purpose",
    "entrepreneurs-registry-information": "searches the public registry for any "
    "organisation by name or code: not data about the signed-in person",
}


def selection_for(service_code: str, operation: Operation) -> Selection:
    return SERVICE_SELECTIONS.get((service_code, operation), Selection())


def agency_of(service_code: str) -> str:
    """The agency whose section of the dashboard shows the service."""
    return SERVICE_OPERATIONS[service_code][0].agency
