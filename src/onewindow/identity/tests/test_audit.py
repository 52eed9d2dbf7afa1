"""The hash-chained audit log: what `record()` writes and what `verify_audit` finds when an
entry is changed, removed or slipped in (the append-only triggers are dropped inside the
test's transaction, as an attacker with database access would)."""

from __future__ import annotations

import itertools
import threading

from django.core.management import CommandError, call_command
from django.db import connection

import pytest

from onewindow.identity import audit
from onewindow.identity.models import Account, AuditEvent, AuditHead
from onewindow.identity.tests.helpers import make_account

pytestmark = pytest.mark.django_db


def _drop_append_only_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DROP TRIGGER IF EXISTS identity_auditevent_append_only ON identity_auditevent"
            )
        else:
            cursor.execute("DROP TRIGGER IF EXISTS identity_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS identity_auditevent_no_delete")


def _five_events(nino: Account) -> list[AuditEvent]:
    return [
        audit.record(AuditEvent.Kind.SIGN_IN, actor=nino, subject=nino, data={"n": n})
        for n in range(5)
    ]


def test_each_entry_links_to_the_one_before(nino: Account) -> None:
    events = _five_events(nino)
    assert [event.pk for event in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == audit.GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.previous_hash == before.entry_hash
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (5, events[-1].entry_hash)
    assert events[0].actor_label == "Nino Beridze (01001012345)"


def test_an_operator_is_named_with_their_hall(nino: Account) -> None:
    operator = make_account("eka", first_name="Eka", last_name="Lomidze", service_hall="Tbilisi")
    event = audit.record(AuditEvent.Kind.OPERATOR_LOOKUP, actor=operator, subject=nino)
    assert event.actor_label == "Eka Lomidze [eka, Tbilisi]"


def test_verify_audit_reports_an_intact_chain(
    nino: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    _five_events(nino)
    call_command("verify_audit")
    assert "Audit chain intact: 5 entries verified." in capsys.readouterr().out


def test_the_database_refuses_to_change_an_entry(nino: Account) -> None:
    _five_events(nino)
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE identity_auditevent SET kind = 'x' WHERE id = 2")


def test_verify_audit_finds_a_changed_entry(nino: Account) -> None:
    _five_events(nino)
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE identity_auditevent SET actor_label = 'someone else' WHERE id = 3")
    with pytest.raises(CommandError, match="broken at entry 3: entry was changed"):
        call_command("verify_audit")


def test_verify_audit_finds_a_removed_entry(nino: Account) -> None:
    _five_events(nino)
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM identity_auditevent WHERE id = 2")
    with pytest.raises(CommandError, match="broken at entry 2: entry 2 is missing"):
        call_command("verify_audit")


def test_verify_audit_finds_removed_last_entries(nino: Account) -> None:
    _five_events(nino)
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM identity_auditevent WHERE id >= 4")
    with pytest.raises(CommandError, match="broken at entry 4: entries after the last one"):
        call_command("verify_audit")


def test_verify_audit_finds_an_entry_slipped_in(nino: Account) -> None:
    events = _five_events(nino)
    _drop_append_only_triggers()
    # Make room after entry 2 and insert a forged entry 3 whose own link is right.
    with connection.cursor() as cursor:
        for old_id in (5, 4, 3):
            cursor.execute(
                "UPDATE identity_auditevent SET id = %s WHERE id = %s", [old_id + 1, old_id]
            )
    forged = AuditEvent(
        id=3, at=events[2].at, kind=AuditEvent.Kind.ROLE_CHANGED, subject=nino,
        data={"before": [], "after": ["administrator"]}, previous_hash=events[1].entry_hash,
    )  # fmt: skip
    forged.entry_hash = audit.entry_hash(events[1].entry_hash, audit._hashed_fields(forged))
    forged.save(force_insert=True)
    checked, broken = audit.verify_chain()
    assert checked == 3
    assert broken == audit.BrokenLink(4, "previous hash does not match")
    with pytest.raises(CommandError, match="broken at entry 4"):
        call_command("verify_audit")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (runs in CI's PostgreSQL pass: DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain() -> None:
    account = make_account("concurrent", "01001099999")
    errors: list[BaseException] = []

    def write(thread: int) -> None:
        try:
            for n in range(15):
                audit.record(AuditEvent.Kind.SIGN_IN, subject=account, data={"t": thread, "n": n})
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(t,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit.verify_chain() == (90, None)
    assert AuditEvent.objects.count() == 90
