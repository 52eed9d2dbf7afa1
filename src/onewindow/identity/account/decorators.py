"""Access rules of the account pages: signed in, and recently proved it is them."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from onewindow.identity.services import REAUTH_AT_SESSION_KEY

View = Callable[..., HttpResponse]


def own_account(view: View) -> View:
    """Signed-in people only (others go to the sign-in page and come back); the page is
    the signed-in person's own, and no browser or proxy keeps a copy."""
    return never_cache(login_required(view, login_url=reverse_lazy("identity:sign-in")))


def reauthenticated_recently(request: HttpRequest) -> bool:
    at = request.session.get(REAUTH_AT_SESSION_KEY)
    return at is not None and time.time() - float(at) < settings.REAUTH_SECONDS


def reauth_required(view: View) -> View:
    """The person proved it was them within REAUTH_SECONDS (at sign-in or on the `reauth`
    page); otherwise they do so first and come back to this page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not reauthenticated_recently(request):
            query = urlencode({"next": request.path})
            return HttpResponseRedirect(f"{reverse('identity:reauth')}?{query}")
        return view(request, *args, **kwargs)

    return own_account(wrapper)
