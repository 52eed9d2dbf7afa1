"""The documented shapes of the agencies' data: what passes and what is malformed."""

from __future__ import annotations

import pytest

from onewindow.exchange.connectors import connector_for
from onewindow.exchange.errors import MalformedResponse
from onewindow.exchange.shapes import (
    DATE,
    DATETIME,
    INTEGER,
    ListOf,
    Nullable,
    Obj,
    ShapeError,
    Text,
)

from .samples import minimal


def test_a_path_names_the_first_mismatch() -> None:
    shape = Obj(required={"items": ListOf(Obj(required={"plate": Text(), "year": INTEGER}))})
    shape.check({"items": [{"plate": "AB-123-CD", "year": 2019}]}, "data")
    with pytest.raises(ShapeError, match=r"data\.items\[1\]\.year: expected an integer"):
        shape.check({"items": [{"plate": "x", "year": 1}, {"plate": "y", "year": "1"}]}, "data")
    with pytest.raises(ShapeError, match=r"data\.items\[0\]\.plate: .*missing"):
        shape.check({"items": [{"year": 1}]}, "data")


@pytest.mark.parametrize(
    ("shape", "good", "bad"),
    [
        (DATE, "2026-11-21", "21.11.2026"),
        (DATETIME, "2026-11-21T12:00:00+04:00", "2026-11-21T12:00:00"),
        (INTEGER, 3, True),
        (Nullable(INTEGER), None, 1.5),
        (Text(pattern=r"\d{11}"), "01001012345", "0100101234"),
    ],
)
def test_scalars(shape: object, good: object, bad: object) -> None:
    shape.check(good, "v")  # type: ignore[attr-defined]
    with pytest.raises(ShapeError):
        shape.check(bad, "v")  # type: ignore[attr-defined]


def test_unknown_fields_and_new_codes_are_allowed() -> None:
    connector = connector_for("civil-registry")
    data = minimal(connector.operations["identity-documents"].shape)
    data["items"] = [
        {
            "kind": "residence-permit",  # a code the portal has not seen
            "kind_name": {"ka": "ბინადრობის მოწმობა", "en": "Residence permit"},
            "number": "26RP00001",
            "issued_on": "2026-01-05",
            "valid_until": None,
            "issuer": {"ka": "x", "en": "x"},
            "status": "valid",
            "chip": True,  # a field the portal has not seen
        }
    ]
    assert connector.parse("identity-documents", data) == data


def test_every_operation_has_an_object_shape() -> None:
    for agency in ("civil-registry", "public-registry", "revenue", "tbilisi"):
        connector = connector_for(agency)
        for name, operation in connector.operations.items():
            sample = minimal(operation.shape)
            assert connector.parse(name, sample) == sample
            with pytest.raises(MalformedResponse):
                connector.parse(name, [])
