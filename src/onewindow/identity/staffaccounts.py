"""Accounts of staff who sign in with a password and an authenticator app: Public Service
Hall operators (`manage.py create_operator`) and agency staff (`manage.py create_staff`)."""

from __future__ import annotations

import binascii
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .hall.services import USERNAME
from .models import Account
from .password.services import TOTP_DEVICE_NAME
from .roles import Role


class AccountSetupError(ValueError):
    pass


@dataclass(frozen=True)
class StaffAccount:
    account: Account
    created: bool
    totp_key_hex: str

    @property
    def totp_key_base32(self) -> str:
        return b32encode(binascii.unhexlify(self.totp_key_hex)).decode()


@transaction.atomic
def staff_account_ensure(
    *,
    username: str,
    password: str,
    role: Role,
    totp_key_hex: str | None = None,
    first_name: str = "",
    last_name: str = "",
    service_hall: str | None = None,
) -> StaffAccount:
    """Create the account, or update an existing one: password, names, the role's group
    and a new confirmed authenticator app (`totp_key_hex`, or a new key)."""
    if not USERNAME.match(username):
        raise AccountSetupError(
            "A username has 3 to 30 characters: small Latin letters, digits, dots, hyphens."
        )
    if totp_key_hex is not None:
        try:
            key = binascii.unhexlify(totp_key_hex)
        except (binascii.Error, ValueError) as error:
            raise AccountSetupError("The TOTP secret must be hexadecimal.") from error
        if len(key) < 10:
            raise AccountSetupError("The TOTP secret must be at least 10 bytes (20 hex digits).")
    account, created = Account.objects.get_or_create(username=username)
    account.set_password(password)
    if service_hall is not None:
        account.service_hall = service_hall
    account.first_name = first_name or account.first_name
    account.last_name = last_name or account.last_name
    account.must_change_password = False
    account.is_active = True
    account.save()
    group, _ = Group.objects.get_or_create(name=role.value)
    account.groups.add(group)  # audited as a role change (identity/signals.py)
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    options = {"key": totp_key_hex.lower()} if totp_key_hex else {}
    device = TOTPDevice.objects.create(
        user=account, name=TOTP_DEVICE_NAME, confirmed=True, **options
    )
    return StaffAccount(account=account, created=created, totp_key_hex=device.key)
