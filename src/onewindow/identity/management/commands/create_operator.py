"""Create (or update) a Public Service Hall operator with a password and an authenticator
app, and print the credentials: `manage.py create_operator USERNAME --hall "…"`."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.identity.hall.operators import OperatorError, operator_create


class Command(BaseCommand):
    help = "Create or update a Public Service Hall operator (password + TOTP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--hall", required=True, help='e.g. "Tbilisi, Public Service Hall"')
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
        try:
            result = operator_create(
                username=options["username"],
                hall=options["hall"],
                password=password,
                totp_key_hex=options["totp_secret"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except OperatorError as error:
            raise CommandError(str(error)) from error
        account = result.account
        self.stdout.write(
            f"{'Created' if result.created else 'Updated'} operator {account.username} "
            f"({account.service_hall})"
        )
        self.stdout.write(f"username: {account.username}")
        self.stdout.write(f"password: {password}")
        self.stdout.write(f"totp-secret-hex: {result.totp_key_hex}")
        self.stdout.write(f"totp-secret-base32: {result.totp_key_base32}")
