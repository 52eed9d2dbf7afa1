"""The parties of the exchange: the portal, the agencies and their operations, the purposes."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

PORTAL: Final = "portal"

# The agencies of the sandbox and the operations each serves (docs/exchange-protocol.md).
AGENCY_OPERATIONS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "civil-registry": ("person", "address", "family", "identity-documents"),
        "public-registry": (
            "real-estate",
            "entrepreneurs",
            "share-pledges",
            "mortgages",
            "document-participation",
            "registered-document",
        ),
        "revenue": ("tax-debts", "authorised-persons"),
        "patrol-police": ("fines", "vehicles", "driving-licences"),
        "border-police": ("border-crossings",),
        "enforcement": ("debtors-registry",),
        "social-service": ("pensions", "benefits", "health-insurance"),
        "education": ("education-records",),
        "tbilisi": ("municipal-data", "towed-vehicles"),
    }
)
AGENCIES: Final[tuple[str, ...]] = tuple(AGENCY_OPERATIONS)
DEFAULT_PARTIES: Final[tuple[str, ...]] = (PORTAL, *AGENCIES)

# Why a request is made (`OW-Purpose`); `access-report` only for agency → portal reports.
PURPOSES: Final = frozenset(
    {
        "self-view",
        "prefill",
        "case-handling",
        "registration",
        "representation",
        "test",
        "access-report",
    }
)
