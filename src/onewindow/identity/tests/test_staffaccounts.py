"""The one helper behind operators' and agency staff's accounts, and each caller's own
order of checks (nothing is written on a refusal)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.backoffice.staff import StaffError, staff_create
from onewindow.catalog.models import Agency
from onewindow.identity.hall.operators import OperatorError, operator_create
from onewindow.identity.models import Account
from onewindow.identity.roles import Role
from onewindow.identity.staffaccounts import (
    staff_account_write,
    totp_key_check,
    username_check,
)

PASSWORD = "a-long-enough-password-9"
KEY = "3132333435363738393031323334353637383930"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("xyz", "The TOTP secret must be hexadecimal."),
        ("31323334", "The TOTP secret must be at least 10 bytes (20 hex digits)."),
    ],
)
def test_a_bad_totp_key_is_refused_with_the_callers_error(key: str, problem: str) -> None:
    with pytest.raises(LookupError) as refused:
        totp_key_check(key, LookupError)
    assert str(refused.value) == problem


def test_good_keys_and_usernames_pass() -> None:
    totp_key_check(None, LookupError)
    totp_key_check(KEY, LookupError)
    username_check("tamar.clerk", LookupError)


@pytest.mark.parametrize("username", ["Bad Name", "ab", "x" * 31])
def test_a_bad_username_is_refused_with_the_callers_error(username: str) -> None:
    with pytest.raises(LookupError, match="username"):
        username_check(username, LookupError)


@pytest.mark.django_db
def test_writing_again_replaces_the_app_and_keeps_the_names() -> None:
    first = staff_account_write(
        username="eka.desk", password=PASSWORD, role=Role.OPERATOR, first_name="Eka",
        service_hall="Tbilisi",
    )  # fmt: skip
    StaticDevice.objects.create(user=first.account, name="backup")
    again = staff_account_write(
        username="eka.desk", password=PASSWORD + "x", role=Role.OPERATOR, totp_key_hex=KEY
    )
    assert first.created and not again.created
    account = Account.objects.get(username="eka.desk")
    assert account.first_name == "Eka" and account.service_hall == "Tbilisi"
    assert account.check_password(PASSWORD + "x")
    assert list(TOTPDevice.objects.filter(user=account).values_list("key", flat=True)) == [KEY]
    assert not StaticDevice.objects.filter(user=account).exists()
    assert again.totp_key_base32 == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert account.groups.filter(name=Role.OPERATOR.value).exists()


@pytest.mark.django_db
def test_an_operator_is_checked_username_then_hall_then_key() -> None:
    with pytest.raises(OperatorError, match="username"):
        operator_create(username="Bad Name", hall="", password=PASSWORD, totp_key_hex="xyz")
    with pytest.raises(OperatorError, match="Hall"):
        operator_create(username="eka.desk", hall=" ", password=PASSWORD, totp_key_hex="xyz")
    with pytest.raises(OperatorError, match="hexadecimal"):
        operator_create(username="eka.desk", hall="Tbilisi", password=PASSWORD, totp_key_hex="x")
    assert not Account.objects.filter(username="eka.desk").exists()


@pytest.mark.django_db
def test_staff_are_checked_username_then_role_then_agency_then_key() -> None:
    Agency.objects.create(code="psda", name_ka="სააგენტო", name_en="Agency")
    bad = {"password": PASSWORD, "totp_key_hex": "xyz"}
    with pytest.raises(StaffError, match="username"):
        staff_create(username="Bad Name", agency_code="nope", role="boss", **bad)
    with pytest.raises(StaffError, match="role"):
        staff_create(username="nana.clerk", agency_code="nope", role="boss", **bad)
    with pytest.raises(StaffError, match="no agency"):
        staff_create(username="nana.clerk", agency_code="nope", role="clerk", **bad)
    with pytest.raises(StaffError, match="hexadecimal"):
        staff_create(username="nana.clerk", agency_code="psda", role="clerk", **bad)
    assert not Account.objects.filter(username="nana.clerk").exists()
    made = staff_create(
        username="nana.clerk", agency_code="psda", role="clerk", password=PASSWORD,
        totp_key_hex=KEY,
    )  # fmt: skip
    assert made.created and made.membership.role == "clerk"
    assert made.membership.account == made.account
    assert made.totp_key_base32 == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert made.account.groups.filter(name=Role.AGENCY_STAFF.value).exists()
