"""Turning an agency's answer (JSON data) into labelled rows and tables a person can read.

A layout (`layouts.py`) says which fields of an operation's data to show and which
columns each list gets; without one, every field is shown. Values are shown in the page's
language: bilingual texts (`{"ka": …, "en": …}`), parties by name, addresses on one line,
coded values in words, dates in words and moments in Tbilisi time. Whatever the shape of
the data, this never raises: what it does not recognise it shows as text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

TBILISI = ZoneInfo("Asia/Tbilisi")
EMPTY = "—"
MAX_DEPTH = 3

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

# Labels of the fields agencies send, by the field's name in the data.
FIELD_LABELS: dict[str, str | Promise] = {
    "personal_number": _("Personal number"),
    "first_name": _("First name"),
    "last_name": _("Surname"),
    "sex": _("Sex"),
    "birth_date": _("Date of birth"),
    "birth_place": _("Place of birth"),
    "citizenship": _("Citizenship"),
    "status": _("Status"),
    "registered_address": _("Registered address"),
    "registered_since": _("Registered there since"),
    "marital_status": _("Marital status"),
    "marriage_date": _("Date of marriage"),
    "relatives": _("Close relatives"),
    "relation": _("Relation"),
    "kind": _("Type"),
    "number": _("Number"),
    "issued_on": _("Issued on"),
    "valid_from": _("Valid from"),
    "valid_until": _("Valid until"),
    "issuer": _("Issued by"),
    "cadastral_code": _("Cadastral code"),
    "address": _("Address"),
    "area_m2": _("Floor area (m²)"),
    "land_area_m2": _("Land area (m²)"),
    "owners": _("Owners"),
    "owner": _("Owner"),
    "acquired_by": _("Acquired by"),
    "registered_on": _("Registered on"),
    "registration_number": _("Registration number"),
    "active_mortgages": _("Mortgages on it"),
    "roles": _("Your roles in companies"),
    "company": _("Company"),
    "legal_form": _("Legal form"),
    "company_status": _("Company status"),
    "role": _("Role"),
    "share_percent": _("Share"),
    "since": _("Since"),
    "until": _("Until"),
    "pledgor": _("Pledgor"),
    "pledgee": _("Pledgee"),
    "secured_amount": _("Secured amount"),
    "currency": _("Currency"),
    "property_address": _("Property"),
    "mortgagors": _("Mortgagors"),
    "mortgagee": _("Mortgagee"),
    "amount": _("Amount"),
    "document": _("Document"),
    "object": _("What it is about"),
    "counterparties": _("Other parties"),
    "total_gel": _("Total (GEL)"),
    "tax": _("Tax"),
    "principal_gel": _("Tax owed (GEL)"),
    "penalty_gel": _("Penalty (GEL)"),
    "due_since": _("Owed since"),
    "total_unpaid_gel": _("Unpaid in total (GEL)"),
    "protocol_number": _("Protocol number"),
    "issued_at": _("Date and time"),
    "article": _("Article"),
    "offence": _("Offence"),
    "amount_gel": _("Amount (GEL)"),
    "due_on": _("Pay by"),
    "plate": _("Number plate"),
    "place": _("Place"),
    "vin": _("VIN"),
    "make": _("Make"),
    "model": _("Model"),
    "year": _("Year"),
    "colour": _("Colour"),
    "registration_certificate": _("Registration certificate"),
    "crossed_at": _("Date and time"),
    "direction": _("Direction"),
    "checkpoint": _("Crossing point"),
    "checkpoint_code": _("Crossing point code"),
    "transport": _("Transport"),
    "country": _("Country"),
    "registered": _("On the debtors' registry"),
    "case_number": _("Case number"),
    "creditor": _("Creditor"),
    "basis": _("Basis"),
    "restrictions": _("Restrictions"),
    "monthly_gel": _("Monthly amount (GEL)"),
    "paid_through": _("Paid up to"),
    "programme": _("Programme"),
    "rating_score": _("Rating score"),
    "package": _("Package"),
    "insurer": _("Insurer"),
    "level": _("Level"),
    "institution": _("Institution"),
    "qualification": _("Qualification"),
    "started_on": _("Started on"),
    "finished_on": _("Finished on"),
    "document_number": _("Document number"),
    "resident": _("Resident of Tbilisi"),
    "district": _("District"),
    "parking_permits": _("Parking permits"),
    "parking_fines": _("Parking fines"),
    "programmes": _("City programmes"),
    "permits": _("Permits"),
    "zone": _("Zone"),
    "rights": _("Rights"),
    "categories": _("Categories"),
    "penalty_points": _("Penalty points"),
    "towed_at": _("Towed on"),
    "towed_from": _("Towed from"),
    "reason": _("Reason"),
    "impound_lot": _("Impound lot"),
    "released_at": _("Released on"),
    "fee_gel": _("Fee (GEL)"),
    "person": _("Person"),
    "name": _("Name"),
}

# Coded values agencies send, in words, by field name then value.
CODED_VALUES: dict[str, dict[str, str | Promise]] = {
    "status": {
        "valid": _("Valid"),
        "expired": _("Expired"),
        "active": _("Active"),
        "suspended": _("Suspended"),
        "paid": _("Paid"),
        "unpaid": _("Unpaid"),
        "appealed": _("Appealed"),
        "restructured": _("Restructured"),
        "disputed": _("Disputed"),
        "ended": _("Ended"),
        "inactive": _("Inactive"),
        "terminated": _("Terminated"),
        "studying": _("Studying"),
        "completed": _("Completed"),
        "discontinued": _("Discontinued"),
        "registered": _("Registered"),
        "closed": _("Closed"),
        "at-impound": _("At the impound lot"),
        "released": _("Released"),
    },
    "sex": {"female": _("Female"), "male": _("Male")},
    "citizenship": {"GEO": _("Georgia")},
    "marital_status": {"married": _("Married"), "single": _("Not married")},
    "direction": {"exit": _("Left Georgia"), "entry": _("Entered Georgia")},
    "transport": {"air": _("Air"), "road": _("Road"), "sea": _("Sea")},
    "acquired_by": {
        "purchase": _("Purchase"),
        "gift": _("Gift"),
        "privatisation": _("Privatisation"),
        "construction": _("Construction"),
    },
    "company_status": {
        "active": _("Registered"),
        "in-liquidation": _("In liquidation"),
        "liquidated": _("Liquidated"),
        "insolvent": _("Insolvent"),
    },
    "rights": {"declarations": _("Declarations"), "payments": _("Payments"), "view": _("Viewing")},
    "kind": {
        "id-card": _("ID card"),
        "passport": _("Passport"),
        "birth-certificate": _("Birth certificate"),
    },
}


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int  # how many records there are (rows may hold fewer)
    # The heading above already names a table that is all there is to show.
    caption_hidden: bool = False

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class Presentation:
    rows: tuple[Row, ...] = ()
    tables: tuple[Table, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.rows and not self.tables


@dataclass(frozen=True)
class Layout:
    """Which fields of an operation's data are shown, in order, and how.

    `rows`: fields shown as a summary list; `tables`: list fields and their columns.
    """

    rows: tuple[str, ...] = ()
    tables: tuple[tuple[str, tuple[str, ...]], ...] = ()
    items_caption: str | Promise | None = None  # names the `items` list (else `caption`)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.rows + tuple(name for name, _columns in self.tables)


def label_for(key: object) -> str:
    name = str(key)
    known = FIELD_LABELS.get(name)
    if known is None and name.endswith("_name"):
        known = FIELD_LABELS.get(name[: -len("_name")])
    if known is not None:
        return str(known)
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def present(
    data: Any,
    *,
    layout: Layout | None = None,
    fields: Sequence[str] | None = None,
    where: Mapping[str, str] | None = None,
    caption: str = "",
    row_limit: int | None = None,
) -> Presentation:
    """Rows and tables for `data`.

    `layout` chooses and orders the fields (all of them without one); `fields` keeps only
    some of those; `where` keeps only the list records with those values; `caption`
    names a list called `items`; `row_limit` caps each table.
    """
    if not isinstance(data, Mapping):
        if isinstance(data, list):
            return Presentation(tables=(_table(caption, data, None, where, row_limit),))
        if data is None or data == "":
            return Presentation()
        return Presentation(rows=(Row(gettext("Data"), format_value(data)),))
    if layout is not None and not any(name in data for name in layout.fields):
        layout = None  # not the shape the layout expects: show what there is
    columns_of = dict(layout.tables) if layout is not None else {}
    names = [n for n in layout.fields if n in data] if layout is not None else list(data)
    if fields is not None:
        names = [name for name in names if name in fields]
    if layout is not None and layout.items_caption is not None:
        caption = str(layout.items_caption)
    rows: list[Row] = []
    tables: list[Table] = []
    for name in _without_codes(names):
        value = data[name]
        title = caption if name == "items" and caption else label_for(name)
        if name in columns_of or (isinstance(value, list) and _has_records(value)):
            items = value if isinstance(value, list) else [value]
            tables.append(_table(title, items, columns_of.get(name), where, row_limit))
        elif isinstance(value, Mapping) and not _is_single_value(value):
            rows.extend(_nested_rows(title, value, depth=1))
        else:
            rows.append(Row(title, format_value(value, field=str(name))))
    if len(tables) == 1 and not rows:
        tables = [replace(tables[0], caption_hidden=True)]
    return Presentation(rows=tuple(rows), tables=tuple(tables))


def _has_records(items: list[Any]) -> bool:
    return any(isinstance(item, Mapping) and not _is_single_value(item) for item in items)


def _without_codes(names: Sequence[Any]) -> list[Any]:
    """`kind` and `kind_name` both sent: show the name (in words), not the code."""
    present_names = {str(name) for name in names}
    return [name for name in names if f"{name}_name" not in present_names]


def _nested_rows(prefix: str, value: Mapping[Any, Any], *, depth: int) -> list[Row]:
    if not value:
        return [Row(prefix, EMPTY)]
    if depth >= MAX_DEPTH:
        return [Row(prefix, format_value(value))]
    rows: list[Row] = []
    for key in _without_codes(list(value)):
        item = value[key]
        label = f"{prefix}: {label_for(key)}"
        if isinstance(item, Mapping) and not _is_single_value(item):
            rows.extend(_nested_rows(label, item, depth=depth + 1))
        else:
            rows.append(Row(label, format_value(item, field=str(key))))
    return rows


def _table(
    caption: str,
    items: list[Any],
    columns: Sequence[str] | None,
    where: Mapping[str, str] | None,
    row_limit: int | None,
) -> Table:
    records = [item for item in items if isinstance(item, Mapping)]
    if where:
        records = [r for r in records if all(r.get(k) == v for k, v in where.items())]
    if columns is None or not any(column in record for record in records for column in columns):
        found: list[Any] = []
        for record in records:
            found.extend(key for key in record if key not in found)
        columns = _without_codes(found)
    shown = records if row_limit is None else records[: max(0, row_limit)]
    rows = tuple(
        tuple(format_value(record.get(column), field=str(column)) for column in columns)
        for record in shown
    )
    return Table(caption, tuple(label_for(column) for column in columns), rows, len(records))


def _in_language(value: Mapping[Any, Any]) -> str | None:
    """A bilingual text ({"ka": …, "en": …}) in the page's language, else None."""
    if set(value) != {"ka", "en"}:
        return None
    language = (get_language() or "ka")[:2]
    chosen = value.get(language) or value.get("ka") or value.get("en")
    return chosen if isinstance(chosen, str) else None


def _is_single_value(value: Mapping[Any, Any]) -> bool:
    """A text, a party, an address or a legal form: one value, shown on one line."""
    return _in_language(value) is not None or "text" in value or "name" in value


def format_value(value: Any, *, field: str = "", depth: int = 0) -> str:
    """One value as text in the page's language (see the module's docstring)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float):
        return _number(value, field)
    if isinstance(value, str):
        return _text(value, field)
    if isinstance(value, list):
        return ", ".join(format_value(item, field=field, depth=depth + 1) for item in value)
    if isinstance(value, Mapping):
        return _mapping(value, depth)
    return str(value)


def _mapping(value: Mapping[Any, Any], depth: int) -> str:
    text = _in_language(value)
    if text is not None:
        return text
    if "text" in value:  # a postal address: its whole line
        return format_value(value["text"], depth=depth + 1)
    if "share_percent" in value:  # a holding: who, and their share
        holders = [item for item in value.values() if isinstance(item, Mapping)]
        if len(holders) == 1:
            share = format_value(value["share_percent"], field="share_percent")
            return f"{format_value(holders[0], depth=depth + 1)} — {share}"
    if "name" in value:  # a party (person, company, agency) or a legal form
        name = format_value(value["name"], depth=depth + 1)
        identifier = value.get("id")
        if value.get("type") in ("person", "company") and isinstance(identifier, str):
            return f"{name} ({identifier})"
        return name
    if depth >= MAX_DEPTH:
        return EMPTY
    parts = []
    for key in _without_codes(list(value)):
        shown = format_value(value[key], field=str(key), depth=depth + 1)
        parts.append(f"{label_for(key)}: {shown}")
    return "; ".join(parts) or EMPTY


def _number(value: float, field: str) -> str:
    if field.endswith("_gel") or field in ("amount", "secured_amount"):
        return number_format(value, decimal_pos=2, force_grouping=True)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if field.endswith("_percent"):
        return f"{number_format(value)}%"
    if field == "year":
        return str(value)
    return number_format(value)


def _text(value: str, field: str) -> str:
    coded = CODED_VALUES.get(field, {}).get(value)
    if coded is not None:
        return str(coded)
    if _DATE.match(value):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if _DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return format_datetime(moment)
    return value


def format_date(value: dt.date) -> str:
    return date_format(value, "j F Y")


def format_datetime(value: dt.datetime) -> str:
    """A moment in Tbilisi time; a moment without a zone is taken as Tbilisi time already."""
    local = value.astimezone(TBILISI) if value.tzinfo else value.replace(tzinfo=TBILISI)
    return date_format(local, "j F Y, H:i")
