"""Fixtures of the identity room's tests: citizens, staff, and their signed-in clients."""

from __future__ import annotations

import pytest

from onewindow.identity.models import Account

from .helpers import make_account

NINO = "01001012345"
GIORGI = "01008057492"


@pytest.fixture
def nino(db: None) -> Account:
    return make_account(
        "nino", NINO, first_name="Nino", last_name="Beridze", first_name_ka="ნინო",
        last_name_ka="ბერიძე", email="nino@example.ge",
    )  # fmt: skip


@pytest.fixture
def giorgi(db: None) -> Account:
    return make_account("giorgi", GIORGI, first_name="Giorgi", last_name="Kapanadze")
