"""Agency staff accounts: the "agency-staff" role, a password and an authenticator app, and
a membership of one agency's back-office as clerk, supervisor or head
(`manage.py create_staff`)."""

from __future__ import annotations

import binascii
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.catalog.models import Agency
from onewindow.identity.hall.services import USERNAME
from onewindow.identity.models import Account
from onewindow.identity.password.services import TOTP_DEVICE_NAME
from onewindow.identity.roles import Role

from .models import StaffMembership


@dataclass(frozen=True)
class StaffCredentials:
    account: Account
    membership: StaffMembership
    created: bool
    totp_key_hex: str

    @property
    def totp_key_base32(self) -> str:
        return b32encode(binascii.unhexlify(self.totp_key_hex)).decode()


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
    if not USERNAME.match(username):
        raise StaffError(
            "A username has 3 to 30 characters: small Latin letters, digits, dots, hyphens."
        )
    if role not in StaffMembership.Role.values:
        raise StaffError(f"The role is one of: {', '.join(StaffMembership.Role.values)}.")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise StaffError(f"There is no agency with the code {agency_code!r}.")
    if totp_key_hex is not None:
        try:
            key = binascii.unhexlify(totp_key_hex)
        except (binascii.Error, ValueError) as error:
            raise StaffError("The TOTP secret must be hexadecimal.") from error
        if len(key) < 10:
            raise StaffError("The TOTP secret must be at least 10 bytes (20 hex digits).")
    account, created = Account.objects.get_or_create(username=username)
    account.set_password(password)
    account.first_name = first_name or account.first_name
    account.last_name = last_name or account.last_name
    account.must_change_password = False
    account.is_active = True
    account.save()
    group, _ = Group.objects.get_or_create(name=Role.AGENCY_STAFF.value)
    account.groups.add(group)  # audited as a role change (identity/signals.py)
    membership, _ = StaffMembership.objects.update_or_create(
        account=account, agency=agency, defaults={"role": role, "is_active": True}
    )
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    options = {"key": totp_key_hex.lower()} if totp_key_hex else {}
    device = TOTPDevice.objects.create(
        user=account, name=TOTP_DEVICE_NAME, confirmed=True, **options
    )
    return StaffCredentials(
        account=account, membership=membership, created=created, totp_key_hex=device.key
    )
