"""The Public Service Hall desk against the sandbox civil registry: who may use it, the
lookup, registration, the one-time slip, the reset, and what is recorded about each."""

from __future__ import annotations

import re
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.sandbox_process import RunningSandbox

from onewindow.exchange.models import DataAccess
from onewindow.identity.hall.views import LOOKUP_SESSION_KEY, SLIP_SESSION_KEY
from onewindow.identity.models import Account, AuditEvent, PortalSession
from onewindow.identity.password.tests.conftest import (
    PASSWORD,
    code_for_key,
    device_of,
    make_account,
    sign_in_post,
    totp_now,
)

from .conftest import (
    HALL,
    OPERATOR_PASSWORD,
    TAMAZ,
    TAMAZ_CARD,
    TAMAZ_OLD_CARD,
    accept_current_terms,
    look_up,
    make_operator,
    pdf_text,
    text_of,
)

pytestmark = pytest.mark.django_db


def _register(client: Client, **changes: str) -> Any:
    data = {"identity_checked": "yes", "document_number": TAMAZ_CARD, "username": "tamaz.beridze"}
    data.update(changes)
    return client.post("/en/hall/person/register", {k: v for k, v in data.items() if v != "-"})


def _slip_password(client: Client, directory: Path) -> tuple[str, str]:
    response = client.post("/en/hall/person/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, directory)
    username = re.search(r"Username\s+(\S+)", text)
    password = re.search(r"One-time password\s+(\S+)", text)
    assert username and password, text
    return username.group(1), password.group(1)


# --- Who may use the desk ------------------------------------------------------------------


def test_only_operators_use_the_desk(client: Client, desk: Client) -> None:
    anonymous = client.get("/en/hall/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/en/sign-in/?next=/en/hall/"
    citizen = make_account("nino.beridze", personal_number="01001012345")
    accept_current_terms(citizen)
    client.force_login(citizen)
    for path in ("/en/hall/", "/en/hall/person/"):
        assert client.get(path).status_code == 403
    for path in ("/en/hall/person/register", "/en/hall/person/reset", "/en/hall/person/slip.pdf"):
        assert client.post(path).status_code == 403
    assert client.post("/en/hall/", {"personal_number": TAMAZ}).status_code == 403
    assert not AuditEvent.objects.filter(kind="operator-lookup").exists()

    page = text_of(desk.get("/en/hall/"))
    assert "Public Service Hall desk" in page and HALL in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the person&#x27;s personal number"),
        ("0102401112", "A personal number has exactly 11 digits; you entered 10"),
        ("010240111223", "A personal number has exactly 11 digits; you entered 12"),
        ("0102401112a", "A personal number has only digits, for example 01024011122"),
        ("٠١٠٢٤٠١١١٢٢", "A personal number has only digits"),
    ],
)
def test_a_wrong_personal_number_is_explained_and_nobody_is_asked(
    desk: Client, typed: str, message: str
) -> None:
    response = look_up(desk, typed)
    html = text_of(response)
    assert response.status_code == 200
    assert message in html
    assert '<a href="#id_personal_number">' in html
    assert 'aria-describedby="id_personal_number-hint id_personal_number-error"' in html
    assert DataAccess.objects.count() == 0
    assert not AuditEvent.objects.filter(kind="operator-lookup").exists()


# --- Looking a person up in the civil registry ---------------------------------------------


def test_the_registry_shows_the_person_and_the_lookup_is_in_their_access_log(
    registry: RunningSandbox, desk: Client, operator: Account
) -> None:
    response = look_up(desk, f" {TAMAZ[:5]} {TAMAZ[5:]} ")
    assert response.status_code == 302 and response["Location"] == "/en/hall/person/"
    page = text_of(desk.get("/en/hall/person/"))
    for expected in ("თამაზ ბერიძე", "Tamaz Beridze", "30 January 1950", "Kazbegi", TAMAZ):
        assert expected in page, expected
    assert TAMAZ_CARD in page and TAMAZ_OLD_CARD in page
    assert "This person has no OneWindow account yet." in page
    assert 'value="tamaz.beridze"' in page  # the suggested username

    accesses = DataAccess.objects.filter(personal_number=TAMAZ)
    assert {a.operation for a in accesses} == {"person", "address", "identity-documents"}
    for access in accesses:
        assert access.asker_kind == "operator"
        assert access.asker == f"operator:{operator.pk}"
        assert access.purpose == "registration"
        assert access.asker_name == f"Eka Lomidze, {HALL}"
    event = AuditEvent.objects.get(kind="operator-lookup")
    assert event.actor_id == operator.pk and event.subject_id is None
    assert event.data == {"hall": HALL, "found": True, "personal_number": TAMAZ}
    assert "Eka Lomidze" in event.actor_label and HALL in event.actor_label


def test_a_person_the_registry_does_not_know(
    registry: RunningSandbox, desk: Client, operator: Account
) -> None:
    html = text_of(look_up(desk, "00000000001"))
    assert "The civil registry has no person with this personal number" in html
    event = AuditEvent.objects.get(kind="operator-lookup")
    assert event.data["found"] is False and event.data["personal_number"] == "00000000001"
    assert desk.get("/en/hall/person/")["Location"] == "/en/hall/"


def test_the_registry_not_answering(registry: RunningSandbox, desk: Client) -> None:
    registry.set_faults({"civil-registry": {"down": True}})
    html = text_of(look_up(desk))
    assert "The civil registry did not answer. Try again in a minute" in html
    assert LOOKUP_SESSION_KEY not in desk.session


# --- Registering ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "anchor", "message"),
    [
        ({"identity_checked": "-"}, "id_identity_checked", "Confirm that you checked"),
        ({"document_number": ""}, "id_document_number", "Enter the number of the identity"),
        ({"document_number": "26ID00419"}, "id_document_number", "not the number of a valid"),
        ({"document_number": TAMAZ_OLD_CARD}, "id_document_number", "not the number of a valid"),
        ({"username": ""}, "id_username", "Enter a username"),
        ({"username": "tb"}, "id_username", "A username has 3 to 30 characters"),
        ({"username": "Tamaz.Beridze"}, "id_username", "A username has 3 to 30 characters"),
        ({"username": "tamaz beridze"}, "id_username", "A username has 3 to 30 characters"),
        ({"username": "თამაზი"}, "id_username", "A username has 3 to 30 characters"),
        ({"username": "t" * 31}, "id_username", "A username has 3 to 30 characters"),
        ({"username": "taken.name"}, "id_username", "This username is taken"),
    ],
)
def test_registration_errors_change_nothing(
    registry: RunningSandbox, desk: Client, changes: dict[str, str], anchor: str, message: str
) -> None:
    make_account("taken.name")
    look_up(desk)
    response = _register(desk, **changes)
    html = text_of(response)
    assert response.status_code == 200
    assert message in html
    assert f'<a href="#{anchor}">' in html
    assert not Account.objects.filter(personal_number=TAMAZ).exists()
    assert not AuditEvent.objects.filter(kind="operator-registered").exists()
    assert SLIP_SESSION_KEY not in desk.session


def test_registration_makes_the_account_and_a_slip_that_prints_once(
    registry: RunningSandbox, desk: Client, operator: Account, tmp_path: Path
) -> None:
    look_up(desk)
    response = _register(desk, document_number=" 26id 00418 ")
    assert response["Location"] == "/en/hall/person/"
    account = Account.objects.get(personal_number=TAMAZ)
    assert account.username == "tamaz.beridze"
    assert (account.first_name, account.last_name) == ("Tamaz", "Beridze")
    assert (account.first_name_ka, account.last_name_ka) == ("თამაზ", "ბერიძე")
    assert account.must_change_password and account.registered_by_id == operator.pk
    assert account.password.startswith("argon2")
    event = AuditEvent.objects.get(kind="operator-registered")
    assert (event.actor_id, event.subject_id) == (operator.pk, account.pk)
    assert event.data == {"hall": HALL, "document": "id-card"}
    page = text_of(desk.get("/en/hall/person/"))
    assert "Account created" in page and "Download the slip (PDF)" in page

    response = desk.post("/en/hall/person/slip.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="slip-tamaz.beridze.pdf"'
    text = pdf_text(response.content, tmp_path)
    password = re.search(r"One-time password\s+(\S+)", text)
    assert password and account.check_password(password.group(1))
    assert "tamaz.beridze" in text and "Tamaz Beridze" in text and "თამაზ ბერიძე" in text
    assert f"Issued at {HALL} by Eka Lomidze" in text
    assert "/ka/sign-in/" in text and "/en/sign-in/" in text
    # The one-time password is nowhere now: not in the session, not in the audit log.
    assert SLIP_SESSION_KEY not in desk.session
    assert not any(password.group(1) in str(e.data) for e in AuditEvent.objects.all())

    again = desk.post("/en/hall/person/slip.pdf")
    assert again.status_code == 302 and again["Location"] == "/en/hall/person/"
    assert "The slip has already been printed" in text_of(desk.get("/en/hall/person/"))

    # Tamaz signs in with it and must choose his own password first.
    tamaz = Client()
    assert sign_in_post(tamaz, "tamaz.beridze", password.group(1))["Location"] == (
        "/en/account/password/"
    )


def test_a_registered_person_cannot_be_registered_again(
    registry: RunningSandbox, desk: Client
) -> None:
    make_account("tamaz.old", personal_number=TAMAZ)
    look_up(desk)
    page = text_of(desk.get("/en/hall/person/"))
    assert "tamaz.old" in page and "Give a new one-time password" in page
    response = _register(desk, username="tamaz.new")
    assert response.status_code == 302
    assert not Account.objects.filter(username="tamaz.new").exists()


def test_another_operator_acts_under_their_own_name(
    registry: RunningSandbox, desk: Client, operator: Account, tmp_path: Path
) -> None:
    other = make_operator(
        "giorgi.kapanadze", "Giorgi", "Kapanadze", hall="Batumi, Public Service Hall"
    )
    second = Client()
    second.force_login(other)
    look_up(second)
    _register(second)
    account = Account.objects.get(personal_number=TAMAZ)
    assert account.registered_by_id == other.pk
    for kind in ("operator-lookup", "operator-registered"):
        event = AuditEvent.objects.get(kind=kind)
        assert event.actor_id == other.pk
        assert event.data["hall"] == "Batumi, Public Service Hall"
    assert set(DataAccess.objects.values_list("asker", flat=True)) == {f"operator:{other.pk}"}
    # The first operator's session holds neither the lookup nor the slip.
    assert desk.post("/en/hall/person/slip.pdf").status_code == 302
    assert desk.get("/en/hall/person/")["Location"] == "/en/hall/"
    assert _slip_password(second, tmp_path)[0] == "tamaz.beridze"


def test_an_old_lookup_must_be_repeated(registry: RunningSandbox, desk: Client) -> None:
    look_up(desk)
    session = desk.session
    session[LOOKUP_SESSION_KEY] = {**session[LOOKUP_SESSION_KEY], "at": time.time() - 16 * 60}
    session.save()
    response = _register(desk)
    assert response["Location"] == "/en/hall/"
    assert not Account.objects.filter(personal_number=TAMAZ).exists()


# --- A new one-time password ---------------------------------------------------------------


@pytest.fixture
def tamaz_signed_in(db: None) -> tuple[Account, Client]:
    """Tamaz with his own password and app, signed in on his own computer."""
    account = make_account("tamaz.beridze", totp=True, personal_number=TAMAZ)
    accept_current_terms(account)
    own = Client()
    sign_in_post(own, "tamaz.beridze", PASSWORD)
    assert own.post("/en/sign-in/password/code/", {"code": totp_now(device_of(account))})[
        "Location"
    ] == ("/en/my-data/")
    return account, own


def test_reset_errors_change_nothing(
    registry: RunningSandbox, desk: Client, tamaz_signed_in: tuple[Account, Client]
) -> None:
    account, own = tamaz_signed_in
    look_up(desk)
    html = text_of(desk.post("/en/hall/person/reset", {"document_number": TAMAZ_OLD_CARD}))
    assert "Confirm that you checked" in html and "not the number of a valid" in html
    account.refresh_from_db()
    assert account.check_password(PASSWORD) and not account.must_change_password
    assert PortalSession.objects.get(account=account).ended_at is None
    assert own.get("/en/my-data/access-log/").status_code == 200  # still signed in
    assert not AuditEvent.objects.filter(kind="operator-password-reset").exists()


def test_a_reset_for_a_lost_phone_ends_sessions_and_removes_the_app(
    registry: RunningSandbox,
    desk: Client,
    operator: Account,
    tamaz_signed_in: tuple[Account, Client],
    tmp_path: Path,
) -> None:
    account, own = tamaz_signed_in
    look_up(desk)
    assert "Give a new one-time password" in text_of(desk.get("/en/hall/person/"))
    response = desk.post(
        "/en/hall/person/reset",
        {"identity_checked": "yes", "document_number": TAMAZ_CARD, "remove_second_factor": "yes"},
    )
    assert response["Location"] == "/en/hall/person/"
    # His own session has ended.
    assert own.get("/en/my-data/")["Location"].startswith("/en/sign-in/")
    assert PortalSession.objects.get(account=account).end_reason == "password-reset"
    assert not TOTPDevice.objects.filter(user=account).exists()
    assert not StaticDevice.objects.filter(user=account).exists()
    account.refresh_from_db()
    assert account.must_change_password and not account.check_password(PASSWORD)
    event = AuditEvent.objects.get(kind="operator-password-reset")
    assert (event.actor_id, event.subject_id) == (operator.pk, account.pk)
    assert event.data == {
        "hall": HALL,
        "document": "id-card",
        "second_factor_removed": True,
        "sessions_ended": 1,
    }
    removed = AuditEvent.objects.get(kind="second-factor-removed")
    assert (removed.actor_id, removed.subject_id) == (operator.pk, account.pk)

    username, password = _slip_password(desk, tmp_path)
    assert username == "tamaz.beridze"
    fresh = Client()
    assert sign_in_post(fresh, username, password)["Location"] == "/en/account/password/"
    assert fresh.session["ow_steps"] == ["change-password", "enrol-totp"]


def test_a_reset_keeps_the_app_unless_asked_and_lifts_a_lock_out(
    registry: RunningSandbox,
    desk: Client,
    tamaz_signed_in: tuple[Account, Client],
    tmp_path: Path,
    settings: Any,
) -> None:
    account, _own = tamaz_signed_in
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in_post(Client(), "tamaz.beridze", "forgotten-password", ip=f"10.3.0.{number}")
    assert sign_in_post(Client(), "tamaz.beridze", PASSWORD, ip="10.3.1.1").status_code == 429
    look_up(desk)
    desk.post("/en/hall/person/reset", {"identity_checked": "yes", "document_number": TAMAZ_CARD})
    assert TOTPDevice.objects.filter(user=account, confirmed=True).exists()
    _username, password = _slip_password(desk, tmp_path)
    fresh = Client()
    # Not locked any more; the one-time password and his app's code sign him in.
    assert sign_in_post(fresh, "tamaz.beridze", password, ip="10.3.1.1")["Location"] == (
        "/en/sign-in/password/code/"
    )
    code = totp_now(device_of(account), steps_ahead=1)
    assert fresh.post("/en/sign-in/password/code/", {"code": code})["Location"] == (
        "/en/account/password/"
    )
    assert fresh.session["ow_steps"] == ["change-password"]


# --- The operator command ------------------------------------------------------------------


def test_create_operator_prints_credentials_that_sign_in(db: None) -> None:
    out = StringIO()
    key = "3132333435363738393031323334353637383930"
    call_command(
        "create_operator",
        "desk.one",
        "--hall",
        HALL,
        "--password",
        OPERATOR_PASSWORD,
        "--totp-secret",
        key,
        stdout=out,
    )
    printed = out.getvalue()
    assert "username: desk.one" in printed and f"password: {OPERATOR_PASSWORD}" in printed
    assert f"totp-secret-hex: {key}" in printed
    account = Account.objects.get(username="desk.one")
    assert account.service_hall == HALL
    assert account.groups.filter(name="operator").exists()
    accept_current_terms(account)
    client = Client()
    assert sign_in_post(client, "desk.one", OPERATOR_PASSWORD)["Location"] == (
        "/en/sign-in/password/code/"
    )
    code = code_for_key(bytes.fromhex(key))
    assert client.post("/en/sign-in/password/code/", {"code": code})["Location"] == "/en/hall/"

    # Run again (as `make run` does): the same operator, a new app key.
    call_command("create_operator", "desk.one", "--hall", HALL, stdout=StringIO())
    assert Account.objects.filter(username="desk.one").count() == 1
    assert TOTPDevice.objects.get(user=account).key != key
    assert AuditEvent.objects.filter(kind="role-changed", subject=account).count() == 1


def test_create_operator_refuses_bad_input(db: None) -> None:
    with pytest.raises(CommandError, match="too short"):
        call_command("create_operator", "desk.two", "--hall", HALL, "--password", "short")
    with pytest.raises(CommandError, match="hexadecimal"):
        call_command("create_operator", "desk.two", "--hall", HALL, "--totp-secret", "xyz")
    with pytest.raises(CommandError, match="3 to 30"):
        call_command("create_operator", "Desk Two", "--hall", HALL)
    assert not Account.objects.filter(username__startswith="desk").exists()
