"""The registration's forms: terms of use, e-mail address, mobile number, a code."""

from __future__ import annotations

import re
from typing import Final

from django import forms
from django.utils.translation import gettext_lazy as _

GEORGIAN_MOBILE: Final = re.compile(r"5\d{8}")  # 5XX XX XX XX, after +995
_SEPARATORS: Final = re.compile(r"[\s().-]")


def normalise_mobile(value: str) -> str | None:
    """A Georgian mobile number as +9955XXXXXXXX, or None if it is not one. Accepts
    spaces, dashes, brackets, and +995, 00995 or 995 in front (or nothing)."""
    digits = _SEPARATORS.sub("", value.strip())
    for prefix in ("+995", "00995", "995"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            digits = digits[len(prefix) :]
            break
    if not GEORGIAN_MOBILE.fullmatch(digits):
        return None
    return f"+995{digits}"


def display_mobile(number: str) -> str:
    """+995555123456 → +995 555 12 34 56."""
    if len(number) == 13 and number.startswith("+995"):
        rest = number[4:]
        return f"+995 {rest[:3]} {rest[3:5]} {rest[5:7]} {rest[7:]}"
    return number


class ErrorListMixin:
    """(field id, message) pairs for the GOV.UK error summary."""

    def error_list(self) -> list[tuple[str, str]]:
        form: forms.Form = self  # type: ignore[assignment]
        return [
            (form[name].id_for_label if name in form.fields else "", str(message))
            for name, messages in form.errors.items()
            for message in messages
        ]


class TermsForm(ErrorListMixin, forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept the terms of use"),
        error_messages={"required": _("Select that you accept the terms of use to continue")},
    )


class EmailForm(ErrorListMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address"),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.com"),
            "max_length": _("The e-mail address must be 254 characters or fewer"),
        },
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"


class MobileForm(ErrorListMixin, forms.Form):
    mobile = forms.CharField(
        label=_("Mobile phone number"),
        max_length=30,
        error_messages={
            "required": _("Enter your mobile phone number"),
            "max_length": _("Enter a Georgian mobile number, like 555 12 34 56"),
        },
    )

    def clean_mobile(self) -> str:
        number = normalise_mobile(self.cleaned_data["mobile"])
        if number is None:
            raise forms.ValidationError(
                _("Enter a Georgian mobile number, like 555 12 34 56"), code="invalid"
            )
        return number


class CodeForm(ErrorListMixin, forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code")},
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("The code has 6 digits, like 123456"), code="invalid")
        return code
