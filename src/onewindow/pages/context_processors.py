"""Template context every page needs: portal name, language links, hreflang alternates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def _in_language(path: str, current: str, code: str) -> str:
    """The same page in another language. URL paths are not translated, only prefixed
    (/ka/…, /en/…), so swapping the prefix is enough — and works on a 404 page too."""
    prefix = f"/{current}/"
    if code == current or not path.startswith(prefix):
        return translate_url(path, code) if code != current else path
    return f"/{code}/" + path[len(prefix) :]


def portal(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    language_links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = _in_language(path, current, code)
        language_links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return {
        "portal_name": settings.PORTAL_NAME.get(current, settings.PORTAL_NAME["ka"]),
        "language_links": language_links,
        "other_languages": [link for link in language_links if not link["current"]],
        "support_email": settings.SUPPORT_EMAIL,
        "support_phone": settings.SUPPORT_PHONE,
    }
