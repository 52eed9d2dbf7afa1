"""The security audit log: append-only and hash-chained.

`record()` is the only writer. Each entry's hash is SHA-256 over the previous entry's hash
and the entry's own fields in a canonical JSON form, so changing, removing or inserting an
entry anywhere breaks every link after it; `verify_chain()` (and `manage.py verify_audit`)
walks the chain and reports the first entry whose link does not hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from .models import Account, AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the portal sees it (the reverse proxy sets REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def actor_label(account: Account | None) -> str:
    """How an actor is named in the log at the time of the event."""
    if account is None:
        return ""
    name = f"{account.first_name} {account.last_name}".strip() or account.get_username()
    if account.personal_number:
        return f"{name} ({account.personal_number})"
    hall = f", {account.service_hall}" if account.service_hall else ""
    return f"{name} [{account.get_username()}{hall}]"


def entry_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "kind": event.kind,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "subject": event.subject_id,
        "ip": event.ip_address,
        "data": event.data,
    }


def record(
    kind: AuditEvent.Kind | str,
    *,
    actor: Account | None = None,
    subject: Account | None = None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one security event to the chain (in its own transaction, or the caller's)."""
    with transaction.atomic():
        # The UPDATE takes the write lock first (a row lock on PostgreSQL, the database
        # lock on SQLite): writers queue here, each reading the head the last one left.
        if not AuditHead.objects.filter(pk=1).update(last_id=F("last_id")):
            AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
            AuditHead.objects.filter(pk=1).update(last_id=F("last_id"))
        head = AuditHead.objects.select_for_update().get(pk=1)
        event = AuditEvent(
            id=head.last_id + 1,
            at=timezone.now(),
            kind=str(kind),
            actor=actor,
            actor_label=actor_label(actor),
            subject=subject,
            ip_address=client_ip(request),
            data=data or {},
            previous_hash=head.last_hash,
        )
        event.entry_hash = entry_hash(head.last_hash, _hashed_fields(event))
        event.save()
        AuditHead.objects.filter(pk=1).update(last_id=event.pk, last_hash=event.entry_hash)
    return event


@dataclass(frozen=True)
class BrokenLink:
    """The first entry at which the chain does not hold, and why."""

    event_id: int
    reason: str


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def verify_chain() -> tuple[int, BrokenLink | None]:
    """Walk the whole chain: (entries checked, the first broken link or None)."""
    previous_hash = GENESIS_HASH
    expected_id = 1
    checked = 0
    for event in _events():
        if event.pk != expected_id:
            return checked, BrokenLink(expected_id, f"entry {expected_id} is missing")
        if event.previous_hash != previous_hash:
            return checked, BrokenLink(event.pk, "previous hash does not match")
        if event.entry_hash != entry_hash(previous_hash, _hashed_fields(event)):
            return checked, BrokenLink(event.pk, "entry was changed after it was written")
        previous_hash = event.entry_hash
        expected_id += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous_hash:
        return checked, BrokenLink(expected_id, "entries after the last one were removed")
    return checked, None
