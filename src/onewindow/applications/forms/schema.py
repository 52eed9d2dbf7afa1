"""A service's form definition (docs/forms-format.md), read and checked into frozen
dataclasses. Pure Python: no Django, so the catalogue loader and the engine share it.

`parse_form(data)` raises `FormDefinitionError(path, message)` at the first problem, the
path naming where it is, e.g. "pages[2].fields[0].options".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("ka", "en")
KINDS = ("application", "letter", "public-information", "personal-data")
ADDRESSEES = ("provider", "chosen")
FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "select",
    "radio",
    "checkboxes",
    "yes-no",
    "personal-number",
    "company-code",
    "address",
    "cadastral-code",
    "plate",
    "email",
    "phone",
    "file",
    "group",
)
# Which field types each prefill selector can fill.
PREFILL_SELECTORS: Mapping[str, tuple[str, ...]] = {
    "registered-address": ("address",),
    "full-name": ("text",),
    "date-of-birth": ("date",),
    "represented-companies": ("select",),
    "vehicles": ("select",),
    "properties": ("select",),
}
# Selectors that give the options of a `select` (the person still chooses one), as
# opposed to those that give the answer itself (shown read-only).
OPTION_SELECTORS = frozenset({"represented-companies", "vehicles", "properties"})
FILE_TYPES = ("pdf", "jpeg", "png", "docx", "odt", "asice")
RULE_CHECKS = ("after_field", "before_field", "before_today", "after_today", "differs_from")
MESSAGE_KEYS = ("required", "pattern")
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RELATIVE_DATE = re.compile(r"^today(?:([+-])(\d{1,4})([dmy]?))?$")

# Options each type accepts besides the common ones.
_COMMON = frozenset({"name", "type", "label", "hint", "required", "when", "prefill", "messages"})
_TYPE_OPTIONS: Mapping[str, frozenset[str]] = {
    "text": frozenset({"min_length", "max_length", "pattern", "pattern_message", "autocomplete"}),
    "textarea": frozenset({"max_length", "rows"}),
    "number": frozenset({"min", "max", "decimals", "suffix"}),
    "date": frozenset({"not_before", "not_after"}),
    "select": frozenset({"options"}),
    "radio": frozenset({"options"}),
    "checkboxes": frozenset({"options", "min_selected", "max_selected"}),
    "yes-no": frozenset(),
    "personal-number": frozenset({"lookup"}),
    "company-code": frozenset({"lookup"}),
    "address": frozenset({"country"}),
    "cadastral-code": frozenset(),
    "plate": frozenset(),
    "email": frozenset(),
    "phone": frozenset(),
    "file": frozenset({"max_files", "accept"}),
    "group": frozenset({"fields", "min_items", "max_items", "item_label"}),
}


class FormDefinitionError(ValueError):
    """A form definition that does not follow docs/forms-format.md."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path or 'form'}: {message}")


@dataclass(frozen=True)
class Text:
    """The same text in Georgian and English."""

    ka: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ka


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    hint: Text | None = None


@dataclass(frozen=True)
class Condition:
    """`op` is equals, in, not, filled, all or any; `field` and `values` for the first four,
    `conditions` for all/any."""

    op: str
    field: str = ""
    values: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def fields(self) -> Iterator[str]:
        if self.field:
            yield self.field
        for condition in self.conditions:
            yield from condition.fields()


@dataclass(frozen=True)
class DateBound:
    """`today`, `today+30` (days), `today-18y`, `today+3m`, or a fixed date."""

    fixed: datetime.date | None = None
    sign: int = 1
    amount: int = 0
    unit: str = "d"

    def resolve(self, today: datetime.date) -> datetime.date:
        if self.fixed is not None:
            return self.fixed
        amount = self.sign * self.amount
        if self.unit == "d":
            return today + datetime.timedelta(days=amount)
        months = amount * (12 if self.unit == "y" else 1)
        month_index = today.month - 1 + months
        year, month = today.year + month_index // 12, month_index % 12 + 1
        day = today.day
        while True:
            try:
                return datetime.date(year, month, day)
            except ValueError:
                day -= 1  # 29 February → 28 February in a year that has none


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: Text
    hint: Text | None = None
    required: bool = True
    when: Condition | None = None
    prefill: str | None = None
    messages: Mapping[str, Text] = field(default_factory=dict)
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: Text | None = None
    autocomplete: str | None = None
    rows: int | None = None
    min: str | None = None  # decimals as strings, so "0.5" stays exact
    max: str | None = None
    decimals: int = 0
    suffix: Text | None = None
    not_before: DateBound | None = None
    not_after: DateBound | None = None
    options: tuple[Option, ...] = ()
    min_selected: int | None = None
    max_selected: int | None = None
    lookup: bool = False
    country: str = "GE"
    max_files: int = 5
    accept: tuple[str, ...] = FILE_TYPES
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int = 20
    item_label: Text | None = None

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


@dataclass(frozen=True)
class Page:
    id: str
    title: Text | None
    fields: tuple[Field, ...]
    when: Condition | None = None

    def heading(self, lang: str) -> str:
        """The page's heading: its title, or its only field's label."""
        if self.title is not None:
            return self.title.get(lang)
        return self.fields[0].label.get(lang)


@dataclass(frozen=True)
class Rule:
    """A cross-field check: `check` is one of RULE_CHECKS, comparing `subject` (a date
    field) with `other` (a field name; empty for the *_today checks)."""

    check: str
    subject: str
    other: str
    page: str
    field: str
    message: Text


@dataclass(frozen=True)
class FormSchema:
    kind: str
    addressee: str
    pages: tuple[Page, ...]
    rules: tuple[Rule, ...] = ()

    def page(self, page_id: str) -> Page:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)

    def field(self, name: str) -> Field:
        for page in self.pages:
            for item in page.fields:
                if item.name == name:
                    return item
        raise KeyError(name)

    def page_of(self, name: str) -> Page:
        for page in self.pages:
            if any(item.name == name for item in page.fields):
                return page
        raise KeyError(name)


# --- reading -------------------------------------------------------------------------


def parse_form(data: Any) -> FormSchema:
    """Check a form definition (the YAML's mapping) and return it as a FormSchema."""
    raw = _mapping(data, "")
    _no_unknown(raw, {"kind", "addressee", "pages", "rules"}, "")
    kind = _choice(raw.get("kind", "application"), KINDS, "kind")
    addressee = _choice(raw.get("addressee", "provider"), ADDRESSEES, "addressee")
    raw_pages = raw.get("pages")
    if not isinstance(raw_pages, list) or not raw_pages:
        raise FormDefinitionError("pages", "must be a non-empty list of pages")
    pages: list[Page] = []
    page_ids: set[str] = set()
    names: dict[str, str] = {}
    for index, raw_page in enumerate(raw_pages):
        path = f"pages[{index}]"
        page = _page(raw_page, path, names)
        if page.id in page_ids:
            raise FormDefinitionError(f"{path}.id", f"'{page.id}' is used by another page")
        page_ids.add(page.id)
        pages.append(page)
    # Conditions may only look at fields asked earlier (or on the same page, for fields).
    asked: set[str] = set()
    for index, page in enumerate(pages):
        if page.when is not None:
            _condition_refers_to(page.when, asked, f"pages[{index}].when")
        on_page = asked | {item.name for item in page.fields}
        for position, item in enumerate(page.fields):
            if item.when is not None:
                if item.name in set(item.when.fields()):
                    raise FormDefinitionError(
                        f"pages[{index}].fields[{position}].when", "refers to its own field"
                    )
                _condition_refers_to(item.when, on_page, f"pages[{index}].fields[{position}].when")
        asked = on_page
    schema = FormSchema(kind=kind, addressee=addressee, pages=tuple(pages))
    rules = tuple(_rules(raw.get("rules"), schema))
    return FormSchema(kind=kind, addressee=addressee, pages=tuple(pages), rules=rules)


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FormDefinitionError(path, "must be a mapping")
    return value


def _no_unknown(raw: Mapping[str, Any], known: set[str] | frozenset[str], path: str) -> None:
    for key in sorted(set(raw) - set(known), key=str):
        raise FormDefinitionError(_join(path, str(key)), "is not a known key")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _choice(value: Any, choices: tuple[str, ...], path: str) -> str:
    if value not in choices:
        raise FormDefinitionError(path, f"must be one of: {', '.join(choices)}")
    return str(value)


def _text(value: Any, path: str) -> Text:
    if not isinstance(value, Mapping):
        raise FormDefinitionError(path, "must have a Georgian (ka) and an English (en) text")
    _no_unknown(value, set(LANGUAGES), path)
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        item = value.get(language)
        if not isinstance(item, str) or not item.strip():
            raise FormDefinitionError(f"{path}.{language}", "is missing or empty")
        texts[language] = item.strip()
    return Text(ka=texts["ka"], en=texts["en"])


def _optional_text(raw: Mapping[str, Any], key: str, path: str) -> Text | None:
    return _text(raw[key], _join(path, key)) if raw.get(key) is not None else None


def _whole(raw: Mapping[str, Any], key: str, path: str, low: int, high: int) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FormDefinitionError(_join(path, key), f"must be a whole number from {low} to {high}")
    return value


def _boolean(raw: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise FormDefinitionError(_join(path, key), "must be true or false")
    return value


def _page(value: Any, path: str, names: dict[str, str]) -> Page:
    raw = _mapping(value, path)
    _no_unknown(raw, {"id", "title", "when", "fields"}, path)
    page_id = raw.get("id")
    if not isinstance(page_id, str) or not SLUG.match(page_id) or len(page_id) > 60:
        raise FormDefinitionError(_join(path, "id"), "must be a slug (a-z, 0-9, -)")
    if page_id in ("check", "files", "submit"):
        raise FormDefinitionError(_join(path, "id"), f"'{page_id}' is reserved by the journey")
    title = _optional_text(raw, "title", path)
    when = _condition(raw["when"], _join(path, "when")) if "when" in raw else None
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormDefinitionError(_join(path, "fields"), "must be a non-empty list of fields")
    fields = tuple(
        _field(item, f"{path}.fields[{index}]", names, in_group=False)
        for index, item in enumerate(raw_fields)
    )
    if title is None and len(fields) > 1:
        raise FormDefinitionError(
            _join(path, "title"), "is required when the page has more than one field"
        )
    return Page(id=page_id, title=title, fields=fields, when=when)


def _field(value: Any, path: str, names: dict[str, str], *, in_group: bool) -> Field:
    raw = _mapping(value, path)
    kind = raw.get("type")
    if kind not in FIELD_TYPES:
        raise FormDefinitionError(_join(path, "type"), f"must be one of: {', '.join(FIELD_TYPES)}")
    kind = str(kind)
    _no_unknown(raw, _COMMON | _TYPE_OPTIONS[kind], path)
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.match(name) or len(name) > 60:
        raise FormDefinitionError(
            _join(path, "name"), "must be a name of a-z, 0-9 and _ starting with a letter"
        )
    if name in names:
        raise FormDefinitionError(_join(path, "name"), f"'{name}' is also used at {names[name]}")
    names[name] = path
    if in_group and kind in ("group", "file"):
        raise FormDefinitionError(_join(path, "type"), "a group cannot hold groups or files")
    label = _text(raw.get("label"), _join(path, "label"))
    values: dict[str, Any] = {
        "name": name,
        "type": kind,
        "label": label,
        "hint": _optional_text(raw, "hint", path),
        "required": _boolean(raw, "required", path, True),
        "when": _condition(raw["when"], _join(path, "when")) if "when" in raw else None,
    }
    if in_group and values["when"] is not None:
        raise FormDefinitionError(_join(path, "when"), "fields of a group cannot have conditions")
    messages = raw.get("messages")
    if messages is not None:
        messages_map = _mapping(messages, _join(path, "messages"))
        _no_unknown(messages_map, set(MESSAGE_KEYS), _join(path, "messages"))
        values["messages"] = {
            key: _text(text, f"{path}.messages.{key}") for key, text in messages_map.items()
        }
    prefill = raw.get("prefill")
    if prefill is not None:
        if in_group:
            raise FormDefinitionError(_join(path, "prefill"), "fields of a group cannot be filled")
        if prefill not in PREFILL_SELECTORS:
            raise FormDefinitionError(
                _join(path, "prefill"), f"must be one of: {', '.join(PREFILL_SELECTORS)}"
            )
        if kind not in PREFILL_SELECTORS[prefill]:
            raise FormDefinitionError(
                _join(path, "prefill"),
                f"'{prefill}' fills a field of type {', '.join(PREFILL_SELECTORS[prefill])}",
            )
        values["prefill"] = prefill
    values.update(_type_options(kind, raw, path, prefill))
    return Field(**values)


_Options = dict[str, Any]


def _text_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    values["min_length"] = _whole(raw, "min_length", path, 0, 10_000)
    values["max_length"] = _whole(raw, "max_length", path, 1, 10_000) or 200
    if values["min_length"] is not None and values["min_length"] > values["max_length"]:
        raise FormDefinitionError(_join(path, "min_length"), "is more than max_length")
    pattern = raw.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str) or not pattern:
            raise FormDefinitionError(_join(path, "pattern"), "must be a regular expression")
        try:
            re.compile(pattern)
        except re.error as error:
            raise FormDefinitionError(
                _join(path, "pattern"), f"is not a regular expression: {error}"
            ) from error
        if raw.get("pattern_message") is None:
            raise FormDefinitionError(_join(path, "pattern_message"), "is required with a pattern")
        values["pattern"] = pattern
    values["pattern_message"] = _optional_text(raw, "pattern_message", path)
    autocomplete = raw.get("autocomplete")
    if autocomplete is not None:
        if not isinstance(autocomplete, str) or not re.fullmatch(r"[a-z0-9 -]+", autocomplete):
            raise FormDefinitionError(
                _join(path, "autocomplete"), "must be an HTML autocomplete token"
            )
        values["autocomplete"] = autocomplete
    return values


def _textarea_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    values["max_length"] = _whole(raw, "max_length", path, 1, 100_000) or 5000
    values["rows"] = _whole(raw, "rows", path, 2, 40)
    return values


def _number_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    values["decimals"] = _whole(raw, "decimals", path, 0, 6) or 0
    for key in ("min", "max"):
        bound = raw.get(key)
        if bound is None:
            continue
        if isinstance(bound, bool) or not isinstance(bound, int | float | str):
            raise FormDefinitionError(_join(path, key), "must be a number")
        text = str(bound)
        if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
            raise FormDefinitionError(_join(path, key), "must be a number")
        values[key] = text
    if "min" in values and "max" in values and float(values["min"]) > float(values["max"]):
        raise FormDefinitionError(_join(path, "min"), "is more than max")
    values["suffix"] = _optional_text(raw, "suffix", path)
    return values


def _date_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    for key in ("not_before", "not_after"):
        if raw.get(key) is not None:
            values[key] = _date_bound(raw[key], _join(path, key))
    return values


def _choice_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    options = raw.get("options")
    if options is None and kind == "select" and prefill in OPTION_SELECTORS:
        options = []
    elif not isinstance(options, list) or not options:
        raise FormDefinitionError(_join(path, "options"), "must be a non-empty list of options")
    values["options"] = tuple(_options(options, _join(path, "options")))
    if kind == "checkboxes":
        low = _whole(raw, "min_selected", path, 0, len(values["options"]))
        high = _whole(raw, "max_selected", path, 1, len(values["options"]))
        if low is not None and high is not None and low > high:
            raise FormDefinitionError(_join(path, "min_selected"), "is more than max_selected")
        values["min_selected"], values["max_selected"] = low, high
    return values


def _lookup_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    values["lookup"] = _boolean(raw, "lookup", path, False)
    return values


def _address_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    if raw.get("country", "GE") != "GE":
        raise FormDefinitionError(_join(path, "country"), "must be GE")
    return values


def _file_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    values["max_files"] = _whole(raw, "max_files", path, 1, 20) or 5
    accept = raw.get("accept")
    if accept is not None:
        if (
            not isinstance(accept, list)
            or not accept
            or not all(item in FILE_TYPES for item in accept)
        ):
            raise FormDefinitionError(
                _join(path, "accept"), f"must be a list of: {', '.join(FILE_TYPES)}"
            )
        values["accept"] = tuple(accept)
    return values


def _group_options(raw: Mapping[str, Any], path: str, prefill: Any, kind: str) -> _Options:
    values: dict[str, Any] = {}
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormDefinitionError(_join(path, "fields"), "must be a non-empty list of fields")
    inner: dict[str, str] = {}
    values["fields"] = tuple(
        _field(item, f"{path}.fields[{index}]", inner, in_group=True)
        for index, item in enumerate(raw_fields)
    )
    values["min_items"] = _whole(raw, "min_items", path, 0, 100) or 0
    values["max_items"] = _whole(raw, "max_items", path, 1, 100) or 20
    if values["min_items"] > values["max_items"]:
        raise FormDefinitionError(_join(path, "min_items"), "is more than max_items")
    values["item_label"] = _optional_text(raw, "item_label", path)
    return values


_OPTION_READERS = {
    "text": _text_options,
    "textarea": _textarea_options,
    "number": _number_options,
    "date": _date_options,
    "select": _choice_options,
    "radio": _choice_options,
    "checkboxes": _choice_options,
    "personal-number": _lookup_options,
    "company-code": _lookup_options,
    "address": _address_options,
    "file": _file_options,
    "group": _group_options,
}


def _type_options(kind: str, raw: Mapping[str, Any], path: str, prefill: Any) -> _Options:
    reader = _OPTION_READERS.get(kind)
    return reader(raw, path, prefill, kind) if reader else {}


def _options(raw_options: list[Any], path: str) -> Iterator[Option]:
    seen: set[str] = set()
    for index, value in enumerate(raw_options):
        item_path = f"{path}[{index}]"
        raw = _mapping(value, item_path)
        _no_unknown(raw, {"value", "label", "hint"}, item_path)
        option_value = raw.get("value")
        if isinstance(option_value, bool) or not isinstance(option_value, str | int):
            raise FormDefinitionError(f"{item_path}.value", "must be text")
        text = str(option_value)
        if not text or len(text) > 80:
            raise FormDefinitionError(f"{item_path}.value", "must be text of 1 to 80 characters")
        if text in seen:
            raise FormDefinitionError(f"{item_path}.value", f"'{text}' is used twice")
        seen.add(text)
        yield Option(
            value=text,
            label=_text(raw.get("label"), f"{item_path}.label"),
            hint=_optional_text(raw, "hint", item_path),
        )


def _date_bound(value: Any, path: str) -> DateBound:
    if isinstance(value, datetime.date):
        return DateBound(fixed=value)
    if isinstance(value, str):
        match = RELATIVE_DATE.match(value)
        if match:
            sign, amount, unit = match.groups()
            return DateBound(
                sign=-1 if sign == "-" else 1, amount=int(amount or 0), unit=unit or "d"
            )
        try:
            return DateBound(fixed=datetime.date.fromisoformat(value))
        except ValueError:
            pass
    raise FormDefinitionError(path, "must be today, today+N, today-Ny, today+Nm or a date")


def _condition(value: Any, path: str) -> Condition:
    raw = _mapping(value, path)
    if "all" in raw or "any" in raw:
        _no_unknown(raw, {"all", "any"}, path)
        if len(raw) != 1:
            raise FormDefinitionError(path, "must have either all or any, not both")
        op = "all" if "all" in raw else "any"
        items = raw[op]
        if not isinstance(items, list) or not items:
            raise FormDefinitionError(_join(path, op), "must be a non-empty list of conditions")
        return Condition(
            op=op,
            conditions=tuple(
                _condition(item, f"{path}.{op}[{index}]") for index, item in enumerate(items)
            ),
        )
    _no_unknown(raw, {"field", "equals", "in", "not", "filled"}, path)
    name = raw.get("field")
    if not isinstance(name, str) or not name:
        raise FormDefinitionError(_join(path, "field"), "must name a field")
    ops = [op for op in ("equals", "in", "not", "filled") if op in raw]
    if len(ops) != 1:
        raise FormDefinitionError(path, "must have exactly one of equals, in, not, filled")
    op = ops[0]
    operand = raw[op]
    if op == "filled":
        if operand is not True:
            raise FormDefinitionError(_join(path, "filled"), "must be true")
        return Condition(op="filled", field=name)
    if op == "in":
        if not isinstance(operand, list) or not operand:
            raise FormDefinitionError(_join(path, "in"), "must be a non-empty list of values")
        return Condition(op="in", field=name, values=tuple(_value(v, path) for v in operand))
    return Condition(op=op, field=name, values=(_value(operand, _join(path, op)),))


def _value(value: Any, path: str) -> str:
    if isinstance(value, bool):
        # YAML reads an unquoted yes/no as a boolean; yes-no fields store "yes" / "no".
        return "yes" if value else "no"
    if not isinstance(value, str | int | float):
        raise FormDefinitionError(path, "must be a value (text or number)")
    return str(value)


def _condition_refers_to(condition: Condition, known: set[str], path: str) -> None:
    for name in condition.fields():
        if name not in known:
            raise FormDefinitionError(path, f"refers to '{name}', not a field asked before it")


def _rules(value: Any, schema: FormSchema) -> Iterator[Rule]:
    if value is None:
        return
    if not isinstance(value, list):
        raise FormDefinitionError("rules", "must be a list of rules")
    for index, item in enumerate(value):
        path = f"rules[{index}]"
        raw = _mapping(item, path)
        _no_unknown(raw, {"check", "page", "field", "message"}, path)
        check = _mapping(raw.get("check"), f"{path}.check")
        _no_unknown(check, {"field", *RULE_CHECKS}, f"{path}.check")
        kinds = [key for key in RULE_CHECKS if key in check]
        if len(kinds) != 1:
            raise FormDefinitionError(
                f"{path}.check", f"must have exactly one of: {', '.join(RULE_CHECKS)}"
            )
        kind = kinds[0]
        subject = _known_field(check.get("field"), schema, f"{path}.check.field")
        other = ""
        if kind in ("before_today", "after_today"):
            if check[kind] is not True:
                raise FormDefinitionError(f"{path}.check.{kind}", "must be true")
        else:
            other = _known_field(check[kind], schema, f"{path}.check.{kind}")
        if kind != "differs_from":
            for name, where in ((subject, "field"), (other, kind)):
                if name and schema.field(name).type != "date":
                    raise FormDefinitionError(f"{path}.check.{where}", "must name a date field")
        page = raw.get("page")
        try:
            page_of = schema.page(str(page))
        except KeyError:
            raise FormDefinitionError(f"{path}.page", f"'{page}' is not a page") from None
        target = raw.get("field")
        if not any(field_.name == target for field_ in page_of.fields):
            raise FormDefinitionError(f"{path}.field", f"'{target}' is not a field of that page")
        yield Rule(
            check=kind,
            subject=subject,
            other=other,
            page=page_of.id,
            field=str(target),
            message=_text(raw.get("message"), f"{path}.message"),
        )


def _known_field(name: Any, schema: FormSchema, path: str) -> str:
    try:
        return schema.field(str(name)).name
    except KeyError:
        raise FormDefinitionError(path, f"'{name}' is not a field of the form") from None
