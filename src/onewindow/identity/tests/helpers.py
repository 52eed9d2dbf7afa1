"""Signing a test client in the way every sign-in method ends: `services.sign_in()` with a
real session (no `force_login`), so the session carries the portal's keys and a
`PortalSession` row, and the middleware treats it like any other."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client, RequestFactory
from django.utils import translation

from onewindow.identity import services
from onewindow.identity.models import Account, SignInMethod, TermsAcceptance
from onewindow.identity.steps import current_terms

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def session_store(key: str | None = None) -> SessionBase:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store


def accept_current_terms(account: Account) -> None:
    terms = current_terms()
    if terms is not None and not TermsAcceptance.objects.filter(account=account, terms=terms):
        TermsAcceptance.objects.create(account=account, terms=terms)


def make_account(username: str, personal_number: str | None = None, **fields: Any) -> Account:
    return Account.objects.create_user(
        username=username, password=fields.pop("password", None),
        personal_number=personal_number, **fields,
    )  # fmt: skip


def sign_in(
    client: Client,
    account: Account,
    method: SignInMethod = SignInMethod.ID_CARD,
    *,
    otp_device: object | None = None,
    accept_terms: bool = True,
    ip: str = "203.0.113.5",
    user_agent: str = CHROME_LINUX,
) -> str:
    """Sign `account` in on `client` (a new session); returns where sign-in leads."""
    if accept_terms:
        accept_current_terms(account)
    request = RequestFactory().get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent)
    request.session = session_store()
    request.user = AnonymousUser()
    with translation.override("ka"):  # as if the sign-in page was in Georgian
        url = services.sign_in(request, account, method=method, otp_device=otp_device)
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key or ""
    return url


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def shift_session(client: Client, *, idle: float = 0, since_sign_in: float = 0) -> None:
    """Move the session's clock back: as if the person had been idle for `idle` seconds
    and signed in `since_sign_in` seconds ago (in addition)."""
    store = session_store(session_key(client))
    store[services.LAST_SEEN_SESSION_KEY] = float(store[services.LAST_SEEN_SESSION_KEY]) - idle
    store[services.SIGNED_IN_AT_SESSION_KEY] = (
        float(store[services.SIGNED_IN_AT_SESSION_KEY]) - since_sign_in
    )
    store.save()
