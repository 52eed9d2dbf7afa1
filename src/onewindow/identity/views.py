"""The sign-in page: both ways in on one page (each part is its method's include)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .steps import next_url, safe_next


@require_safe
def sign_in_page(request: HttpRequest) -> HttpResponse:
    next_path = safe_next(request, request.GET.get("next"))
    # Signed in already: on to where the person was going, unless they are asked to
    # prove it is them again (re-authentication with the ID card).
    if request.user.is_authenticated and request.GET.get("reauth") != "1":
        return HttpResponseRedirect(next_path or next_url(request))
    return render(
        request,
        "identity/sign_in.html",
        {"next": next_path or "", "cardagent_url": settings.CARDAGENT_URL},
    )
