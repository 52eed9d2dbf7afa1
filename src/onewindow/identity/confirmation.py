"""Confirmation codes: prove a person reads an e-mail address or a mobile number.

`send_code()` makes a 6-digit code, keeps only its keyed hash, and sends it (e-mail over
SMTP, SMS through the provider); `check_code()` accepts it once, within 10 minutes and 5
tries. Codes belong to the session that asked for them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ConfirmationCode
from .sms import provider

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5


class CheckResult(StrEnum):
    CONFIRMED = "confirmed"
    WRONG = "wrong"
    EXPIRED = "expired"  # or never sent, or already used
    TOO_MANY = "too-many"


def _hash(code: str, destination: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{destination}:{code}".encode(), hashlib.sha256).hexdigest()


def _session_key(request: HttpRequest) -> str:
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key or ""


def send_code(request: HttpRequest, channel: ConfirmationCode.Channel, destination: str) -> None:
    """Send a new code (earlier unused codes for the same destination stop working).
    Raises `sms.SmsNotSent` or an SMTP error if it could not be sent."""
    code = f"{secrets.randbelow(10**6):06d}"
    session_key = _session_key(request)
    with transaction.atomic():
        ConfirmationCode.objects.filter(
            session_key=session_key, channel=channel, confirmed_at__isnull=True
        ).update(expires_at=timezone.now())
        ConfirmationCode.objects.create(
            channel=channel,
            destination=destination,
            session_key=session_key,
            code_hash=_hash(code, destination),
            expires_at=timezone.now() + CODE_LIFETIME,
        )
    portal = settings.PORTAL_NAME.get(request.LANGUAGE_CODE, settings.PORTAL_NAME["en"])
    if channel == ConfirmationCode.Channel.EMAIL:
        send_mail(
            _("Your %(portal)s confirmation code") % {"portal": portal},
            _(
                "Your confirmation code is %(code)s. It works for 10 minutes.\n\n"
                "If you did not ask for it, ignore this message."
            )
            % {"code": code},
            None,
            [destination],
        )
    else:
        provider().send(
            destination, _("%(portal)s code: %(code)s") % {"portal": portal, "code": code}
        )


def check_code(
    request: HttpRequest, channel: ConfirmationCode.Channel, destination: str, code: str
) -> CheckResult:
    session_key = _session_key(request)
    pending = (
        ConfirmationCode.objects.filter(
            session_key=session_key,
            channel=channel,
            destination=destination,
            confirmed_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
    if pending is None:
        return CheckResult.EXPIRED
    if pending.attempts >= MAX_ATTEMPTS:
        return CheckResult.TOO_MANY
    ConfirmationCode.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
    if not hmac.compare_digest(pending.code_hash, _hash(code.strip(), destination)):
        return CheckResult.TOO_MANY if pending.attempts + 1 >= MAX_ATTEMPTS else CheckResult.WRONG
    updated = ConfirmationCode.objects.filter(pk=pending.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    return CheckResult.CONFIRMED if updated else CheckResult.EXPIRED
