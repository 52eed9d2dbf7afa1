"""After a one-time password: a new password, an authenticator app, recovery codes and the
terms of use, in that order; nothing else opens before they are done."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.identity.models import Account, AuditEvent, PortalSession
from onewindow.identity.password.validators import BreachedPasswordValidator, breached_passwords

from .conftest import (
    PASSWORD,
    accept_current_terms,
    code_for_key,
    device_of,
    key_from_secret_text,
    make_account,
    sign_in_post,
    text_of,
    totp_now,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "copper lantern drifts north"
SECRET = re.compile(r'id="totp-secret" lang="en"><code>([A-Z2-7 ]+)</code>')


@pytest.fixture
def tamaz(db: None) -> Account:
    return make_account(
        "tamaz.beridze",
        password="k7mp-2xqa-9rtb-4hwn",
        personal_number="01024011122",
        first_name="Tamaz",
        last_name="Beridze",
        must_change_password=True,
    )


def _initial_sign_in(client: Client) -> Any:
    return sign_in_post(client, "tamaz.beridze", "k7mp-2xqa-9rtb-4hwn")


def _enrol(client: Client) -> Any:
    page = text_of(client.get("/en/account/second-factor/"))
    match = SECRET.search(page)
    assert match, "the key is shown as text for people who cannot scan"
    return client.post(
        "/en/account/second-factor/",
        {"code": code_for_key(key_from_secret_text(match.group(1)))},
    )


def test_the_steps_come_in_order_and_nothing_else_opens(client: Client, tamaz: Account) -> None:
    response = _initial_sign_in(client)
    assert response["Location"] == "/en/account/password/"
    assert PortalSession.objects.get(account=tamaz).method == "initial-password"
    assert client.session["ow_steps"] == ["change-password", "enrol-totp", "accept-terms"]
    # Any other page leads to the step.
    assert client.get("/en/my-data/")["Location"] == "/en/account/password/"
    assert client.get("/en/account/second-factor/")["Location"] == "/en/account/password/"
    page = text_of(client.get("/en/account/password/"))
    assert "Choose your own password" in page
    assert 'name="current_password"' not in page  # the slip's password was just typed
    assert page.count('autocomplete="new-password"') == 2

    response = client.post(
        "/en/account/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == "/en/account/second-factor/"
    tamaz.refresh_from_db()
    assert tamaz.must_change_password is False
    assert tamaz.password.startswith("argon2")
    assert tamaz.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(kind="password-changed", subject=tamaz).count() == 1
    assert client.session.get("_auth_user_id") == str(tamaz.pk)  # still signed in
    assert client.get("/en/my-data/")["Location"] == "/en/account/second-factor/"

    response = _enrol(client)
    assert response["Location"] == "/en/account/second-factor/recovery-codes/"
    assert TOTPDevice.objects.get(user=tamaz).confirmed
    codes_page = text_of(client.get(response["Location"]))
    codes = re.findall(r'<li><code lang="en">([a-z2-9]{5}-[a-z2-9]{5})</code></li>', codes_page)
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=tamaz).count()
    assert 'href="/en/account/terms/"' in codes_page
    # Shown once only.
    assert codes[0] not in text_of(client.get("/en/account/second-factor/recovery-codes/"))
    assert AuditEvent.objects.filter(kind="second-factor-enrolled", subject=tamaz).count() == 1
    assert client.get("/en/my-data/")["Location"] == "/en/account/terms/"
    assert client.session["ow_steps"] == ["accept-terms"]


def test_without_terms_to_accept_the_codes_lead_to_my_data(client: Client, tamaz: Account) -> None:
    accept_current_terms(tamaz)
    _initial_sign_in(client)
    client.post(
        "/en/account/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    _enrol(client)
    page = text_of(client.get("/en/account/second-factor/recovery-codes/"))
    assert 'href="/en/my-data/"' in page
    assert client.session["ow_steps"] == []


def test_the_new_password_then_works_with_the_app(client: Client, tamaz: Account) -> None:
    accept_current_terms(tamaz)
    _initial_sign_in(client)
    client.post(
        "/en/account/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    _enrol(client)
    later = Client()
    assert sign_in_post(later, "tamaz.beridze", "k7mp-2xqa-9rtb-4hwn").status_code == 200
    response = sign_in_post(later, "tamaz.beridze", NEW_PASSWORD)
    assert response["Location"] == "/en/sign-in/password/code/"
    # The code of the enrolment was used; the app's next one signs in.
    code = totp_now(device_of(tamaz), steps_ahead=1)
    assert later.post("/en/sign-in/password/code/", {"code": code})["Location"] == "/en/my-data/"


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("", "", "Enter a new password"),
        (NEW_PASSWORD, "", "Enter the new password again"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords are not the same"),
        ("short-pass", "short-pass", "This password is too short."),
        ("123456789012345", "123456789012345", "This password is entirely numeric."),
        ("tamaz.beridze1", "tamaz.beridze1", "too similar to the username"),
        ("sakartvelo2024", "sakartvelo2024", "known from data breaches"),
        ("Password12345", "Password12345", "known from data breaches"),
        ("k7mp-2xqa-9rtb-4hwn", "k7mp-2xqa-9rtb-4hwn", "must be different from your current"),
    ],
)
def test_a_bad_new_password_is_explained_and_nothing_changes(
    client: Client, tamaz: Account, first: str, second: str, message: str
) -> None:
    _initial_sign_in(client)
    before = Account.objects.get(pk=tamaz.pk).password
    response = client.post(
        "/en/account/password/", {"new_password1": first, "new_password2": second}
    )
    html = text_of(response)
    assert response.status_code == 200
    assert message in html
    assert 'class="govuk-error-summary"' in html and 'href="#id_new_password' in html
    tamaz.refresh_from_db()
    assert tamaz.password == before and tamaz.must_change_password
    assert client.session["ow_steps"][0] == "change-password"
    assert not AuditEvent.objects.filter(kind="password-changed").exists()


def test_a_voluntary_change_needs_the_current_password(client: Client) -> None:
    account = make_account("nino.beridze", totp=True, personal_number="01001012345")
    accept_current_terms(account)
    sign_in_post(client, "nino.beridze", PASSWORD)
    client.post("/en/sign-in/password/code/", {"code": totp_now(device_of(account))})
    page = text_of(client.get("/en/account/password/"))
    assert 'autocomplete="current-password"' in page and "Change your password" in page
    missing = client.post(
        "/en/account/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert '<a href="#id_current_password">Enter your current password</a>' in text_of(missing)
    wrong = client.post(
        "/en/account/password/",
        {
            "current_password": "not-it",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert "Your current password is not right" in text_of(wrong)
    account.refresh_from_db()
    assert account.check_password(PASSWORD)

    other = PortalSession.objects.create(account=account, session_key="another-device")
    done = client.post(
        "/en/account/password/",
        {
            "current_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    other.refresh_from_db()
    assert other.end_reason == "password-reset"  # the person's other sessions end
    assert client.get("/en/my-data/access-log/").status_code == 200  # this one does not


def test_enrolment_errors_and_a_wrong_code(client: Client, tamaz: Account) -> None:
    tamaz.must_change_password = False
    tamaz.save()
    _initial_sign_in(client)
    assert client.session["ow_steps"][0] == "enrol-totp"
    empty = text_of(client.post("/en/account/second-factor/", {"code": ""}))
    assert '<a href="#id_code">Enter the 6-digit code your authenticator app shows</a>' in empty
    letters = text_of(client.post("/en/account/second-factor/", {"code": "12a456"}))
    assert "The code has 6 digits, for example 123456" in letters
    device = TOTPDevice.objects.get(user=tamaz)
    wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"
    refused = text_of(client.post("/en/account/second-factor/", {"code": wrong}))
    assert "The code is not right" in refused
    assert not TOTPDevice.objects.filter(user=tamaz, confirmed=True).exists()
    assert client.session["ow_steps"][0] == "enrol-totp"


def test_the_qr_code_is_only_for_its_owner(client: Client, tamaz: Account) -> None:
    tamaz.must_change_password = False
    tamaz.save()
    _initial_sign_in(client)
    client.get("/en/account/second-factor/")
    svg = client.get("/en/account/second-factor/qr-code")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert "no-store" in svg["Cache-Control"]
    png = client.get("/en/account/second-factor/qr-code?format=png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")

    assert Client().get("/en/account/second-factor/qr-code").status_code == 302
    other = make_account("someone.else", totp=True)
    accept_current_terms(other)
    someone = Client()
    someone.force_login(other)
    assert someone.get("/en/account/second-factor/qr-code").status_code == 404


def test_the_breached_list_refuses_long_common_passwords() -> None:
    validator = BreachedPasswordValidator()
    listed = breached_passwords()
    assert len(listed) > 10_000 and all(len(p) >= 12 for p in listed)
    for password in ("Sakartvelo2024", "  qwertyuiop123 ", "თბილისი12345", "1q2w3e4r5t6y"):
        with pytest.raises(Exception, match="known from data breaches"):
            validator.validate(password)
    validator.validate(NEW_PASSWORD)
    validator.validate("juniper-kettle-orbit-42")
