"""Create (or update) an agency's back-office staff member with a password and an
authenticator app, and print the credentials:
`manage.py create_staff USERNAME --agency psda --role clerk`. `--agency psda,napr` or
`--agency all` (every active agency of the catalogue: the demo's clerk and head) give the
same role in several agencies' back-offices."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.backoffice.models import StaffMembership
from onewindow.backoffice.staff import StaffError, staff_create, staff_membership_add
from onewindow.catalog.models import Agency


class Command(BaseCommand):
    help = "Create or update agency back-office staff (password + TOTP, agency and role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--agency", required=True, help="the agency's code (psda), codes (psda,napr) or all"
        )
        parser.add_argument(
            "--role", default=StaffMembership.Role.CLERK, choices=StaffMembership.Role.values
        )
        parser.add_argument("--password", help="default: a new random password")
        parser.add_argument("--totp-secret", help="the TOTP key in hex (default: a new one)")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            password_validation.validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        codes = _agency_codes(options["agency"])
        if not codes:
            raise CommandError("No agency: name one by its code, several (psda,napr) or all.")
        try:
            result = staff_create(
                username=options["username"],
                agency_code=codes[0],
                role=options["role"],
                password=password,
                totp_key_hex=options["totp_secret"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
            for code in codes[1:]:  # the same account, password and authenticator
                staff_membership_add(result.account, agency_code=code, role=options["role"])
        except StaffError as error:
            raise CommandError(str(error)) from error
        account = result.account
        self.stdout.write(
            f"{'Created' if result.created else 'Updated'} staff {account.username} "
            f"({result.membership.agency.code}, {result.membership.role})"
        )
        self.stdout.write(f"username: {account.username}")
        self.stdout.write(f"password: {password}")
        self.stdout.write(f"totp-secret-hex: {result.totp_key_hex}")
        self.stdout.write(f"totp-secret-base32: {result.totp_key_base32}")


def _agency_codes(value: str) -> list[str]:
    if value == "all":
        return list(
            Agency.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)
        )
    return [code.strip() for code in value.split(",") if code.strip()]
