"""Browser journeys through the catalogue, in real Chromium against the running portal."""

from __future__ import annotations

import gzip
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_accessible

# Every page type, in both languages. Codes are from catalog/*.yaml.
PAGE_TYPES = [
    "/{lang}/",
    "/{lang}/categories/property/",
    "/{lang}/services/entrepreneurs-registry-extract/",
    "/{lang}/agencies/",
    "/{lang}/agencies/napr/",
    "/{lang}/search/?q=amonaweri",
    "/{lang}/search/?q=qqqzzzxxx",
    "/{lang}/search/?q=" + "a" * 201,
    "/{lang}/help/",
    "/{lang}/accessibility/",
    "/{lang}/terms/",
    "/{lang}/contact/",
    "/{lang}/sign-in/",
    "/{lang}/services/no-such-service/",
]


@pytest.mark.parametrize("lang", ["ka", "en"])
@pytest.mark.parametrize("template", PAGE_TYPES)
def test_every_page_type_has_no_axe_violations(page: Page, template: str, lang: str) -> None:
    page.goto(template.format(lang=lang))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


def test_type_ahead_open_has_no_axe_violations(page: Page) -> None:
    page.goto("/ka/")
    page.get_by_role("combobox").first.fill("amonaw")
    expect(page.get_by_role("option").first).to_be_visible()
    assert_accessible(page)


def test_home_to_category_to_service(page: Page) -> None:
    page.goto("/en/")
    page.get_by_role("link", name="Property", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/categories/property/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Property")

    page.get_by_role("link", name="Real estate", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/services/real-estate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Real estate")
    # An informational service starts at its My data page, which asks a visitor to sign in.
    start = page.get_by_role("button", name="Start now")
    expect(start).to_have_attribute("href", "/en/my-data/real-estate/")
    start.click()
    expect(page).to_have_url(re.compile(r"/en/sign-in/\?next=/en/my-data/real-estate/$"))


def test_home_to_category_to_service_in_georgian(page: Page) -> None:
    page.goto("/ka/")
    page.get_by_role("link", name="ქონება", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ქონება")
    page.get_by_role("link", name="უძრავი ქონება", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("უძრავი ქონება")


@pytest.mark.parametrize(
    ("lang", "query", "expected_url"),
    [
        ("ka", "ამონაწერი მეწარმეთა რეესტრიდან", "/ka/services/entrepreneurs-registry-extract/"),
        ("ka", "sazghvris kveta", "/ka/services/border-crossing/"),
        ("ka", "amonaweri mewarmeta", "/ka/services/entrepreneurs-registry-extract/"),
        ("en", "border crossing", "/en/services/border-crossing/"),
        ("en", "mortgage", "/en/services/mortgage-registration/"),
    ],
)
def test_search_without_javascript_finds_the_service_first(
    browser: object, portal_url: str, lang: str, query: str, expected_url: str
) -> None:
    context = browser.new_context(base_url=portal_url, java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"/{lang}/")
    page.locator("#home-search").fill(query)
    page.locator("#home-search").press("Enter")
    expect(page).to_have_url(re.compile(rf"/{lang}/search/\?q="))
    first = page.locator(".ow-service-list__title a").first
    expect(first).to_have_attribute("href", expected_url)
    context.close()


def test_type_ahead_suggests_and_navigates_with_the_keyboard(page: Page) -> None:
    page.goto("/ka/")
    box = page.locator("#home-search")
    box.fill("amonaweri")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active
    chosen = page.locator(f"#{active}").inner_text()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/ka/services/[a-z0-9-]+/$"))
    # The option shows the title (and the kind of service); the page is that service.
    assert page.get_by_role("heading", level=1).inner_text().strip() in chosen


def test_type_ahead_escape_closes_the_list(page: Page) -> None:
    page.goto("/en/")
    box = page.locator("#home-search")
    box.fill("vehicle")
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")


def test_language_switch_keeps_the_page(page: Page) -> None:
    page.goto("/ka/services/real-estate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("უძრავი ქონება")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/services/real-estate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Real estate")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="ქართული").click()
    expect(page).to_have_url(re.compile(r"/ka/services/real-estate/$"))
    # The choice is remembered for addresses without a language.
    page.get_by_role("link", name="English").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en/$"))


def test_a_page_of_the_catalogue_fits_the_50_kb_budget(page: Page) -> None:
    """HTML + CSS + JS of a catalogue page, gzip-compressed, at most 50 KB (fonts aside)."""
    urls: list[str] = []
    page.on(
        "request",
        lambda request: (
            urls.append(request.url)
            if request.resource_type in {"document", "stylesheet", "script"}
            else None
        ),
    )
    page.goto("/ka/categories/business/")
    page.wait_for_load_state("networkidle")

    sizes = {url: len(gzip.compress(page.request.get(url).body(), 9)) for url in urls}

    assert any(url.endswith(".css") for url in sizes) and any(url.endswith(".js") for url in sizes)
    assert sum(sizes.values()) <= 50 * 1024, sizes
