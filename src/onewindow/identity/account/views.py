"""The account pages: profile, active sessions, login and security history, terms of use,
signing out, and the idle warning's two JSON endpoints.

Every page is the signed-in person's own: objects are looked up through their account
(`_own_session`), so someone else's id is a 404.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.identity import audit, services
from onewindow.identity.middleware import mark_active, session_times, sign_in_url
from onewindow.identity.models import (
    Account,
    AuditEvent,
    PortalSession,
    SignInMethod,
    TermsAcceptance,
    TermsVersion,
)
from onewindow.identity.roles import GROUP_ROLES, roles_of
from onewindow.identity.steps import Step, complete_step, current_terms

from . import history as history_words
from . import terms as terms_text
from .decorators import own_account
from .forms import AcceptTermsForm
from .useragent import browser_label

HISTORY_PAGE_SIZE = 20


def optional_url(name: str) -> str:
    """The URL of a page another part of the identity room provides, or "" until it does."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _account(request: HttpRequest) -> Account:
    account = request.user
    assert isinstance(account, Account)  # noqa: S101 (own_account: signed in)
    return account


def _method(request: HttpRequest) -> str:
    return str(request.session.get(services.METHOD_SESSION_KEY, ""))


def _has_totp(account: Account) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(TOTPDevice.objects.filter(user=account, confirmed=True).exists())


@require_safe
@own_account
def profile(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    method = _method(request)
    password_account = account.has_usable_password()
    roles = sorted(str(role) for role in roles_of(account) if role in GROUP_ROLES)
    return render(
        request,
        "identity/account/profile.html",
        {
            "account": account,
            "method_label": dict(SignInMethod.choices).get(method, ""),
            "id_card_session": method == SignInMethod.ID_CARD,
            "password_account": password_account,
            "totp_enabled": password_account and _has_totp(account),
            "totp_url": optional_url("identity:totp-enrol"),
            "password_change_url": optional_url("identity:password-change")
            if password_account
            else "",
            "roles": roles,
        },
    )


def _active_sessions(account: Account) -> Any:
    now = timezone.now()
    return PortalSession.objects.filter(
        account=account,
        ended_at__isnull=True,
        created_at__gt=now - timedelta(seconds=settings.SESSION_MAX_SECONDS),
        # `last_seen_at` is refreshed once a minute: a minute's grace.
        last_seen_at__gt=now - timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60),
    ).order_by("-last_seen_at", "-id")


@require_safe
@own_account
def sessions(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    current_key = request.session.session_key
    rows = [
        {
            "session": session,
            "current": session.session_key == current_key,
            "browser": browser_label(session.user_agent) if session.user_agent else "",
        }
        for session in _active_sessions(account)
    ]
    rows.sort(key=lambda row: not row["current"])
    return render(request, "identity/account/sessions.html", {"rows": rows})


@require_POST
@own_account
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request)
    portal_session = PortalSession.objects.filter(
        pk=pk, account=account, ended_at__isnull=True
    ).first()
    if portal_session is None:
        raise Http404
    if portal_session.session_key == request.session.session_key:
        services.sign_out(request, PortalSession.EndReason.SIGNED_OUT)
        return HttpResponseRedirect(reverse("identity:signed-out"))
    services.end_session(
        portal_session, PortalSession.EndReason.ENDED_BY_PERSON, request=request, actor=account
    )
    messages.success(
        request,
        _("You ended the session of %(browser)s.")
        % {"browser": browser_label(portal_session.user_agent)},
    )
    return HttpResponseRedirect(reverse("identity:sessions"))


@require_safe
@own_account
def history(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    logins = Paginator(history_words.login_attempts(account), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("logins")
    )
    events = Paginator(history_words.security_events(account), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("events")
    )
    return render(
        request,
        "identity/account/history.html",
        {
            "logins": logins,
            "login_entries": history_words.login_entries(logins.object_list),
            "events": events,
            "security_entries": history_words.security_entries(events.object_list, account),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@own_account
def accept_terms(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    terms = current_terms()
    if terms is None or TermsAcceptance.objects.filter(account=account, terms=terms).exists():
        return HttpResponseRedirect(complete_step(request, Step.ACCEPT_TERMS))
    form = AcceptTermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _record_acceptance(request, account, terms)
        return HttpResponseRedirect(complete_step(request, Step.ACCEPT_TERMS))
    language = get_language() or settings.LANGUAGE_CODE
    earlier = TermsVersion.objects.filter(
        published_at__isnull=False, version__lt=terms.version
    ).exists()
    return render(
        request,
        "identity/account/accept_terms.html",
        {
            "terms": terms,
            "blocks": terms_text.blocks(terms_text.body(terms, language), language),
            "summary": terms_text.summary(terms, language) if earlier else "",
            "form": form,
            "errors": form.error_list(),
        },
    )


@transaction.atomic
def _record_acceptance(request: HttpRequest, account: Account, terms: TermsVersion) -> None:
    if TermsAcceptance.objects.filter(account=account, terms=terms).exists():
        return
    TermsAcceptance.objects.create(
        account=account,
        terms=terms,
        ip_address=audit.client_ip(request),
        user_agent=services.user_agent(request),
    )
    audit.record(
        AuditEvent.Kind.TERMS_ACCEPTED,
        actor=account,
        subject=account,
        request=request,
        data={"version": terms.version},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.sign_out(request, PortalSession.EndReason.SIGNED_OUT)
    return HttpResponseRedirect(reverse("identity:signed-out"))


@require_safe
@never_cache
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/account/signed_out.html")


def _status(request: HttpRequest) -> JsonResponse:
    times = session_times(request.session)
    remaining = times.remaining(time.time())
    warning = settings.SESSION_IDLE_WARNING_SECONDS
    return JsonResponse(
        {
            "remaining": remaining,
            "warning_at": max(0, remaining - warning),
            "warning_seconds": warning,
            "ends": str(times.reason),
            "extendable": times.reason == PortalSession.EndReason.IDLE,
        }
    )


def _signed_out_json() -> JsonResponse:
    return JsonResponse({"signed_out": True, "redirect": sign_in_url()}, status=401)


@require_safe
@never_cache
def session_status(request: HttpRequest) -> HttpResponse:
    """How long the session has left. Asking is not activity: it does not extend it."""
    if not request.user.is_authenticated:
        return _signed_out_json()
    return _status(request)


@require_POST
@never_cache
def session_extend(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": the person is active now."""
    if not request.user.is_authenticated:
        return _signed_out_json()
    mark_active(request, time.time())
    return _status(request)
