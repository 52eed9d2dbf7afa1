"""The portal's own content pages and its error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language


def content_page(request: HttpRequest, name: str) -> HttpResponse:
    """Long prose pages are written whole in each language: pages/<name>_<language>.html."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return render(request, f"pages/{name}_{language}.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: whatever failed may fail again in a context processor.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
