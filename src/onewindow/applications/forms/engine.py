"""The form engine: which pages and fields are asked, reading and checking one page's
posted values, cross-field rules, and the "check your answers" summary. Pure Python.

Values: `answers` are what the person gave (by field name); `prefilled` is what the
registries gave (`Draft.prefilled`: `{name: {"source", "value", "display"}}` for facts,
`{name: {"source", "options": [{value, label: {ka, en}}]}}` for the options of a select).
A prefilled fact is never read from the posted values.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .messages import format_date, message, word
from .schema import OPTION_SELECTORS, Condition, Field, FormSchema, Option, Page, Text

Raw = Mapping[str, "str | list[str]"]
Answers = Mapping[str, Any]

PERSONAL_NUMBER = re.compile(r"^\d{11}$")
COMPANY_CODE = re.compile(r"^\d{9}$")
CADASTRAL_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{3}(?:\.\d{3})?(?:\.\d{2}\.\d{3})?$")
PLATE = re.compile(r"^([A-Z]{2})[- ]?(\d{3})[- ]?([A-Z]{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
ADDRESS_PARTS = ("city", "street", "building", "apartment", "postcode")
ADDRESS_REQUIRED = ("city", "street", "building")
DATE_PARTS = ("day", "month", "year")
# `Draft.prefilled["lookup:<field>"]`: the registry's name for a number looked up (lookups.py).
LOOKUP_PREFIX = "lookup:"


@dataclass(frozen=True)
class PageResult:
    """What one page's POST gave.

    `cleaned`: the page's answers when `errors` is empty (its visible, not prefilled
    fields that were answered); `cleared`: its optional fields left blank, whose earlier
    answers must be removed from the draft; `errors`: messages by field name, or by
    `<group>-<i>-<sub>` for an item of a group; `values`: what was posted, in the answers'
    shape, to show again with the errors; `stay`: the person added or removed a group item,
    so show the page again (with `values`) without checking it.
    """

    cleaned: dict[str, Any]
    errors: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    stay: bool = False
    cleared: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummaryRow:
    """One line of "check your answers": `source` is the registry for prefilled facts."""

    page: str
    field: str
    label: str
    value: str
    source: str = ""


# --- what is asked ---------------------------------------------------------------------


def prefilled_value(item: Field, prefilled: Mapping[str, Any] | None) -> Any:
    """The registry's value of a prefilled fact field, or None (then it is a question).
    A `chosen` fact (whom the person acts for, chosen at the start: acting_for.py) fixes
    any field, whatever its `prefill`."""
    if not prefilled:
        return None
    entry = prefilled.get(item.name)
    if not isinstance(entry, Mapping) or entry.get("value") in (None, "", {}):
        return None
    if entry.get("chosen") is not True and (
        item.prefill is None or item.prefill in OPTION_SELECTORS
    ):
        return None
    return entry["value"]


def prefilled_options(item: Field, prefilled: Mapping[str, Any] | None) -> tuple[Option, ...]:
    """A select's options: from the registry for option selectors (when it answered)."""
    if item.prefill in OPTION_SELECTORS and prefilled:
        entry = prefilled.get(item.name)
        if isinstance(entry, Mapping) and isinstance(entry.get("options"), list):
            return tuple(
                Option(
                    value=str(option["value"]),
                    label=Text(ka=str(option["label"]["ka"]), en=str(option["label"]["en"])),
                )
                for option in entry["options"]
            )
    return item.options


def is_free_text_select(item: Field, prefilled: Mapping[str, Any] | None) -> bool:
    """A select filled by a registry that did not answer is asked as an ordinary text."""
    return item.type == "select" and not prefilled_options(item, prefilled)


def holds(condition: Condition | None, values: Answers) -> bool:
    if condition is None:
        return True
    if condition.op == "all":
        return all(holds(item, values) for item in condition.conditions)
    if condition.op == "any":
        return any(holds(item, values) for item in condition.conditions)
    value = values.get(condition.field)
    given = [str(v) for v in value] if isinstance(value, list) else [_as_text(value)]
    if condition.op == "filled":
        return _filled(value)
    if condition.op == "not":
        return condition.values[0] not in given
    return any(v in given for v in condition.values)  # equals, in


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _filled(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return bool(value)
    return value not in (None, "")


def _known(
    schema: FormSchema, answers: Answers, prefilled: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The answers and prefilled facts of the visible pages and fields, in order."""
    known: dict[str, Any] = {}
    for page in schema.pages:
        if not holds(page.when, known):
            continue
        for item in page.fields:
            if not holds(item.when, known):
                continue
            fact = prefilled_value(item, prefilled)
            if fact is not None:
                known[item.name] = fact
            elif item.name in answers:
                known[item.name] = answers[item.name]
    return known


def visible_pages(
    schema: FormSchema, answers: Answers, prefilled: Mapping[str, Any] | None = None
) -> list[Page]:
    """The pages asked, given the answers so far."""
    known = _known(schema, answers, prefilled)
    return [page for page in schema.pages if holds(page.when, known)]


def page_fields(
    schema: FormSchema, page: Page, answers: Answers, prefilled: Mapping[str, Any] | None = None
) -> list[Field]:
    """The fields of `page` asked, given the answers so far."""
    known = _known(schema, answers, prefilled)
    return [item for item in page.fields if holds(item.when, known)]


def drop_hidden(
    schema: FormSchema, answers: Answers, prefilled: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The answers without those of pages and fields no longer asked, nor prefilled facts."""
    known = _known(schema, answers, prefilled)
    return {
        name: value
        for name, value in known.items()
        if name in answers and prefilled_value(schema.field(name), prefilled) is None
    }


# --- one page --------------------------------------------------------------------------


def clean_page(
    schema: FormSchema,
    page_id: str,
    raw: Raw,
    *,
    answers: Answers,
    prefilled: Mapping[str, Any] | None = None,
    today: datetime.date,
    lang: str,
    files: Mapping[str, Sequence[str]] | None = None,
) -> PageResult:
    """Read and check one page's posted values.

    `raw`: the POST (one string per name, or a list for checkboxes); `files`: the ids of
    the draft's attachments by field, from the server (file fields never come from raw).
    """
    page = schema.page(page_id)
    values, problems, stay = _read_page(page, raw, prefilled, today, lang, files)
    if stay:
        return PageResult(cleaned={}, errors={}, values=values, stay=True)

    known = _known(schema, {**answers, **values}, prefilled)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    cleared: list[str] = []
    for item in page.fields:
        if item.name not in values or not holds(item.when, known):
            continue
        value = values[item.name]
        item_errors = dict(problems[item.name])
        if not item_errors:
            extra = _whole_field_error(item, value, lang)
            if extra:
                item_errors[item.name] = extra
        if item_errors:
            errors.update(item_errors)
        elif _filled(value) or item.type in ("checkboxes", "group", "file"):
            cleaned[item.name] = value
        else:
            cleared.append(item.name)
    if errors:
        return PageResult(cleaned={}, errors=errors, values=values)
    return PageResult(cleaned=cleaned, errors={}, values=values, cleared=tuple(cleared))


def _read_page(
    page: Page,
    raw: Raw,
    prefilled: Mapping[str, Any] | None,
    today: datetime.date,
    lang: str,
    files: Mapping[str, Sequence[str]] | None,
) -> tuple[dict[str, Any], dict[str, dict[str, str]], bool]:
    """The page's posted values, each field's errors, and whether a group button was used."""
    values: dict[str, Any] = {}
    problems: dict[str, dict[str, str]] = {}
    stay = False
    for item in page.fields:
        if prefilled_value(item, prefilled) is not None:
            continue  # a registry's fact: whatever was posted for it is ignored
        if item.type == "file":
            values[item.name] = list((files or {}).get(item.name, []))
            problems[item.name] = {}
            continue
        if item.type == "group":
            items, changed = _group_items(item, raw, lang, today)
            stay = stay or changed
            values[item.name] = [value for value, _errors in items]
            problems[item.name] = {
                f"{item.name}-{index}-{name}": text
                for index, (_value, item_errors) in enumerate(items)
                for name, text in item_errors.items()
            }
            continue
        value, error = _read(item, raw, item.name, lang, today, prefilled)
        values[item.name] = value
        problems[item.name] = {item.name: error} if error else {}
    return values, problems, stay


def _whole_field_error(item: Field, value: Any, lang: str) -> str | None:
    label = item.label.get(lang)
    if item.type == "group":
        count = len(value)
        if (item.required and count == 0) or count < item.min_items:
            return message("min_items", lang, label, n=max(item.min_items, 1))
        if count > item.max_items:
            return message("max_items", lang, label, n=item.max_items)
    if item.type == "file":
        if item.required and not value:
            return _required(item, lang)
        if len(value) > item.max_files:
            return message("max_files", lang, label, n=item.max_files)
    return None


def _required(item: Field, lang: str) -> str:
    custom = item.messages.get("required")
    if custom is not None:
        return custom.get(lang)
    label = item.label.get(lang)
    if item.type in ("select", "radio", "checkboxes", "yes-no"):
        return message("select", lang, label)
    if item.type == "file":
        return message("upload", lang, label)
    return message("enter", lang, label)


def _one(raw: Raw, name: str) -> str:
    value = raw.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value.strip()


def _many(raw: Raw, name: str) -> list[str]:
    value = raw.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _read(
    item: Field,
    raw: Raw,
    base: str,
    lang: str,
    today: datetime.date,
    prefilled: Mapping[str, Any] | None = None,
) -> tuple[Any, str | None]:
    """The value of one field from the inputs named after `base`, and its error."""
    if item.type == "date":
        return _read_date(item, raw, base, lang, today)
    if item.type == "address":
        return _read_address(item, raw, base, lang)
    if item.type == "checkboxes":
        return _read_checkboxes(item, raw, base, lang)
    text = _one(raw, base)
    if not text:
        return "", _required(item, lang) if item.required else None
    kind = item.type
    if kind == "select" and is_free_text_select(item, prefilled):
        kind = "text"
    if kind in ("select", "radio"):
        options = prefilled_options(item, prefilled)
        if all(option.value != text for option in options):
            return "", _required(item, lang)
        return text, None
    if kind == "yes-no":
        return (text, None) if text in ("yes", "no") else ("", _required(item, lang))
    if kind in ("text", "textarea"):
        return _read_text(item, text, lang)
    if kind == "number":
        return _read_number(item, text, lang)
    return _read_code(item, kind, text, lang)


def _read_checkboxes(item: Field, raw: Raw, base: str, lang: str) -> tuple[list[str], str | None]:
    label = item.label.get(lang)
    chosen = [value for value in _many(raw, base) if value]
    allowed = [option.value for option in item.options]
    ordered = [value for value in allowed if value in chosen]
    if len(ordered) != len(set(chosen)):
        return ordered, _required(item, lang)  # a value that is not an option
    if not ordered:
        return [], _required(item, lang) if item.required else None
    if item.min_selected is not None and len(ordered) < item.min_selected:
        return ordered, message("min_selected", lang, label, n=item.min_selected)
    if item.max_selected is not None and len(ordered) > item.max_selected:
        return ordered, message("max_selected", lang, label, n=item.max_selected)
    return ordered, None


def _read_code(item: Field, kind: str, text: str, lang: str) -> tuple[str, str | None]:
    """Numbers, codes and contact details: normalised, or the text back with an error."""
    compact = re.sub(r"[\s-]", "", text)
    normalised: str | None = None
    if kind == "personal-number":
        normalised = compact if PERSONAL_NUMBER.match(compact) else None
    elif kind == "company-code":
        normalised = compact if COMPANY_CODE.match(compact) else None
    elif kind == "cadastral-code":
        code = re.sub(r"\s", "", text)
        normalised = code if CADASTRAL_CODE.match(code) else None
    elif kind == "plate":
        match = PLATE.match(text.upper())
        normalised = "-".join(match.groups()) if match else None
    elif kind == "email":
        if len(text) <= 254 and EMAIL.match(text):
            local, domain = text.rsplit("@", 1)
            normalised = f"{local}@{domain.lower()}"
    elif kind == "phone":
        normalised = normalise_phone(text)
    else:
        raise ValueError(f"No reader for fields of type {item.type}")
    return (normalised, None) if normalised else (text, _format(item, lang))


_FORMAT_KEYS = {
    "personal-number": "personal_number",
    "company-code": "company_code",
    "cadastral-code": "cadastral_code",
    "plate": "plate",
    "email": "email",
    "phone": "phone",
}


def _format(item: Field, lang: str) -> str:
    custom = item.messages.get("pattern")
    if custom is not None:
        return custom.get(lang)
    return message(_FORMAT_KEYS[item.type], lang, item.label.get(lang))


def normalise_phone(text: str) -> str | None:
    """A Georgian phone number as +995 5XX XX XX XX (mobile) or +995 32 2XX XX XX."""
    digits = re.sub(r"[\s()\-.]", "", text)
    for prefix in ("+995", "00995", "995"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            digits = digits[len(prefix) :]
            break
    if digits.startswith("0") and len(digits) == 10:
        digits = digits[1:]  # the old trunk prefix: 0 32 …
    if not re.fullmatch(r"[3-57]\d{8}", digits):
        return None
    if digits.startswith("5") or digits.startswith("7"):
        return f"+995 {digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}"
    return f"+995 {digits[:2]} {digits[2:5]} {digits[5:7]} {digits[7:]}"


def _read_text(item: Field, text: str, lang: str) -> tuple[str, str | None]:
    label = item.label.get(lang)
    if item.type == "textarea":
        text = text.replace("\r\n", "\n")
    max_length = item.max_length or 200  # a select asked as text has no max_length
    if len(text) > max_length:
        return text, message("too_long", lang, label, n=max_length)
    if item.min_length is not None and len(text) < item.min_length:
        return text, message("too_short", lang, label, n=item.min_length)
    if item.pattern is not None and not re.fullmatch(item.pattern, text):
        pattern_message = item.messages.get("pattern") or item.pattern_message
        return text, pattern_message.get(lang) if pattern_message else message(
            "format", lang, label
        )
    return text, None


def _read_number(item: Field, text: str, lang: str) -> tuple[str, str | None]:
    label = item.label.get(lang)
    compact = re.sub(r"[\s\u00a0]", "", text).replace(",", ".")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", compact):
        return text, message("number", lang, label)
    try:
        number = Decimal(compact)
    except InvalidOperation:
        return text, message("number", lang, label)
    places = -int(number.as_tuple().exponent)
    if places > item.decimals and number != number.quantize(Decimal(1).scaleb(-item.decimals)):
        if item.decimals == 0:
            return text, message("whole_number", lang, label)
        return text, message("decimals", lang, label, n=item.decimals)
    if item.min is not None and number < Decimal(item.min):
        return text, message("min", lang, label, n=item.min)
    if item.max is not None and number > Decimal(item.max):
        return text, message("max", lang, label, n=item.max)
    return str(number.quantize(Decimal(1).scaleb(-item.decimals))), None


def _read_date(
    item: Field, raw: Raw, base: str, lang: str, today: datetime.date
) -> tuple[Any, str | None]:
    label = item.label.get(lang)
    parts = {part: _one(raw, f"{base}-{part}") for part in DATE_PARTS}
    if not any(parts.values()):
        return "", _required(item, lang) if item.required else None
    missing = [part for part in DATE_PARTS if not parts[part]]
    if missing:
        return parts, message("date_part", lang, label, part=word(missing[0], lang))
    if not all(value.isdigit() for value in parts.values()) or len(parts["year"]) != 4:
        return parts, message("date_real", lang, label)
    try:
        value = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return parts, message("date_real", lang, label)
    if item.not_before is not None:
        bound = item.not_before.resolve(today)
        if value < bound:
            return parts, message("not_before", lang, label, date=format_date(bound, lang))
    if item.not_after is not None:
        bound = item.not_after.resolve(today)
        if value > bound:
            return parts, message("not_after", lang, label, date=format_date(bound, lang))
    return value.isoformat(), None


def _read_address(item: Field, raw: Raw, base: str, lang: str) -> tuple[Any, str | None]:
    label = item.label.get(lang)
    value = {part: _one(raw, f"{base}-{part}")[:200] for part in ADDRESS_PARTS}
    if not any(value.values()):
        return {}, _required(item, lang) if item.required else None
    for part in ADDRESS_REQUIRED:
        if not value[part]:
            return value, message("address_part", lang, label, part=word(part, lang))
    if value["postcode"] and not re.fullmatch(r"\d{4}", value["postcode"]):
        return value, message("postcode", lang, label)
    return value, None


def _group_items(
    item: Field, raw: Raw, lang: str, today: datetime.date
) -> tuple[list[tuple[dict[str, Any], dict[str, str]]], bool]:
    """The posted items of a group (renumbered from 0) with their errors, and whether the
    person pressed "add another" or "remove"."""
    pattern = re.compile(rf"^{re.escape(item.name)}-(\d+)-")
    indexes = sorted({int(m.group(1)) for key in raw if (m := pattern.match(key))})
    remove = _one(raw, f"{item.name}-remove")
    adding = bool(_one(raw, f"{item.name}-add"))
    if remove.isdigit():
        indexes = [index for index in indexes if index != int(remove)]
    items: list[tuple[dict[str, Any], dict[str, str]]] = []
    for index in indexes[: item.max_items]:
        value: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for sub in item.fields:
            sub_value, error = _read(sub, raw, f"{item.name}-{index}-{sub.name}", lang, today)
            value[sub.name] = sub_value
            if error:
                errors[sub.name] = error
        if not adding and not remove and not any(_filled(v) for v in value.values()):
            continue  # an item left blank is not an item
        items.append((value, errors))
    if adding and len(items) < item.max_items:
        items.append(({sub.name: "" for sub in item.fields}, {}))
    return items, adding or remove.isdigit()


# --- cross-field rules and the summary -------------------------------------------------


def check_rules(
    schema: FormSchema,
    answers: Answers,
    today: datetime.date,
    lang: str,
    prefilled: Mapping[str, Any] | None = None,
) -> list[tuple[str, str, str]]:
    """The rules that do not hold, as (page, field, message); a rule about an unanswered
    or hidden field is not checked."""
    known = _known(schema, answers, prefilled)
    broken: list[tuple[str, str, str]] = []
    for rule in schema.rules:
        subject = known.get(rule.subject)
        if not isinstance(subject, str) or not subject:
            continue
        other: Any = today.isoformat() if rule.check.endswith("_today") else known.get(rule.other)
        if other is None or other == "":
            continue
        if rule.check == "differs_from":
            ok = subject != other
        else:
            try:
                first = datetime.date.fromisoformat(subject)
                second = datetime.date.fromisoformat(str(other))
            except ValueError:
                continue
            ok = first > second if rule.check.startswith("after") else first < second
        if not ok:
            broken.append((rule.page, rule.field, rule.message.get(lang)))
    return broken


def summary(
    schema: FormSchema,
    answers: Answers,
    prefilled: Mapping[str, Any] | None,
    lang: str,
    *,
    file_names: Mapping[str, str] | None = None,
) -> list[SummaryRow]:
    """What the person answered (and the registries gave), page by page, for "check your
    answers" and the PDF. `file_names`: attachment id → name."""
    known = _known(schema, answers, prefilled)
    rows: list[SummaryRow] = []
    for page in schema.pages:
        if not holds(page.when, known):
            continue
        for item in page.fields:
            if not holds(item.when, known) or item.name not in known:
                continue
            source = ""
            if prefilled_value(item, prefilled) is not None:
                entry = prefilled[item.name] if prefilled else {}
                source = str(entry.get("source", ""))
                display = entry.get("display")
                if isinstance(display, Mapping):
                    text = str(display.get(lang) or display.get("ka") or "")
                else:
                    text = display_value(item, known[item.name], lang, prefilled, file_names)
            else:
                text = display_value(item, known[item.name], lang, prefilled, file_names)
                text = _with_looked_up_name(item.name, known[item.name], text, prefilled, lang)
            rows.append(SummaryRow(page.id, item.name, item.label.get(lang), text, source))
    return rows


def _with_looked_up_name(
    name: str, value: Any, text: str, prefilled: Mapping[str, Any] | None, lang: str
) -> str:
    found = (prefilled or {}).get(f"{LOOKUP_PREFIX}{name}")
    if isinstance(found, Mapping) and found.get("value") == value:
        display = found.get("display") or {}
        return f"{text}\n{display.get(lang) or display.get('ka', '')}"
    return text


def display_value(
    item: Field,
    value: Any,
    lang: str,
    prefilled: Mapping[str, Any] | None = None,
    file_names: Mapping[str, str] | None = None,
) -> str:
    """One answer as text (several lines joined by newlines)."""
    if value in (None, "", [], {}):
        return ""
    if item.type in ("select", "radio"):
        option = next((o for o in prefilled_options(item, prefilled) if o.value == value), None)
        return option.label.get(lang) if option else str(value)
    if item.type == "checkboxes":
        return "\n".join(option.label.get(lang) for option in item.options if option.value in value)
    if item.type == "yes-no":
        return word(str(value), lang) if value in ("yes", "no") else str(value)
    if item.type == "date" and isinstance(value, str):
        try:
            return format_date(datetime.date.fromisoformat(value), lang)
        except ValueError:
            return value
    if item.type == "number":
        return f"{value} {item.suffix.get(lang)}" if item.suffix else str(value)
    if item.type == "address" and isinstance(value, Mapping):
        line = ", ".join(str(value[part]) for part in ("street", "building") if value.get(part))
        if value.get("apartment"):
            line += f", {value['apartment']}"
        city = " ".join(str(value[part]) for part in ("postcode", "city") if value.get(part))
        return "\n".join(part for part in (line, city) if part)
    if item.type == "file" and isinstance(value, list):
        names = file_names or {}
        return "\n".join(names.get(str(ident), str(ident)) for ident in value)
    if item.type == "group" and isinstance(value, list):
        return _display_group(item, value, lang)
    return str(value)


def _display_group(item: Field, value: list[Any], lang: str) -> str:
    lines = []
    for index, entry in enumerate(value, start=1):
        heading = (
            f"{item.item_label.get(lang)} {index}"
            if item.item_label
            else word("item", lang).format(n=index)
        )
        parts = [
            display_value(sub, entry.get(sub.name), lang).replace("\n", ", ")
            for sub in item.fields
            if isinstance(entry, Mapping) and _filled(entry.get(sub.name))
        ]
        lines.append(f"{heading}: {'; '.join(parts)}")
    return "\n".join(lines)
