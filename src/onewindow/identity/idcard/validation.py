"""The token validator as the portal configures it: trusted CAs, the OCSP responder and
the portal's origin, from settings (IDCARD_TRUSTED_CA_FILES, IDCARD_OCSP_URL,
IDCARD_OCSP_TIMEOUT_SECONDS, IDCARD_OCSP_CACHE_SECONDS, PORTAL_ORIGIN)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from onewindow.identity.webeid import (
    OcspChecker,
    TrustedCa,
    ValidatedCard,
    load_trusted_cas,
    validate_token,
)

# Built once per configuration and kept by the process: the CA files are read once, and
# the OCSP checker's cache of "good" answers lives as long as the process.
_lock = threading.Lock()
_cas: dict[tuple[str, ...], list[TrustedCa]] = {}
_checkers: dict[tuple[str, float, int], OcspChecker] = {}


def trusted_cas() -> list[TrustedCa]:
    files = tuple(str(path) for path in settings.IDCARD_TRUSTED_CA_FILES)
    with _lock:
        if files not in _cas:
            try:
                _cas[files] = load_trusted_cas(files)
            except (OSError, ValueError) as error:
                raise ImproperlyConfigured(
                    f"IDCARD_TRUSTED_CA_FILES could not be read ({files}): {error}"
                ) from error
        return _cas[files]


def ocsp_checker() -> OcspChecker:
    url = str(settings.IDCARD_OCSP_URL)
    if not url:
        raise ImproperlyConfigured(
            "IDCARD_OCSP_URL is empty: ID-card sign-in needs the OCSP responder's URL."
        )
    key = (
        url,
        float(settings.IDCARD_OCSP_TIMEOUT_SECONDS),
        int(settings.IDCARD_OCSP_CACHE_SECONDS),
    )
    with _lock:
        if key not in _checkers:
            _checkers[key] = OcspChecker(url, timeout=key[1], cache_seconds=key[2])
        return _checkers[key]


def validate(token: str, *, nonce: str) -> ValidatedCard:
    """Validate a Web eID token for this portal's origin; raises `TokenRejected`."""
    return validate_token(
        token,
        nonce=nonce,
        origin=str(settings.PORTAL_ORIGIN),
        trusted_cas=trusted_cas(),
        now=timezone.now(),
        ocsp=ocsp_checker(),
    )


def forget() -> None:
    """Drop the built configurations (tests that change the settings call it)."""
    with _lock:
        _cas.clear()
        for checker in _checkers.values():
            checker.close()
        _checkers.clear()
