"""My data in real Chromium: a demo person's data from every agency, and who looked at it.

The portal asks the sandbox agencies (tests/sandbox_process.py) over signed HTTP; the person is
signed in by a session made outside the portal (tests/e2e/sessions.py), not a back door.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_accessible
from .sessions import sign_in, signed_in_session

NINO = "01001012345"  # demo persons (docs/demo-data.md)
GIORGI = "01008057492"
AGENCIES = [
    "civil-registry",
    "public-registry",
    "revenue",
    "patrol-police",
    "border-police",
    "enforcement",
    "social-service",
    "education",
    "tbilisi",
]
BAD_DATE = "since_day=31&since_month=2&since_year=2026"


@pytest.fixture(scope="module")
def nino_session(portal_env: dict[str, str], portal_url: str) -> str:
    return signed_in_session(
        portal_env, username="nino", personal_number=NINO, first_name="Nino", last_name="Beridze"
    )


@pytest.fixture
def nino(page: Page, portal_url: str, nino_session: str) -> Iterator[Page]:
    sign_in(page.context, portal_url, nino_session)
    yield page


def test_a_demo_person_sees_every_agency_then_finds_the_queries_in_the_log(nino: Page) -> None:
    page = nino
    page.goto("/ka/my-data/")
    expect(page.locator("html")).to_have_attribute("lang", "ka")
    for agency in AGENCIES:
        section = page.locator(f'[data-agency="{agency}"]')
        expect(section.locator('[data-state="ok"]').first).to_be_visible()
        expect(section.locator('[data-state="failed"]')).to_have_count(0)
        expect(section.locator(".govuk-summary-list, .govuk-table").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("ნინო")

    page.locator('main a[href="/ka/my-data/access-log/"]').first.click()
    expect(page).to_have_url(re.compile(r"/ka/my-data/access-log/$"))
    rows = page.locator("main tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= len(AGENCIES)
    table = page.locator("main table").inner_text()
    # The catalogue's Georgian agency names, e.g. the Revenue Service and Tbilisi City Hall.
    assert "შემოსავლების სამსახური" in table and "თბილისის მერია" in table


@pytest.mark.parametrize("lang", ["ka", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "my-data/",
        "my-data/personal-data/",
        "my-data/border-crossing/",
        "my-data/access-log/",
        "my-data/access-log/?agency=revenue&purpose=self-view",
        f"my-data/access-log/?{BAD_DATE}&until_day=1&until_month=x&until_year=2026",
    ],
)
def test_my_data_pages_have_no_axe_violations(nino: Page, lang: str, path: str) -> None:
    nino.goto(f"/{lang}/{path}")
    expect(nino.locator("html")).to_have_attribute("lang", lang)
    expect(nino.locator("h1")).to_have_count(1)
    assert_accessible(nino)


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_the_page_for_an_account_without_a_personal_number_has_no_axe_violations(
    page: Page, portal_env: dict[str, str], portal_url: str, lang: str
) -> None:
    session = signed_in_session(portal_env, username="operator-1", personal_number=None)
    sign_in(page.context, portal_url, session)
    page.goto(f"/{lang}/my-data/")
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


def test_anonymous_visitors_are_sent_to_sign_in(page: Page) -> None:
    page.goto("/en/my-data/access-log/")
    expect(page).to_have_url(re.compile(r"/en/sign-in/\?next=/en/my-data/access-log/$"))


def test_a_failed_agency_can_be_retried_by_keyboard(
    page: Page, portal_env: dict[str, str], portal_url: str, sandbox: object
) -> None:
    # Another demo person, whose answers the portal has not cached in an earlier test.
    session = signed_in_session(portal_env, username="giorgi", personal_number=GIORGI)
    sign_in(page.context, portal_url, session)
    sandbox.set_faults({"revenue": {"fail": True}})  # type: ignore[attr-defined]
    page.goto("/en/my-data/")
    revenue = page.locator('[data-agency="revenue"]')
    expect(revenue.locator('[data-state="failed"]')).to_have_count(1)
    expect(page.locator('[data-agency="civil-registry"] [data-state="ok"]').first).to_be_visible()
    assert_accessible(page)  # with a section error on the page

    retry = revenue.get_by_role("button", name=re.compile("Try again"))
    _tab_to(page, retry.get_attribute("href") or "")
    sandbox.set_faults({})  # type: ignore[attr-defined]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/my-data/tax-debt/$"))
    expect(page.locator('[data-state="ok"]')).to_have_count(1)


def test_the_filters_work_by_keyboard_and_bad_dates_are_explained(nino: Page) -> None:
    page = nino
    page.goto("/en/my-data/")  # makes sure the log has entries
    page.goto("/en/my-data/access-log/")
    _tab_to_id(page, "agency")
    page.keyboard.press("ArrowDown")  # the first agency: the Public Service Development Agency
    expect(page.locator("#agency")).to_have_value("civil-registry")
    _tab_to_id(page, "since-day")
    page.keyboard.type("31")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("2026")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error:"))
    summary.get_by_role("link").first.click()
    expect(page.locator("#since-day")).to_be_focused()
    assert_accessible(page)

    page.locator("#since-day").fill("1")
    page.locator("#since-month").fill("1")
    page.locator("#since-year").press("Enter")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"agency=civil-registry"))
    rows = page.locator("main tbody tr")
    expect(rows.first).to_contain_text("Public Service Development Agency")
    for text in rows.all_inner_texts():
        assert "Public Service Development Agency" in text


def _tab_to(page: Page, href: str, limit: int = 300) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            return
    raise AssertionError(f"No keyboard route to the link {href}")


def _tab_to_id(page: Page, element_id: str, limit: int = 300) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"No keyboard route to #{element_id}")
