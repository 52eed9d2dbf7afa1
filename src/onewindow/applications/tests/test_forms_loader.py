"""Loading `catalog/forms/<service-code>.yaml` into Service.form: good forms load, bad ones
are refused naming the file and the place, and nothing of the catalogue changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from onewindow.applications.forms.schema import parse_form
from onewindow.catalog.loader import CatalogFileError
from onewindow.catalog.models import Service
from onewindow.catalog.services import catalog_load_directory

CATALOG_TESTS = Path(__file__).resolve().parents[2] / "catalog" / "tests" / "fixtures" / "small"
REAL = Path(__file__).resolve().parents[4] / "catalog"

GOOD_FORM = """\
kind: application
pages:
  - id: purpose
    fields:
      - name: purpose
        type: radio
        label: {ka: "რისთვის გჭირდებათ?", en: "What do you need it for?"}
        options:
          - {value: bank, label: {ka: ბანკი, en: A bank}}
          - {value: court, label: {ka: სასამართლო, en: A court}}
  - id: when
    fields:
      - name: needed_by
        type: date
        not_before: 2026-01-01
        label: {ka: როდის, en: When do you need it by}
"""


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_TESTS, target)
    (target / "forms").mkdir()
    return target


def write_form(catalog_dir: Path, code: str, text: str) -> None:
    (catalog_dir / "forms" / f"{code}.yaml").write_text(text, encoding="utf-8")


@pytest.mark.django_db
def test_a_good_form_loads_into_its_service_and_reloading_changes_nothing(
    catalog_dir: Path,
) -> None:
    write_form(catalog_dir, "registry-extract", GOOD_FORM)
    catalog_load_directory(directory=catalog_dir)
    service = Service.objects.get(code="registry-extract")
    assert service.form is not None
    schema = parse_form(service.form)
    assert [page.id for page in schema.pages] == ["purpose", "when"]
    assert service.form["pages"][1]["fields"][0]["not_before"] == "2026-01-01"  # JSON text
    assert Service.objects.get(code="real-estate").form is None

    assert not catalog_load_directory(directory=catalog_dir).changed

    write_form(catalog_dir, "registry-extract", GOOD_FORM.replace("A court", "A judge"))
    report = catalog_load_directory(directory=catalog_dir)
    assert report.updated == {"services": 1}
    assert "A judge" in str(Service.objects.get(code="registry-extract").form)

    (catalog_dir / "forms" / "registry-extract.yaml").unlink()
    catalog_load_directory(directory=catalog_dir)
    assert Service.objects.get(code="registry-extract").form is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "text", "problem"),
    [
        (
            "registry-extract",
            GOOD_FORM.replace("type: radio", "type: radios"),
            "catalog/forms/registry-extract.yaml: entry pages[0]: field "
            "'fields[0].type': must be one of",
        ),
        (
            "registry-extract",
            GOOD_FORM.replace("{value: court", "{value: bank"),
            "catalog/forms/registry-extract.yaml: entry pages[0]: field "
            "'fields[0].options[1].value': 'bank' is used twice",
        ),
        (
            "registry-extract",
            GOOD_FORM.replace("kind: application", "kind: petition"),
            "catalog/forms/registry-extract.yaml: entry form: field 'kind': must be one of",
        ),
        (
            "registry-extract",
            "pages: [unclosed",
            "catalog/forms/registry-extract.yaml: entry -: field '-': is not valid YAML",
        ),
        (
            "real-estate",
            GOOD_FORM,
            "catalog/forms/real-estate.yaml: entry -: field '-': 'real-estate' is not a "
            "functional service",
        ),
        (
            "no-such-service",
            GOOD_FORM,
            "catalog/forms/no-such-service.yaml: entry -: field '-': names no service",
        ),
    ],
)
def test_a_bad_form_is_refused_naming_the_file_and_place_and_nothing_changes(
    catalog_dir: Path, code: str, text: str, problem: str
) -> None:
    write_form(catalog_dir, "registry-extract", GOOD_FORM)
    catalog_load_directory(directory=catalog_dir)
    before = list(Service.objects.values_list("code", "form", "content_hash"))

    write_form(catalog_dir, code, text)
    with pytest.raises(CatalogFileError) as raised:
        catalog_load_directory(directory=catalog_dir)
    assert problem in str(raised.value)
    assert list(Service.objects.values_list("code", "form", "content_hash")) == before


def test_the_example_form_of_the_real_catalogue_is_valid() -> None:
    services = yaml.safe_load((REAL / "services" / "correspondence.yaml").read_text())
    service = next(item for item in services if item["code"] == "public-information-request")
    assert service["kind"] == "functional"
    form = yaml.safe_load((REAL / "forms" / "public-information-request.yaml").read_text())
    schema = parse_form(form)
    assert schema.kind == "public-information" and schema.addressee == "chosen"
    assert schema.field("postal_address").prefill == "registered-address"
    assert [rule.check for rule in schema.rules] == ["after_field"]
