"""The hall desk's tests: operators made as `create_operator` makes them, and the portal's
exchange pointed at the sandbox agencies (the real civil registry over signed HTTP)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.test import Client

import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.exchange.tests.conftest import exchange_through_sandbox
from onewindow.identity.hall.operators import operator_create
from onewindow.identity.models import Account
from onewindow.identity.password.tests.conftest import (  # noqa: F401 (fixtures)
    accept_current_terms,
    no_otp_throttle,
    quick_argon2,
)

TAMAZ = "01024011122"  # demo person (docs/demo-data.md): ID card 26ID00418, expired 16ID48820
TAMAZ_CARD = "26ID00418"
TAMAZ_OLD_CARD = "16ID48820"
HALL = "Tbilisi, Public Service Hall"
OPERATOR_PASSWORD = "desk-operator-password-7"


@pytest.fixture
def registry(settings: Any, sandbox: RunningSandbox) -> Iterator[RunningSandbox]:
    """The portal's exchange pointed at the sandbox, with nothing cached between tests."""
    with exchange_through_sandbox(settings, sandbox, timeout=3.0):
        yield sandbox


def make_operator(username: str, first_name: str, last_name: str, hall: str = HALL) -> Account:
    account = operator_create(
        username=username,
        hall=hall,
        password=OPERATOR_PASSWORD,
        first_name=first_name,
        last_name=last_name,
    ).account
    accept_current_terms(account)
    return account


@pytest.fixture
def operator(db: None) -> Account:
    return make_operator("eka.lomidze", "Eka", "Lomidze")


@pytest.fixture
def desk(operator: Account) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def text_of(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def pdf_text(pdf: bytes, directory: Path) -> str:
    path = directory / "slip.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def look_up(client: Client, personal_number: str = TAMAZ) -> Any:
    return client.post("/en/hall/", {"personal_number": personal_number})
