"""Applying in real Chromium: a demo person applies for a change of address with the
keyboard, meets an error summary, checks the answers and submits; every page of the
journey has no axe-core violations."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_accessible
from .sessions import sign_in, signed_in_session

NINO = "01001012345"  # a demo person (docs/demo-data.md)


@pytest.fixture
def nino(page: Page, portal_env: dict[str, str], portal_url: str) -> Iterator[Page]:
    session = signed_in_session(
        portal_env, username="nino-apply", personal_number=NINO, first_name="Nino",
        last_name="Beridze",
    )  # fmt: skip
    sign_in(page.context, portal_url, session)
    yield page


def press_continue(page: Page) -> None:
    page.get_by_role("button", name="Continue", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_applying_for_a_change_of_address(nino: Page) -> None:
    page = nino
    page.goto("/en/apply/address-change/")
    expect(page).to_have_url(re.compile(r"/en/apply/draft/[0-9a-f-]+/current-address/$"))
    assert_accessible(page)
    press_continue(page)

    expect(page).to_have_url(re.compile(r"/new-address/$"))
    press_continue(page)  # nothing filled in
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter your new address")
    assert_accessible(page)
    summary.locator("a").first.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Chavchavadze Ave.")
    page.fill("#new_address-building", "5")
    page.fill("#new_address-city", "Tbilisi")
    press_continue(page)

    expect(page).to_have_url(re.compile(r"/move-date/$"))
    assert_accessible(page)
    page.fill("#move_date-day", "3")
    page.fill("#move_date-month", "2")
    page.fill("#move_date-year", "2026")
    press_continue(page)

    expect(page).to_have_url(re.compile(r"/ownership/$"))
    page.locator('input[name="ownership"][value="owner"]').check()
    press_continue(page)

    expect(page).to_have_url(re.compile(r"/children/$"))
    page.locator('input[name="children_moving"][value="no"]').check()
    press_continue(page)

    while "/check/" not in page.url:  # any further pages of the catalogue's form
        assert_accessible(page)
        press_continue(page)
        if page.locator(".govuk-error-summary").count():
            pytest.fail(f"unexpected question on {page.url}")

    expect(page.locator("h1")).to_have_text("Check your answers before sending your application")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Chavchavadze Ave.")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/en/applications/OW-\d{4}-\d{7}/submitted/$"))
    expect(page.locator(".govuk-panel")).to_contain_text(re.compile(r"OW-\d{4}-\d{7}"))
    assert_accessible(page)

    page.goto("/en/applications/drafts/")
    expect(page.locator("main")).to_contain_text("You have no drafts.")
    assert_accessible(page)
