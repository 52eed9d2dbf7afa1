"""Keyboard alone: skip link, visible focus, search and navigation without a mouse."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def focused_outline(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName, text: (el.innerText || el.value || '').trim(),
                    outline: style.outlineStyle, outlineWidth: style.outlineWidth,
                    shadow: style.boxShadow, background: style.backgroundColor};
        }"""
    )


def assert_focus_visible(page: Page) -> None:
    focus = focused_outline(page)
    visible = (focus["outline"] != "none" and focus["outlineWidth"] != "0px") or (
        focus["shadow"] not in ("", "none")
    )
    assert visible, f"no visible focus indicator on {focus}"


def test_skip_link_is_first_and_moves_to_the_main_content(page: Page) -> None:
    page.goto("/ka/categories/property/")
    page.keyboard.press("Tab")
    skip = page.locator(".govuk-skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.locator("#main-content")).to_be_focused()


def test_every_focus_stop_on_the_home_page_is_visible(page: Page) -> None:
    page.goto("/en/")
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        assert_focus_visible(page)
        seen += 1
    assert seen >= 10


def test_search_and_open_a_service_by_keyboard_alone(page: Page) -> None:
    page.goto("/ka/")
    # Tab from the top of the page until the search box has focus.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-search":
            break
    expect(page.locator("#home-search")).to_be_focused()
    page.keyboard.type("sazgvris kveta")
    page.keyboard.press("Escape")  # close suggestions, then submit the form
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ka/search/\?q=sazgvris"))

    # Move to the first result's link and follow it.
    first = page.locator(".ow-service-list__title a").first
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('govuk-link')") and (
            page.evaluate("document.activeElement.closest('.ow-service-list__title') !== null")
        ):
            break
    expect(first).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ka/services/border-crossing/$"))


def test_language_switch_by_keyboard(page: Page) -> None:
    page.goto("/ka/help/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
            break
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/help/$"))
