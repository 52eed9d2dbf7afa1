"""Replacing the authenticator app outside the sign-in steps needs a recent proof that
it is the person (re-authentication); right after signing in, that proof is fresh."""

from __future__ import annotations

import time

from django.test import Client

import pytest

from onewindow.identity.models import Account, AuditEvent
from onewindow.identity.services import REAUTH_AT_SESSION_KEY

from .conftest import (
    PASSWORD,
    code_for_key,
    device_of,
    key_from_secret_text,
    sign_in_post,
    text_of,
    totp_now,
)

pytestmark = pytest.mark.django_db


def _signed_in(client: Client, account: Account) -> None:
    """Username, password and the app's code, as the person signs in."""
    sign_in_post(client, account.get_username(), PASSWORD)
    response = client.post("/en/sign-in/password/code/", {"code": totp_now(device_of(account))})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(account.pk)


def test_replacing_the_app_long_after_sign_in_asks_to_reauthenticate_first(
    client: Client, citizen: Account
) -> None:
    _signed_in(client, citizen)
    session = client.session
    session[REAUTH_AT_SESSION_KEY] = time.time() - 3600
    session.save()
    response = client.get("/en/account/second-factor/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/reauth/?next=%2Fen%2Faccount%2Fsecond-factor%2F"
    old = device_of(citizen)
    assert list(citizen.totpdevice_set.filter(confirmed=True)) == [old]


def test_right_after_sign_in_the_app_can_be_replaced(client: Client, citizen: Account) -> None:
    _signed_in(client, citizen)
    old = device_of(citizen)
    page = client.get("/en/account/second-factor/")
    assert page.status_code == 200
    assert "This replaces the app you use now" in text_of(page)
    secret = text_of(page).split('id="totp-secret"')[1].split("<code>", 1)[1].split("<", 1)[0]
    code = code_for_key(key_from_secret_text(secret))
    response = client.post("/en/account/second-factor/", {"code": code})
    assert response.status_code == 302
    new = device_of(citizen)
    assert new.pk != old.pk
    assert AuditEvent.objects.filter(
        subject=citizen, kind=AuditEvent.Kind.SECOND_FACTOR_ENROLLED
    ).exists()
