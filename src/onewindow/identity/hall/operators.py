"""Public Service Hall operators: accounts in the "operator" group, each with their hall and
an authenticator app (`manage.py create_operator`)."""

from __future__ import annotations

import binascii
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import Account
from ..password.services import TOTP_DEVICE_NAME
from ..roles import Role
from .services import USERNAME


@dataclass(frozen=True)
class OperatorCredentials:
    account: Account
    created: bool
    totp_key_hex: str

    @property
    def totp_key_base32(self) -> str:
        return b32encode(binascii.unhexlify(self.totp_key_hex)).decode()


class OperatorError(ValueError):
    pass


@transaction.atomic
def operator_create(
    *,
    username: str,
    hall: str,
    password: str,
    totp_key_hex: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> OperatorCredentials:
    """Create the operator, or update an existing one (password, hall, names, app)."""
    if not USERNAME.match(username):
        raise OperatorError(
            "A username has 3 to 30 characters: small Latin letters, digits, dots, hyphens."
        )
    if not hall.strip():
        raise OperatorError("Name the operator's Public Service Hall (--hall).")
    if totp_key_hex is not None:
        try:
            key = binascii.unhexlify(totp_key_hex)
        except (binascii.Error, ValueError) as error:
            raise OperatorError("The TOTP secret must be hexadecimal.") from error
        if len(key) < 10:
            raise OperatorError("The TOTP secret must be at least 10 bytes (20 hex digits).")
    account, created = Account.objects.get_or_create(username=username)
    account.set_password(password)
    account.service_hall = hall.strip()
    account.first_name = first_name or account.first_name
    account.last_name = last_name or account.last_name
    account.must_change_password = False
    account.is_active = True
    account.save()
    group, _ = Group.objects.get_or_create(name=Role.OPERATOR.value)
    account.groups.add(group)  # audited as a role change (identity/signals.py)
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    options = {"key": totp_key_hex.lower()} if totp_key_hex else {}
    device = TOTPDevice.objects.create(
        user=account, name=TOTP_DEVICE_NAME, confirmed=True, **options
    )
    return OperatorCredentials(account=account, created=created, totp_key_hex=device.key)
