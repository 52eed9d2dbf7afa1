"""Forms of the account pages. Each field's error is a sentence that says what to do."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# A Georgian mobile number: +995 5XX XX XX XX.
_MOBILE = re.compile(r"^\+9955\d{8}$")


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-().]", "", value)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"5\d{8}", digits):
        digits = "+995" + digits
    elif re.fullmatch(r"9955\d{8}", digits):
        digits = "+" + digits
    return digits


class AccountForm(forms.Form):
    """A form whose errors the templates list in an error summary (field id → message)."""

    def error_list(self) -> list[tuple[str, str]]:
        if not self.is_bound or self.is_valid():
            return []
        return [
            (self[name].auto_id or name, str(errors[0]))
            for name, errors in self.errors.items()
            if name in self.fields
        ]


class AcceptTermsForm(AccountForm):
    accept = forms.BooleanField(
        label=_("I have read and accept the terms of use"),
        error_messages={"required": _("Tick the box to accept the terms of use")},
    )


class EmailChangeForm(AccountForm):
    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your new e-mail address"),
            "invalid": _("Enter an e-mail address in the right format, like name@example.com"),
        },
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if email.lower() == self.current.lower():
            raise forms.ValidationError(_("This is already your e-mail address"))
        return email


class MobileChangeForm(AccountForm):
    mobile = forms.CharField(
        label=_("New mobile number"),
        help_text=_("A Georgian mobile number, like 555 12 34 56"),
        max_length=20,
        error_messages={"required": _("Enter your new mobile number")},
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_mobile(self) -> str:
        mobile = normalise_mobile(str(self.cleaned_data["mobile"]))
        if not _MOBILE.match(mobile):
            raise forms.ValidationError(
                _("Enter a Georgian mobile number of 9 digits, like 555 12 34 56")
            )
        if mobile == self.current:
            raise forms.ValidationError(_("This is already your mobile number"))
        return mobile


class CodeForm(AccountForm):
    code = forms.RegexField(
        label=_("Confirmation code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={
            "required": _("Enter the 6-digit code we sent you"),
            "invalid": _("The code has 6 digits"),
        },
    )


class ReauthPasswordForm(AccountForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter your password")},
    )
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={
            "required": _("Enter the 6-digit code from your authenticator app"),
            "invalid": _("The code has 6 digits"),
        },
    )
