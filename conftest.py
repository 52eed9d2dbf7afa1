"""Test-wide setup: a fresh in-memory catalogue for each test, checked on every request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# The sandbox agencies as a session fixture (`sandbox`), for every test tree.
pytest_plugins = ["tests.sandbox_process"]


@pytest.fixture(autouse=True)
def _fresh_catalog_copy(request: pytest.FixtureRequest) -> Iterator[None]:
    if not request.config.pluginmanager.hasplugin("django"):
        # The search engine's tests run without Django too (`-p no:django`).
        yield
        return
    from onewindow.catalog.selectors import catalog_forget

    settings: Any = request.getfixturevalue("settings")
    settings.CATALOG_REFRESH_SECONDS = 0
    catalog_forget()
    yield
    catalog_forget()
