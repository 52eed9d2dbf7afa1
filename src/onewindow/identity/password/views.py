"""Password sign-in views (see docs/identity.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when an account or address is locked out."""
    return HttpResponse(status=429)
