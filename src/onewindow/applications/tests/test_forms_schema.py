"""Reading form definitions: every option parsed, every mistake refused with its path."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from typing import Any

import pytest

from onewindow.applications.forms.schema import DateBound, FormDefinitionError, parse_form

from .test_forms_fixtures import every_type_definition, t


def test_every_type_and_option_is_read() -> None:
    form = parse_form(every_type_definition())
    nickname = form.field("nickname")
    assert (nickname.min_length, nickname.max_length, nickname.autocomplete) == (2, 10, "nickname")
    assert nickname.pattern_message is not None and nickname.hint is not None
    amount = form.field("amount")
    assert (amount.min, amount.max, amount.decimals) == ("1", "100.5", 2)
    assert amount.suffix is not None and amount.suffix.get("ka") == "ლარი"
    born = form.field("born")
    assert born.not_after == DateBound(sign=-1, amount=18, unit="y")
    assert born.not_before == DateBound(fixed=datetime.date(1900, 1, 1))
    assert form.field("story").required is False and form.field("story").rows == 3
    assert [o.value for o in form.field("extras").options] == ["a", "b", "c"]
    when = form.field("move_reason").when
    assert when is not None and when.values == ("yes",)  # YAML's true is "yes"
    assert form.field("pn").lookup is True
    children = form.field("children")
    assert [f.name for f in children.fields] == ["name", "born"]
    assert (children.min_items, children.max_items) == (1, 3)
    assert form.field("documents").accept == ("pdf", "png")
    assert form.field("home").prefill == "registered-address"
    assert form.field("story").max_length == 20
    assert [rule.check for rule in form.rules] == ["before_today", "differs_from"]
    assert form.page("where").heading("en") == "Your address"  # no title: the label


def test_defaults() -> None:
    form = parse_form(
        {"pages": [{"id": "p", "fields": [{"name": "a", "type": "text", "label": t("A")}]}]}
    )
    assert (form.kind, form.addressee) == ("application", "provider")
    assert form.field("a").max_length == 200 and form.field("a").required is True


@pytest.mark.parametrize(
    ("day", "rule", "expected"),
    [
        (datetime.date(2026, 3, 15), DateBound(sign=1, amount=30), datetime.date(2026, 4, 14)),
        (
            datetime.date(2024, 2, 29),
            DateBound(sign=-1, amount=18, unit="y"),
            datetime.date(2006, 2, 28),
        ),
        (
            datetime.date(2026, 1, 31),
            DateBound(sign=1, amount=1, unit="m"),
            datetime.date(2026, 2, 28),
        ),
        (datetime.date(2026, 3, 15), DateBound(), datetime.date(2026, 3, 15)),
    ],
)
def test_relative_dates(day: datetime.date, rule: DateBound, expected: datetime.date) -> None:
    assert rule.resolve(day) == expected


Edit = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Edit:
    def edit(form: dict[str, Any]) -> None:
        target: Any = form
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _delete(path: list[Any]) -> Edit:
    def edit(form: dict[str, Any]) -> None:
        target: Any = form
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


BAD: list[tuple[str, Edit, str, str]] = [
    ("no pages", _set(["pages"], []), "pages", "must be a non-empty list"),
    ("unknown kind", _set(["kind"], "petition"), "kind", "must be one of"),
    ("unknown top key", _set(["title"], t("x")), "title", "is not a known key"),
    ("page id", _set(["pages", 1, "id"], "Choices!"), "pages[1].id", "must be a slug"),
    ("reserved id", _set(["pages", 1, "id"], "check"), "pages[1].id", "reserved"),
    ("same page id", _set(["pages", 2, "id"], "basics"), "pages[2].id", "used by another page"),
    ("no title, two fields", _delete(["pages", 0, "title"]), "pages[0].title", "is required"),
    (
        "unknown type",
        _set(["pages", 0, "fields", 1, "type"], "essay"),
        "pages[0].fields[1].type",
        "must be one of",
    ),
    (
        "option of another type",
        _set(["pages", 0, "fields", 1, "options"], []),
        "pages[0].fields[1].options",
        "is not a known key",
    ),
    (
        "same field name",
        _set(["pages", 1, "fields", 0, "name"], "nickname"),
        "pages[1].fields[0].name",
        "also used at pages[0].fields[0]",
    ),
    (
        "bad name",
        _set(["pages", 1, "fields", 0, "name"], "Colour"),
        "pages[1].fields[0].name",
        "must be a name",
    ),
    (
        "label without English",
        _set(["pages", 1, "fields", 0, "label"], {"ka": "ფერი"}),
        "pages[1].fields[0].label.en",
        "is missing or empty",
    ),
    (
        "empty options",
        _set(["pages", 1, "fields", 0, "options"], []),
        "pages[1].fields[0].options",
        "non-empty list of options",
    ),
    (
        "option twice",
        _set(["pages", 1, "fields", 0, "options", 1, "value"], "red"),
        "pages[1].fields[0].options[1].value",
        "'red' is used twice",
    ),
    (
        "bad regex",
        _set(["pages", 0, "fields", 0, "pattern"], "[a-"),
        "pages[0].fields[0].pattern",
        "is not a regular expression",
    ),
    (
        "pattern without message",
        _delete(["pages", 0, "fields", 0, "pattern_message"]),
        "pages[0].fields[0].pattern_message",
        "is required with a pattern",
    ),
    (
        "min above max",
        _set(["pages", 0, "fields", 2, "min"], 200),
        "pages[0].fields[2].min",
        "is more than max",
    ),
    (
        "bad date bound",
        _set(["pages", 0, "fields", 3, "not_after"], "tomorrow"),
        "pages[0].fields[3].not_after",
        "must be today",
    ),
    (
        "min_selected above max",
        _set(["pages", 1, "fields", 2, "min_selected"], 3),
        "pages[1].fields[2].min_selected",
        "is more than max_selected",
    ),
    (
        "unknown file type",
        _set(["pages", 5, "fields", 1, "accept"], ["exe"]),
        "pages[5].fields[1].accept",
        "must be a list of",
    ),
    (
        "group in a group",
        _set(["pages", 5, "fields", 0, "fields", 1, "type"], "group"),
        "pages[5].fields[0].fields[1].type",
        "cannot hold groups or files",
    ),
    (
        "unknown prefill",
        _set(["pages", 3, "fields", 0, "prefill"], "tax-debts"),
        "pages[3].fields[0].prefill",
        "must be one of",
    ),
    (
        "prefill of the wrong type",
        _set(["pages", 4, "fields", 0, "prefill"], "full-name"),
        "pages[4].fields[0].prefill",
        "fills a field of type text",
    ),
    (
        "condition on a later field",
        _set(["pages", 1, "when"], {"field": "pn", "equals": "x"}),
        "pages[1].when",
        "refers to 'pn'",
    ),
    (
        "condition on its own field",
        _set(["pages", 1, "fields", 4, "when"], {"field": "move_reason", "filled": True}),
        "pages[1].fields[4].when",
        "refers to its own field",
    ),
    (
        "two operators",
        _set(["pages", 2, "when"], {"field": "moving", "equals": "yes", "not": "no"}),
        "pages[2].when",
        "exactly one of",
    ),
    ("empty any", _set(["pages", 5, "when"], {"any": []}), "pages[5].when.any", "non-empty list"),
    (
        "nested unknown",
        _set(["pages", 5, "when", "any", 1, "all", 0], {"field": "colour", "is": "red"}),
        "pages[5].when.any[1].all[0].is",
        "is not a known key",
    ),
    (
        "rule on a text",
        _set(["rules", 0, "check"], {"field": "nickname", "before_today": True}),
        "rules[0].check.field",
        "must name a date field",
    ),
    (
        "rule on an unknown field",
        _set(["rules", 0, "check"], {"field": "born", "after_field": "wedding"}),
        "rules[0].check.after_field",
        "'wedding' is not a field",
    ),
    (
        "rule field not on its page",
        _set(["rules", 0, "field"], "colour"),
        "rules[0].field",
        "not a field of that page",
    ),
    (
        "rule without message",
        _delete(["rules", 1, "message"]),
        "rules[1].message",
        "must have a Georgian",
    ),
]


@pytest.mark.parametrize(("case", "edit", "path", "message"), BAD, ids=[case[0] for case in BAD])
def test_bad_definitions_are_refused_with_their_path(
    case: str, edit: Edit, path: str, message: str
) -> None:
    definition = copy.deepcopy(every_type_definition())
    edit(definition)
    with pytest.raises(FormDefinitionError) as raised:
        parse_form(definition)
    assert raised.value.path == path, str(raised.value)
    assert message in raised.value.message


def test_the_good_definition_parses() -> None:
    # The edits above each break it; unedited it is valid.
    assert len(parse_form(every_type_definition()).pages) == 7
