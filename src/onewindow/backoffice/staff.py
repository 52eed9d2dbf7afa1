"""Agency staff accounts: the "agency-staff" role, a password and an authenticator app, and
a membership of one agency's back-office as clerk, supervisor or head
(`manage.py create_staff`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from onewindow.catalog.models import Agency
from onewindow.identity.roles import Role
from onewindow.identity.staffaccounts import AccountSetupError, StaffAccount, staff_account_ensure

from .models import StaffMembership


@dataclass(frozen=True)
class StaffCredentials(StaffAccount):
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
    """Create the staff member, or update an existing one (password, names, app, role)."""
    if role not in StaffMembership.Role.values:
        raise StaffError(f"The role is one of: {', '.join(StaffMembership.Role.values)}.")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise StaffError(f"There is no agency with the code {agency_code!r}.")
    try:
        staff = staff_account_ensure(
            username=username, password=password, role=Role.AGENCY_STAFF,
            totp_key_hex=totp_key_hex, first_name=first_name, last_name=last_name,
        )  # fmt: skip
    except AccountSetupError as error:
        raise StaffError(str(error)) from error
    membership, _ = StaffMembership.objects.update_or_create(
        account=staff.account, agency=agency, defaults={"role": role, "is_active": True}
    )
    return StaffCredentials(
        account=staff.account,
        created=staff.created,
        totp_key_hex=staff.totp_key_hex,
        membership=membership,
    )
