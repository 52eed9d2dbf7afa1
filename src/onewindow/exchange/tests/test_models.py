"""The logs are append-only: no code path, and no SQL, changes or deletes an entry."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

import pytest

from onewindow.exchange.errors import AppendOnlyViolation
from onewindow.exchange.models import DataAccess, MessageLog

pytestmark = pytest.mark.django_db


def an_access() -> DataAccess:
    return DataAccess.objects.create(
        personal_number="01001012345",
        accessed_at=timezone.now(),
        asker_kind="person",
        asker="person:01001012345",
        purpose="self-view",
        agency="civil-registry",
        operation="address",
        source="portal",
    )


def a_message() -> MessageLog:
    return MessageLog.objects.create(
        direction="out",
        kind="request",
        peer="civil-registry",
        operation="address",
        request_id="r",
        occurred_at=timezone.now(),
    )


@pytest.mark.parametrize("make", [an_access, a_message])
def test_the_orm_refuses_changes_and_deletions(make: object) -> None:
    entry = make()  # type: ignore[operator]
    model = type(entry)
    entry.request_id = "changed"
    with pytest.raises(AppendOnlyViolation):
        entry.save()
    with pytest.raises(AppendOnlyViolation):
        entry.delete()
    with pytest.raises(AppendOnlyViolation):
        model.objects.filter(pk=entry.pk).update(request_id="changed")
    with pytest.raises(AppendOnlyViolation):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyViolation):
        model.objects.bulk_update([entry], ["request_id"])
    assert model.objects.get(pk=entry.pk).request_id != "changed"


def test_saving_a_copy_with_an_existing_primary_key_does_not_overwrite() -> None:
    entry = an_access()
    copy = DataAccess.objects.get(pk=entry.pk)
    copy._state.adding = True
    copy.purpose = "prefill"
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()  # an INSERT with a taken key, never an UPDATE
    assert DataAccess.objects.get(pk=entry.pk).purpose == "self-view"


RAW = {
    "exchange_dataaccess": (
        "UPDATE exchange_dataaccess SET request_id = 'x'",
        "DELETE FROM exchange_dataaccess",
        "SELECT count(*), max(request_id) FROM exchange_dataaccess",
    ),
    "exchange_messagelog": (
        "UPDATE exchange_messagelog SET request_id = 'x'",
        "DELETE FROM exchange_messagelog",
        "SELECT count(*), max(request_id) FROM exchange_messagelog",
    ),
}


@pytest.mark.parametrize(
    ("make", "table"),
    [(an_access, "exchange_dataaccess"), (a_message, "exchange_messagelog")],
)
def test_the_database_refuses_raw_updates_and_deletes(make: object, table: str) -> None:
    entry = make()  # type: ignore[operator]
    update, delete, count = RAW[table]
    for statement in (update, delete):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(count)
        assert cursor.fetchone() == (1, entry.request_id)
