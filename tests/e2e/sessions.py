"""Signing a person in to the running portal without any back door in the portal.

A test creates the account and a signed-in session itself: a short Python program, run
with the portal's own environment (its database and secret key), stores what an ID-card
sign-in stores (`django.contrib.auth.login`'s keys and the portal's `ow_*` keys, terms
already accepted, no steps left), records the `PortalSession`, and prints the session key;
the test gives the browser that cookie.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext

ROOT = Path(__file__).resolve().parents[2]

_PROGRAM = """
import json, sys, time
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model,
)
person = json.loads(sys.argv[1])
# The person's account if one exists already (other tests may have made it under
# another username), else the named one.
Account = get_user_model()
account = (
    Account.objects.filter(personal_number=person["personal_number"]).first()
    if person["personal_number"]
    else None
)
if account is None:
    account, _ = Account.objects.update_or_create(
        username=person["username"],
        defaults={
            "personal_number": person["personal_number"],
            "first_name": person["first_name"],
            "last_name": person["last_name"],
        },
    )
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = account._meta.pk.value_to_string(account)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = account.get_session_auth_hash()
now = time.time()
session["ow_method"] = "id-card"
session["ow_signed_in_at"] = session["ow_last_seen"] = session["ow_reauth_at"] = now
session["ow_steps"] = []
session.create()
from onewindow.identity.models import PortalSession
PortalSession.objects.create(
    account=account, session_key=session.session_key, method="id-card",
    ip_address="127.0.0.1", user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
)
print(session.session_key)
"""


def signed_in_session(
    env: dict[str, str],
    *,
    username: str,
    personal_number: str | None,
    first_name: str = "",
    last_name: str = "",
) -> str:
    """A new session key of the account (created if needed) in the portal's database."""
    person = {
        "username": username,
        "personal_number": personal_number,
        "first_name": first_name,
        "last_name": last_name,
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROGRAM, json.dumps(person)],
        env={**env, "DJANGO_SETTINGS_MODULE": "onewindow.config.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip().splitlines()[-1]


def sign_in(context: BrowserContext, portal_url: str, session_key: str) -> None:
    """Give the browser the session cookie, as the portal would after a sign-in."""
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": session_key,
                "domain": urlsplit(portal_url).hostname or "127.0.0.1",
                "path": "/",
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
