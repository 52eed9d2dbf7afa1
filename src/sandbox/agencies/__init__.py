"""The nine sandbox agencies: what each holds and the shape of each answer.

Each module is one agency: pydantic models of its answers' `data` (the OpenAPI document
is made from them) and the functions that derive them from the shared population.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from owexchange import AGENCY_OPERATIONS

from . import (
    border_police,
    civil_registry,
    education,
    enforcement,
    patrol_police,
    public_registry,
    revenue,
    social_service,
    tbilisi,
)
from .operations import Agency, Operation

AGENCIES: Final = MappingProxyType(
    {
        agency.id: agency
        for agency in (
            civil_registry.AGENCY,
            public_registry.AGENCY,
            revenue.AGENCY,
            patrol_police.AGENCY,
            border_police.AGENCY,
            enforcement.AGENCY,
            social_service.AGENCY,
            education.AGENCY,
            tbilisi.AGENCY,
        )
    }
)

# The protocol's table of agencies and operations is the contract; the sandbox follows it.
if {a: tuple(o.name for o in agency.operations) for a, agency in AGENCIES.items()} != dict(
    AGENCY_OPERATIONS
):
    raise ImportError("The sandbox's agencies differ from owexchange.AGENCY_OPERATIONS.")

__all__ = ["AGENCIES", "Agency", "Operation"]
