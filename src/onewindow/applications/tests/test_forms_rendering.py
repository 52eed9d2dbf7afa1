"""Rendering a page: GOV.UK markup for every field type, the values and errors shown, and
error summary links that land on an input of the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.utils import translation

import pytest

from onewindow.applications.forms import engine, rendering

from .test_forms_engine import ADDRESS_FACT, COMPANIES
from .test_forms_fixtures import TODAY, every_type_form

FORM = every_type_form()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def render(page: str, answers: dict[str, Any] | None = None, **kwargs: Any) -> str:
    kwargs.setdefault("prefilled", {})
    kwargs.setdefault("errors", {})
    return str(
        rendering.render_page(
            None,
            FORM,
            FORM.page(page),
            answers=answers or {},
            lang=kwargs.pop("lang", "en"),
            **kwargs,
        )
    )


def ids(html: str) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', html))


def labelled(html: str) -> None:
    """Every input, select and textarea has a label pointing at it (or is a button)."""
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        ident = re.search(r' id="([^"]+)"', tag)
        assert ident, tag
        assert f'for="{ident.group(1)}"' in html, tag


def test_text_textarea_number_and_date_inputs() -> None:
    html = render("basics", {"nickname": "Nino", "amount": "12.50", "born": "1990-01-05"})
    assert '<label class="govuk-label" for="nickname">Your nickname</label>' in html
    assert 'id="nickname-hint" class="govuk-hint">The name friends use' in html
    assert 'name="nickname" type="text" value="Nino" autocomplete="nickname"' in html
    assert '<textarea class="govuk-textarea" id="story" name="story" rows="3">' in html
    assert 'inputmode="decimal"' in html and "govuk-input__suffix" in html and ">GEL<" in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of birth' in html
    assert 'id="born-day" name="born-day" type="text" inputmode="numeric" value="5"' in html
    assert 'id="born-month" name="born-month" type="text" inputmode="numeric" value="1"' in html
    assert 'name="born-year" type="text" inputmode="numeric" value="1990"' in html
    labelled(html)


def test_choices_radios_checkboxes_and_yes_no() -> None:
    html = render("choices", {"colour": "blue", "size": "s", "extras": ["a", "c"], "moving": "no"})
    assert '<option value="blue" selected>Blue</option>' in html
    assert '<option value="red">Red</option>' in html
    assert (
        'id="size" name="size" type="radio" value="s" checked aria-describedby="size-item-hint"'
        in html
    )
    assert 'id="size-2" name="size" type="radio" value="l">' in html
    assert 'id="size-item-hint" class="govuk-hint govuk-radios__hint">Up to 1 kg' in html
    assert 'id="extras" name="extras" type="checkbox" value="a" checked' in html
    assert 'id="extras-2" name="extras" type="checkbox" value="b">' in html
    assert 'id="extras-3" name="extras" type="checkbox" value="c" checked' in html
    assert (
        "govuk-radios--inline" in html
        and 'id="moving-2" name="moving" type="radio" value="no" checked' in html
    )
    assert "<legend" in html and "Are you moving</legend>" in html
    assert "move_reason" not in html  # asked only when moving
    assert 'id="move_reason"' in render("choices", {"moving": "yes"})
    labelled(html)


def test_codes_and_contacts_have_the_right_input_types() -> None:
    html = render("codes", {"moving": "yes", "pn": "01001012345"})
    assert 'id="pn" name="pn" type="text" value="01001012345" inputmode="numeric"' in html
    assert 'id="mail" name="mail" type="email" value="" autocomplete="email"' in html
    assert 'id="tel" name="tel" type="tel" value="" autocomplete="tel"' in html
    assert 'id="car" name="car"' in html and 'id="parcel" name="parcel"' in html
    labelled(html)


def test_a_looked_up_name_is_shown_under_its_number_while_it_matches() -> None:
    found = {
        "lookup:pn": {
            "source": "civil-registry",
            "value": "01008057492",
            "display": {"ka": "გიორგი ბერიძე", "en": "Giorgi Beridze"},
        }
    }
    html = render("codes", {"moving": "yes", "pn": "01008057492"}, prefilled=found)
    assert 'id="pn-found">Giorgi Beridze</p>' in html
    assert "Giorgi" not in render("codes", {"moving": "yes", "pn": "01001012345"}, prefilled=found)


def test_an_address_asks_its_parts_with_autocomplete() -> None:
    html = render("new-home", {"new_home": {"street": "Rustaveli", "city": "Tbilisi"}})
    assert (
        'id="new_home-street" name="new_home-street" type="text" '
        'autocomplete="address-line1" value="Rustaveli"' in html
    )
    assert 'autocomplete="address-level2" value="Tbilisi"' in html
    assert 'autocomplete="postal-code"' in html
    # One field, no title: the page's heading is the label, so the legend is for screen readers.
    assert 'govuk-fieldset__legend govuk-visually-hidden">Your new address</legend>' in html
    labelled(html)


def test_a_prefilled_fact_is_shown_read_only_with_its_registry() -> None:
    html = render("where", prefilled=ADDRESS_FACT)
    assert "govuk-summary-list" in html
    assert "Tbilisi, 37 Chavchavadze Ave, fl. 12" in html
    assert "From the Civil Registry" in html
    assert "<input" not in html
    # The registry did not answer: an ordinary address question.
    assert 'name="home-street"' in render("where")


def test_a_select_of_the_registry_options_or_a_text_when_it_did_not_answer() -> None:
    html = render("company-page", prefilled=COMPANIES)
    assert '<option value="404123456">A LLC</option>' in html
    assert 'type="text"' in render("company-page")


def test_a_group_shows_its_items_and_buttons() -> None:
    answers = {
        "size": "l",
        "children": [{"name": "Ana", "born": "2015-02-01"}, {"name": "Luka", "born": ""}],
    }
    html = render("people", answers)
    assert 'id="children-0-name" name="children-0-name" type="text" value="Ana"' in html
    assert 'id="children-1-name" name="children-1-name" type="text" value="Luka"' in html
    assert (
        'id="children-0-born-day" name="children-0-born-day" type="text" '
        'inputmode="numeric" value="1"' in html
    )
    assert "Child 1</legend>" in html and "Child 2</legend>" in html
    assert 'name="children-remove" value="1"' in html
    assert 'id="children-add" name="children-add" value="1">Add another' in html
    assert 'type="file" accept=".pdf,application/pdf,.png,image/png" multiple' in html
    labelled(html)
    full = render("people", {"size": "l", "children": [{"name": str(n)} for n in range(3)]})
    assert "children-add" not in full  # max_items reached


def test_errors_are_shown_and_the_summary_links_to_inputs() -> None:
    raw = {
        "size": "l",
        "children-0-name": "Ana",
        "children-0-born-day": "40",
        "children-0-born-month": "1",
        "children-0-born-year": "2015",
    }
    result = engine.clean_page(
        FORM, "people", raw, answers={"size": "l"}, today=TODAY, lang="en", files={}
    )
    html = render("people", {"size": "l", **result.values}, errors=result.errors)
    summary = rendering.error_summary_items(FORM, FORM.page("people"), result.errors, "en")
    assert summary == [
        ("children-0-born-day", "Date of birth must be a real date"),
        ("documents", "Upload documents"),
    ]
    for anchor, message in summary:
        assert anchor in ids(html)
        assert message in html
    assert 'value="40"' in html  # the typed value is shown again
    assert "govuk-input--error" in html and "govuk-form-group--error" in html


@pytest.mark.parametrize(
    ("page", "answers", "raw"),
    [
        ("basics", {}, {"born-day": "1"}),
        ("choices", {}, {"moving": "yes"}),
        ("codes", {"moving": "yes"}, {"pn": "1"}),
        ("new-home", {}, {}),
        ("people", {"size": "l"}, {}),
        ("company-page", {}, {}),
    ],
)
def test_every_error_summary_link_lands_on_an_input(
    page: str, answers: dict[str, Any], raw: dict[str, Any]
) -> None:
    result = engine.clean_page(FORM, page, raw, answers=answers, today=TODAY, lang="en", files={})
    assert result.errors
    html = render(page, {**answers, **result.values}, errors=result.errors)
    summary = rendering.error_summary_items(FORM, FORM.page(page), result.errors, "en")
    assert len(summary) == len(result.errors)
    inputs = set(re.findall(r'<(?:input|select|textarea|button)\b[^>]* id="([^"]+)"', html))
    for anchor, message in summary:
        assert anchor in inputs, (anchor, inputs)
        assert (
            '-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {message}'
            in html.replace("&#x27;", "'")
        )


def test_georgian_page() -> None:
    with translation.override("ka"):
        html = render("basics", lang="ka")
    assert "ქა Your nickname" in html
    assert "Day" not in html  # the date parts' labels are translated
