"""Test-wide setup: the test environment, and a fresh in-memory catalogue for each test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("ONEWINDOW_ENV", "test")
os.environ.setdefault("CATALOG_REFRESH_SECONDS", "0")


@pytest.fixture(autouse=True)
def _fresh_catalog_copy() -> Iterator[None]:
    from onewindow.catalog.selectors import catalog_forget

    catalog_forget()
    yield
    catalog_forget()
