"""Test-wide setup: a fresh in-memory catalogue for each test, checked on every request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# Session fixtures for every test tree: the sandbox agencies (`sandbox`), the ID-card
# test PKI and its OCSP/CRL/TSA server, the demo cards and the card agent.
pytest_plugins = ["tests.sandbox_process", "tests.idpki_process", "tests.cardagent_process"]


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


@pytest.fixture(autouse=True)
def _english_unless_the_test_chooses(request: pytest.FixtureRequest) -> Iterator[None]:
    """Code outside a request speaks English in tests, whatever the test before it left
    active. A request to /en/… or /ka/… activates its language in the thread and leaves it
    there; a test that counted on the English an earlier one left passed or failed by the
    order xdist chose (CI met it). Georgian is tested with /ka/ URLs or
    `translation.override("ka")`; the portal's own default (LANGUAGE_CODE = "ka") with
    `translation.deactivate()`."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(request: pytest.FixtureRequest) -> None:
    """Uploaded files and made documents go to the test's own folder, not var/."""
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings: Any = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = str(request.getfixturevalue("tmp_path") / "files")


@pytest.fixture
def admin_client(client: Any, admin_user: Any) -> Any:
    """pytest-django's `admin_client`, signed in the way the admin requires: with two
    factors (an ID card), not a password alone."""
    client.force_login(admin_user)
    session = client.session
    session["ow_method"] = "id-card"
    session.save()
    return client
