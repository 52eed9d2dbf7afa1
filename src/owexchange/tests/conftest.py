"""A test PKI for the protocol's tests, and a second CA whose certificates nobody trusts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from owexchange import TrustStore
from owexchange.pki import ensure_test_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    ensure_test_pki(directory, ["portal", "civil-registry", "revenue"])
    # A certificate for "intruder" issued by another CA, dropped into the trusted folder.
    other = tmp_path_factory.mktemp("other-pki")
    ensure_test_pki(other, ["intruder", "civil-registry"])
    shutil.copy(other / "intruder.crt", directory / "intruder.crt")
    shutil.copy(other / "intruder.key", directory / "intruder.key")
    return directory


@pytest.fixture
def trust(pki: Path) -> TrustStore:
    return TrustStore.load(pki)
