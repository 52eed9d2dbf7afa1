"""Session rules on every request: outstanding sign-in steps first; idle and longest
session time (PortalSessionMiddleware, see docs/identity.md)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .models import PortalSession, SignInMethod
from .steps import ALWAYS_ALLOWED, STEP_URL_NAMES, Step, pending_steps

# `ow_last_seen` and `PortalSession.last_seen_at` are written at most this often, so a
# busy session costs no extra writes on most requests.
REFRESH_SECONDS = 60
# Requests that are not activity: the idle warning asking how long is left.
NOT_ACTIVITY = frozenset({"identity:session-status"})
JSON_VIEWS = frozenset({"identity:session-status", "identity:session-extend"})
_ENDED_ATTRIBUTE = "_ow_session_ended"


@dataclass(frozen=True)
class SessionTimes:
    """When a signed-in session ends (epoch seconds) and why it will end then."""

    ends_at: float
    reason: PortalSession.EndReason  # IDLE or EXPIRED

    def remaining(self, now: float) -> int:
        return max(0, int(self.ends_at - now))


def session_times(session: SessionBase) -> SessionTimes:
    idle_end = float(session[services.LAST_SEEN_SESSION_KEY]) + settings.SESSION_IDLE_SECONDS
    max_end = float(session[services.SIGNED_IN_AT_SESSION_KEY]) + settings.SESSION_MAX_SECONDS
    if max_end <= idle_end:
        return SessionTimes(max_end, PortalSession.EndReason.EXPIRED)
    return SessionTimes(idle_end, PortalSession.EndReason.IDLE)


def mark_active(request: HttpRequest, now: float) -> None:
    """The person is active now: the session's clock and their "last active" time."""
    request.session[services.LAST_SEEN_SESSION_KEY] = now
    if key := request.session.session_key:
        PortalSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            last_seen_at=timezone.now()
        )


def _duration(seconds: int) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def signed_out_message(reason: str) -> str:
    if reason == PortalSession.EndReason.EXPIRED:
        return _("You were signed out because you had been signed in for %(time)s.") % {
            "time": _duration(settings.SESSION_MAX_SECONDS)
        }
    return _("You were signed out because you were inactive for %(time)s.") % {
        "time": _duration(settings.SESSION_IDLE_SECONDS)
    }


def sign_in_url(next_path: str | None = None) -> str:
    url = reverse("identity:sign-in")
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def has_second_factor(request: HttpRequest) -> bool:
    """Was this session signed in with two factors: an ID card (card + PIN), or a password
    and a TOTP code (django-otp verified)?"""
    method = request.session.get(services.METHOD_SESSION_KEY)
    if method == SignInMethod.ID_CARD:
        return True
    is_verified = getattr(request.user, "is_verified", None)
    return method == SignInMethod.PASSWORD and callable(is_verified) and bool(is_verified())


class PortalSessionMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without activity or SESSION_MAX_SECONDS
    after sign-in, and keeps `PortalSession.last_seen_at` current (at most once a minute).

    The end is decided before any view runs (so the request is anonymous from then on);
    the answer is chosen once the view is known: an HTML page leads to the sign-in page
    with `next` and a message, the session's JSON endpoints get 401. The admin is only for
    staff whose session was signed in with two factors; its own login page is the portal's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            if services.SIGNED_IN_AT_SESSION_KEY not in session:
                # A session made before these rules: its clock starts now.
                session[services.SIGNED_IN_AT_SESSION_KEY] = now
                session[services.LAST_SEEN_SESSION_KEY] = now
            elif services.LAST_SEEN_SESSION_KEY not in session:
                session[services.LAST_SEEN_SESSION_KEY] = now
            times = session_times(session)
            if times.remaining(now) <= 0:
                services.sign_out(request, times.reason)
                setattr(request, _ENDED_ATTRIBUTE, times.reason)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match else ""
        ended = getattr(request, _ENDED_ATTRIBUTE, None)
        if ended is not None:
            return self._ended(request, view_name, ended)
        if view_name.startswith("admin:"):
            return self._admin(request, view_name)
        if request.user.is_authenticated and view_name not in NOT_ACTIVITY:
            now = time.time()
            last_seen = float(request.session[services.LAST_SEEN_SESSION_KEY])
            if now - last_seen >= REFRESH_SECONDS:
                mark_active(request, now)
        return None

    def _ended(self, request: HttpRequest, view_name: str, reason: str) -> HttpResponse | None:
        message = signed_out_message(reason)
        if view_name in JSON_VIEWS or "application/json" in request.headers.get("Accept", ""):
            messages.warning(request, message)
            return JsonResponse(
                {"signed_out": True, "reason": reason, "message": message,
                 "redirect": sign_in_url()},
                status=401,
            )  # fmt: skip
        messages.warning(request, message)
        if view_name == "identity:sign-in":
            return None  # the sign-in page itself: show it, with the message
        next_path = request.get_full_path() if request.method in ("GET", "HEAD") else None
        return HttpResponseRedirect(sign_in_url(next_path))

    def _admin(self, request: HttpRequest, view_name: str) -> HttpResponse | None:
        if view_name == "admin:login":
            # No password-only admin login: the portal's sign-in, then back to the admin.
            next_path = request.GET.get("next") or reverse("admin:index")
            return HttpResponseRedirect(sign_in_url(next_path))
        if not request.user.is_authenticated:
            return HttpResponseRedirect(sign_in_url(request.get_full_path()))
        if view_name == "admin:logout":
            if request.method != "POST":
                return None  # the admin answers 405
            services.sign_out(request, PortalSession.EndReason.SIGNED_OUT)
            return HttpResponseRedirect(reverse("identity:signed-out"))
        if not request.user.is_staff or not has_second_factor(request):
            return render(request, "identity/account/admin_refused.html", status=403)
        return None


class LoginStepsMiddleware:
    """A signed-in session with steps left (new password, second factor, terms of use)
    reaches only those steps and signing out; everything else leads to the next step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        steps = pending_steps(request)
        if not steps:
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        allowed = ALWAYS_ALLOWED | {STEP_URL_NAMES[Step(step)] for step in steps}
        if view_name in allowed:
            return None
        return HttpResponseRedirect(reverse(STEP_URL_NAMES[Step(steps[0])]))
