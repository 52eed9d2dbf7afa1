"""The connector interface: an agency's address, its operations, and the check of each
operation's `data` against its documented shape; the registry of connectors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from django.conf import settings

from owexchange import AGENCY_OPERATIONS

from ..errors import MalformedResponse
from ..shapes import ANY_OBJECT, Shape, ShapeError

PERSON = frozenset({"person"})
COMPANY = frozenset({"company"})
PERSON_OR_COMPANY = frozenset({"person", "company"})


@dataclass(frozen=True)
class Operation:
    """An operation an agency answers: whom it can be about and the shape of its data.

    `needs_document`: the query names one registered document of the subject in
    `parameters.document` (owexchange.DocumentRef); the agency refuses it without one."""

    shape: Shape = ANY_OBJECT
    subjects: frozenset[str] = PERSON
    needs_document: bool = False


class AgencyConnector:
    """An agency of the exchange. Subclasses set `agency` and `operations`."""

    agency: ClassVar[str]
    operations: ClassVar[Mapping[str, Operation]]

    def base_url(self) -> str:
        configured: Mapping[str, str] = settings.EXCHANGE_AGENCY_URLS
        if self.agency in configured:
            return configured[self.agency].rstrip("/")
        return f"{settings.EXCHANGE_SANDBOX_URL.rstrip('/')}/{self.agency}"

    def url(self, operation: str) -> str:
        return f"{self.base_url()}/v1/{operation}"

    def check_query(self, *, operation: str, subject_type: str) -> None:
        """Refuse (ValueError) an operation the agency does not have or a wrong subject."""
        spec = self.operations.get(operation)
        if spec is None:
            raise ValueError(f"{self.agency} has no operation {operation!r}.")
        if subject_type not in spec.subjects:
            raise ValueError(f"{self.agency}/{operation} is not about a {subject_type}.")

    def parse(self, operation: str, data: object) -> Mapping[str, object]:
        """The operation's data, checked against its documented shape; else MalformedResponse."""
        try:
            self.operations[operation].shape.check(data, "data")
        except ShapeError as error:
            raise MalformedResponse("bad-data", str(error), agency=self.agency) from error
        except KeyError as error:
            raise MalformedResponse("unknown-operation", operation, agency=self.agency) from error
        if not isinstance(data, dict):
            raise MalformedResponse("bad-data", "data: expected an object", agency=self.agency)
        return data


_Connector = TypeVar("_Connector", bound=type[AgencyConnector])
_registry: dict[str, AgencyConnector] = {}


def register(agency: str) -> Callable[[_Connector], _Connector]:
    """Class decorator: make the connector the one for `agency`."""

    def decorate(cls: _Connector) -> _Connector:
        cls.agency = agency
        _registry[agency] = cls()
        return cls

    return decorate


def connector_for(agency: str) -> AgencyConnector:
    try:
        return _registry[agency]
    except KeyError:
        raise LookupError(f"No connector for the agency {agency!r}.") from None


def registered_agencies() -> list[str]:
    return list(_registry)


def protocol_operations(
    agency: str, operations: Mapping[str, Operation]
) -> Mapping[str, Operation]:
    """The agency's operations; for an agency of the protocol, exactly those it lists."""
    listed = AGENCY_OPERATIONS.get(agency)
    if listed is not None and set(operations) != set(listed):
        raise ValueError(f"{agency}: the operations differ from the protocol's {listed}.")
    return operations
