"""The login history and the security history in words (the `history` page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.identity.models import (
    Account,
    AuditEvent,
    PortalSession,
    SignInAttempt,
    SignInMethod,
)

from .useragent import browser_label

# Why a sign-in was refused, by reason code (services.record_failure; webeid.errors).
REASONS: dict[str, Promise] = {
    "wrong-password": gettext_lazy("wrong username or password"),
    "unknown-account": gettext_lazy("wrong username or password"),
    "wrong-code": gettext_lazy("wrong one-time code"),
    "code-reused": gettext_lazy("a one-time code was used twice"),
    "inactive": gettext_lazy("the account is blocked"),
    "locked-out": gettext_lazy("too many failed attempts"),
    "reauth-wrong-password": gettext_lazy("wrong password when confirming it was you"),
    "reauth-wrong-code": gettext_lazy("wrong one-time code when confirming it was you"),
    "revoked": gettext_lazy("the ID card's certificate is revoked"),
    "certificate-expired": gettext_lazy("the ID card's certificate has expired"),
    "certificate-not-yet-valid": gettext_lazy("the ID card's certificate is not valid yet"),
    "untrusted": gettext_lazy("the ID card was not issued by a trusted authority"),
    "ca-expired": gettext_lazy("the ID card was not issued by a trusted authority"),
    "ocsp-unavailable": gettext_lazy("the ID card's status could not be checked"),
    "bad-signature": gettext_lazy("the ID card's signature did not match"),
    "nonce-expired": gettext_lazy("the sign-in took too long"),
    "not-registered": gettext_lazy("the ID card is not registered yet"),
}
_INVALID_TOKEN = gettext_lazy("the ID card's answer could not be checked")


def reason_in_words(code: str) -> str:
    if not code:
        return ""
    return str(REASONS.get(code, _INVALID_TOKEN))


@dataclass(frozen=True)
class LoginEntry:
    at: datetime
    method: str
    outcome: str
    succeeded: bool
    reason: str
    address: str
    browser: str


def login_entries(attempts: Any) -> list[LoginEntry]:
    return [
        LoginEntry(
            at=attempt.at,
            method=attempt.get_method_display(),
            outcome=attempt.get_outcome_display(),
            succeeded=attempt.outcome == SignInAttempt.Outcome.SUCCESS,
            reason=reason_in_words(attempt.reason),
            address=attempt.ip_address or "",
            browser=browser_label(attempt.user_agent) if attempt.user_agent else "",
        )
        for attempt in attempts
    ]


def login_attempts(account: Account) -> QuerySet[SignInAttempt]:
    return SignInAttempt.objects.filter(account=account).order_by("-at", "-id")


def security_events(account: Account) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(subject=account).order_by("-id")


@dataclass(frozen=True)
class SecurityEntry:
    at: datetime
    what: str
    details: list[str]
    by: str


def _details(event: AuditEvent) -> list[str]:
    data = event.data or {}
    details = []
    if method := data.get("method"):
        labels = dict(SignInMethod.choices)
        details.append(_("method: %(method)s") % {"method": labels.get(method, method)})
    failed = (AuditEvent.Kind.SIGN_IN_FAILED, AuditEvent.Kind.LOCKED_OUT)
    if event.kind in failed and (reason := data.get("reason")):
        details.append(reason_in_words(str(reason)))
    if event.kind in (AuditEvent.Kind.SESSION_ENDED, AuditEvent.Kind.SIGNED_OUT):
        reasons = dict(PortalSession.EndReason.choices)
        if (reason := data.get("reason")) in reasons:
            details.append(str(reasons[reason]))
    if event.kind == AuditEvent.Kind.CONTACT_CHANGED:
        details.append(
            _("from %(old)s to %(new)s")
            % {"old": data.get("old") or "—", "new": data.get("new") or "—"}
        )
    if event.kind == AuditEvent.Kind.TERMS_ACCEPTED and (version := data.get("version")):
        details.append(_("version %(version)s") % {"version": version})
    if event.kind == AuditEvent.Kind.ROLE_CHANGED:
        before = ", ".join(data.get("before", [])) or "—"
        after = ", ".join(data.get("after", [])) or "—"
        details.append(_("from %(before)s to %(after)s") % {"before": before, "after": after})
    return details


def security_entries(events: Any, account: Account) -> list[SecurityEntry]:
    entries = []
    for event in events:
        if event.actor_id is None:
            by = _("the portal")
        elif event.actor_id == account.pk:
            by = _("you")
        else:
            by = event.actor_label or _("an administrator")
        entries.append(
            SecurityEntry(
                at=event.at, what=event.get_kind_display(), details=_details(event), by=by
            )
        )
    return entries
