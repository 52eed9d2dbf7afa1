"""Agency staff accounts: the "agency-staff" role, a password and an authenticator app, and
a membership of one agency's back-office as clerk, supervisor or head
(`manage.py create_staff`). The account itself is made by `identity.staffaccounts`,
shared with the Public Service Hall operators."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from onewindow.catalog.models import Agency
from onewindow.identity.models import Account
from onewindow.identity.roles import Role
from onewindow.identity.staffaccounts import (
    StaffAccount,
    staff_account_write,
    totp_key_check,
    username_check,
)

from .models import StaffMembership


@dataclass(frozen=True, kw_only=True)
class StaffCredentials(StaffAccount):
    """The account (with its authenticator key) and the agency membership."""

    membership: StaffMembership


class StaffError(ValueError):
    pass


@transaction.atomic
def staff_create(
    *,
    username: str,
    agency_code: str,
    role: str,
    password: str,
    totp_key_hex: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> StaffCredentials:
    """Create the staff member, or update an existing one (password, names, app, role).
    Checked in this order, nothing written on a refusal: username, role, agency, TOTP key."""
    username_check(username, StaffError)
    if role not in StaffMembership.Role.values:
        raise StaffError(f"The role is one of: {', '.join(StaffMembership.Role.values)}.")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise StaffError(f"There is no agency with the code {agency_code!r}.")
    totp_key_check(totp_key_hex, StaffError)
    staff = staff_account_write(
        username=username,
        password=password,
        role=Role.AGENCY_STAFF,
        totp_key_hex=totp_key_hex,
        first_name=first_name,
        last_name=last_name,
    )
    membership, _ = StaffMembership.objects.update_or_create(
        account=staff.account, agency=agency, defaults={"role": role, "is_active": True}
    )
    return StaffCredentials(
        account=staff.account,
        created=staff.created,
        totp_key_hex=staff.totp_key_hex,
        membership=membership,
    )


@transaction.atomic
def staff_membership_add(account: Account, *, agency_code: str, role: str) -> StaffMembership:
    """One more agency's back-office for an existing staff member (no new password or
    authenticator: `manage.py create_staff --agency all` hashes the password once)."""
    if role not in StaffMembership.Role.values:
        raise StaffError(f"The role is one of: {', '.join(StaffMembership.Role.values)}.")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise StaffError(f"There is no agency with the code {agency_code!r}.")
    membership, _ = StaffMembership.objects.update_or_create(
        account=account, agency=agency, defaults={"role": role, "is_active": True}
    )
    return membership
