"""Signing an application in real Chromium with the REAL card agent (SoftHSM2 demo cards),
the test PKI's TSA and OCSP server, and the portal as its own process: a citizen fills in
a service that needs a signature, sees what is signed, types a wrong PIN (the agent's
window says how many tries are left), then the right one, and sends the application,
whose document is the signed PDF. The signing page has no axe violations.

This module starts its own portal, like test_idcard.py: the shared one is not given the
signing settings (the session TSA, the PKI's URLs) nor a card agent on its port.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.cardagent_process import DemoCards, RunningAgent, provision_cards, start_card_agent
from tests.idpki_process import RunningIdPki
from tests.sandbox_process import RunningSandbox

from .conftest import ROOT, _free_port, _portal_env
from .conftest import assert_accessible as _axe_clean
from .processes import portal_and_agent_only, serving_portal
from .sessions import sign_in, signed_in_session

NINO = {"personal_number": "01001012345", "label": "card-01001012345", "pin": "1234"}
SERVICE = "e2e-signed-request"
# A one-page form; the service needs a signature (catalog `signature: required`).
FORM = {
    "kind": "application",
    "addressee": "provider",
    "pages": [
        {
            "id": "request",
            "title": {"ka": "მოთხოვნა", "en": "Your request"},
            "fields": [
                {
                    "name": "reason",
                    "type": "text",
                    "label": {"ka": "მოთხოვნის მიზეზი", "en": "Reason for the request"},
                }
            ],
        }
    ],
}

_SEED = """
import json, sys
import django
django.setup()
from onewindow.catalog.models import Agency, Service
code, form = sys.argv[1], json.loads(sys.argv[2])
Service.objects.update_or_create(code=code, defaults=dict(
    title_ka="ხელმოწერილი მოთხოვნა", title_en="Signed request", summary_ka="მოთხოვნა",
    summary_en="Request", description_ka="აღწერა", description_en="Description",
    kind="functional", audience="person", provider=Agency.objects.get(code="napr"),
    deadline_working_days=10, form=form, signature="required",
))
"""

_APPLICATION = """
import json, sys
import django
django.setup()
from onewindow.applications.models import Application
from onewindow.signing import validation
application = Application.objects.get(reference=sys.argv[1])
with application.pdf.open("rb") as handle:
    report = validation.validate(handle.read())
print(json.dumps({"valid": report.valid, "signatures": [
    {"identifier": s.identifier, "level": s.level, "status": s.status}
    for s in report.signatures
]}))
"""


@dataclass
class SigningPortal:
    url: str
    env: dict[str, str]
    agent: RunningAgent


@pytest.fixture(scope="module")
def cards(idpki: Any, tmp_path_factory: pytest.TempPathFactory) -> DemoCards:
    """This module's own cards: it types wrong PINs."""
    return provision_cards(Path(idpki.directory), tmp_path_factory.mktemp("signing-e2e") / "cards")


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, cwd=ROOT, check=True, timeout=300, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def _python(env: dict[str, str], program: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", program, *args],
        env=env, cwd=ROOT, check=True, timeout=120, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture(scope="module")
def signing_portal(
    tmp_path_factory: pytest.TempPathFactory,
    cards: DemoCards,
    idpki_server: RunningIdPki,
    sandbox: RunningSandbox,
) -> Iterator[SigningPortal]:
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    agent = start_card_agent(cards.directory, origin, ocsp_url=idpki_server.ocsp_url)
    pki_dir = Path(idpki_server.pki.directory)
    env = _portal_env(tmp_path_factory.mktemp("signing-portal-var"))
    env.update(
        EXCHANGE_SANDBOX_URL=sandbox.url,
        EXCHANGE_PKI_DIR=str(sandbox.pki_dir),
        PORTAL_ORIGIN=origin,
        IDCARD_PKI_DIR=str(pki_dir),
        IDCARD_TRUSTED_CA_FILES=str(pki_dir / "idcard-ca.pem"),
        IDCARD_OCSP_URL=idpki_server.ocsp_url,
        CARDAGENT_URL=agent.url,
        SIGNING_TSA_URL=idpki_server.tsa_url,
        SIGNING_PKI_URL_REWRITES=f"http://127.0.0.1:8300={idpki_server.url}",
    )
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "load_catalog")
    _manage(env, "collectstatic", "--no-input", "-v", "0")
    _python(env, _SEED, SERVICE, json.dumps(FORM))
    try:
        with serving_portal(env, port):
            yield SigningPortal(url=origin, env=env, agent=agent)
    finally:
        agent.stop()


@pytest.fixture
def context(browser: Browser, signing_portal: SigningPortal) -> Iterator[BrowserContext]:
    """A browser that may reach the portal and the card agent, and nothing else."""
    allowed = (signing_portal.url, signing_portal.agent.url)
    with portal_and_agent_only(
        browser, base_url=signing_portal.url, allowed=allowed, locale="en-GB"
    ) as context:
        yield context


@pytest.fixture
def nino(context: BrowserContext, signing_portal: SigningPortal) -> Page:
    session = signed_in_session(
        signing_portal.env, username="nino-signing", personal_number=NINO["personal_number"],
        first_name="Nino", last_name="Beridze",
    )  # fmt: skip
    sign_in(context, signing_portal.url, session)
    return context.new_page()


def assert_accessible(page: Page) -> None:
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    _axe_clean(page)


def _fill_in(page: Page, reason: str) -> None:
    page.goto(f"/en/apply/{SERVICE}/")
    expect(page).to_have_url(re.compile(r"/en/apply/draft/[0-9a-f-]+/request/$"))
    page.get_by_label("Reason for the request").fill(reason)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page).to_have_url(re.compile(r"/check/$"))


def _start_signing(page: Page) -> Page:
    """Press "Sign with ID card"; returns the agent's window."""
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Sign with ID card").click()
    dialog = opened.value
    dialog.wait_for_url(re.compile(r"/v1/sign-dialog/"))
    return dialog


def _choose_card(dialog: Page) -> None:
    dialog.locator(f'input[name="card"][value="{NINO["label"]}"]').check()
    dialog.locator('button[value="continue"]').click()


def _pin(dialog: Page, pin: str) -> None:
    dialog.locator("#pin").fill(pin)
    dialog.locator('button[value="continue"]').click()


def test_a_citizen_signs_with_the_card_and_sends_the_application(
    nino: Page, signing_portal: SigningPortal
) -> None:
    page = nino
    _fill_in(page, "A new water connection")
    expect(page.locator("main")).to_contain_text("This application must be signed")
    page.get_by_role("button", name="Continue to signing").click()

    expect(page).to_have_url(re.compile(r"/en/sign/draft/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text("Sign your application")
    expect(page.locator("#signed-answers")).to_contain_text("A new water connection")
    # With JavaScript the card agent's button is there, and the "needs JavaScript" note not.
    expect(page.locator("[data-signing-needs-js]")).to_be_hidden()
    assert_accessible(page)
    preview = page.locator("[data-sign-preview]").get_attribute("href") or ""
    pdf = page.request.get(preview)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"

    dialog = _start_signing(page)
    _choose_card(dialog)
    # The dialog shows what is signed before asking for the PIN, and the portal's page
    # shows the same fingerprint, so the person can compare the two windows.
    expect(dialog.locator("#signing-what")).to_contain_text("Signed request")
    expect(page.locator("#signing-fingerprint")).to_be_visible()
    shown = page.locator("[data-signing-fingerprint-value]").inner_text().strip()
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){3}", shown), shown
    expect(dialog.locator("#signing-what")).to_contain_text(shown)
    _pin(dialog, "0000")
    expect(dialog.locator("main")).to_contain_text("Wrong PIN. 2 tries left.")
    _pin(dialog, NINO["pin"])

    page.wait_for_url(
        re.compile(r"/en/sign/draft/[0-9a-f-]+/\?signed=[0-9a-f-]+#signed$"), timeout=30_000
    )
    expect(page.locator("#signed")).to_contain_text("Your application is signed")
    expect(page.locator("#signed")).to_contain_text("Signed by")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send").click()

    page.wait_for_url(re.compile(r"/en/applications/(OW-\d{4}-\d{7})/submitted/$"))
    reference = re.search(r"OW-\d{4}-\d{7}", page.url)
    assert reference
    # The application's document is the signed PDF, archived (B-LTA), checked by the
    # portal's own validation with its settings.
    report = json.loads(_python(signing_portal.env, _APPLICATION, reference.group(0)))
    assert report["valid"], report
    assert report["signatures"] == [
        {"identifier": "PNOGE-01001012345", "level": "B-LTA", "status": "valid"}
    ]


def test_cancelling_in_the_agent_says_nothing_was_signed(nino: Page) -> None:
    page = nino
    _fill_in(page, "Cancelled request")
    page.get_by_role("button", name="Continue to signing").click()
    dialog = _start_signing(page)
    dialog.locator('button[value="cancel"]').click()
    summary = page.locator("[data-signing-error] .govuk-error-summary")
    expect(summary).to_contain_text("You cancelled signing. Nothing was signed.")
    expect(summary).to_be_focused()
    assert_accessible(page)
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
