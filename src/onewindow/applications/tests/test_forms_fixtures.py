"""A form that uses every field type, condition form and rule, for the form engine's tests."""

from __future__ import annotations

import datetime
from typing import Any

from onewindow.applications.forms.schema import FormSchema, parse_form

TODAY = datetime.date(2026, 3, 15)


def t(en: str, ka: str | None = None) -> dict[str, str]:
    return {"ka": ka or f"ქა {en}", "en": en}


def every_type_definition() -> dict[str, Any]:
    return {
        "kind": "application",
        "addressee": "provider",
        "pages": [
            {
                "id": "basics",
                "title": t("Basics"),
                "fields": [
                    {
                        "name": "nickname",
                        "type": "text",
                        "label": t("Your nickname"),
                        "hint": t("The name friends use"),
                        "min_length": 2,
                        "max_length": 10,
                        "pattern": "[A-Za-z]+",
                        "pattern_message": t("Nickname must only include letters"),
                        "autocomplete": "nickname",
                    },
                    {
                        "name": "story",
                        "type": "textarea",
                        "label": t("Your story"),
                        "max_length": 20,
                        "rows": 3,
                        "required": False,
                    },
                    {
                        "name": "amount",
                        "type": "number",
                        "label": t("Amount"),
                        "min": 1,
                        "max": "100.5",
                        "decimals": 2,
                        "suffix": t("GEL", "ლარი"),
                    },
                    {
                        "name": "born",
                        "type": "date",
                        "label": t("Date of birth"),
                        "not_before": "1900-01-01",
                        "not_after": "today-18y",
                    },
                ],
            },
            {
                "id": "choices",
                "title": t("Choices"),
                "fields": [
                    {
                        "name": "colour",
                        "type": "select",
                        "label": t("Colour"),
                        "options": [
                            {"value": "red", "label": t("Red")},
                            {"value": "blue", "label": t("Blue")},
                        ],
                    },
                    {
                        "name": "size",
                        "type": "radio",
                        "label": t("Size"),
                        "options": [
                            {"value": "s", "label": t("Small"), "hint": t("Up to 1 kg")},
                            {"value": "l", "label": t("Large")},
                        ],
                    },
                    {
                        "name": "extras",
                        "type": "checkboxes",
                        "label": t("Extras"),
                        "min_selected": 1,
                        "max_selected": 2,
                        "options": [
                            {"value": "a", "label": t("Apple")},
                            {"value": "b", "label": t("Banana")},
                            {"value": "c", "label": t("Cherry")},
                        ],
                    },
                    {"name": "moving", "type": "yes-no", "label": t("Are you moving")},
                    {
                        "name": "move_reason",
                        "type": "text",
                        "label": t("Why are you moving"),
                        "when": {"field": "moving", "equals": True},
                    },
                ],
            },
            {
                "id": "codes",
                "title": t("Codes"),
                "when": {"field": "moving", "equals": "yes"},
                "fields": [
                    {
                        "name": "pn",
                        "type": "personal-number",
                        "label": t("Personal number"),
                        "lookup": True,
                    },
                    {"name": "company", "type": "company-code", "label": t("Company code")},
                    {"name": "parcel", "type": "cadastral-code", "label": t("Cadastral code")},
                    {"name": "car", "type": "plate", "label": t("Number plate")},
                    {"name": "mail", "type": "email", "label": t("Email address")},
                    {"name": "tel", "type": "phone", "label": t("Phone number")},
                ],
            },
            {
                "id": "where",
                "fields": [
                    {
                        "name": "home",
                        "type": "address",
                        "label": t("Your address"),
                        "prefill": "registered-address",
                    }
                ],
            },
            {
                "id": "new-home",
                "fields": [{"name": "new_home", "type": "address", "label": t("Your new address")}],
            },
            {
                "id": "people",
                "title": t("People"),
                "when": {
                    "any": [
                        {"field": "size", "in": ["l"]},
                        {
                            "all": [
                                {"field": "colour", "not": "red"},
                                {"field": "story", "filled": True},
                            ]
                        },
                    ]
                },
                "fields": [
                    {
                        "name": "children",
                        "type": "group",
                        "label": t("Children"),
                        "item_label": t("Child"),
                        "min_items": 1,
                        "max_items": 3,
                        "fields": [
                            {"name": "name", "type": "text", "label": t("Name")},
                            {"name": "born", "type": "date", "label": t("Date of birth")},
                        ],
                    },
                    {
                        "name": "documents",
                        "type": "file",
                        "label": t("Documents"),
                        "max_files": 2,
                        "accept": ["pdf", "png"],
                    },
                ],
            },
            {
                "id": "company-page",
                "fields": [
                    {
                        "name": "firm",
                        "type": "select",
                        "label": t("Which company"),
                        "prefill": "represented-companies",
                    }
                ],
            },
        ],
        "rules": [
            {
                "check": {"field": "born", "before_today": True},
                "page": "basics",
                "field": "born",
                "message": t("Date of birth must be in the past"),
            },
            {
                "check": {"field": "mail", "differs_from": "move_reason"},
                "page": "codes",
                "field": "mail",
                "message": t("Email must differ from the reason"),
            },
        ],
    }


def every_type_form() -> FormSchema:
    return parse_form(every_type_definition())
