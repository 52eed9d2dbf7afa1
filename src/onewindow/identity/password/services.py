"""Writes of the password sign-in part: passwords, the authenticator app (TOTP) and
recovery codes. The Public Service Hall desk uses these too (`hall/services.py`)."""

from __future__ import annotations

import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit
from ..models import Account, AuditEvent, PortalSession
from ..services import end_session

TOTP_DEVICE_NAME = "authenticator app"
STATIC_DEVICE_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper and typed by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
INITIAL_PASSWORD_GROUPS = 4


def recovery_code_normalise(code: str) -> str:
    """A typed recovery code as it is stored: lower case, without spaces and hyphens."""
    return "".join(code.split()).replace("-", "").lower()


def recovery_code_display(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def initial_password_generate() -> str:
    """A one-time password to read off a slip and type: e.g. `k7mp-2xqa-9rtb-4hwn`."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def confirmed_totp_device(account: Account) -> TOTPDevice | None:
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=account, confirmed=True).order_by("-id").first()
    )
    return device


def totp_enrolment_device(*, account: Account) -> TOTPDevice:
    """The account's unconfirmed authenticator app being set up (made on first call)."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=account, confirmed=False).order_by("-id").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=account, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def second_factor_enrol(
    *, account: Account, device: TOTPDevice, request: HttpRequest | None = None
) -> list[str]:
    """The person proved the app works: it becomes their only authenticator app, and they
    get new recovery codes (returned once, to show; only StaticDevice keeps them)."""
    TOTPDevice.objects.filter(user=account).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(account)
    audit.record(
        AuditEvent.Kind.SECOND_FACTOR_ENROLLED,
        actor=account,
        subject=account,
        request=request,
        data={"device": "totp", "recovery_codes": len(codes)},
    )
    return codes


def _recovery_codes_replace(account: Account) -> list[str]:
    StaticDevice.objects.filter(user=account).delete()
    device = StaticDevice.objects.create(user=account, name=STATIC_DEVICE_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(account: Account) -> int:
    return int(StaticToken.objects.filter(device__user=account, device__confirmed=True).count())


@transaction.atomic
def second_factor_remove(
    *, account: Account, actor: Account, request: HttpRequest | None = None, why: str
) -> int:
    """Remove the authenticator app and recovery codes (a lost phone); the next sign-in
    has to set up a new app. Returns how many devices were removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        count, _ = model.objects.filter(user=account).delete()
        removed += int(count)
    audit.record(
        AuditEvent.Kind.SECOND_FACTOR_REMOVED,
        actor=actor,
        subject=account,
        request=request,
        data={"why": why},
    )
    return removed


def password_problems(password: str, account: Account) -> list[str]:
    """What is wrong with `password` as `account`'s new password (empty: nothing)."""
    try:
        password_validation.validate_password(password, user=account)
    except ValidationError as error:
        return [str(message) for message in error.messages]
    return []


@transaction.atomic
def password_change(*, account: Account, new_password: str, request: HttpRequest) -> None:
    """Set the person's own password (Argon2), end their other sessions, and record it.
    The caller keeps the current session valid (its auth hash changes with the password)."""
    was_initial = account.must_change_password
    account.set_password(new_password)
    account.must_change_password = False
    account.save(update_fields=["password", "must_change_password"])
    current = request.session.session_key or ""
    others = PortalSession.objects.filter(account=account, ended_at__isnull=True).exclude(
        session_key=current
    )
    for other in others:
        end_session(other, PortalSession.EndReason.PASSWORD_RESET, request=request, actor=account)
    audit.record(
        AuditEvent.Kind.PASSWORD_CHANGED,
        actor=account,
        subject=account,
        request=request,
        data={"initial": was_initial},
    )
