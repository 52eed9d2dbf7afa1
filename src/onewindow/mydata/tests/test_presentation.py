"""Agencies' answers become readable rows and tables, whatever their shape."""

from __future__ import annotations

from typing import Any

from django.utils import translation

import pytest

from onewindow.mydata.layouts import LAYOUTS
from onewindow.mydata.presentation import EMPTY, Layout, format_value, present

from .conftest import SAMPLE_DATA

DOCUMENTS = {
    "items": [
        {
            "kind": "id-card",
            "kind_name": {"ka": "პირადობის მოწმობა", "en": "Identity card"},
            "number": "12AB34567",
            "issued_on": "2020-01-10",
            "valid_until": None,
            "issuer": {"ka": "სსგს", "en": "PSDA"},
            "status": "expired",
        }
    ]
}


def test_scalars_become_labelled_rows_in_the_layouts_order() -> None:
    with translation.override("en"):
        shown = present(
            SAMPLE_DATA[("civil-registry", "person")], layout=LAYOUTS[("civil-registry", "person")]
        )
    assert [(row.label, row.value) for row in shown.rows][:5] == [
        ("First name", "Nino"),
        ("Surname", "Beridze"),
        ("Personal number", "01001012345"),
        ("Date of birth", "27 March 1990"),
        ("Place of birth", "Tbilisi"),
    ]
    assert ("Sex", "Female") in [(row.label, row.value) for row in shown.rows]
    assert ("Citizenship", "Georgia") in [(row.label, row.value) for row in shown.rows]


def test_records_become_a_table_with_names_in_words_instead_of_codes() -> None:
    with translation.override("en"):
        shown = present(DOCUMENTS, caption="ID cards and passports")
    (table,) = shown.tables
    assert table.caption == "ID cards and passports" and table.caption_hidden
    assert table.columns == ("Type", "Number", "Issued on", "Valid until", "Issued by", "Status")
    assert table.rows == (
        ("Identity card", "12AB34567", "10 January 2020", EMPTY, "PSDA", "Expired"),
    )


def test_bilingual_texts_and_dates_follow_the_language() -> None:
    with translation.override("ka"):
        (table,) = present(DOCUMENTS).tables
    assert table.rows[0][0] == "პირადობის მოწმობა"
    assert "2020" in table.rows[0][2] and "January" not in table.rows[0][2]


def test_a_moment_is_shown_in_tbilisi_time_and_money_with_two_decimals() -> None:
    with translation.override("en"):
        assert format_value("2026-11-21T12:00:00Z") == "21 November 2026, 16:00"
        assert format_value(1234.5, field="amount_gel") == "1,234.50"
        assert format_value(50.0, field="share_percent") == "50%"


def test_parties_and_addresses_read_as_one_value() -> None:
    company = {"type": "company", "id": "404123456", "name": {"ka": "შპს ა", "en": "A LLC"}}
    agency = {"type": "agency", "id": "revenue", "name": {"ka": "შს", "en": "Revenue Service"}}
    address = SAMPLE_DATA[("civil-registry", "address")]["registered_address"]
    owner = {"owner": company, "share_percent": 50.0, "since": "2019-03-12"}
    with translation.override("en"):
        assert format_value(owner) == "A LLC (404123456) — 50%"
        assert format_value(company) == "A LLC (404123456)"
        assert format_value(agency) == "Revenue Service"
        assert format_value(address) == "12 Rustaveli Ave., Tbilisi"


def test_a_table_is_cut_to_the_row_limit_and_says_how_many_there_are() -> None:
    shown = present({"items": [{"amount_gel": n} for n in range(12)]}, row_limit=5)
    (table,) = shown.tables
    assert len(table.rows) == 5 and table.total == 12 and table.truncated


def test_a_selection_keeps_some_fields_and_some_records() -> None:
    data = {"registered": True, "items": [{"basis": "tax"}, {"basis": "fine"}]}
    layout = Layout(rows=("registered",), tables=(("items", ("basis",)),))
    shown = present(data, layout=layout, fields=("items",), where={"basis": "fine"})
    assert shown.rows == ()
    assert shown.tables[0].rows == (("fine",),)


def test_an_answer_of_another_shape_than_its_layout_is_shown_whole() -> None:
    shown = present({"surprise": "value"}, layout=LAYOUTS[("civil-registry", "person")])
    assert [(row.label, row.value) for row in shown.rows] == [("Surprise", "value")]


def test_an_empty_list_in_the_layout_is_a_table_with_nothing_recorded() -> None:
    (table,) = present({"items": []}, layout=LAYOUTS[("patrol-police", "vehicles")]).tables
    assert table.rows == () and not table.truncated


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        [],
        "text",
        42,
        [1, 2, 3],
        [{"a": 1}, "not a record", None],
        {"deep": {"a": {"b": {"c": {"d": {"e": 1}}}}}},
        {"mixed": [1, {"a": 2}]},
        {"weird": object()},
        {"date": "2026-02-31"},
        {"moment": "2026-13-01T00:00"},
        {1: "numeric key"},
        {"items": "not a list"},
        {"items": [{"kind_name": {"ka": 1, "en": None}}, {"name": None, "type": "person"}]},
        {"text": {"text": {"text": None}}},
    ],
)
@pytest.mark.parametrize("layout", [None, *LAYOUTS.values()])
def test_any_shape_of_data_is_shown_without_an_error(data: Any, layout: Layout | None) -> None:
    shown = present(data, layout=layout, row_limit=3)
    for row in shown.rows:
        assert isinstance(row.value, str)
    for table in shown.tables:
        assert all(isinstance(cell, str) for row in table.rows for cell in row)
