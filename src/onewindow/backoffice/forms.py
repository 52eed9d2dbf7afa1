"""The back-office's forms: the inbox filters and the case actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.applications.models import Application

from .selectors import OPEN_STATUSES, InboxFilters, Sort

OPEN = "open"
TEXT_LIMIT = 10_000


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    service = forms.TypedChoiceField(
        label=_("Service"), required=False, coerce=int, empty_value=None
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    due_from = forms.DateField(label=_("Due from"), required=False)
    due_to = forms.DateField(label=_("Due by"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue cases"), required=False)
    q = forms.CharField(
        label=_("Search"),
        help_text=_("A reference number, or part of the subject or the applicant's name"),
        required=False,
        max_length=100,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(Sort.DUE, _("Due date, soonest first")), (Sort.SUBMITTED, _("Newest first"))],
    )

    def __init__(
        self,
        data: Any,
        *,
        services: Sequence[tuple[int, str]],
        colleagues: Sequence[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        self._choices("status").choices = [
            (OPEN, _("All open cases")),
            *Application.Status.choices,
            ("all", _("All cases")),
        ]
        self._choices("service").choices = [("", _("All services")), *services]
        self._choices("assignee").choices = [
            ("", _("Anyone")),
            ("mine", _("Me")),
            ("unassigned", _("Nobody (unassigned)")),
            *((str(pk), name) for pk, name in colleagues),
        ]

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        return field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        due_from, due_to = cleaned.get("due_from"), cleaned.get("due_to")
        if due_from and due_to and due_from > due_to:
            self.add_error("due_to", _("The end of the range must be after its start"))
        return cleaned

    def filters(self) -> InboxFilters:
        """The filters chosen; an invalid filter is left out (and shown as an error)."""
        data = self.cleaned_data if self.is_valid() else _valid_part(self)
        status = data.get("status") or OPEN
        statuses: tuple[str, ...]
        if status == OPEN:
            statuses = OPEN_STATUSES
        elif status == "all":
            statuses = ()
        else:
            statuses = (status,)
        return InboxFilters(
            statuses=statuses,
            service_id=data.get("service"),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            overdue=bool(data.get("overdue")),
            assignee=data.get("assignee") or "",
            search=data.get("q") or "",
            sort=data.get("sort") or Sort.DUE,
        )

    def error_list(self) -> list[tuple[str, str]]:
        return [
            (f"id_{name}", str(errors[0]))
            for name, errors in self.errors.items()
            if name in self.fields
        ]


def _valid_part(form: forms.Form) -> dict[str, Any]:
    return {
        name: value
        for name, value in getattr(form, "cleaned_data", {}).items()
        if name not in form.errors
    }


class TextForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea, max_length=TEXT_LIMIT
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        help_text=_("Only the agency's staff see internal notes; the applicant never does."),
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Application.Outcome.choices, widget=forms.RadioSelect
    )
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=TEXT_LIMIT)


class ReassignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, data: Any = None, *, colleagues: Sequence[tuple[int, str]]) -> None:
        super().__init__(data)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = list(colleagues)
