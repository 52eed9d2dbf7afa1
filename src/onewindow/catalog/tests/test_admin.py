"""Editing the catalogue in the admin: the pages work and search follows the edits at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

import pytest

from onewindow.catalog.models import Service
from onewindow.catalog.selectors import catalog
from onewindow.catalog.services import catalog_load_directory

SMALL = Path(__file__).parent / "fixtures" / "small"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "x" * 16)
    client.force_login(user)
    # The admin admits only sessions signed in with two factors (here: an ID card).
    session = client.session
    session["ow_method"] = "id-card"
    session.save()
    catalog_load_directory(directory=SMALL)
    return client


@pytest.mark.parametrize("model", ["service", "category", "agency", "synonymgroup"])
def test_admin_lists_and_forms_open(admin_client: Client, model: str) -> None:
    assert admin_client.get(f"/admin/catalog/{model}/").status_code == 200
    assert admin_client.get(f"/admin/catalog/{model}/add/").status_code == 200


def test_an_edit_in_the_admin_reaches_search(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    service = Service.objects.get(code="real-estate")
    assert catalog().search("zebra") == []
    form = admin_client.get(f"/admin/catalog/service/{service.pk}/change/").context["adminform"]
    data = {
        name: value
        for name, value in form.form.initial.items()
        if value is not None and name != "categories"
    }
    data.update(
        {
            "title_en": "Zebra crossing permit",
            "provider": service.provider_id,
            "documents_ka": "[]",
            "documents_en": "[]",
            "steps_ka": '["შედით.", "ნახეთ."]',
            "steps_en": '["Sign in.", "Look."]',
            "keywords_ka": '["ბინა"]',
            "keywords_en": '["flat"]',
            "servicecategory_set-TOTAL_FORMS": "0",
            "servicecategory_set-INITIAL_FORMS": "0",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/catalog/service/{service.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    hits = catalog().search("zebra")
    assert [found.code for found, _hit in hits] == ["real-estate"]
