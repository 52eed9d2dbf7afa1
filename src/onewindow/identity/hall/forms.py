"""Forms of the Public Service Hall desk: the personal number to look up; the identity
check, the document number and the username to register; the identity check to reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import USERNAME, IdentityDocument, Person, username_taken


class LookupForm(forms.Form):
    personal_number = forms.CharField(
        label=_("Personal number"),
        help_text=_("11 digits, from the person's identity document"),
        max_length=40,
        error_messages={"required": _("Enter the person's personal number")},
    )

    def clean_personal_number(self) -> str:
        number = "".join(str(self.cleaned_data["personal_number"]).split())
        if not number.isdigit() or not number.isascii():
            raise forms.ValidationError(
                _("A personal number has only digits, for example 01024011122"), code="digits"
            )
        if len(number) != 11:
            raise forms.ValidationError(
                _("A personal number has exactly 11 digits; you entered %(count)s"),
                code="length",
                params={"count": len(number)},
            )
        return number


class IdentityCheckForm(forms.Form):
    """The operator saw the person's identity document, and it is one the registry knows."""

    identity_checked = forms.BooleanField(
        label=_("I checked the person's identity document and the person is the one shown"),
        error_messages={"required": _("Confirm that you checked the person's identity document")},
    )
    document_number = forms.CharField(
        label=_("Number of the identity document"),
        help_text=_("As printed on the ID card or passport, for example 26ID00418"),
        max_length=30,
        error_messages={"required": _("Enter the number of the identity document you checked")},
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_document_number(self) -> str:
        number = str(self.cleaned_data["document_number"])
        if self.person.valid_document(number) is None:
            raise forms.ValidationError(
                _(
                    "This is not the number of a valid identity document of this person in "
                    "the civil registry. Check the number, or ask for another document"
                ),
                code="no-match",
            )
        return number

    @property
    def document(self) -> IdentityDocument:
        document = self.person.valid_document(self.cleaned_data["document_number"])
        assert document is not None  # noqa: S101 (checked in clean_document_number)
        return document


class RegisterForm(IdentityCheckForm):
    username = forms.CharField(
        label=_("Username"),
        help_text=_(
            "3 to 30 characters: small Latin letters, digits, dots and hyphens. The person "
            "signs in with it."
        ),
        max_length=60,
        error_messages={"required": _("Enter a username")},
    )

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if not USERNAME.match(username):
            raise forms.ValidationError(
                _(
                    "A username has 3 to 30 characters: small Latin letters (a–z), digits, "
                    "dots and hyphens"
                ),
                code="format",
            )
        if username_taken(username):
            raise forms.ValidationError(
                _("This username is taken. Choose another one"), code="taken"
            )
        return username


class ResetForm(IdentityCheckForm):
    remove_second_factor = forms.BooleanField(
        label=_("Remove the person's authenticator app: they lost their phone"),
        help_text=_("They will set up the app again after signing in."),
        required=False,
    )
