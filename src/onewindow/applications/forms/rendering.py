"""Rendering a form's page as GOV.UK markup (one template per field type under
templates/applications/fields/), and the error summary's links to the fields.

Input names and ids follow the engine: `<field>`, `<field>-day|month|year`,
`<field>-street|building|apartment|city|postcode`, `<field>-<i>-<sub>` for a group's items,
`<field>-add` / `<field>-remove` for a group's buttons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .engine import (
    DATE_PARTS,
    LOOKUP_PREFIX,
    display_value,
    is_free_text_select,
    page_fields,
    prefilled_options,
    prefilled_value,
)
from .schema import Field, FormSchema, Page

SOURCE_LABELS = {
    "civil-registry": _("From the Civil Registry"),
    "public-registry": _("From the Public Registry"),
    "patrol-police": _("From the Patrol Police"),
}
ADDRESS_INPUTS = (
    # part, label, autocomplete, width class
    ("street", _("Street"), "address-line1", ""),
    ("building", _("Building number"), "address-line2", "govuk-input--width-5"),
    ("apartment", _("Flat or apartment (optional)"), "address-line3", "govuk-input--width-5"),
    ("city", _("Town, city or municipality"), "address-level2", "govuk-!-width-two-thirds"),
    ("postcode", _("Postcode (optional)"), "postal-code", "govuk-input--width-5"),
)
# type → (HTML type, inputmode, autocomplete, width class, spellcheck off)
INPUTS: Mapping[str, tuple[str, str, str, str, bool]] = {
    "text": ("text", "", "", "", False),
    "number": ("text", "decimal", "", "govuk-input--width-10", True),
    "personal-number": ("text", "numeric", "", "govuk-input--width-20", True),
    "company-code": ("text", "numeric", "", "govuk-input--width-10", True),
    "cadastral-code": ("text", "", "", "govuk-input--width-20", True),
    "plate": ("text", "", "", "govuk-input--width-10", True),
    "email": ("email", "", "email", "", True),
    "phone": ("tel", "", "tel", "govuk-input--width-20", True),
}
TEMPLATE_TYPES = {
    *INPUTS,
    "textarea",
    "date",
    "select",
    "radio",
    "checkboxes",
    "yes-no",
    "address",
    "file",
    "group",
}


@dataclass
class FieldView:
    """What a field's template shows."""

    spec: Field
    id: str
    name: str
    label: str
    hint: str
    error: str
    value: Any
    label_hidden: bool = False
    options: list[dict[str, Any]] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-hint"] if self.hint else []
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def render_page(
    request: HttpRequest | None,
    schema: FormSchema,
    page: Page,
    *,
    answers: Mapping[str, Any],
    prefilled: Mapping[str, Any] | None,
    errors: Mapping[str, str],
    lang: str,
    attached: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> SafeString:
    """The page's fields (those asked given `answers`) as HTML for the journey's form.
    `attached`: the draft's files by file question (`id`, `name`, `size` each), listed
    under the question with a button to remove each."""
    asked = page_fields(schema, page, answers, prefilled)
    single = page.title is None and len(page.fields) == 1
    html: list[str] = []
    for item in asked:
        fact = prefilled_value(item, prefilled)
        if fact is not None:
            entry = (prefilled or {})[item.name]
            display = entry.get("display") or {}
            html.append(
                render_to_string(
                    "applications/fields/prefilled.html",
                    {
                        "label": item.label.get(lang),
                        "hint": item.hint.get(lang) if item.hint else "",
                        "value": display.get(lang) or display_value(item, fact, lang, prefilled),
                        "source": SOURCE_LABELS.get(str(entry.get("source", "")), ""),
                    },
                    request,
                )
            )
            continue
        html.append(
            render_field(
                request,
                item,
                item.name,
                answers.get(item.name),
                errors,
                lang,
                prefilled=prefilled,
                label_hidden=single,
                attached=(attached or {}).get(item.name, ()),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every part comes from an escaping template


def render_field(
    request: HttpRequest | None,
    item: Field,
    base: str,
    value: Any,
    errors: Mapping[str, str],
    lang: str,
    *,
    prefilled: Mapping[str, Any] | None = None,
    label_hidden: bool = False,
    attached: Sequence[Mapping[str, Any]] = (),
) -> str:
    """One field (or a group's sub-field, `base` being `<group>-<i>-<sub>`); `attached`:
    a file question's files so far."""
    kind = item.type
    if kind == "select" and is_free_text_select(item, prefilled):
        kind = "text"  # the registry did not answer: an ordinary question
    view = FieldView(
        spec=item,
        id=first_input_id(item, base, prefilled),
        name=base,
        label=item.label.get(lang),
        hint=item.hint.get(lang) if item.hint else "",
        error=errors.get(base, ""),
        value=value if value is not None else "",
        label_hidden=label_hidden,
    )
    if kind in INPUTS:
        html_type, inputmode, autocomplete, width, no_spellcheck = INPUTS[kind]
        view.attrs = {
            "type": html_type,
            "inputmode": inputmode,
            "autocomplete": item.autocomplete or autocomplete,
            "width": width,
            "spellcheck": "false" if no_spellcheck else "",
            "suffix": item.suffix.get(lang) if item.suffix else "",
            "maxlength": item.max_length if kind == "text" else None,
            "found": _looked_up_name(item, base, value, prefilled, lang),
        }
    elif kind == "textarea":
        view.attrs = {"rows": item.rows or 5}
    elif kind in ("select", "radio", "checkboxes", "yes-no"):
        view.options = _options(item, base, value, lang, prefilled)
    elif kind == "date":
        parts = _date_parts(value)
        view.id = base
        view.parts = [
            {
                "id": f"{base}-{part}",
                "part": part,
                "value": parts.get(part, ""),
                "width": "govuk-input--width-4" if part == "year" else "govuk-input--width-2",
            }
            for part in DATE_PARTS
        ]
    elif kind == "address":
        view.id = base
        current = value if isinstance(value, Mapping) else {}
        view.parts = [
            {
                "id": f"{base}-{part}",
                "label": label,
                "autocomplete": autocomplete,
                "width": width,
                "value": current.get(part, ""),
            }
            for part, label, autocomplete, width in ADDRESS_INPUTS
        ]
    elif kind == "file":
        view.attrs = {
            "accept": ",".join(_ACCEPT[kind_] for kind_ in item.accept),
            "types": ", ".join(kind_.upper() for kind_ in item.accept),
            "max_files": item.max_files,
            "limits_id": f"{base}-limits",
        }
        view.value = value if isinstance(value, list) else []
        view.items = [
            {"id": str(entry["id"]), "name": entry["name"], "size": entry["size"]}
            for entry in attached
        ]
    elif kind == "group":
        view.id = base
        view.items = _group_items(request, item, base, value, errors, lang)
        view.attrs = {"can_add": len(view.items) < item.max_items, "add_id": f"{base}-add"}
    template = f"applications/fields/{kind}.html"
    return render_to_string(template, {"f": view}, request)


def _looked_up_name(
    item: Field, base: str, value: Any, prefilled: Mapping[str, Any] | None, lang: str
) -> str:
    """The registry's name for the number answered, once looked up (lookups.py)."""
    if not item.lookup or not prefilled:
        return ""
    found = prefilled.get(f"{LOOKUP_PREFIX}{base}")
    if isinstance(found, Mapping) and value and found.get("value") == value:
        display = found.get("display") or {}
        return str(display.get(lang) or display.get("ka") or "")
    return ""


_ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
    "docx": ".docx",
    "odt": ".odt",
    "asice": ".asice",
}


def _date_parts(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {part: str(value.get(part, "")) for part in DATE_PARTS}
    if isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return {"day": str(int(day)), "month": str(int(month)), "year": year}
    return {}


def _options(
    item: Field, base: str, value: Any, lang: str, prefilled: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    if item.type == "yes-no":
        choices = [("yes", str(_("Yes")), ""), ("no", str(_("No")), "")]
    else:
        choices = [
            (option.value, option.label.get(lang), option.hint.get(lang) if option.hint else "")
            for option in prefilled_options(item, prefilled)
        ]
    chosen = set(value) if isinstance(value, list) else {str(value or "")}
    return [
        {
            "id": base if index == 0 else f"{base}-{index + 1}",
            "value": option_value,
            "label": label,
            "hint": hint,
            "checked": option_value in chosen,
        }
        for index, (option_value, label, hint) in enumerate(choices)
    ]


def _group_items(
    request: HttpRequest | None,
    item: Field,
    base: str,
    value: Any,
    errors: Mapping[str, str],
    lang: str,
) -> list[dict[str, Any]]:
    entries = [entry for entry in value if isinstance(entry, Mapping)] if value else []
    if not entries:
        entries = [{}] * max(item.min_items, 1)
    items = []
    for index, entry in enumerate(entries):
        legend = (
            f"{item.item_label.get(lang)} {index + 1}"
            if item.item_label
            else f"{item.label.get(lang)} {index + 1}"
        )
        fields = [
            mark_safe(  # noqa: S308 - rendered by the escaping field templates
                render_field(
                    request, sub, f"{base}-{index}-{sub.name}", entry.get(sub.name), errors, lang
                )
            )
            for sub in item.fields
        ]
        items.append(
            {
                "index": index,
                "legend": legend,
                "fields": fields,
                "removable": len(entries) > item.min_items,
            }
        )
    return items


def first_input_id(item: Field, base: str, prefilled: Mapping[str, Any] | None = None) -> str:
    """The id of the field's first input: where an error summary link goes."""
    if item.type == "date":
        return f"{base}-day"
    if item.type == "address":
        return f"{base}-{ADDRESS_INPUTS[0][0]}"
    if item.type == "group":
        return f"{base}-0-{item.fields[0].name}" if item.fields else f"{base}-add"
    return base


def error_summary_items(
    schema: FormSchema, page: Page, errors: Mapping[str, str], lang: str
) -> list[tuple[str, str]]:
    """(anchor id, message) for each error, in the page's order, each linking to the
    first input of its field (or of a group item's sub-field)."""
    del lang  # the messages are already in the page's language
    items: list[tuple[str, str]] = []
    for item in page.fields:
        if item.name in errors:
            anchor = first_input_id(item, item.name)
            if item.type == "group":
                anchor = f"{item.name}-add"
            items.append((anchor, errors[item.name]))
        if item.type == "group":
            prefix = f"{item.name}-"
            for key, text in errors.items():
                if not key.startswith(prefix) or key.count("-") < 2:
                    continue
                _index, _sep, sub_name = key[len(prefix) :].partition("-")
                sub = next((sub for sub in item.fields if sub.name == sub_name), None)
                if sub is not None:
                    items.append((first_input_id(sub, key), text))
    return items
