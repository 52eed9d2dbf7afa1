"""Session rules on every request: outstanding sign-in steps first; idle and longest
session time (PortalSessionMiddleware, see docs/identity.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .steps import ALWAYS_ALLOWED, STEP_URL_NAMES, Step, pending_steps


class PortalSessionMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without activity or SESSION_MAX_SECONDS
    after sign-in, and keeps `PortalSession.last_seen_at` current (at most once a minute).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


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
        if view_name in allowed or view_name.startswith("admin:"):
            return None
        return HttpResponseRedirect(reverse(STEP_URL_NAMES[Step(steps[0])]))
