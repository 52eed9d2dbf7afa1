"""Loading the YAML catalogue: good files, idempotency, updates, and every kind of bad file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from onewindow.catalog.loader import CatalogFileError, read_catalog
from onewindow.catalog.models import Agency, CatalogState, Category, Service, SynonymGroup
from onewindow.catalog.services import catalog_load_directory

SMALL = Path(__file__).parent / "fixtures" / "small"
REAL = Path(__file__).resolve().parents[4] / "catalog"


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(SMALL, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def database_state() -> list[tuple[object, ...]]:
    return [
        *Category.objects.values_list("code", "title_en", "is_active", "content_hash"),
        *Agency.objects.values_list("code", "name_en", "is_active", "content_hash"),
        *Service.objects.values_list("code", "title_en", "is_active", "content_hash"),
        *SynonymGroup.objects.values_list("terms"),
    ]


@pytest.mark.django_db
def test_good_files_load_every_field(catalog_dir: Path) -> None:
    report = catalog_load_directory(directory=catalog_dir)

    assert report.created == {"categories": 2, "agencies": 1, "services": 2}
    extract = Service.objects.get(code="registry-extract")
    assert extract.title_ka == "ამონაწერის მომზადება"
    assert extract.fee_gel == Decimal("10.00")
    assert extract.fee_note_en == "20 GEL for express."
    assert extract.deadline_working_days == 1
    assert extract.documents_en == ["Identity card"]
    assert extract.provider.code == "napr"
    assert [c.code for c in extract.categories.order_by("servicecategory__position")] == [
        "business",
        "property",
    ]
    assert Service.objects.get(code="real-estate").fee_gel is None
    assert list(SynonymGroup.objects.values_list("terms", flat=True)) == [["extract", "ამონაწერი"]]


@pytest.mark.django_db
def test_loading_twice_changes_nothing(catalog_dir: Path) -> None:
    catalog_load_directory(directory=catalog_dir)
    before = database_state()
    version = CatalogState.objects.get().version

    report = catalog_load_directory(directory=catalog_dir)

    assert not report.changed
    assert str(report) == "The catalogue is up to date; nothing changed."
    assert database_state() == before
    assert CatalogState.objects.get().version == version


@pytest.mark.django_db
def test_a_changed_file_updates_its_services(catalog_dir: Path) -> None:
    catalog_load_directory(directory=catalog_dir)
    version = CatalogState.objects.get().version
    edit(catalog_dir / "services" / "registry.yaml", "en: Real estate}", "en: Your real estate}")

    report = catalog_load_directory(directory=catalog_dir)

    assert report.updated == {"services": 1}
    assert report.created == {}
    assert Service.objects.get(code="real-estate").title_en == "Your real estate"
    assert CatalogState.objects.get().version == version + 1


@pytest.mark.django_db
def test_a_removed_service_is_deactivated_not_deleted(catalog_dir: Path) -> None:
    catalog_load_directory(directory=catalog_dir)
    path = catalog_dir / "services" / "registry.yaml"
    path.write_text(path.read_text().split("- code: registry-extract")[0])

    report = catalog_load_directory(directory=catalog_dir)

    assert report.deactivated == {"services": 1}
    assert Service.objects.get(code="registry-extract").is_active is False


@pytest.mark.django_db
def test_generated_services_are_added_and_removed_on_request(catalog_dir: Path) -> None:
    catalog_load_directory(directory=catalog_dir, generate=30)
    assert Service.objects.filter(is_generated=True, is_active=True).count() == 30
    assert Service.objects.filter(is_active=True).count() == 32

    catalog_load_directory(directory=catalog_dir)
    assert Service.objects.filter(is_generated=True, is_active=True).count() == 0


BAD_FILES: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "invalid YAML",
        lambda d: (d / "categories.yaml").write_text("- code: [unclosed\n"),
        "catalog/categories.yaml: entry -: field '-': is not valid YAML",
    ),
    (
        "missing field",
        lambda d: edit(d / "services" / "registry.yaml", "  kind: informational\n", ""),
        "catalog/services/registry.yaml: entry #1 (real-estate): field 'kind': is required",
    ),
    (
        "missing English text",
        lambda d: edit(d / "services" / "registry.yaml", ", en: Real estate}", "}"),
        "catalog/services/registry.yaml: entry #1 (real-estate): field 'title.en': is missing",
    ),
    (
        "unknown agency",
        lambda d: edit(d / "services" / "registry.yaml", "provider: napr", "provider: nobody"),
        "entry #1 (real-estate): field 'provider': names an unknown agency 'nobody'",
    ),
    (
        "unknown category",
        lambda d: edit(d / "services" / "registry.yaml", "[property]", "[propery]"),
        "entry #1 (real-estate): field 'categories': names an unknown category 'propery'",
    ),
    (
        "duplicate code",
        lambda d: edit(
            d / "services" / "registry.yaml", "code: registry-extract", "code: real-estate"
        ),
        "entry #2 (real-estate): field 'code': is also used in catalog/services/registry.yaml",
    ),
    (
        "bad kind",
        lambda d: edit(d / "services" / "registry.yaml", "kind: functional", "kind: fun"),
        "entry #2 (registry-extract): field 'kind': must be one of: informational",
    ),
    (
        "bad fee",
        lambda d: edit(d / "services" / "registry.yaml", 'amount: "10"', 'amount: "ten"'),
        "entry #2 (registry-extract): field 'fee.amount': must be an amount in GEL",
    ),
    (
        "negative deadline",
        lambda d: edit(d / "services" / "registry.yaml", "deadline_days: 1", "deadline_days: -3"),
        "entry #2 (registry-extract): field 'deadline_days': must be a whole number",
    ),
    (
        "steps in one language only",
        lambda d: edit(d / "services" / "registry.yaml", "en: [Sign in., Look.]", "en: [Look.]"),
        "entry #1 (real-estate): field 'steps': must have as many Georgian as English items",
    ),
    (
        "unknown field",
        lambda d: edit(d / "services" / "registry.yaml", "  popularity: 10\n", "  populrity: 10\n"),
        "entry #1 (real-estate): field 'populrity': is not a known field",
    ),
    (
        "bad code",
        lambda d: edit(d / "categories.yaml", "code: business", "code: Business Things"),
        "categories.yaml: entry #2 (Business Things): field 'code': must be a lowercase slug",
    ),
    (
        "not a list",
        lambda d: (d / "synonyms.yaml").write_text("extract: ამონაწერი\n"),
        "catalog/synonyms.yaml: entry -: field '-': must be a list of entries",
    ),
    (
        "bad agency website",
        lambda d: edit(d / "agencies.yaml", "https://napr.gov.ge", "napr.gov.ge"),
        "catalog/agencies.yaml: entry #1 (napr): field 'website': must start with https://",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "damage", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_naming_file_entry_and_field_and_loads_nothing(
    catalog_dir: Path, name: str, damage: Callable[[Path], None], message: str
) -> None:
    catalog_load_directory(directory=catalog_dir)
    edit(catalog_dir / "services" / "registry.yaml", "you own.}", "you hold.}")
    before = database_state()
    damage(catalog_dir)

    with pytest.raises(CatalogFileError) as caught:
        catalog_load_directory(directory=catalog_dir)

    assert message in str(caught.value)
    # Nothing half-loaded: the valid change in the same load did not land either.
    assert database_state() == before


@pytest.mark.django_db
def test_the_command_reports_problems_and_exits_with_an_error(catalog_dir: Path) -> None:
    edit(catalog_dir / "services" / "registry.yaml", "provider: napr", "provider: nobody")

    with pytest.raises(CommandError) as caught:
        call_command("load_catalog", directory=catalog_dir)

    assert "The catalogue was not loaded: 1 problem(s) found." in str(caught.value)
    assert "names an unknown agency 'nobody'" in str(caught.value)
    assert not Service.objects.exists()


def test_the_real_catalogue_is_valid_and_names_every_service_of_the_sources() -> None:
    data = read_catalog(REAL)
    titles = {service.title.ka for service in data.services}
    seed = Path(__file__).resolve().parents[5] / "shared" / "seeds" / "000_e86c815e9ea55a35.txt"
    bullets = [
        line.strip().lstrip("•").strip().rstrip(";.").strip()
        for line in seed.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("•")
    ]
    assert len(bullets) >= 30
    category_titles = {category.title.ka for category in data.categories}
    missing = [b for b in bullets if b not in titles and b not in category_titles]
    assert missing == []
    assert len(data.services) >= 60
