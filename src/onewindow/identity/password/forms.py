"""Forms of the password sign-in: username and password, the one-time code, a new
password, and the code that confirms a new authenticator app."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Account
from .services import RECOVERY_CODE_LENGTH, password_problems, recovery_code_normalise

TOTP_CODE = re.compile(r"^\d{6}$")


def error_list(form: forms.Form, first_field: str | None = None) -> list[tuple[str, str]]:
    """(anchor, message) for the GOV.UK error summary, in the order of the fields; errors
    about the whole form point at `first_field`."""
    anchors: list[tuple[str, str]] = []
    target = first_field or next(iter(form.fields))
    for message in form.non_field_errors():
        anchors.append((form[target].auto_id, str(message)))
    for name in form.fields:
        for message in form.errors.get(name, []):
            anchors.append((form[name].auto_id, str(message)))
    return anchors


class PasswordSignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        error_messages={
            "required": _("Enter your username"),
            "max_length": _("A username has at most 150 characters"),
        },
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        error_messages={
            "required": _("Enter your password"),
            "max_length": _("A password has at most 4096 characters"),
        },
    )


class SecondFactorCodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_(
            "The 6-digit code your authenticator app shows now. If you do not have your "
            "phone, enter one of your recovery codes."
        ),
        max_length=40,
        error_messages={"required": _("Enter the code from your authenticator app")},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if TOTP_CODE.match(code):
            return code
        recovery = recovery_code_normalise(code)
        if len(recovery) == RECOVERY_CODE_LENGTH and recovery.isalnum() and recovery.isascii():
            return recovery
        raise forms.ValidationError(
            _(
                "Enter the 6-digit code from your authenticator app, or a recovery code "
                "such as abcde-fghjk"
            ),
            code="format",
        )

    @property
    def is_totp(self) -> bool:
        return bool(TOTP_CODE.match(self.cleaned_data["code"]))


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        help_text=_("The app shows a new 6-digit code every 30 seconds."),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code your authenticator app shows")},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not TOTP_CODE.match(code):
            raise forms.ValidationError(
                _("The code has 6 digits, for example 123456"), code="format"
            )
        return code


class PasswordChangeForm(forms.Form):
    """A new password, twice; the current one too unless the person has just signed in
    with a one-time initial password (the change-password step)."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        required=False,
        max_length=4096,
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=4096,
        help_text=_(
            "At least 12 characters. Several words that only you would put together are "
            "easy to remember and hard to guess."
        ),
        error_messages={
            "required": _("Enter a new password"),
            "max_length": _("A password has at most 4096 characters"),
        },
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=4096,
        error_messages={
            "required": _("Enter the new password again"),
            "max_length": _("A password has at most 4096 characters"),
        },
    )

    def __init__(self, account: Account, *args: Any, require_current: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account = account
        self.require_current = require_current
        if not require_current:
            del self.fields["current_password"]

    def clean_current_password(self) -> str:
        current = str(self.cleaned_data.get("current_password") or "")
        if not current:
            raise forms.ValidationError(_("Enter your current password"), code="required")
        if not self.account.check_password(current):
            raise forms.ValidationError(_("Your current password is not right"), code="wrong")
        return current

    def clean_new_password1(self) -> str:
        password = str(self.cleaned_data["new_password1"])
        if self.account.check_password(password):
            raise forms.ValidationError(
                _("Your new password must be different from your current one"), code="same"
            )
        problems = password_problems(password, self.account)
        if problems:
            raise forms.ValidationError(problems)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2",
                forms.ValidationError(_("The two new passwords are not the same"), code="mismatch"),
            )
        return cleaned
