"""The forms of the services (catalog/forms/*.yaml) and their sample answers
(catalog/forms/samples/*.yaml): every form is a valid definition of a functional service,
bilingual, and its sample answers go through the engine page by page without an error."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

import pytest
import yaml

from onewindow.applications.forms.engine import check_rules, clean_page, visible_pages
from onewindow.applications.forms.schema import Field, FormSchema, Text, parse_form

FORMS_DIR: Path = settings.BASE_DIR / "catalog" / "forms"
SAMPLES_DIR = FORMS_DIR / "samples"
SERVICES_DIR: Path = settings.BASE_DIR / "catalog" / "services"
# Fixed, so that date bounds such as `not_before: today` do not make the samples go stale.
TODAY = datetime.date(2026, 11, 20)
GEORGIAN = re.compile(r"[\u10a0-\u10ff]")
DEMO_PERSONS = {"01001012345", "01008057492", "01017033481", "01024011122", "60001045678"}
# Prefill selectors that give a fact (shown read-only) rather than a select's options.
FACT_SOURCES = {
    "registered-address": "civil-registry",
    "full-name": "civil-registry",
    "date-of-birth": "civil-registry",
}

FORM_FILES = sorted(FORMS_DIR.glob("*.yaml"))
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.yaml"))


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _schema(code: str) -> FormSchema:
    return parse_form(_load(FORMS_DIR / f"{code}.yaml"))


def _functional_services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = {}
    for path in sorted(SERVICES_DIR.glob("*.yaml")):
        for entry in _load(path):
            if entry.get("kind") == "functional":
                services[entry["code"]] = entry
    return services


def _texts(schema: FormSchema) -> Iterator[tuple[str, Text]]:
    """Every text of a form, with where it is."""

    def of_field(item: Field, where: str) -> Iterator[tuple[str, Text]]:
        for key in ("label", "hint", "pattern_message", "suffix", "item_label"):
            value = getattr(item, key)
            if value is not None:
                yield f"{where}.{key}", value
        for key, value in item.messages.items():
            yield f"{where}.messages.{key}", value
        for option in item.options:
            yield f"{where}.options[{option.value}].label", option.label
            if option.hint is not None:
                yield f"{where}.options[{option.value}].hint", option.hint
        for sub in item.fields:
            yield from of_field(sub, f"{where}.{sub.name}")

    for page in schema.pages:
        if page.title is not None:
            yield f"{page.id}.title", page.title
        for item in page.fields:
            yield from of_field(item, f"{page.id}.{item.name}")
    for index, rule in enumerate(schema.rules):
        yield f"rules[{index}].message", rule.message


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda path: path.stem)
def test_form_is_a_valid_bilingual_definition_of_a_functional_service(path: Path) -> None:
    schema = parse_form(_load(path))

    service = _functional_services().get(path.stem)
    assert service is not None, f"{path.name}: no functional service has the code {path.stem}"
    if schema.addressee == "chosen":
        assert schema.kind in ("letter", "public-information", "personal-data")
    for page in schema.pages:
        assert page.title is not None or len(page.fields) == 1, page.id
    for where, text in _texts(schema):
        assert GEORGIAN.search(text.ka), f"{path.name} {where}: the ka text is not Georgian"
        assert not GEORGIAN.search(text.en), f"{path.name} {where}: the en text has Georgian"


def test_every_form_but_the_loaders_example_has_sample_answers() -> None:
    forms = {path.stem for path in FORM_FILES} - {"public-information-request"}
    samples = {path.stem for path in SAMPLE_FILES}
    assert forms <= samples
    assert samples <= {path.stem for path in FORM_FILES}


def _raw(item: Field, base: str, value: Any) -> dict[str, Any]:
    """A stored answer back as the POST that gives it."""
    if item.type == "date":
        year, month, day = str(value).split("-")
        return {f"{base}-day": day, f"{base}-month": month, f"{base}-year": year}
    if item.type == "address":
        return {f"{base}-{part}": text for part, text in value.items()}
    if item.type == "group":
        raw: dict[str, Any] = {}
        for index, entry in enumerate(value):
            for sub in item.fields:
                raw.update(_raw(sub, f"{base}-{index}-{sub.name}", entry[sub.name]))
        return raw
    if item.type == "checkboxes":
        return {base: list(value)}
    return {base: str(value)}


def _prefilled(schema: FormSchema, answers: dict[str, Any]) -> dict[str, Any]:
    """What the registries would give for the sample's prefilled fields."""
    prefilled: dict[str, Any] = {}
    for page in schema.pages:
        for item in page.fields:
            if item.prefill is None or item.name not in answers:
                continue
            value = answers[item.name]
            if item.prefill in FACT_SOURCES:
                source = FACT_SOURCES[item.prefill]
                prefilled[item.name] = {"source": source, "value": value, "display": str(value)}
            else:
                label = {"ka": str(value), "en": str(value)}
                prefilled[item.name] = {
                    "source": "registry",
                    "options": [{"value": value, "label": label}],
                }
    return prefilled


@pytest.mark.parametrize(
    ("path", "registries_answer", "lang"),
    [(path, True, "ka") for path in SAMPLE_FILES] + [(path, False, "en") for path in SAMPLE_FILES],
    ids=lambda value: value.stem if isinstance(value, Path) else str(value),
)
def test_sample_answers_pass_the_engine_page_by_page(
    path: Path, registries_answer: bool, lang: str
) -> None:
    schema = _schema(path.stem)
    sample = _load(path)
    assert sample["person"] in DEMO_PERSONS
    expected: dict[str, Any] = dict(sample["answers"])
    unknown = set(expected) - {item.name for page in schema.pages for item in page.fields}
    assert not unknown, f"answers to no field: {unknown}"
    needs_file = set(sample.get("needs_file") or [])
    files = {name: [f"attachment-{name}"] for name in needs_file}
    expected.update(files)
    prefilled = _prefilled(schema, expected) if registries_answer else None
    facts = set(prefilled or {}) - {
        name for name, entry in (prefilled or {}).items() if "options" in entry
    }

    answers: dict[str, Any] = {}
    for page in schema.pages:
        if page.id not in {shown.id for shown in visible_pages(schema, answers, prefilled)}:
            continue
        raw: dict[str, Any] = {}
        for item in page.fields:
            if item.type != "file" and item.name in expected:
                raw.update(_raw(item, item.name, expected[item.name]))
        result = clean_page(
            schema,
            page.id,
            raw,
            answers=answers,
            prefilled=prefilled,
            today=TODAY,
            lang=lang,
            files=files,
        )
        assert not result.stay, page.id
        assert result.errors == {}, f"page {page.id}: {result.errors}"
        answers.update(result.cleaned)

    assert answers == {name: value for name, value in expected.items() if name not in facts}
    assert check_rules(schema, answers, TODAY, lang, prefilled) == []


def test_a_rule_of_a_service_form_catches_dates_in_the_wrong_order() -> None:
    schema = _schema("mortgage-registration")
    answers = dict(_load(SAMPLES_DIR / "mortgage-registration.yaml")["answers"])
    answers["end_date"] = "2026-01-10"  # before the agreement was signed

    broken = check_rules(schema, answers, TODAY, "en")

    assert broken == [
        ("term", "end_date", "The repayment date must be after the date the agreement was signed")
    ]
