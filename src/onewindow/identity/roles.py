"""Roles: what an account may do besides being a citizen.

A citizen is any account with a personal number. The other roles are Django groups of
the same names, so an administrator grants them in the admin (and every change is
audited): Public Service Hall operator, agency staff, portal administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Account


class Role(StrEnum):
    CITIZEN = "citizen"
    OPERATOR = "operator"
    AGENCY_STAFF = "agency-staff"
    ADMINISTRATOR = "administrator"


GROUP_ROLES = (Role.OPERATOR, Role.AGENCY_STAFF, Role.ADMINISTRATOR)


def roles_of(account: Account) -> set[Role]:
    roles = {
        Role(name)
        for name in account.groups.values_list("name", flat=True)
        if name in set(GROUP_ROLES)
    }
    if account.personal_number:
        roles.add(Role.CITIZEN)
    if account.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return roles


def has_role(account: Any, role: Role) -> bool:
    if not getattr(account, "is_authenticated", False) or not account.is_active:
        return False
    if role is Role.CITIZEN:
        return bool(account.personal_number)
    if role is Role.ADMINISTRATOR and account.is_superuser:
        return True
    return bool(account.groups.filter(name=role.value).exists())


View = Callable[..., HttpResponse]


def role_required(role: Role) -> Callable[[View], View]:
    """A view only for accounts with `role` (others: sign in first, or 403)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator
