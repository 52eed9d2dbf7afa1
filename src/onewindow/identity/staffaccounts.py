"""Accounts of staff who sign in with a password and an authenticator app: Public Service
Hall operators (`hall/operators.py`, `manage.py create_operator`) and agency staff
(`backoffice/staff.py`, `manage.py create_staff`).

The checks and the write are separate on purpose: each caller checks its whole input in
its own order, with its own error type (the username first, then what only it knows —
the hall, or the role and the agency — then the authenticator key), and writes nothing
until everything is valid. `staff_account_write` assumes those checks passed.
"""

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

TOTP_KEY_MIN_BYTES = 10


@dataclass(frozen=True)
class StaffAccount:
    account: Account
    created: bool
    totp_key_hex: str

    @property
    def totp_key_base32(self) -> str:
        return b32encode(binascii.unhexlify(self.totp_key_hex)).decode()


def username_check(username: str, refused: type[Exception]) -> None:
    """Raise `refused` (the caller's error) if `username` cannot be a staff username."""
    if not USERNAME.match(username):
        raise refused(
            "A username has 3 to 30 characters: small Latin letters, digits, dots, hyphens."
        )


def totp_key_check(totp_key_hex: str | None, refused: type[Exception]) -> None:
    """Raise `refused` if `totp_key_hex` cannot be an authenticator key (None: a new key)."""
    if totp_key_hex is None:
        return
    try:
        key = binascii.unhexlify(totp_key_hex)
    except (binascii.Error, ValueError) as error:
        raise refused("The TOTP secret must be hexadecimal.") from error
    if len(key) < TOTP_KEY_MIN_BYTES:
        raise refused("The TOTP secret must be at least 10 bytes (20 hex digits).")


@transaction.atomic
def staff_account_write(
    *,
    username: str,
    password: str,
    role: Role,
    totp_key_hex: str | None = None,
    first_name: str = "",
    last_name: str = "",
    service_hall: str | None = None,
) -> StaffAccount:
    """Create the account, or update an existing one: password, names (kept when not
    given), `service_hall` (when given), the role's group, and a new confirmed
    authenticator app with `totp_key_hex` or a new key, replacing any earlier app and
    backup codes. The input must have passed `username_check` and `totp_key_check`."""
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
