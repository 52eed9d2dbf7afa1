"""Signing a person in to the running portal without any back door in the portal.

Until ID-card login exists, a test creates the account and a logged-in session itself: a
short Python program, run with the portal's own environment (its database and secret
key), does what `django.contrib.auth.login` stores in a session and prints the session
key; the test gives the browser that cookie.
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
import json, sys
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model,
)
person = json.loads(sys.argv[1])
account, _ = get_user_model().objects.update_or_create(
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
session.create()
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
