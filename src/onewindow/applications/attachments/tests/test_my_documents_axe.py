"""axe-core on My documents as the server renders it, in both languages: both lists with a
sealed answer and extract, a search that finds some of each, and one that finds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

import pytest

from .conftest import World
from .test_accessibility import axe_violations
from .test_my_documents import answer, extract, registry, submitted


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_my_documents_has_no_axe_violations(client: Client, world: World, lang: str) -> None:
    napr = registry()
    answer(world)
    extract(world.citizen, napr, age=timedelta(days=1))
    submitted(world, "passport-scan.pdf")
    client.force_login(world.citizen)
    url = f"/{lang}/documents/"
    pages = [
        client.get(url).content.decode(),
        client.get(url, {"q": world.application.reference}).content.decode(),
        client.get(url, {"q": "nothing like this"}).content.decode(),
    ]
    assert all('data-issued="answer"' in page for page in pages[:2])
    assert 'role="status"' in pages[1] and 'id="documents-nothing-found"' in pages[2]
    assert axe_violations(pages) == []
