"""My data's tests: the real catalogue, citizens, and a stand-in for the exchange.

`fake_exchange` replaces `exchange_fetch` for the unit tests of the views' logic only;
`test_sandbox.py` asks the sandbox agencies over real HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client

import pytest

from onewindow.catalog.services import catalog_load_directory
from onewindow.exchange.errors import AgencyUnavailable, ExchangeError, MalformedResponse
from onewindow.exchange.services import Answer, Asker, Query
from onewindow.identity.models import Account

PERSON_A = "01001012345"
PERSON_B = "01001054321"

# A small answer of the documented shape for each operation (the sandbox's models).
SAMPLE_DATA: dict[tuple[str, str], dict[str, Any]] = {
    ("civil-registry", "person"): {
        "personal_number": PERSON_A,
        "first_name": {"ka": "ნინო", "en": "Nino"},
        "last_name": {"ka": "ბერიძე", "en": "Beridze"},
        "sex": "female",
        "birth_date": "1990-03-27",
        "birth_place": {"ka": "თბილისი", "en": "Tbilisi"},
        "citizenship": "GEO",
        "status": "active",
    },
    ("civil-registry", "address"): {
        "registered_address": {
            "municipality": {"ka": "თბილისი", "en": "Tbilisi"},
            "district": None,
            "street": {"ka": "რუსთაველის გამზ.", "en": "Rustaveli Ave."},
            "building": "12",
            "apartment": None,
            "text": {"ka": "ქ. თბილისი, რუსთაველის გამზ. №12", "en": "12 Rustaveli Ave., Tbilisi"},
        },
        "registered_since": "2010-05-01",
    },
    ("civil-registry", "family"): {
        "marital_status": "single",
        "marriage_date": None,
        "relatives": [],
    },
    ("civil-registry", "identity-documents"): {
        "items": [
            {
                "kind": "id-card",
                "kind_name": {"ka": "პირადობის მოწმობა", "en": "Identity card"},
                "number": "12AB34567",
                "issued_on": "2020-01-10",
                "valid_until": "2030-01-10",
                "issuer": {"ka": "სსგს", "en": "PSDA"},
                "status": "valid",
            }
        ]
    },
    ("public-registry", "real-estate"): {"items": []},
    ("public-registry", "mortgages"): {"items": []},
    ("public-registry", "entrepreneurs"): {"roles": [], "company": None},
    ("public-registry", "share-pledges"): {"items": []},
    ("public-registry", "document-participation"): {"items": []},
    ("revenue", "tax-debts"): {"total_gel": 0.0, "items": []},
    ("patrol-police", "fines"): {
        "total_unpaid_gel": 50.0,
        "items": [
            {
                "protocol_number": "PP-1",
                "issued_at": "2026-10-01T08:30:00Z",
                "article": "125",
                "offence": {"ka": "სიჩქარის გადაჭარბება", "en": "Speeding"},
                "amount_gel": 50.0,
                "status": "unpaid",
                "due_on": "2026-11-01",
                "plate": "AB-123-CD",
                "place": {"ka": "თბილისი", "en": "Tbilisi"},
            }
        ],
    },
    ("patrol-police", "vehicles"): {"items": []},
    ("patrol-police", "driving-licences"): {
        "items": [
            {
                "number": "N0418265",
                "categories": ["B"],
                "issued_on": "2024-05-14",
                "valid_until": "2034-05-14",
                "status": "valid",
                "status_name": {"ka": "მოქმედი", "en": "Valid"},
                "issuer": {"ka": "შსს მომსახურების სააგენტო", "en": "MIA Service Agency"},
                "penalty_points": 0,
            }
        ]
    },
    ("border-police", "border-crossings"): {"items": []},
    ("enforcement", "debtors-registry"): {"registered": False, "items": []},
    ("social-service", "pensions"): {"items": []},
    ("social-service", "benefits"): {"items": []},
    ("social-service", "health-insurance"): {"items": []},
    ("education", "education-records"): {"items": []},
    ("tbilisi", "municipal-data"): {
        "resident": True,
        "district": None,
        "parking_permits": [],
        "parking_fines": [],
        "programmes": [],
        "permits": [],
    },
    ("tbilisi", "towed-vehicles"): {"items": []},
}


@dataclass
class FakeExchange:
    """Answers like exchange_fetch does, from SAMPLE_DATA; remembers every call."""

    calls: list[tuple[list[Query], Asker]] = field(default_factory=list)
    errors: dict[str, ExchangeError] = field(default_factory=dict)  # by agency
    data: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __call__(self, *, queries: Sequence[Query], asker: Asker) -> list[Answer]:
        self.calls.append((list(queries), asker))
        answers = []
        for query in queries:
            error = self.errors.get(query.agency)
            key = (query.agency, query.operation)
            data = self.data.get(key, SAMPLE_DATA[key]) if error is None else None
            answers.append(Answer(query, data, error, 1.0, False, "req"))
        return answers

    def fail(self, agency: str, error: ExchangeError | None = None) -> None:
        self.errors[agency] = error or AgencyUnavailable("timeout", agency=agency)

    def malformed(self, agency: str) -> None:
        self.errors[agency] = MalformedResponse("not-json", agency=agency)

    @property
    def subjects(self) -> set[str]:
        return {query.subject.id for queries, _asker in self.calls for query in queries}


@pytest.fixture
def fake_exchange(monkeypatch: pytest.MonkeyPatch) -> FakeExchange:
    fake = FakeExchange()
    monkeypatch.setattr("onewindow.mydata.services.exchange_fetch", fake)
    return fake


@pytest.fixture
def catalogue(db: None) -> None:
    catalog_load_directory(directory=settings.CATALOG_DIR)


def make_account(username: str, personal_number: str | None, **names: str) -> Account:
    return Account.objects.create_user(
        username=username, password=None, personal_number=personal_number, **names
    )


@pytest.fixture
def person_a(db: None) -> Account:
    return make_account(
        "nino", PERSON_A, first_name="Nino", last_name="Beridze", first_name_ka="ნინო",
        last_name_ka="ბერიძე",
    )  # fmt: skip


@pytest.fixture
def person_b(db: None) -> Account:
    return make_account("giorgi", PERSON_B, first_name="Giorgi", last_name="Kapanadze")


@pytest.fixture
def signed_in(client: Client) -> Callable[[Account], Client]:
    def sign_in(account: Account) -> Client:
        client.force_login(account)
        return client

    return sign_in


def text_of(response: Any) -> str:
    content: bytes = response.content
    return content.decode()
