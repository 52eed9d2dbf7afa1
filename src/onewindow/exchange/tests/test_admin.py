"""The logs in the admin: listed and shown, never added, changed or deleted."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

import pytest

from onewindow.exchange.models import DataAccess, MessageLog

pytestmark = pytest.mark.django_db


def test_the_logs_are_read_only_in_the_admin(admin_client: Client) -> None:
    message = MessageLog.objects.create(
        direction="in",
        kind="response",
        peer="revenue",
        operation="tax-debts",
        request_id="3f1c2a7e-9b4d-4c8e-a1f0-6d2b5e7c9a10",
        occurred_at=timezone.now(),
        body='{"data": "ბ"}'.encode(),
    )
    access = DataAccess.objects.create(
        personal_number="01001012345",
        accessed_at=timezone.now(),
        asker_kind="person",
        asker="person:01001012345",
        purpose="self-view",
        agency="revenue",
        operation="tax-debts",
        source="portal",
    )
    for model, entry in (("messagelog", message), ("dataaccess", access)):
        base = f"/admin/exchange/{model}/"
        assert admin_client.get(base).status_code == 200
        page = admin_client.get(f"{base}{entry.pk}/change/")
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        assert admin_client.get(f"{base}add/").status_code == 403
        assert admin_client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        "ბ" in admin_client.get(f"/admin/exchange/messagelog/{message.pk}/change/").content.decode()
    )
    assert MessageLog.objects.count() == DataAccess.objects.count() == 1
