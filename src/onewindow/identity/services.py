"""Signing in and out: the one place every sign-in method ends (ID card, password + TOTP,
an operator's initial password), so that each gets the same new session, records and
steps."""

from __future__ import annotations

import time

from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.utils import timezone

from . import audit
from .models import Account, AuditEvent, PortalSession, SignInAttempt, SignInMethod
from .steps import NEXT_SESSION_KEY, STEPS_SESSION_KEY, next_url, outstanding_steps, safe_next

# Session keys (all prefixed ow_): how and when the person signed in, when they were last
# active, and when they last proved it was them (for re-authentication).
METHOD_SESSION_KEY = "ow_method"
SIGNED_IN_AT_SESSION_KEY = "ow_signed_in_at"
LAST_SEEN_SESSION_KEY = "ow_last_seen"
REAUTH_AT_SESSION_KEY = "ow_reauth_at"

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def sign_in(
    request: HttpRequest,
    account: Account,
    *,
    method: SignInMethod,
    next_path: str | None = None,
    otp_device: object | None = None,
) -> str:
    """Start a new session for `account` (a new session id), record it, and return the URL
    to go to: the first outstanding step (new password, second factor, terms) or `next`."""
    login(request, account, backend=_BACKEND)  # cycles the session key
    if otp_device is not None:
        from django_otp import login as otp_login

        otp_login(request, otp_device)
    now = time.time()
    session = request.session
    session[METHOD_SESSION_KEY] = str(method)
    session[SIGNED_IN_AT_SESSION_KEY] = now
    session[LAST_SEEN_SESSION_KEY] = now
    session[REAUTH_AT_SESSION_KEY] = now
    session[STEPS_SESSION_KEY] = [str(step) for step in outstanding_steps(account, method)]
    if safe := safe_next(request, next_path):
        session[NEXT_SESSION_KEY] = safe
    session.save()
    ip = audit.client_ip(request)
    PortalSession.objects.create(
        account=account,
        session_key=session.session_key or "",
        method=method,
        ip_address=ip,
        user_agent=user_agent(request),
    )
    SignInAttempt.objects.create(
        account=account,
        method=method,
        outcome=SignInAttempt.Outcome.SUCCESS,
        ip_address=ip,
        user_agent=user_agent(request),
    )
    audit.record(
        AuditEvent.Kind.SIGN_IN,
        actor=account,
        subject=account,
        request=request,
        data={"method": str(method)},
    )
    return next_url(request)


def record_failure(
    request: HttpRequest,
    *,
    method: SignInMethod,
    reason: str,
    account: Account | None = None,
    locked_out: bool = False,
) -> None:
    """A refused sign-in: in the login history (of the account, if known) and the audit."""
    SignInAttempt.objects.create(
        account=account,
        method=method,
        outcome=SignInAttempt.Outcome.LOCKED_OUT if locked_out else SignInAttempt.Outcome.FAILURE,
        reason=reason[:60],
        ip_address=audit.client_ip(request),
        user_agent=user_agent(request),
    )
    audit.record(
        AuditEvent.Kind.LOCKED_OUT if locked_out else AuditEvent.Kind.SIGN_IN_FAILED,
        subject=account,
        request=request,
        data={"method": str(method), "reason": reason},
    )


def end_session(
    portal_session: PortalSession,
    reason: PortalSession.EndReason,
    *,
    request: HttpRequest | None = None,
    actor: Account | None = None,
) -> None:
    """End a session on the server: delete it from the session store and record why."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.delete(portal_session.session_key)
    if portal_session.ended_at is None:
        portal_session.ended_at = timezone.now()
        portal_session.end_reason = reason
        portal_session.save(update_fields=["ended_at", "end_reason"])
    audit.record(
        AuditEvent.Kind.SIGNED_OUT
        if reason == PortalSession.EndReason.SIGNED_OUT
        else AuditEvent.Kind.SESSION_ENDED,
        actor=actor,
        subject=portal_session.account,
        request=request,
        data={"reason": str(reason), "session": portal_session.pk},
    )


def sign_out(request: HttpRequest, reason: PortalSession.EndReason) -> None:
    """End the request's own session (sign-out, idle, longest time) and forget the user."""
    account = request.user if request.user.is_authenticated else None
    key = request.session.session_key
    if key:
        portal_session = PortalSession.objects.filter(session_key=key).first()
        if portal_session is not None:
            actor = account if reason == PortalSession.EndReason.SIGNED_OUT else None
            end_session(portal_session, reason, request=request, actor=actor)
    logout(request)
