"""Signing in with username, password and a code: errors, no username enumeration,
throttling by django-axes, TOTP with real codes, replay, recovery codes."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings as django_settings
from django.test import Client

import pytest
from axes.models import AccessAttempt

from onewindow.identity.models import Account, AuditEvent, PortalSession, SignInAttempt
from onewindow.identity.password import services as password_services
from onewindow.identity.password.views import PENDING_SESSION_KEY

from .conftest import (
    CSRF,
    PASSWORD,
    accept_current_terms,
    device_of,
    make_account,
    sign_in_post,
    text_of,
    totp_now,
)

pytestmark = pytest.mark.django_db

LIMIT = django_settings.AXES_FAILURE_LIMIT


def _signed_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def test_the_sign_in_page_has_the_password_form(client: Client) -> None:
    html = text_of(client.get("/en/sign-in/"))
    assert 'action="/en/sign-in/password/"' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_an_empty_form_names_both_fields_and_links_to_them(client: Client) -> None:
    response = client.post("/en/sign-in/password/", {"username": "", "password": ""})
    html = text_of(response)
    assert response.status_code == 200
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert 'aria-describedby="id_username-error"' in html
    assert SignInAttempt.objects.count() == 0
    assert AccessAttempt.objects.count() == 0


def test_unknown_username_and_wrong_password_look_the_same(
    client: Client, citizen: Account
) -> None:
    wrong = sign_in_post(client, "nino.beridze", "not-her-password-at-all")
    unknown = sign_in_post(Client(), "nobody.here", "not-her-password-at-all")
    assert wrong.status_code == unknown.status_code == 200

    def normalised(response: Any, username: str) -> str:
        return CSRF.sub("", text_of(response)).replace(username, "USERNAME")

    assert normalised(wrong, "nino.beridze") == normalised(unknown, "nobody.here")
    assert "The username or password is not right" in text_of(wrong)
    assert _signed_in_as(client) is None
    # The person's login history shows the attempt on their account; the unknown one has none.
    attempts = list(SignInAttempt.objects.order_by("id"))
    assert [(a.account_id, a.outcome, a.reason) for a in attempts] == [
        (citizen.pk, "failure", "wrong-password"),
        (None, "failure", "wrong-password"),
    ]
    assert AuditEvent.objects.filter(kind="sign-in-failed", subject=citizen).count() == 1


def test_unknown_usernames_cost_a_password_hash_too(client: Client, citizen: Account) -> None:
    addresses = iter(f"10.2.0.{n}" for n in range(20))  # below the per-address limit

    def seconds(username: str) -> float:
        started = time.perf_counter()
        response = sign_in_post(Client(), username, "not-her-password-at-all", ip=next(addresses))
        assert response.status_code == 200
        return time.perf_counter() - started

    seconds("warm.up")
    known = min(seconds("nino.beridze") for _ in range(LIMIT - 1))
    unknown = min(seconds(f"nobody.{n}") for n in range(LIMIT - 1))
    # Argon2 dominates both; without hashing for unknown names they would differ by far more.
    assert unknown > known * 0.5


def test_a_username_is_locked_out_after_the_limit_even_from_many_addresses(
    client: Client, citizen: Account
) -> None:
    for attempt in range(LIMIT - 1):
        response = sign_in_post(client, "nino.beridze", "wrong-password", ip=f"10.0.0.{attempt}")
        assert response.status_code == 200
    locked = sign_in_post(client, "nino.beridze", "wrong-password", ip="10.0.1.1")
    assert locked.status_code == 429
    html = text_of(locked)
    assert "Too many failed sign-in attempts" in html
    assert "Try again after" in html and "in 15 minutes" in html
    assert "Public Service Hall" in html
    # Now even the right password is refused, from yet another address.
    again = sign_in_post(client, "nino.beridze", PASSWORD, ip="10.0.2.2")
    assert again.status_code == 429
    assert _signed_in_as(client) is None
    locked_rows = SignInAttempt.objects.filter(account=citizen, outcome="locked-out")
    assert locked_rows.count() == 2
    assert AuditEvent.objects.filter(kind="locked-out", subject=citizen).count() == 2


def test_an_address_is_locked_out_after_the_limit_across_usernames(
    client: Client, citizen: Account
) -> None:
    for number in range(LIMIT - 1):
        assert sign_in_post(client, f"guess{number}", "whatever-password").status_code == 200
    assert sign_in_post(client, "guess.last", "whatever-password").status_code == 429
    # Nino, from the same address, is refused too until the cool-off ends ...
    assert sign_in_post(client, "nino.beridze", PASSWORD).status_code == 429
    # ... but not from her own address.
    assert sign_in_post(client, "nino.beridze", PASSWORD, ip="10.9.9.9").status_code == 302


def test_a_successful_sign_in_resets_the_count(
    client: Client, citizen: Account, no_otp_throttle: None
) -> None:
    for _ in range(LIMIT - 1):
        sign_in_post(client, "nino.beridze", "wrong-password")
    response = sign_in_post(client, "nino.beridze", PASSWORD)
    assert response["Location"] == "/en/sign-in/password/code/"
    response = client.post("/en/sign-in/password/code/", {"code": totp_now(device_of(citizen))})
    assert response.status_code == 302
    assert _signed_in_as(client) == citizen.pk
    other = Client()
    for _ in range(LIMIT - 1):
        assert sign_in_post(other, "nino.beridze", "wrong-password").status_code == 200


def test_password_then_a_real_totp_code_signs_in(client: Client, citizen: Account) -> None:
    response = sign_in_post(client, "nino.beridze", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/sign-in/password/code/"
    assert _signed_in_as(client) is None  # not before the code
    page = text_of(client.get("/en/sign-in/password/code/"))
    assert 'autocomplete="one-time-code"' in page

    response = client.post("/en/sign-in/password/code/", {"code": totp_now(device_of(citizen))})
    assert response.status_code == 302
    assert response["Location"] == "/en/my-data/"
    assert _signed_in_as(client) == citizen.pk
    session = PortalSession.objects.get(account=citizen)
    assert session.method == "password"
    assert client.session["ow_steps"] == []
    assert SignInAttempt.objects.get(account=citizen).outcome == "success"


def test_a_wrong_code_is_refused_and_counts_towards_the_lock_out(
    client: Client, citizen: Account, no_otp_throttle: None
) -> None:
    sign_in_post(client, "nino.beridze", PASSWORD)
    right = totp_now(device_of(citizen))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/en/sign-in/password/code/", {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right, or it was already used" in text_of(response)
    assert _signed_in_as(client) is None
    attempt = SignInAttempt.objects.get(account=citizen)
    assert (attempt.outcome, attempt.reason) == ("failure", "wrong-code")
    for _ in range(LIMIT - 2):
        client.post("/en/sign-in/password/code/", {"code": wrong})
    response = client.post("/en/sign-in/password/code/", {"code": wrong})
    assert response.status_code == 429
    # Locked: the right code no longer helps, nor the right password.
    assert client.post("/en/sign-in/password/code/", {"code": right}).status_code in (302, 429)
    assert _signed_in_as(client) is None
    assert sign_in_post(Client(), "nino.beridze", PASSWORD, ip="10.1.1.1").status_code == 429


def test_code_form_errors(client: Client, citizen: Account) -> None:
    sign_in_post(client, "nino.beridze", PASSWORD)
    empty = text_of(client.post("/en/sign-in/password/code/", {"code": ""}))
    assert '<a href="#id_code">Enter the code from your authenticator app</a>' in empty
    odd = text_of(client.post("/en/sign-in/password/code/", {"code": "12ab"}))
    assert "Enter the 6-digit code from your authenticator app, or a recovery code" in odd
    assert SignInAttempt.objects.count() == 0


def test_a_code_cannot_be_used_twice(citizen: Account) -> None:
    first, second = Client(), Client()
    code = totp_now(device_of(citizen))
    sign_in_post(first, "nino.beridze", PASSWORD)
    assert first.post("/en/sign-in/password/code/", {"code": code}).status_code == 302
    sign_in_post(second, "nino.beridze", PASSWORD)
    replay = second.post("/en/sign-in/password/code/", {"code": code})
    assert replay.status_code == 200
    assert "already used" in text_of(replay)
    assert _signed_in_as(second) is None


def test_wrong_codes_in_a_row_make_the_app_wait(client: Client, citizen: Account) -> None:
    sign_in_post(client, "nino.beridze", PASSWORD)
    right = totp_now(device_of(citizen))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post("/en/sign-in/password/code/", {"code": wrong})
    response = client.post("/en/sign-in/password/code/", {"code": right})
    assert "Wait a few seconds" in text_of(response)
    assert _signed_in_as(client) is None


def test_a_recovery_code_works_once(client: Client, citizen: Account) -> None:
    codes = password_services.second_factor_enrol(account=citizen, device=device_of(citizen))
    typed = password_services.recovery_code_display(codes[3]).upper()  # as read off paper
    sign_in_post(client, "nino.beridze", PASSWORD)
    response = client.post("/en/sign-in/password/code/", {"code": typed})
    assert response.status_code == 302
    assert _signed_in_as(client) == citizen.pk
    used = AuditEvent.objects.get(kind="recovery-code-used")
    assert used.subject_id == citizen.pk and used.data == {"left": 9}
    assert password_services.recovery_codes_left(citizen) == 9

    again = Client()
    sign_in_post(again, "nino.beridze", PASSWORD)
    refused = again.post("/en/sign-in/password/code/", {"code": typed})
    assert refused.status_code == 200
    assert _signed_in_as(again) is None
    assert SignInAttempt.objects.filter(reason="wrong-recovery-code", account=citizen).exists()


def test_the_pending_sign_in_expires_after_five_minutes(client: Client, citizen: Account) -> None:
    sign_in_post(client, "nino.beridze", PASSWORD)
    session = client.session
    session[PENDING_SESSION_KEY] = {**session[PENDING_SESSION_KEY], "at": time.time() - 301}
    session.save()
    response = client.post("/en/sign-in/password/code/", {"code": totp_now(device_of(citizen))})
    assert response.status_code == 302
    assert response["Location"] == "/en/sign-in/#password"
    assert _signed_in_as(client) is None


def test_the_code_page_needs_a_right_password_first(client: Client) -> None:
    response = client.get("/en/sign-in/password/code/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/sign-in/")


def test_the_next_page_survives_the_code(client: Client, citizen: Account) -> None:
    client.post(
        "/en/sign-in/password/",
        {"username": "nino.beridze", "password": PASSWORD, "next": "/en/my-data/access-log/"},
    )
    response = client.post("/en/sign-in/password/code/", {"code": totp_now(device_of(citizen))})
    assert response["Location"] == "/en/my-data/access-log/"


def test_an_inactive_account_is_refused_like_a_wrong_password(client: Client) -> None:
    make_account("gone.person", is_active=False)
    response = sign_in_post(client, "gone.person", PASSWORD)
    assert "The username or password is not right" in text_of(response)
    assert _signed_in_as(client) is None


def test_an_operator_starts_at_the_hall_desk(client: Client) -> None:
    from django.contrib.auth.models import Group

    operator = make_account("eka.operator", totp=True, service_hall="Tbilisi")
    accept_current_terms(operator)
    operator.groups.add(Group.objects.get_or_create(name="operator")[0])
    sign_in_post(client, "eka.operator", PASSWORD)
    response = client.post("/en/sign-in/password/code/", {"code": totp_now(device_of(operator))})
    assert response["Location"] == "/en/hall/"
