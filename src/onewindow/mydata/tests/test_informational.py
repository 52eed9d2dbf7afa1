"""Every informational service about a person is answered by real exchange operations."""

from __future__ import annotations

from django.conf import settings

from onewindow.catalog.loader import read_catalog
from onewindow.mydata.informational import (
    AGENCY_CATALOG_CODES,
    OPERATION_LABELS,
    SERVICE_OPERATIONS,
    UNMAPPED_SERVICES,
)
from owexchange import AGENCY_OPERATIONS

CATALOG = read_catalog(settings.CATALOG_DIR)
INFORMATIONAL = {
    service.code: service
    for service in CATALOG.services
    if service.kind == "informational" and service.audience in ("person", "both")
}


def test_every_informational_service_about_a_person_maps_to_an_operation() -> None:
    missing = set(INFORMATIONAL) - set(SERVICE_OPERATIONS) - set(UNMAPPED_SERVICES)
    assert missing == set()
    assert all(SERVICE_OPERATIONS[code] for code in SERVICE_OPERATIONS)
    # Only the two searches about someone else (by their number or name) have no page yet;
    # a new informational service must come with its operation, not join this list.
    assert set(UNMAPPED_SERVICES) == {
        "debtors-registry-search",
        "entrepreneurs-registry-information",
    }
    assert {"driving-licence", "towed-vehicle-search"} <= set(SERVICE_OPERATIONS)


def test_the_mapping_names_only_catalogue_services_and_leaves_out_only_listed_ones() -> None:
    assert set(SERVICE_OPERATIONS) <= set(INFORMATIONAL)
    assert set(UNMAPPED_SERVICES) <= set(INFORMATIONAL)
    assert not set(SERVICE_OPERATIONS) & set(UNMAPPED_SERVICES)


def test_every_mapped_operation_exists_in_the_protocol_and_has_a_label() -> None:
    for operations in SERVICE_OPERATIONS.values():
        for operation in operations:
            assert operation.name in AGENCY_OPERATIONS[operation.agency], operation
            assert (operation.agency, operation.name) in OPERATION_LABELS


def test_every_agency_of_the_exchange_has_a_catalogue_agency_and_a_section() -> None:
    catalogue_agencies = {agency.code for agency in CATALOG.agencies}
    assert set(AGENCY_CATALOG_CODES) == set(AGENCY_OPERATIONS)
    assert set(AGENCY_CATALOG_CODES.values()) <= catalogue_agencies
    asked = {op.agency for operations in SERVICE_OPERATIONS.values() for op in operations}
    assert asked == set(AGENCY_OPERATIONS)


def test_every_operation_of_the_protocol_has_a_label() -> None:
    for agency, operations in AGENCY_OPERATIONS.items():
        for operation in operations:
            assert (agency, operation) in OPERATION_LABELS
