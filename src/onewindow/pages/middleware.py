"""Language choice: the URL prefix decides; without one, the remembered choice or Georgian.

Django's LocaleMiddleware would also follow the browser's Accept-Language header; a
Georgian portal opens in Georgian unless the person chose English on the portal itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        language = translation.get_language_from_path(request.path_info)
        if not language:
            remembered = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            supported = {code for code, _name in settings.LANGUAGES}
            language = remembered if remembered in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        from_path = translation.get_language_from_path(request.path_info)
        if from_path and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != from_path:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                from_path,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite="Lax",
            )
        return response


class SynchronousChainMiddleware:
    """Keeps the middleware chain synchronous under ASGI (last in MIDDLEWARE).

    The portal's views are synchronous. Without a sync-only middleware innermost, Django
    runs every middleware in async mode and crosses to a worker thread and back for each
    one (some 40 crossings a request); with it, a request crosses once. `make bench`
    measured the hello view at about half the CPU time with this in place.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)
