"""The forms of "My applications": the list's filters and the reply to the agency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..correspondence import MESSAGE_MAX_LENGTH
from ..models import Application


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("Select a status from the list")},
    )
    q = forms.CharField(
        label=_("Reference number or subject"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search for 100 characters or fewer")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status: Any = self.fields["status"]
        status.choices = [("", _("All statuses")), *Application.Status.choices]

    def filters(self) -> tuple[str, str]:
        """(status, search) to apply: none unless both are valid."""
        if not self.is_valid():
            return "", ""
        return self.cleaned_data.get("status") or "", (self.cleaned_data.get("q") or "").strip()

    def error_list(self) -> list[tuple[str, str]]:
        return [
            (name, str(message))
            for name in ("status", "q")
            for message in self.errors.get(name, [])
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": _("Write your message"),
            "max_length": _("Your message must be %(limit_value)d characters or fewer"),
        },
    )
    attachment = forms.FileField(label=_("Attach a file (optional)"), required=False)
