"""The form engine: reading and checking each field type, conditions, hidden answers,
prefilled facts that cannot be tampered with, rules and the summary. No database."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.applications.forms import engine
from onewindow.applications.forms.schema import parse_form

from .test_forms_fixtures import TODAY, every_type_form, t

FORM = every_type_form()
ADDRESS_FACT = {
    "home": {
        "source": "civil-registry",
        "value": {
            "city": "თბილისი",
            "street": "ჭავჭავაძის გამზირი",
            "building": "37",
            "apartment": "12",
            "postcode": "",
        },
        "display": {
            "ka": "თბილისი, ჭავჭავაძის გამზირი 37, ბ. 12",
            "en": "Tbilisi, 37 Chavchavadze Ave, fl. 12",
        },
    }
}


def clean(page: str, raw: dict[str, Any], lang: str = "en", **kwargs: Any) -> engine.PageResult:
    kwargs.setdefault("answers", {})
    return engine.clean_page(FORM, page, raw, today=TODAY, lang=lang, **kwargs)


BASICS_OK = {
    "nickname": "Nino",
    "story": "",
    "amount": "12,5",
    "born-day": "5",
    "born-month": "1",
    "born-year": "1990",
}


def test_a_good_basics_page_is_cleaned_and_normalised() -> None:
    result = clean("basics", BASICS_OK)
    assert result.errors == {}
    assert result.cleaned == {"nickname": "Nino", "amount": "12.50", "born": "1990-01-05"}
    assert result.cleared == ("story",)  # optional, left blank: an earlier answer goes


def test_an_optional_answer_cleared_is_reported_so_the_draft_forgets_it() -> None:
    answers = {"story": "Once upon a time", "nickname": "Old"}
    result = clean("basics", BASICS_OK, answers=answers)
    merged = {**answers, **result.cleaned}
    kept = {name: value for name, value in merged.items() if name not in result.cleared}
    assert kept == {"nickname": "Nino", "amount": "12.50", "born": "1990-01-05"}
    assert clean("basics", {**BASICS_OK, "story": "Short"}).cleared == ()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("nickname", "", "Enter your nickname"),
        ("nickname", "N", "Your nickname must be 2 characters or more"),
        ("nickname", "Nino" * 3, "Your nickname must be 10 characters or fewer"),
        ("nickname", "Nino1", "Nickname must only include letters"),
        ("story", "x" * 21, "Your story must be 20 characters or fewer"),
        ("amount", "", "Enter amount"),
        ("amount", "ten", "Amount must be a number"),
        ("amount", "1.234", "Amount must have 2 decimal places or fewer"),
        ("amount", "0.5", "Amount must be 1 or more"),
        ("amount", "100.51", "Amount must be 100.5 or less"),
    ],
)
def test_text_textarea_and_number_errors(name: str, value: str, message: str) -> None:
    result = clean("basics", {**BASICS_OK, name: value})
    assert result.errors == {name: message}
    assert result.cleaned == {}
    assert result.values[name] == value  # shown again as typed


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter date of birth"),
        ("5", "", "1990", "Date of birth must include a month"),
        ("", "1", "1990", "Date of birth must include a day"),
        ("31", "2", "1990", "Date of birth must be a real date"),
        ("5", "1", "90", "Date of birth must be a real date"),
        ("x", "1", "1990", "Date of birth must be a real date"),
        ("1", "1", "1899", "Date of birth must be the same as or after 1 January 1900"),
        ("16", "3", "2008", "Date of birth must be the same as or before 15 March 2008"),
    ],
)
def test_date_errors(day: str, month: str, year: str, message: str) -> None:
    raw = {**BASICS_OK, "born-day": day, "born-month": month, "born-year": year}
    assert clean("basics", raw).errors == {"born": message}


def test_a_date_on_the_bound_is_accepted_and_errors_speak_georgian() -> None:
    raw = {**BASICS_OK, "born-day": "15", "born-month": "3", "born-year": "2008"}
    assert clean("basics", raw).cleaned["born"] == "2008-03-15"
    raw["born-day"] = "16"
    assert clean("basics", raw, lang="ka").errors == {
        "born": "„ქა Date of birth“ არ უნდა იყოს 15 მარტი 2008-ზე გვიან"
    }
    assert clean("basics", {**BASICS_OK, "nickname": ""}, lang="ka").errors == {
        "nickname": "შეავსეთ ველი „ქა Your nickname“"
    }


CHOICES_OK: dict[str, Any] = {
    "colour": "blue",
    "size": "s",
    "extras": ["c", "a"],
    "moving": "no",
}


def test_choices_are_cleaned_in_the_options_order() -> None:
    result = clean("choices", CHOICES_OK)
    assert result.errors == {}
    assert result.cleaned == {"colour": "blue", "size": "s", "extras": ["a", "c"], "moving": "no"}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("colour", "", "Select colour"),
        ("colour", "green", "Select colour"),  # not an option: a tampered POST
        ("size", "m", "Select size"),
        ("extras", [], "Select extras"),
        ("extras", ["a", "z"], "Select extras"),
        ("extras", ["a", "b", "c"], "Select no more than 2 options for extras"),
        ("moving", "maybe", "Select are you moving"),
    ],
)
def test_choice_errors(name: str, value: Any, message: str) -> None:
    assert clean("choices", {**CHOICES_OK, name: value}).errors == {name: message}


def test_a_field_condition_on_the_same_page_asks_and_skips() -> None:
    asked = clean("choices", {**CHOICES_OK, "moving": "yes"})
    assert asked.errors == {"move_reason": "Enter why are you moving"}
    skipped = clean("choices", {**CHOICES_OK, "move_reason": "ignored"})
    assert skipped.errors == {} and "move_reason" not in skipped.cleaned


CODES_OK = {
    "pn": "010 0101 2345",
    "company": "404-123-456",
    "parcel": "01.18.01.055.017",
    "car": "aa 123 bb",
    "mail": "Nino@Example.GE",
    "tel": "(555) 12-34-56",
}


def test_codes_and_contacts_are_normalised() -> None:
    result = clean("codes", CODES_OK, answers={"moving": "yes"})
    assert result.errors == {}
    assert result.cleaned == {
        "pn": "01001012345",
        "company": "404123456",
        "parcel": "01.18.01.055.017",
        "car": "AA-123-BB",
        "mail": "Nino@example.ge",
        "tel": "+995 555 12 34 56",
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("pn", "0100101234", "Personal number must be 11 digits, like 01001012345"),
        ("pn", "0100101234a", "Personal number must be 11 digits, like 01001012345"),
        ("company", "4041234567", "Company code must be 9 digits, like 404123456"),
        (
            "parcel",
            "01.18.01.55.017",
            "Enter cadastral code in the correct format, like 01.18.01.055.017",
        ),
        ("car", "A-123-BB", "Enter number plate in the correct format, like AA-123-BB"),
        ("car", "AA-12-BB", "Enter number plate in the correct format, like AA-123-BB"),
        (
            "mail",
            "nino@example",
            "Enter email address in the correct format, like name@example.com",
        ),
        (
            "mail",
            "nino example.ge",
            "Enter email address in the correct format, like name@example.com",
        ),
        ("tel", "555 12 34", "Enter phone number in the correct format, like 555 12 34 56"),
        ("tel", "+44 20 7946 0958", "Enter phone number in the correct format, like 555 12 34 56"),
    ],
)
def test_code_and_contact_errors(name: str, value: str, message: str) -> None:
    result = clean("codes", {**CODES_OK, name: value}, answers={"moving": "yes"})
    assert result.errors == {name: message}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+995 555 123 456", "+995 555 12 34 56"),
        ("00995555123456", "+995 555 12 34 56"),
        ("032 212 34 56", "+995 32 212 34 56"),
        ("322123456", "+995 32 212 34 56"),
        ("995 322 12 34 56", "+995 32 212 34 56"),
        ("655123456", None),
        ("+995 555 12 34 5", None),
    ],
)
def test_georgian_phone_numbers(text: str, expected: str | None) -> None:
    assert engine.normalise_phone(text) == expected


@pytest.mark.parametrize(
    "code", ["01.18.01.055.017", "01.18.01.055", "01.18.01.055.017.01.500", "01.18.01.055.01.500"]
)
def test_cadastral_code_forms(code: str) -> None:
    assert clean("codes", {**CODES_OK, "parcel": code}, answers={"moving": "yes"}).errors == {}


ADDRESS_OK = {
    "new_home-street": "Rustaveli Avenue",
    "new_home-building": "12",
    "new_home-apartment": "",
    "new_home-city": "Tbilisi",
    "new_home-postcode": "0108",
}


def test_an_address() -> None:
    assert clean("new-home", ADDRESS_OK).cleaned == {
        "new_home": {
            "street": "Rustaveli Avenue",
            "building": "12",
            "apartment": "",
            "city": "Tbilisi",
            "postcode": "0108",
        }
    }
    assert clean("new-home", {}).errors == {"new_home": "Enter your new address"}
    assert clean("new-home", {**ADDRESS_OK, "new_home-street": ""}).errors == {
        "new_home": "Enter the street of your new address"
    }
    assert clean("new-home", {**ADDRESS_OK, "new_home-postcode": "01080"}).errors == {
        "new_home": "The postcode of your new address must be 4 digits"
    }


def test_a_prefilled_fact_is_never_read_from_the_post() -> None:
    tampered = {
        "home-street": "Forged street",
        "home-building": "1",
        "home-city": "Batumi",
    }
    result = clean("where", tampered, prefilled=ADDRESS_FACT)
    assert result.errors == {} and result.cleaned == {}
    # Without the fact (the registry did not answer) it is an ordinary question.
    asked = clean("where", tampered)
    assert asked.cleaned["home"]["street"] == "Forged street"
    # And a prefilled fact never ends up among the answers.
    assert engine.drop_hidden(FORM, {"home": {"street": "x"}}, ADDRESS_FACT) == {}


COMPANIES = {
    "firm": {
        "source": "public-registry",
        "options": [{"value": "404123456", "label": {"ka": "შპს ა", "en": "A LLC"}}],
    }
}


def test_a_select_of_the_registry_options_refuses_another_value() -> None:
    assert clean("company-page", {"firm": "404123456"}, prefilled=COMPANIES).cleaned == {
        "firm": "404123456"
    }
    assert clean("company-page", {"firm": "999999999"}, prefilled=COMPANIES).errors == {
        "firm": "Select which company"
    }
    # The registry did not answer: the person types it.
    assert clean("company-page", {"firm": "Some firm"}).cleaned == {"firm": "Some firm"}


PEOPLE_ANSWERS = {"size": "l"}


def test_group_items_are_read_validated_and_renumbered() -> None:
    raw = {
        "children-0-name": "Ana",
        "children-0-born-day": "1",
        "children-0-born-month": "2",
        "children-0-born-year": "2015",
        "children-3-name": "Luka",
        "children-3-born-day": "",
        "children-3-born-month": "",
        "children-3-born-year": "",
    }
    result = clean("people", raw, answers=PEOPLE_ANSWERS, files={"documents": ["f1"]})
    assert result.errors == {"children-1-born": "Enter date of birth"}
    raw.update(
        {"children-3-born-day": "9", "children-3-born-month": "9", "children-3-born-year": "2019"}
    )
    result = clean("people", raw, answers=PEOPLE_ANSWERS, files={"documents": ["f1"]})
    assert result.errors == {}
    assert result.cleaned == {
        "children": [{"name": "Ana", "born": "2015-02-01"}, {"name": "Luka", "born": "2019-09-09"}],
        "documents": ["f1"],
    }


def test_group_add_and_remove_stay_on_the_page() -> None:
    raw = {"children-0-name": "Ana", "children-1-name": "Luka", "children-add": "1"}
    added = clean("people", raw, answers=PEOPLE_ANSWERS)
    assert added.stay and added.errors == {} and added.cleaned == {}
    assert [item["name"] for item in added.values["children"]] == ["Ana", "Luka", ""]
    removed = clean(
        "people", {**raw, "children-add": "", "children-remove": "0"}, answers=PEOPLE_ANSWERS
    )
    assert removed.stay
    assert [item["name"] for item in removed.values["children"]] == ["Luka"]


def test_group_count_and_files_limits() -> None:
    empty = clean("people", {}, answers=PEOPLE_ANSWERS, files={})
    assert empty.errors == {
        "children": "Add at least 1 to children",
        "documents": "Upload documents",
    }
    too_many = clean(
        "people",
        {
            "children-0-name": "Ana",
            "children-0-born-day": "1",
            "children-0-born-month": "1",
            "children-0-born-year": "2015",
        },
        answers=PEOPLE_ANSWERS,
        files={"documents": ["a", "b", "c"]},
    )
    assert too_many.errors == {"documents": "You can upload no more than 2 files for documents"}


def test_files_come_from_the_server_not_the_post() -> None:
    raw = {
        "documents": "forged-id",
        "children-0-name": "Ana",
        "children-0-born-day": "1",
        "children-0-born-month": "1",
        "children-0-born-year": "2015",
    }
    result = clean("people", raw, answers=PEOPLE_ANSWERS, files={"documents": ["real"]})
    assert result.cleaned["documents"] == ["real"]


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"size": "l"}, True),  # any → in
        ({"size": "s", "colour": "blue", "story": "x"}, True),  # any → all(not, filled)
        ({"size": "s", "colour": "red", "story": "x"}, False),  # not fails
        ({"size": "s", "colour": "blue", "story": ""}, False),  # filled fails
        ({"size": "s", "colour": "blue"}, False),
    ],
)
def test_every_condition_form_decides_a_page(answers: dict[str, Any], shown: bool) -> None:
    pages = [page.id for page in engine.visible_pages(FORM, answers)]
    assert ("people" in pages) is shown


def test_equals_accepts_yaml_booleans_for_yes_no() -> None:
    assert "codes" in [p.id for p in engine.visible_pages(FORM, {"moving": "yes"})]
    assert "codes" not in [p.id for p in engine.visible_pages(FORM, {"moving": "no"})]
    choices = FORM.page("choices")
    names = [f.name for f in engine.page_fields(FORM, choices, {"moving": "yes"})]
    assert "move_reason" in names


def test_hidden_answers_are_dropped_when_a_condition_turns_false() -> None:
    answers = {
        "moving": "yes",
        "move_reason": "work",
        "pn": "01001012345",
        "size": "l",
        "children": [{"name": "A"}],
    }
    assert engine.drop_hidden(FORM, answers) == answers
    kept = engine.drop_hidden(FORM, {**answers, "moving": "no", "size": "s"})
    assert kept == {"moving": "no", "size": "s"}


def test_rules_are_checked_only_on_answered_visible_fields() -> None:
    answers = {"born": "2027-01-01", "moving": "yes", "move_reason": "same", "mail": "same"}
    assert engine.check_rules(FORM, answers, TODAY, "en") == [
        ("basics", "born", "Date of birth must be in the past"),
        ("codes", "mail", "Email must differ from the reason"),
    ]
    assert engine.check_rules(FORM, {**answers, "moving": "no"}, TODAY, "ka") == [
        ("basics", "born", "ქა Date of birth must be in the past")
    ]
    assert engine.check_rules(FORM, {"born": "1990-01-01"}, TODAY, "en") == []


def test_after_field_rule() -> None:
    form = parse_form(
        {
            "pages": [
                {
                    "id": "dates",
                    "title": t("Dates"),
                    "fields": [
                        {"name": "start", "type": "date", "label": t("Start")},
                        {"name": "end", "type": "date", "label": t("End")},
                    ],
                }
            ],
            "rules": [
                {
                    "check": {"field": "end", "after_field": "start"},
                    "page": "dates",
                    "field": "end",
                    "message": t("End must be after the start"),
                }
            ],
        }
    )
    broken = engine.check_rules(form, {"start": "2026-01-02", "end": "2026-01-02"}, TODAY, "en")
    assert broken == [("dates", "end", "End must be after the start")]
    assert engine.check_rules(form, {"start": "2026-01-02", "end": "2026-01-03"}, TODAY, "en") == []


def test_the_summary_shows_answers_and_facts_in_the_language_asked() -> None:
    answers = {
        "nickname": "Nino",
        "amount": "12.50",
        "born": "1990-01-05",
        "colour": "blue",
        "extras": ["a", "c"],
        "moving": "no",
        "size": "l",
        "children": [{"name": "Ana", "born": "2015-02-01"}],
        "documents": ["f1"],
        "new_home": {
            "street": "Rustaveli Avenue",
            "building": "12",
            "apartment": "",
            "city": "Tbilisi",
            "postcode": "0108",
        },
        "firm": "404123456",
    }
    rows = engine.summary(
        FORM, answers, {**ADDRESS_FACT, **COMPANIES}, "en", file_names={"f1": "plan.pdf"}
    )
    shown = {row.field: (row.page, row.label, row.value, row.source) for row in rows}
    assert shown["amount"] == ("basics", "Amount", "12.50 GEL", "")
    assert shown["born"][2] == "5 January 1990"
    assert shown["colour"][2] == "Blue"
    assert shown["extras"][2] == "Apple\nCherry"
    assert shown["moving"][2] == "No"
    assert shown["home"] == (
        "where",
        "Your address",
        "Tbilisi, 37 Chavchavadze Ave, fl. 12",
        "civil-registry",
    )
    assert shown["new_home"][2] == "Rustaveli Avenue, 12\n0108 Tbilisi"
    assert shown["children"][2] == "Child 1: Ana; 1 February 2015"
    assert shown["documents"][2] == "plan.pdf"
    assert shown["firm"][2] == "A LLC"
    assert "move_reason" not in shown and "pn" not in shown
    ka = {row.field: row.value for row in engine.summary(FORM, answers, ADDRESS_FACT, "ka")}
    assert ka["born"] == "5 იანვარი 1990" and ka["moving"] == "არა"
    assert ka["home"] == "თბილისი, ჭავჭავაძის გამზირი 37, ბ. 12"
