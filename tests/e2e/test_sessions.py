"""Sessions in real Chromium: signing out, the idle warning (announced, keyboard-operable,
"Stay signed in" extends, ignored → the sign-in page says why), and the account pages
with no axe violations in Georgian and English.

The idle warning runs against a portal of its own whose sessions end after 40 seconds of
inactivity, with the warning 30 seconds before."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ROOT, _free_port, _portal_env, assert_accessible
from .processes import serving_portal
from .sessions import sign_in, signed_in_session

NINO = "01001012345"
IDLE_SECONDS = 40
WARNING_SECONDS = 30


@pytest.fixture
def nino(page: Page, portal_env: dict[str, str], portal_url: str) -> Iterator[Page]:
    key = signed_in_session(
        portal_env, username="nino", personal_number=NINO, first_name="Nino", last_name="Beridze"
    )
    sign_in(page.context, portal_url, key)
    yield page


def test_signing_out_ends_the_session(nino: Page) -> None:
    page = nino
    page.goto("/en/account/")
    expect(page.locator("h1")).to_have_text("Your account")
    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(re.compile(r"/en/account/signed-out/$"))
    expect(page.locator("h1")).to_have_text("You have signed out")
    page.goto("/en/account/")
    expect(page).to_have_url(re.compile(r"/en/sign-in/\?next=/en/account/$"))


@pytest.mark.parametrize("lang", ["ka", "en"])
@pytest.mark.parametrize(
    "path", ["account/", "account/sessions/", "account/history/", "account/contact/"]
)
def test_account_pages_have_no_axe_violations(nino: Page, lang: str, path: str) -> None:
    nino.goto(f"/{lang}/{path}")
    expect(nino.locator("html")).to_have_attribute("lang", lang)
    expect(nino.locator("h1")).to_be_visible()
    assert_accessible(nino)


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_contact_errors_have_no_axe_violations(nino: Page, lang: str) -> None:
    nino.goto(f"/{lang}/account/contact/")
    nino.locator("#id_mobile-mobile").fill("12")
    nino.locator("#id_mobile-mobile").press("Enter")
    expect(nino.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(nino)


# --- The idle warning, on a portal with short sessions ----------------------------------


@pytest.fixture(scope="module")
def short_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    env = _portal_env(Path(tmp_path_factory.mktemp("short-sessions")))
    env.update(
        SESSION_IDLE_SECONDS=str(IDLE_SECONDS), SESSION_IDLE_WARNING_SECONDS=str(WARNING_SECONDS)
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--no-input", "-v", "0"], ["load_catalog"],
                    ["collectstatic", "--no-input", "-v", "0"]):  # fmt: skip
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, timeout=300)
    port = _free_port()
    with serving_portal(env, port) as url:
        yield url, env


@pytest.fixture
def short_page(browser: Browser, short_portal: tuple[str, dict[str, str]]) -> Iterator[Page]:
    url, env = short_portal
    context = browser.new_context(base_url=url, locale="en-GB")
    key = signed_in_session(env, username="nino", personal_number=NINO, first_name="Nino")
    sign_in(context, url, key)
    tab = context.new_page()
    errors: list[Any] = []
    tab.on("pageerror", lambda error: errors.append(error))
    yield tab
    context.close()
    assert errors == [], errors


def _remaining(page: Page) -> int:
    answer: int = page.evaluate(
        "async () => (await (await fetch('/en/account/session/status')).json()).remaining"
    )
    return answer


def test_the_idle_warning_is_announced_keyboard_operable_and_extends(short_page: Page) -> None:
    page = short_page
    page.goto("/en/account/")
    link = page.locator('main a[href="/en/account/sessions/"]')
    link.focus()
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()
    # 40 s sessions, warned 30 s before: the dialog opens about 10 s after the page.
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 8) * 1000)
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog.locator("[data-announcer]")).to_contain_text("Time left:", timeout=3000)
    expect(dialog).to_have_attribute("aria-describedby", "session-timeout-description")
    assert_accessible(page)
    # Tab stays within the modal dialog.
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Sign out")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(stay).to_be_focused()

    # Escape means "stay signed in": the session gets its full time again.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    assert _remaining(page) > WARNING_SECONDS

    # And the button, with the keyboard.
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 8) * 1000)
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    assert _remaining(page) > WARNING_SECONDS


def test_an_ignored_warning_ends_on_the_sign_in_page_with_the_reason(short_page: Page) -> None:
    page = short_page
    page.goto("/en/account/history/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - WARNING_SECONDS + 8) * 1000)
    expect(page).to_have_url(
        re.compile(r"/en/sign-in/\?next=%2Fen%2Faccount%2Fhistory%2F$"),
        timeout=(WARNING_SECONDS + 10) * 1000,
    )
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you were inactive for 40 seconds."
    )
    page.goto("/en/account/")
    expect(page).to_have_url(re.compile(r"/en/sign-in/"))
