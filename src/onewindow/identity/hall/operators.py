"""Public Service Hall operators: accounts in the "operator" group, each with their hall and
an authenticator app (`manage.py create_operator`). The account itself is made by
`identity.staffaccounts`, shared with the agencies' back-office staff."""

from __future__ import annotations

from django.db import transaction

from ..roles import Role
from ..staffaccounts import StaffAccount, staff_account_write, totp_key_check, username_check

# An operator's credentials: the account, whether it was new, the authenticator key.
OperatorCredentials = StaffAccount


class OperatorError(ValueError):
    pass


@transaction.atomic
def operator_create(
    *,
    username: str,
    hall: str,
    password: str,
    totp_key_hex: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> OperatorCredentials:
    """Create the operator, or update an existing one (password, hall, names, app).
    Checked in this order, nothing written on a refusal: username, hall, TOTP key."""
    username_check(username, OperatorError)
    if not hall.strip():
        raise OperatorError("Name the operator's Public Service Hall (--hall).")
    totp_key_check(totp_key_hex, OperatorError)
    return staff_account_write(
        username=username,
        password=password,
        role=Role.OPERATOR,
        totp_key_hex=totp_key_hex,
        first_name=first_name,
        last_name=last_name,
        service_hall=hall.strip(),
    )
