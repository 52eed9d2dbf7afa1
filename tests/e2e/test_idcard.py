"""ID-card sign-in in real Chromium: the portal, the card agent with SoftHSM2 demo cards,
the test PKI's OCSP responder and the sandbox (Civil Registry, mailbox, SMS gateway), each
its own process. The PIN is typed in the agent's own window, as a person would.

This module starts its own portal: the shared `portal_url` fixture does not yet pass the
ID-card settings (IDCARD_*, CARDAGENT_URL, PORTAL_ORIGIN) nor the mailbox and SMS gateway.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.cardagent_process import DemoCards, RunningAgent, provision_cards, start_card_agent
from tests.idpki_process import RunningIdPki
from tests.sandbox_process import RunningSandbox

from .conftest import ROOT, _free_port, _portal_env
from .conftest import assert_accessible as _axe_clean
from .processes import portal_and_agent_only, serving_portal

NINO = {"label": "card-01001012345", "pin": "1234"}
MARIAM = {"label": "card-01017033481", "pin": "3456"}
GIORGI_REVOKED = {"label": "revoked-01008057492", "pin": "6789"}
EMAIL = "nino@example.com"
MOBILE = "555 12 34 56"


@dataclass
class IdCardPortal:
    url: str
    env: dict[str, str]
    agent: RunningAgent
    sandbox: RunningSandbox


@pytest.fixture(scope="module")
def cards(idpki: Any, tmp_path_factory: pytest.TempPathFactory) -> DemoCards:
    """Cards of this module's own: it types wrong PINs until one is blocked."""
    return provision_cards(Path(idpki.directory), tmp_path_factory.mktemp("idcard-e2e") / "cards")


def idcard_env(
    var_dir: Path, *, origin: str, agent: RunningAgent, idpki: RunningIdPki,
    sandbox: RunningSandbox,
) -> dict[str, str]:  # fmt: skip
    """The portal's environment for ID-card sign-in (to move into the shared fixture)."""
    env = _portal_env(var_dir)
    env.update(
        EXCHANGE_SANDBOX_URL=sandbox.url,
        EXCHANGE_PKI_DIR=str(sandbox.pki_dir),
        PORTAL_ORIGIN=origin,
        IDCARD_TRUSTED_CA_FILES=str(Path(idpki.pki.directory) / "idcard-ca.pem"),
        IDCARD_OCSP_URL=idpki.ocsp_url,
        CARDAGENT_URL=agent.url,
        SMS_PROVIDER_URL=f"{sandbox.url}/sms-gateway",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sandbox.smtp_port),
    )
    return env


@pytest.fixture(scope="module")
def idcard_portal(
    tmp_path_factory: pytest.TempPathFactory,
    cards: DemoCards,
    idpki_server: RunningIdPki,
    sandbox: RunningSandbox,
) -> Iterator[IdCardPortal]:
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    # The agent asks no OCSP responder (a closed port): whether a card is revoked is the
    # portal's to find out, and this module tests that it does.
    agent = start_card_agent(
        cards.directory, origin, ocsp_url=f"http://127.0.0.1:{_free_port()}/ocsp"
    )
    env = idcard_env(
        tmp_path_factory.mktemp("idcard-portal-var"),
        origin=origin, agent=agent, idpki=idpki_server, sandbox=sandbox,
    )  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_catalog"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, timeout=300)
    try:
        with serving_portal(env, port):
            yield IdCardPortal(url=origin, env=env, agent=agent, sandbox=sandbox)
    finally:
        agent.stop()


@pytest.fixture
def context(browser: Browser, idcard_portal: IdCardPortal) -> Iterator[BrowserContext]:
    """A browser that may reach the portal and the card agent, and nothing else."""
    allowed = (idcard_portal.url, idcard_portal.agent.url)
    with portal_and_agent_only(
        browser, base_url=idcard_portal.url, allowed=allowed, locale="ka-GE"
    ) as context:
        yield context


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def assert_accessible(page: Page) -> None:
    """Zero axe violations, measured once the page and its fonts have loaded (sizes and
    spacing of targets change when the web fonts arrive)."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    _axe_clean(page)


def _start(page: Page, *, keyboard: bool = False) -> Page:
    """Press "Sign in with ID card"; returns the agent's window."""
    button = page.locator("[data-idcard-start]")
    expect(button).to_be_visible()
    with page.context.expect_page() as opened:
        if keyboard:
            _tab_to(page, "[data-idcard-start]")
            page.keyboard.press("Enter")
        else:
            button.click()
    dialog = opened.value
    dialog.wait_for_url(re.compile(r"/v1/dialog/"))
    return dialog


def _tab_to(tab: Page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        if tab.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def _choose(dialog: Page, card: dict[str, str]) -> None:
    radio = dialog.locator(f'input[name="card"][value="{card["label"]}"]')
    if radio.count():
        radio.check()
        dialog.locator('button[value="continue"]').click()


def _pin(dialog: Page, pin: str) -> None:
    dialog.locator("#pin").fill(pin)
    dialog.locator('button[value="continue"]').click()


def _sign_in(page: Page, card: dict[str, str]) -> None:
    dialog = _start(page)
    _choose(dialog, card)
    _pin(dialog, card["pin"])


def _code(url: str, to: str, seen: set[str]) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        fresh = [
            m for m in httpx.get(url, params={"to": to}, timeout=5).json() if m["id"] not in seen
        ]
        if fresh:
            match = re.search(r"\b(\d{6})\b", fresh[0]["text"])
            assert match
            return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no code for {to}")


def _ids(url: str, to: str) -> set[str]:
    return {m["id"] for m in httpx.get(url, params={"to": to}, timeout=5).json()}


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_the_sign_in_page_has_no_axe_violations(page: Page, lang: str) -> None:
    page.goto(f"/{lang}/sign-in/")
    expect(page.locator("[data-idcard-start]")).to_be_visible()
    assert_accessible(page)


def test_ninos_first_sign_in_registers_her(page: Page, idcard_portal: IdCardPortal) -> None:
    sandbox = idcard_portal.sandbox
    mailbox, sms = f"{sandbox.url}/mailbox/messages", f"{sandbox.url}/sms-gateway/messages"
    seen_mail, seen_sms = _ids(mailbox, EMAIL), _ids(sms, "+995555123456")
    page.goto("/en/sign-in/")
    _sign_in(page, NINO)

    page.wait_for_url(re.compile(r"/en/sign-in/id-card/register/$"))
    expect(page.locator("main")).to_contain_text("Nino Beridze")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("I have read and accept the terms of use").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(re.compile(r"/register/email/$"))
    assert_accessible(page)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_role("button", name="Send the code").click()
    expect(page.locator("#code-sent")).to_contain_text(EMAIL)
    assert_accessible(page)
    page.get_by_label("Confirmation code").fill(_code(mailbox, EMAIL, seen_mail))
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/register/mobile/$"))
    assert_accessible(page)
    page.get_by_label("Mobile phone number").fill("12345")
    page.get_by_role("button", name="Send the code").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Georgian mobile number")
    assert_accessible(page)
    page.get_by_label("Mobile phone number").fill(MOBILE)
    page.get_by_role("button", name="Send the code").click()
    code = _code(sms, "+995555123456", seen_sms)
    page.get_by_label("Confirmation code").fill(f"{(int(code) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)
    page.get_by_label("Confirmation code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/register/confirm/$"))
    expect(page.locator("main")).to_contain_text("+995 555 12 34 56")
    assert_accessible(page)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(re.compile(r"/en/my-data/$"))
    expect(page.locator("main")).to_contain_text("Nino")


def _sign_out(page: Page) -> None:
    button = page.locator("form.ow-header__form button[type=submit]")
    if button.count():
        button.click()
        page.wait_for_load_state()
    else:
        page.context.clear_cookies()


def _register(page: Page, idcard_portal: IdCardPortal) -> None:
    """The registration's happy path, from its first page to My data."""
    sandbox = idcard_portal.sandbox
    mailbox, sms = f"{sandbox.url}/mailbox/messages", f"{sandbox.url}/sms-gateway/messages"
    seen_mail, seen_sms = _ids(mailbox, EMAIL), _ids(sms, "+995555123456")
    page.get_by_label("I have read and accept the terms of use").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_role("button", name="Send the code").click()
    page.get_by_label("Confirmation code").fill(_code(mailbox, EMAIL, seen_mail))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Mobile phone number").fill(MOBILE)
    page.get_by_role("button", name="Send the code").click()
    page.get_by_label("Confirmation code").fill(_code(sms, "+995555123456", seen_sms))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Create my account").click()


def test_nino_signs_out_and_in_again_straight_to_my_data(
    page: Page, idcard_portal: IdCardPortal
) -> None:
    page.goto("/en/sign-in/")
    _sign_in(page, NINO)
    # Registered by the first-sign-in test, unless this test runs first (or alone).
    page.wait_for_url(re.compile(r"/en/(my-data/|sign-in/id-card/register/)$"))
    if page.url.endswith("/register/"):
        _register(page, idcard_portal)
    page.wait_for_url(re.compile(r"/en/my-data/$"))
    _sign_out(page)
    page.goto("/en/my-data/")
    page.wait_for_url(re.compile(r"/en/sign-in/"))
    _sign_in(page, NINO)
    page.wait_for_url(re.compile(r"/en/my-data/$"))


def test_the_sign_in_works_with_the_keyboard_alone(page: Page) -> None:
    page.goto("/ka/sign-in/")
    dialog = _start(page, keyboard=True)
    radio = f'input[name="card"][value="{NINO["label"]}"]'
    if dialog.locator(radio).count():
        _tab_to(dialog, radio)
        dialog.keyboard.press("Space")
        _tab_to(dialog, 'button[value="continue"]')
        dialog.keyboard.press("Enter")
    dialog.locator("#pin").wait_for()
    _tab_to(dialog, "#pin")
    dialog.keyboard.type(NINO["pin"])
    dialog.keyboard.press("Enter")
    # Signed in: My data, or the registration when this test runs alone.
    page.wait_for_url(re.compile(r"/ka/(my-data/|sign-in/id-card/register/)$"))


def test_a_wrong_pin_shows_the_tries_left_and_three_block_the_card(page: Page) -> None:
    page.goto("/en/sign-in/")
    dialog = _start(page)
    _choose(dialog, MARIAM)
    _pin(dialog, "0000")
    expect(dialog.locator("main")).to_contain_text("Wrong PIN. 2 tries left.")
    _pin(dialog, "0001")
    expect(dialog.locator("main")).to_contain_text("Wrong PIN. 1 try left.")
    _pin(dialog, "0002")
    summary = page.locator("[data-idcard-error] .govuk-error-summary")
    expect(summary).to_contain_text("The PIN is blocked")
    expect(summary).to_be_focused()
    assert "/sign-in/" in page.url


def test_a_revoked_card_is_refused_on_the_portal_page(page: Page) -> None:
    page.goto("/en/sign-in/")
    _sign_in(page, GIORGI_REVOKED)
    summary = page.locator("[data-idcard-error] .govuk-error-summary")
    expect(summary).to_contain_text(
        "This ID card has been revoked. Use your new card or visit a Public Service Hall."
    )
    expect(summary).to_be_focused()
    assert_accessible(page)
    assert "/sign-in/" in page.url
