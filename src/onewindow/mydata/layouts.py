"""How each operation's data is shown: its summary fields and its tables' columns (data).

Field names are those of the sandbox agencies' documented answers (`src/sandbox/agencies/`,
each agency's `/openapi.json`). A field an answer lacks is left out; an answer that has
none of its layout's fields is shown whole (`presentation.present`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .presentation import Layout

LAYOUTS: dict[tuple[str, str], Layout] = {
    ("civil-registry", "person"): Layout(
        rows=(
            "first_name",
            "last_name",
            "personal_number",
            "birth_date",
            "birth_place",
            "sex",
            "citizenship",
            "status",
        )
    ),
    ("civil-registry", "address"): Layout(rows=("registered_address", "registered_since")),
    ("civil-registry", "family"): Layout(
        rows=("marital_status", "marriage_date"),
        tables=(
            (
                "relatives",
                ("relation_name", "first_name", "last_name", "personal_number", "birth_date"),
            ),
        ),
    ),
    ("civil-registry", "identity-documents"): Layout(
        tables=(("items", ("kind_name", "number", "issued_on", "valid_until", "issuer", "status")),)
    ),
    ("public-registry", "real-estate"): Layout(
        tables=(
            (
                "items",
                (
                    "kind_name",
                    "address",
                    "cadastral_code",
                    "area_m2",
                    "land_area_m2",
                    "owners",
                    "registered_on",
                ),
            ),
        )
    ),
    ("public-registry", "mortgages"): Layout(
        tables=(
            (
                "items",
                (
                    "registration_number",
                    "property_address",
                    "mortgagee",
                    "amount",
                    "currency",
                    "valid_until",
                    "status",
                ),
            ),
        )
    ),
    ("public-registry", "entrepreneurs"): Layout(
        tables=(
            (
                "roles",
                ("company", "legal_form", "role_name", "share_percent", "since", "company_status"),
            ),
        )
    ),
    ("public-registry", "share-pledges"): Layout(
        tables=(
            (
                "items",
                (
                    "registration_number",
                    "company",
                    "pledgee",
                    "share_percent",
                    "secured_amount",
                    "currency",
                    "status",
                ),
            ),
        )
    ),
    ("public-registry", "document-participation"): Layout(
        tables=(
            (
                "items",
                ("registered_on", "document", "role_name", "object", "registration_number"),
            ),
        )
    ),
    ("revenue", "tax-debts"): Layout(
        rows=("total_gel",),
        tables=(
            (
                "items",
                ("tax_name", "principal_gel", "penalty_gel", "total_gel", "due_since", "status"),
            ),
        ),
    ),
    ("patrol-police", "fines"): Layout(
        rows=("total_unpaid_gel",),
        tables=(
            ("items", ("issued_at", "offence", "place", "plate", "amount_gel", "due_on", "status")),
        ),
    ),
    ("patrol-police", "vehicles"): Layout(
        tables=(("items", ("plate", "make", "model", "year", "colour", "vin", "registered_on")),)
    ),
    ("patrol-police", "driving-licences"): Layout(
        tables=(
            (
                "items",
                (
                    "number",
                    "categories",
                    "issued_on",
                    "valid_until",
                    "status_name",
                    "penalty_points",
                ),
            ),
        )
    ),
    ("border-police", "border-crossings"): Layout(
        tables=(("items", ("crossed_at", "direction", "checkpoint", "country", "transport")),)
    ),
    ("enforcement", "debtors-registry"): Layout(
        items_caption=_("Enforcement cases"),
        rows=("registered",),
        tables=(
            (
                "items",
                (
                    "case_number",
                    "registered_on",
                    "creditor",
                    "basis_name",
                    "amount_gel",
                    "restrictions",
                    "status",
                ),
            ),
        ),
    ),
    ("social-service", "pensions"): Layout(
        tables=(("items", ("kind_name", "monthly_gel", "since", "paid_through", "status")),)
    ),
    ("social-service", "benefits"): Layout(
        tables=(
            (
                "items",
                ("programme_name", "monthly_gel", "rating_score", "since", "until", "status"),
            ),
        )
    ),
    ("social-service", "health-insurance"): Layout(
        tables=(
            ("items", ("programme_name", "package_name", "insurer", "since", "until", "status")),
        )
    ),
    ("education", "education-records"): Layout(
        tables=(
            (
                "items",
                (
                    "level_name",
                    "institution",
                    "programme",
                    "qualification",
                    "started_on",
                    "finished_on",
                    "status",
                ),
            ),
        )
    ),
    ("tbilisi", "towed-vehicles"): Layout(
        tables=(
            (
                "items",
                (
                    "plate",
                    "towed_at",
                    "towed_from",
                    "reason_name",
                    "impound_lot",
                    "status",
                    "released_at",
                    "fee_gel",
                ),
            ),
        )
    ),
    ("tbilisi", "municipal-data"): Layout(
        rows=("resident", "district"),
        tables=(
            ("parking_fines", ("issued_at", "plate", "place", "amount_gel", "status")),
            ("parking_permits", ("number", "plate", "zone", "valid_from", "valid_until", "status")),
            ("programmes", ("programme_name", "since", "status")),
            ("permits", ("kind_name", "number", "issued_on", "valid_until", "status")),
        ),
    ),
}
