"""Shared by the journey, drafts, submission and PDF tests: a small real form, its
service and agency, and citizens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

import pytest

from onewindow.applications.models import Draft
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account

FORM: dict[str, Any] = {
    "kind": "application",
    "addressee": "provider",
    "pages": [
        {
            "id": "about",
            "title": {"ka": "თქვენ შესახებ", "en": "About you"},
            "fields": [
                {
                    "name": "reason",
                    "type": "text",
                    "label": {"ka": "განცხადების მიზეზი", "en": "Reason for the application"},
                },
                {
                    "name": "moving",
                    "type": "yes-no",
                    "label": {"ka": "გადადიხართ?", "en": "Are you moving?"},
                },
            ],
        },
        {
            "id": "move",
            "title": {"ka": "გადასვლა", "en": "Moving"},
            "when": {"field": "moving", "equals": "yes"},
            "fields": [
                {
                    "name": "move_date",
                    "type": "date",
                    "label": {"ka": "გადასვლის თარიღი", "en": "Date of the move"},
                },
                {
                    "name": "new_address",
                    "type": "address",
                    "label": {"ka": "ახალი მისამართი", "en": "New address"},
                },
            ],
        },
        {
            "id": "contact",
            "title": {"ka": "კონტაქტი", "en": "Contact"},
            "fields": [
                {
                    "name": "email",
                    "type": "email",
                    "label": {"ka": "ელფოსტა", "en": "E-mail address"},
                },
            ],
        },
    ],
    "rules": [
        {
            "check": {"field": "move_date", "before_today": True},
            "page": "move",
            "field": "move_date",
            "message": {"ka": "თარიღი წარსულში უნდა იყოს", "en": "The move must be in the past"},
        }
    ],
}

# The answers of a complete application, as stored, and the completed pages.
ANSWERS: dict[str, Any] = {
    "reason": "ბინის შეცვლა",
    "moving": "yes",
    "move_date": "2026-01-15",
    "new_address": {
        "city": "Tbilisi",
        "street": "Rustaveli Ave.",
        "building": "12",
        "apartment": "",
        "postcode": "",
    },
    "email": "nino@example.ge",
}
PAGES = ["about", "move", "contact"]


@pytest.fixture
def agency(db: None) -> Agency:
    return Agency.objects.create(
        code="psda", name_ka="საჯარო სერვისების განვითარების სააგენტო",
        name_en="Public Service Development Agency",
    )  # fmt: skip


def make_service(agency: Agency, *, code: str = "address-change", **extra: Any) -> Service:
    values: dict[str, Any] = {
        "title_ka": "მისამართის შეცვლა",
        "title_en": "Change of address",
        "summary_ka": "მისამართი",
        "summary_en": "Address",
        "description_ka": "აღწერა",
        "description_en": "Description",
        "kind": Service.Kind.FUNCTIONAL,
        "audience": Service.Audience.PERSON,
        "provider": agency,
        "deadline_working_days": 10,
        "form": FORM,
    }
    values.update(extra)
    return Service.objects.create(code=code, **values)


@pytest.fixture
def service(agency: Agency) -> Service:
    return make_service(agency)


def make_citizen(username: str, personal_number: str) -> Account:
    return Account.objects.create_user(
        username=username, password=None, personal_number=personal_number,
        first_name="Nino", last_name="Beridze", first_name_ka="ნინო", last_name_ka="ბერიძე",
    )  # fmt: skip


@pytest.fixture
def citizen(db: None) -> Account:
    return make_citizen("nino", "01001012345")


@pytest.fixture
def other_citizen(db: None) -> Account:
    return make_citizen("giorgi", "01001054321")


def make_draft(owner: Account, service: Service, **extra: Any) -> Draft:
    values: dict[str, Any] = {
        "answers": dict(ANSWERS),
        "completed_pages": list(PAGES),
        "language": "en",
        "expires_at": timezone.now() + timedelta(days=30),
    }
    values.update(extra)
    return Draft.objects.create(owner=owner, service=service, **values)
