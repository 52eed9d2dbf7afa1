"""Role changes made outside the admin (a shell, a data migration, another app's code)
are audited too: `role-changed` with the roles before and after and no known actor. The
admin records its own changes, with the administrator as actor, and mutes this."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from . import audit
from .models import Account, AuditEvent
from .roles import GROUP_ROLES, roles_of

_muted: ContextVar[bool] = ContextVar("ow_role_signal_muted", default=False)
# Roles before a change, by account id, between the pre_ and post_ signals.
_before: ContextVar[dict[int, list[str]] | None] = ContextVar("ow_roles_before", default=None)


@contextmanager
def role_signal_muted() -> Iterator[None]:
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _roles(account: Account) -> list[str]:
    return sorted(str(role) for role in roles_of(account) if role in GROUP_ROLES)


def _affected(instance: Any, reverse: bool, pk_set: set[int] | None) -> list[Account]:
    if not reverse:
        return [instance] if isinstance(instance, Account) else []
    # group.user_set.add(...): the accounts are in pk_set (all of the group's on clear).
    if pk_set is None:
        return list(Account.objects.filter(groups=instance))
    return list(Account.objects.filter(pk__in=pk_set))


@receiver(m2m_changed, sender=Account.groups.through)
def audit_role_change(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    model: Any,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if _muted.get():
        return
    if reverse and not (isinstance(instance, Group) and instance.name in set(GROUP_ROLES)):
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        accounts = _affected(instance, reverse, pk_set)
        _before.set({account.pk: _roles(account) for account in accounts})
    elif action in ("post_add", "post_remove", "post_clear"):
        before = _before.get() or {}
        _before.set(None)
        for account in Account.objects.filter(pk__in=before):
            after = _roles(account)
            if after != before[account.pk]:
                audit.record(
                    AuditEvent.Kind.ROLE_CHANGED,
                    subject=account,
                    data={"before": before[account.pk], "after": after},
                )
