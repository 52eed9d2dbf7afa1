"""Public Service Hall operators: accounts in the "operator" group, each with their hall and
an authenticator app (`manage.py create_operator`)."""

from __future__ import annotations

from django.db import transaction

from ..roles import Role
from ..staffaccounts import AccountSetupError, StaffAccount, staff_account_ensure

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
    """Create the operator, or update an existing one (password, hall, names, app)."""
    if not hall.strip():
        raise OperatorError("Name the operator's Public Service Hall (--hall).")
    try:
        return staff_account_ensure(
            username=username, password=password, role=Role.OPERATOR,
            totp_key_hex=totp_key_hex, first_name=first_name, last_name=last_name,
            service_hall=hall.strip(),
        )  # fmt: skip
    except AccountSetupError as error:
        raise OperatorError(str(error)) from error
