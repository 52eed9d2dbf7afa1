"""A service's `signature: required|optional|none` (docs/catalog-format.md): loaded into
`Service.signature`, refused when it is anything else, and set in the real catalogue for
the services whose applications must be signed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onewindow.catalog.loader import CatalogFileError, read_catalog
from onewindow.catalog.models import Service
from onewindow.catalog.services import catalog_load_directory

SMALL = Path(__file__).parent / "fixtures" / "small"
REAL = Path(__file__).resolve().parents[4] / "catalog"


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(SMALL, target)
    return target


def _set_signature(catalog_dir: Path, value: str) -> None:
    path = catalog_dir / "services" / "registry.yaml"
    text = path.read_text()
    assert "provider: napr" in text
    path.write_text(text.replace("provider: napr", f"provider: napr\n  signature: {value}", 1))


@pytest.mark.django_db
def test_a_declared_signature_is_loaded_and_the_default_is_none(catalog_dir: Path) -> None:
    catalog_load_directory(directory=catalog_dir)
    assert set(Service.objects.values_list("signature", flat=True)) == {"none"}

    _set_signature(catalog_dir, "required")
    catalog_load_directory(directory=catalog_dir)
    assert Service.objects.filter(signature="required").count() == 1


@pytest.mark.django_db
def test_an_unknown_signature_value_is_refused(catalog_dir: Path) -> None:
    _set_signature(catalog_dir, "sometimes")
    with pytest.raises(CatalogFileError) as caught:
        catalog_load_directory(directory=catalog_dir)
    assert "field 'signature': must be one of: required, optional, none" in str(caught.value)
    assert not Service.objects.exists()


def test_the_real_catalogue_asks_signatures_of_the_signed_services() -> None:
    signatures = {service.code: service.signature for service in read_catalog(REAL).services}
    assert signatures["mortgage-registration"] == "required"
    assert signatures["construction-permit"] == "required"
    assert signatures["correspondence-public-agencies"] == "optional"
    assert signatures["address-change"] == "none"
