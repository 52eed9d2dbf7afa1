"""Shared set-up for the issued-documents tests: the engine pointed at the session's test
PKI and a real SoftHSM2 token holding the seals of the agencies the tests issue for (the
test agency and the public registry, `napr`, which issues the registry extracts)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.applications.models import Application
from onewindow.backoffice.tests.conftest import make_case, make_service, make_staff
from onewindow.catalog.models import Agency
from onewindow.catalog.services import catalog_load_directory
from onewindow.exchange.tests.conftest import exchange_through_sandbox
from onewindow.identity.models import Account
from onewindow.identity.password.tests.conftest import accept_current_terms
from testpki import TestPki

from .conftest import SEAL_AGENCY, SealToken, ensure_test_agencies

REGISTRY = "napr"
NINO = "01001012345"  # Nino Beridze of the sandbox's demo population (docs/demo-data.md)


def ensure_registry_seal(pki: TestPki, token: SealToken) -> None:
    """The public registry's seal in the session PKI and in the token (idempotent)."""
    from testpki.agency import issue_agency_seals
    from testpki.generate import now
    from testpki.hsm import build_hsm
    from testpki.model import load_agency_seals

    ensure_test_agencies(pki)
    existing = load_agency_seals(pki.directory)
    if REGISTRY not in {seal.code for seal in existing}:
        kept = [
            {"code": s.code, "name": s.name, "name_ka": s.name_ka, "status": s.status}
            for s in existing
        ]
        registry = {
            "code": REGISTRY,
            "name": "National Agency of Public Registry",
            "name_ka": "საჯარო რეესტრის ეროვნული სააგენტო",
        }
        issue_agency_seals(pki.directory, [*kept, registry], now=now())
    build_hsm(pki.directory, token.conf.parent)  # adds what is missing, in this process


@pytest.fixture(name="issuing")
def issuing_fixture(
    pki_settings: Any, seal_token: SealToken, idpki: TestPki, tmp_path: Path
) -> Any:
    """Issuing for real: the token, the TSA and OCSP of the session PKI's server."""
    ensure_registry_seal(idpki, seal_token)
    pki_settings.SIGNING_HSM_CONF = str(seal_token.conf)
    pki_settings.SIGNING_HSM_TOKEN = "agency-seals"
    pki_settings.SIGNING_HSM_PIN = ""
    pki_settings.VERIFY_BASE_URL = "https://portal.example.ge/verify/"
    pki_settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    pki_settings.ATTACHMENT_CLAMD_SOCKET = ""
    return pki_settings


@pytest.fixture(name="sealing_agency")
def sealing_agency_fixture(db: None) -> Agency:
    """An agency whose code is the test seal's label in the token."""
    return Agency.objects.create(code=SEAL_AGENCY, name_ka="სატესტო უწყება", name_en="Test Agency")


@pytest.fixture(name="portal")
def portal_fixture(issuing: Any, sandbox: RunningSandbox) -> Iterator[Any]:
    """Issuing, with the exchange pointed at the sandbox agencies (the demo population), no
    caching; the sandbox's faults are cleared afterwards."""
    with exchange_through_sandbox(issuing, sandbox, timeout=5.0):
        catalog_load_directory(directory=issuing.CATALOG_DIR)
        yield issuing


@pytest.fixture(name="nino")
def nino_fixture(db: None) -> Account:
    """Nino Beridze's account (terms accepted): the sandbox registries know her."""
    account = Account.objects.create_user(
        username="nino", password=None, personal_number=NINO,
        first_name="Nino", last_name="Beridze",
    )  # fmt: skip
    accept_current_terms(account)
    return account


def answering_office(
    agency: Agency, service_code: str = "certificate-test"
) -> tuple[Account, Account, Application]:
    """A clerk of `agency` (Eka) and a citizen's application to it, assigned to her and in
    progress: ready for the clerk's answer. Returns (clerk, citizen, application)."""
    service = make_service(service_code, agency, "A certificate")
    clerk = make_staff("eka.clerk", agency, "clerk", "Eka", "Beridze")
    citizen = Account.objects.create_user(
        username="nino", password=None, personal_number=NINO,
        first_name="Nino", last_name="Chavchavadze",
    )  # fmt: skip
    accept_current_terms(citizen)
    case = make_case(citizen, service, status=Application.Status.IN_PROGRESS, assignee=clerk)
    return clerk, citizen, case


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """poppler's `pdftotext` of the file (independent of WeasyPrint and pyHanko)."""
    path = tmp_path / f"text-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR code on the first page, as `zbarimg` reads it from poppler's rendering."""
    path = tmp_path / f"qr-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(path.with_suffix("")),
        ],
        check=True,
        timeout=60,
    )
    [image] = sorted(path.parent.glob(f"{path.stem}*.png"))
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"},
    )
    return [line for line in done.stdout.splitlines() if line]
