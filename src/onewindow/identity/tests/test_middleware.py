"""PortalSessionMiddleware: idle and longest session time, bounded writes, the idle
warning's endpoints, and who may open the admin."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.identity import services
from onewindow.identity.models import Account, AuditEvent, PortalSession, SignInMethod

from .helpers import make_account, session_key, session_store, shift_session, sign_in

pytestmark = pytest.mark.django_db


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]


def test_an_idle_session_ends_and_the_person_is_told_why(client: Client, nino: Account) -> None:
    sign_in(client, nino)
    key = session_key(client)
    shift_session(client, idle=15 * 60)
    response = client.get("/en/account/history/?events=2")
    assert response.status_code == 302
    assert response["Location"] == "/en/sign-in/?next=%2Fen%2Faccount%2Fhistory%2F%3Fevents%3D2"
    assert not session_store().exists(key)
    portal_session = PortalSession.objects.get(session_key=key)
    assert portal_session.end_reason == PortalSession.EndReason.IDLE
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SESSION_ENDED).get()
    assert event.actor is None and event.data["reason"] == "idle"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you were inactive for 15 minutes." in page
    # The old cookie is worth nothing now.
    assert client.get("/en/account/").status_code == 302


def test_a_session_ends_after_the_longest_time_even_when_active(
    client: Client, nino: Account
) -> None:
    sign_in(client, nino)
    shift_session(client, since_sign_in=12 * 3600)
    response = client.get("/en/account/", follow=True)
    assert response.redirect_chain[0][0] == "/en/sign-in/?next=%2Fen%2Faccount%2F"
    assert "You were signed out because you had been signed in for 12 hours." in (
        response.content.decode()
    )
    assert PortalSession.objects.get().end_reason == PortalSession.EndReason.EXPIRED


def test_a_json_request_after_the_end_gets_401(client: Client, nino: Account) -> None:
    sign_in(client, nino)
    shift_session(client, idle=16 * 60)
    response = client.get("/en/account/session/status")
    assert response.status_code == 401
    assert response.json()["signed_out"] is True
    assert response.json()["redirect"] == "/en/sign-in/"


def test_activity_is_written_at_most_once_a_minute(client: Client, nino: Account) -> None:
    sign_in(client, nino)
    client.get("/en/account/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/account/").status_code == 200
    assert _writes(queries) == []  # within the minute: no write at all

    shift_session(client, idle=61)
    before = PortalSession.objects.get().last_seen_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/account/").status_code == 200
    writes = _writes(queries)
    assert len([sql for sql in writes if "identity_portalsession" in sql]) == 1
    assert len([sql for sql in writes if "django_session" in sql]) == 1
    assert len(writes) == 2
    assert PortalSession.objects.get().last_seen_at > before
    assert time.time() - session_store(session_key(client))[services.LAST_SEEN_SESSION_KEY] < 5


def test_asking_how_long_is_left_does_not_extend_the_session(
    client: Client, nino: Account, settings: object
) -> None:
    sign_in(client, nino)
    shift_session(client, idle=10 * 60)
    store = session_store(session_key(client))
    last_seen = store[services.LAST_SEEN_SESSION_KEY]
    status = client.get("/en/account/session/status").json()
    assert 295 <= status["remaining"] <= 300
    assert status["warning_at"] == status["remaining"] - 120
    assert status["extendable"] is True and status["ends"] == "idle"
    store = session_store(session_key(client))
    assert store[services.LAST_SEEN_SESSION_KEY] == last_seen

    extended = client.post("/en/account/session/extend").json()
    assert extended["remaining"] >= 15 * 60 - 2
    store = session_store(session_key(client))
    assert store[services.LAST_SEEN_SESSION_KEY] > last_seen


def test_extend_needs_a_post_with_a_csrf_token(nino: Account) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, nino)
    assert client.get("/en/account/session/extend").status_code == 405
    assert client.post("/en/account/session/extend").status_code == 403


def test_extending_cannot_pass_the_longest_time(client: Client, nino: Account) -> None:
    sign_in(client, nino)
    shift_session(client, since_sign_in=12 * 3600 - 100)
    status = client.post("/en/account/session/extend").json()
    assert status["ends"] == "expired" and status["extendable"] is False
    assert status["remaining"] <= 100


def test_a_session_from_before_these_rules_starts_its_clock_now(
    client: Client, nino: Account
) -> None:
    store = session_store()
    store[SESSION_KEY] = str(nino.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = nino.get_session_auth_hash()
    store.create()
    client.cookies["sessionid"] = store.session_key or ""
    assert client.get("/en/account/").status_code == 200
    status = client.get("/en/account/session/status").json()
    assert status["remaining"] >= 15 * 60 - 2


def test_anonymous_status_is_401(client: Client) -> None:
    assert client.get("/en/account/session/status").status_code == 401


def _staff(username: str) -> Account:
    return make_account(username, is_staff=True, is_superuser=True, password="a long password 1")


def test_the_admin_login_page_is_the_portals_sign_in(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/identity/")
    assert response.status_code == 302
    assert response["Location"] == "/ka/sign-in/?next=%2Fadmin%2Fidentity%2F"
    assert client.get("/admin/")["Location"] == "/ka/sign-in/?next=%2Fadmin%2F"


def test_the_admin_refuses_a_password_session_without_a_second_factor(client: Client) -> None:
    staff = _staff("admin1")
    sign_in(client, staff, SignInMethod.PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "signed in with two factors" in response.content.decode()


def test_the_admin_admits_password_and_totp(client: Client) -> None:
    staff = _staff("admin2")
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    sign_in(client, staff, SignInMethod.PASSWORD, otp_device=device)
    assert client.get("/admin/").status_code == 200


def test_the_admin_admits_an_id_card_session_of_staff_only(client: Client, nino: Account) -> None:
    staff = _staff("admin3")
    sign_in(client, staff, SignInMethod.ID_CARD)
    assert client.get("/admin/identity/auditevent/").status_code == 200
    other = Client()
    sign_in(other, nino, SignInMethod.ID_CARD)
    assert other.get("/admin/").status_code == 403


def test_signing_out_of_the_admin_ends_the_portal_session(client: Client) -> None:
    staff = _staff("admin4")
    sign_in(client, staff, SignInMethod.ID_CARD)
    key = session_key(client)
    response = client.post("/admin/logout/")
    assert response["Location"] == "/ka/account/signed-out/"
    assert not session_store().exists(key)
    assert PortalSession.objects.get().end_reason == PortalSession.EndReason.SIGNED_OUT
