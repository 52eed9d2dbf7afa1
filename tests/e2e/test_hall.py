"""The Public Service Hall in real Chromium: an operator registers Tamaz Beridze, prints his
slip, and Tamaz signs in with it, chooses a password, sets up an authenticator app and
reaches My data. Every page of password sign-in and the desk passes axe, in ka and en.

The operator is made by `manage.py create_operator` (as `make run` makes the demo one); the
civil registry is the sandbox's, asked over signed HTTP; codes are real TOTP codes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from .conftest import assert_accessible
from .sessions import ROOT, sign_in, signed_in_session

TAMAZ = "01024011122"  # demo persons (docs/demo-data.md)
TAMAZ_CARD = "26ID00418"
LAMARA = "01024011133"  # Tamaz's wife: looked up, never registered here
LEVAN = "60001045678"
LEVAN_CARD = "22ID40519"
HALL = "Tbilisi, Public Service Hall"
OPERATOR_PASSWORD = "hall-desk-password-2026"
OPERATOR_KEY = "4f6e6557696e646f772d64656d6f2d6f70657261746f72"
AXE_OPERATOR_KEY = "4f6e6557696e646f772d6178652d6f70657261746f72"
NEW_PASSWORD = "walnut harbour seven lanterns"
INITIAL_PASSWORD = "given-at-the-hall-42"

_used_steps: set[tuple[str, int]] = set()


def totp_code(key: bytes) -> str:
    """The app's code now; a code is accepted once, so reuse in the same 30 s takes the next."""
    now = time.time()
    for ahead in (0, 1):
        step = int(now // 30) + ahead
        if (key.hex(), step) not in _used_steps:
            _used_steps.add((key.hex(), step))
            totp = TOTP(key, 30, 0, 6, 0)
            totp.time = step * 30 + 1
            return f"{totp.token():06d}"
    time.sleep(30 - now % 30 + 0.5)
    return totp_code(key)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


_ACCOUNT_PROGRAM = """
import json, sys
import django
django.setup()
from onewindow.identity.models import Account
spec = json.loads(sys.argv[1])
account, _ = Account.objects.get_or_create(username=spec["username"])
account.set_password(spec["password"])
account.personal_number = spec["personal_number"]
account.must_change_password = spec["must_change_password"]
account.save()
"""


def make_account(
    env: dict[str, str], username: str, *, personal_number: str | None, must_change: bool
) -> None:
    spec = {
        "username": username,
        "password": INITIAL_PASSWORD,
        "personal_number": personal_number,
        "must_change_password": must_change,
    }
    subprocess.run(
        [sys.executable, "-c", _ACCOUNT_PROGRAM, json.dumps(spec)],
        env={**env, "DJANGO_SETTINGS_MODULE": "onewindow.config.settings"},
        cwd=ROOT,
        check=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def operator(portal_env: dict[str, str], portal_url: str) -> str:
    output = manage(
        portal_env, "create_operator", "eka.lomidze", "--hall", HALL,
        "--password", OPERATOR_PASSWORD, "--totp-secret", OPERATOR_KEY,
        "--first-name", "Eka", "--last-name", "Lomidze",
    )  # fmt: skip
    assert f"totp-secret-hex: {OPERATOR_KEY}" in output
    return "eka.lomidze"


def tab_to(page: Page, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} never got the focus by Tab")


def keyboard_sign_in(page: Page, username: str, password: str) -> None:
    tab_to(page, "id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def accept_terms_if_asked(page: Page, then: str) -> None:
    """After signing in or the last step: the terms of use, if a version awaits acceptance."""
    page.wait_for_url(re.compile(rf"/account/terms/$|{then}"))
    if re.search(r"/account/terms/$", page.url):
        page.locator("#id_accept").check()
        page.locator("main form button[type=submit]").click()


def test_an_operator_registers_tamaz_who_then_signs_in_himself(
    page: Page, operator: str, tmp_path: Path
) -> None:
    # The operator opens the desk, signs in by keyboard with password and app code.
    page.goto("/ka/hall/")
    expect(page).to_have_url(re.compile(r"/ka/sign-in/\?next="))
    keyboard_sign_in(page, operator, OPERATOR_PASSWORD)
    expect(page).to_have_url(re.compile(r"/ka/sign-in/password/code/$"))
    tab_to(page, "id_code")
    page.keyboard.type(totp_code(bytes.fromhex(OPERATOR_KEY)))
    page.keyboard.press("Enter")
    accept_terms_if_asked(page, then=r"/ka/hall/$")
    expect(page).to_have_url(re.compile(r"/ka/hall/$"))
    expect(page.locator("main")).to_contain_text(HALL)

    # Looks up Tamaz in the civil registry.
    page.locator("#id_personal_number").fill(TAMAZ)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/ka/hall/person/$"))
    main = page.locator("main")
    expect(main).to_contain_text("თამაზ ბერიძე")
    expect(main).to_contain_text("Tamaz Beridze")
    expect(main).to_contain_text(TAMAZ_CARD)
    expect(page.locator("#no-account")).to_be_visible()

    # Checks his ID card and registers him under the suggested username.
    page.locator("#id_identity_checked").check()
    page.locator("#id_document_number").fill(TAMAZ_CARD)
    expect(page.locator("#id_username")).to_have_value("tamaz.beridze")
    page.locator("form[action$='/hall/person/register'] button[type=submit]").click()
    expect(page.locator("#slip-username")).to_have_text("tamaz.beridze")
    assert_accessible(page)

    # Prints the slip once.
    with page.expect_download() as download:
        page.locator("form[action$='/hall/person/slip.pdf'] button").click()
    slip = tmp_path / "slip.pdf"
    download.value.save_as(slip)
    text = pdf_text(slip)
    username = re.search(r"Username\s+(\S+)", text)
    password = re.search(r"One-time password\s+(\S+)", text)
    assert username and password, text
    assert username.group(1) == "tamaz.beridze"
    assert "თამაზ ბერიძე" in text and f"Issued at {HALL} by Eka Lomidze" in text

    # Signs out.
    page.locator("form.ow-header__form button").click()
    expect(page.locator("form.ow-header__form")).to_have_count(0)

    # Tamaz signs in with the slip, by keyboard.
    page.goto("/ka/sign-in/")
    keyboard_sign_in(page, username.group(1), password.group(1))
    expect(page).to_have_url(re.compile(r"/ka/account/password/$"))
    expect(page.locator("#id_current_password")).to_have_count(0)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()

    # Sets up his app: reads the key off the page, as someone who cannot scan would.
    expect(page).to_have_url(re.compile(r"/ka/account/second-factor/$"))
    qr = page.locator("main img")
    expect(qr).to_have_attribute("src", re.compile(r"qr-code$"))
    # The QR code loads (an SVG from the portal itself).
    page.wait_for_function("() => document.querySelector('main img').naturalWidth > 0")
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#id_code").fill(totp_code(b32decode("".join(secret.split()))))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/ka/account/second-factor/recovery-codes/$"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.locator("main a.govuk-button").click()
    accept_terms_if_asked(page, then=r"/ka/my-data/$")
    expect(page).to_have_url(re.compile(r"/ka/my-data/$"))
    expect(page.locator("main")).to_contain_text("თამაზ")


# --- Every page, in both languages, through axe ----------------------------------------------


@pytest.fixture(scope="module")
def axe_operator(portal_env: dict[str, str], portal_url: str) -> Iterator[str]:
    manage(
        portal_env, "create_operator", "desk.axe", "--hall", HALL,
        "--password", OPERATOR_PASSWORD, "--totp-secret", AXE_OPERATOR_KEY,
    )  # fmt: skip
    make_account(portal_env, "levan.kapanadze", personal_number=LEVAN, must_change=False)
    yield "desk.axe"


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_the_desk_pages_have_no_axe_violations(
    page: Page, portal_env: dict[str, str], portal_url: str, axe_operator: str, lang: str
) -> None:
    sign_in(page.context, portal_url, signed_in_session(portal_env, username=axe_operator,
                                                        personal_number=None))  # fmt: skip
    page.goto(f"/{lang}/hall/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()  # nothing typed
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    # A person without an account: the registration form, then its errors.
    page.locator("#id_personal_number").fill(LAMARA)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_username")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_username").fill("Not Valid")
    page.locator("form[action$='/hall/person/register'] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary li")).to_have_count(3)
    assert_accessible(page)

    # A person with an account: the reset form, its errors, the slip.
    page.goto(f"/{lang}/hall/")
    page.locator("#id_personal_number").fill(LEVAN)
    page.locator("main form button[type=submit]").click()
    reset = page.locator("form[action$='/hall/person/reset'] button[type=submit]")
    expect(reset).to_be_visible()
    assert_accessible(page)
    reset.click()
    expect(page.locator(".govuk-error-summary li")).to_have_count(2)
    assert_accessible(page)
    page.locator("#id_identity_checked").check()
    page.locator("#id_document_number").fill(LEVAN_CARD)
    page.locator("form[action$='/hall/person/reset'] button[type=submit]").click()
    expect(page.locator("#slip-username")).to_be_visible()
    assert_accessible(page)
    with page.expect_download():
        page.locator("form[action$='/hall/person/slip.pdf'] button").click()


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_the_sign_in_pages_have_no_axe_violations(
    page: Page, portal_env: dict[str, str], axe_operator: str, lang: str
) -> None:
    page.goto(f"/{lang}/sign-in/")
    assert_accessible(page)
    page.locator("#password ~ form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary li")).to_have_count(2)
    assert_accessible(page)

    page.locator("#id_username").fill(axe_operator)
    page.locator("#id_password").fill(OPERATOR_PASSWORD)
    page.locator("#password ~ form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/sign-in/password/code/$"))
    assert_accessible(page)
    page.locator("#id_code").fill("12")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_code").fill(totp_code(bytes.fromhex(AXE_OPERATOR_KEY)))
    page.locator("main form button[type=submit]").click()
    accept_terms_if_asked(page, then=rf"/{lang}/hall/$")
    expect(page).to_have_url(re.compile(rf"/{lang}/hall/$"))


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_the_first_sign_in_steps_have_no_axe_violations(
    page: Page, portal_env: dict[str, str], portal_url: str, lang: str
) -> None:
    username = f"first.steps.{lang}"
    make_account(portal_env, username, personal_number=None, must_change=True)
    page.goto(f"/{lang}/sign-in/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(INITIAL_PASSWORD)
    page.locator("#password ~ form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/account/password/$"))
    assert_accessible(page)
    page.locator("#id_new_password1").fill("password1234")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/{lang}/account/second-factor/$"))
    assert_accessible(page)
    page.locator("#id_code").fill("abc")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    key = b32decode("".join(page.locator("#totp-secret").inner_text().split()))
    page.locator("#id_code").fill(totp_code(key))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_the_locked_out_page_has_no_axe_violations(
    page: Page, portal_env: dict[str, str], lang: str
) -> None:
    # Every browser test comes from 127.0.0.1: lift the lock-out again for the next tests.
    try:
        page.goto(f"/{lang}/sign-in/")
        for _ in range(5):
            page.locator("#id_username").fill(f"nobody.{lang}")
            page.locator("#id_password").fill("a-wrong-password")
            page.locator("#password ~ form button[type=submit]").click()
            if page.locator("#try-again").count():
                break
        expect(page.locator("#try-again")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_accessible(page)
    finally:
        manage(portal_env, "axes_reset")
