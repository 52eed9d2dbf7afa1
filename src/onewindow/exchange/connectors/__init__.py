"""One connector per agency behind one interface (`AgencyConnector`), found by agency id."""

from __future__ import annotations

from . import agencies as _agencies  # noqa: F401  (registers the connectors)
from .base import (
    COMPANY,
    PERSON,
    PERSON_OR_COMPANY,
    AgencyConnector,
    Operation,
    connector_for,
    register,
    registered_agencies,
)

__all__ = [
    "COMPANY",
    "PERSON",
    "PERSON_OR_COMPANY",
    "AgencyConnector",
    "Operation",
    "connector_for",
    "register",
    "registered_agencies",
]
