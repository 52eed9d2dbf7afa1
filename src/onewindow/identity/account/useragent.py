"""A readable name for a browser, such as "Chrome on Linux", from its User-Agent header."""

from __future__ import annotations

from django.utils.translation import gettext as _

# (marker in the header, name): the first match wins, so Edge and Opera (which also say
# "Chrome") come before Chrome, and Chrome (which also says "Safari") before Safari.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def _first(header: str, table: tuple[tuple[str, str], ...]) -> str:
    return next((name for marker, name in table if marker in header), "")


def browser_label(header: str) -> str:
    browser, system = _first(header, _BROWSERS), _first(header, _SYSTEMS)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")
