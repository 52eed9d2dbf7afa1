"""Every field type, with and without errors, in real Chromium with the portal's CSS: no
axe-core violations of the WCAG 2.x A/AA rules (the journey's own pages are checked in
tests/e2e/test_apply.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, sync_playwright

from onewindow.applications.forms import engine, rendering

from .test_forms_engine import ADDRESS_FACT, COMPANIES
from .test_forms_fixtures import TODAY, every_type_form

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CSS = Path(__file__).resolve().parents[2] / "static" / "dist" / "css" / "onewindow.css"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FORM = every_type_form()
PAGES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("basics", {}, {"nickname": "N", "born-day": "40"}),
    ("choices", {}, {"moving": "yes"}),
    ("codes", {"moving": "yes"}, {"pn": "1", "tel": "2"}),
    ("where", {}, {}),
    ("new-home", {}, {"new_home-street": "x"}),
    ("people", {"size": "l"}, {"children-0-name": "Ana", "children-add": "1"}),
    ("people", {"size": "l"}, {}),
    ("company-page", {}, {}),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


def page_html(page_id: str, answers: dict[str, Any], raw: dict[str, Any], lang: str) -> str:
    prefilled = {**ADDRESS_FACT, **COMPANIES} if page_id in ("where", "company-page") else {}
    result = engine.clean_page(
        FORM, page_id, raw, answers=answers, prefilled=prefilled, today=TODAY, lang=lang, files={}
    )
    errors = {} if result.stay else result.errors
    page = FORM.page(page_id)
    fields = rendering.render_page(
        None, FORM, page, answers={**answers, **result.values}, prefilled=prefilled,
        errors=errors, lang=lang,
    )  # fmt: skip
    summary = rendering.error_summary_items(FORM, page, errors, lang)
    body = render_to_string("applications/includes/error_summary.html", {"errors": summary})
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Form</title>'
        f'<style>{CSS.read_text()}</style></head><body class="govuk-template__body">'
        f'<main class="govuk-main-wrapper" id="main-content"><div class="govuk-width-container">'
        f'{body}<h1 class="govuk-heading-l">{page.heading(lang)}</h1>'
        f'<form method="post" novalidate>{fields}'
        '<button type="submit" class="govuk-button">Continue</button></form></div></main>'
        "</body></html>"
    )


@pytest.mark.parametrize("lang", ["en", "ka"])
def test_every_field_type_has_no_axe_violations(browser: Browser, lang: str) -> None:
    axe = Axe()
    tab = browser.new_page()
    try:
        for page_id, answers, raw in PAGES:
            with translation.override(lang):
                html = page_html(page_id, answers, raw, lang)
            tab.set_content(html)
            results = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            violations = results.response["violations"]
            assert violations == [], (
                page_id,
                [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations],
            )
            assert tab.locator("input, select, textarea").count() > 0 or page_id == "where"
    finally:
        tab.close()


def test_enter_in_a_field_continues_and_does_not_remove_a_group_item(browser: Browser) -> None:
    raw = {"children-0-name": "Ana", "children-1-name": "Luka"}
    with translation.override("en"):
        html = page_html("people", {"size": "l"}, raw, "en")
    tab = browser.new_page()
    try:
        tab.set_content(html)
        tab.evaluate(
            """() => document.querySelector("form").addEventListener("submit", (event) => {
                event.preventDefault();
                window.submitter = event.submitter ? event.submitter.name || "continue" : "";
            })"""
        )
        assert tab.locator("button[name=children-remove]").count() == 2
        tab.focus("#children-1-name")
        tab.keyboard.press("Enter")
        assert tab.evaluate("() => window.submitter") == "continue"
        tab.click("button[name=children-remove][value='0']")
        assert tab.evaluate("() => window.submitter") == "children-remove"
    finally:
        tab.close()
