"""The access log's filters: agency, purpose and a date range (GOV.UK date inputs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .presentation import format_date
from .selectors import AccessLogFilters, agency_names, purpose_choices

DATE_PARTS = ("day", "month", "year")


class AccessLogFilterForm(forms.Form):
    agency = forms.ChoiceField(
        label=_("Agency"),
        required=False,
        error_messages={"invalid_choice": _("Select an agency from the list")},
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        error_messages={"invalid_choice": _("Select a purpose from the list")},
    )
    since_day = forms.CharField(required=False)
    since_month = forms.CharField(required=False)
    since_year = forms.CharField(required=False)
    until_day = forms.CharField(required=False)
    until_month = forms.CharField(required=False)
    until_year = forms.CharField(required=False)

    DATE_MESSAGES = {
        "since": (
            _("The start date must include a day, month and year"),
            _("The start date must be a real date, for example 27 3 2026"),
        ),
        "until": (
            _("The end date must include a day, month and year"),
            _("The end date must be a real date, for example 27 3 2026"),
        ),
    }

    def __init__(self, *args: Any, agencies: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies if agencies is not None else agency_names()
        agency: Any = self.fields["agency"]
        agency.choices = [("", _("All agencies")), *self.agencies.items()]
        purpose: Any = self.fields["purpose"]
        purpose.choices = [("", _("All purposes")), *purpose_choices()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for prefix in ("since", "until"):
            parts = [str(self.data.get(f"{prefix}_{part}", "")).strip() for part in DATE_PARTS]
            cleaned[prefix] = self._date(prefix, parts)
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error(
                "until_day", _("The end date must be the same as or after the start date")
            )
        return cleaned

    def _date(self, prefix: str, parts: list[str]) -> dt.date | None:
        incomplete, unreal = self.DATE_MESSAGES[prefix]
        if not any(parts):
            return None
        if not all(parts):
            self.add_error(f"{prefix}_day", incomplete)
            return None
        day, month, year = parts
        try:
            digits = day.isdigit() and month.isdigit() and year.isdigit()
            if not digits or len(day) > 2 or len(month) > 2 or len(year) != 4:
                raise ValueError
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            self.add_error(f"{prefix}_day", unreal)
            return None

    def filters(self) -> AccessLogFilters:
        """The filters to apply: none at all unless every filter is valid."""
        if not self.is_valid():
            return AccessLogFilters()
        data = self.cleaned_data
        return AccessLogFilters(
            agency=data.get("agency") or "",
            purpose=data.get("purpose") or "",
            since=data.get("since"),
            until=data.get("until"),
        )

    def date_inputs(self) -> list[dict[str, Any]]:
        """What the template needs for each GOV.UK date input: legend, error, values."""
        inputs = []
        for prefix, legend in (("since", _("From")), ("until", _("To"))):
            errors = self.errors.get(f"{prefix}_day")
            inputs.append(
                {
                    "prefix": prefix,
                    "legend": legend,
                    "error": str(errors[0]) if errors else "",
                    **{part: str(self.data.get(f"{prefix}_{part}", "")) for part in DATE_PARTS},
                }
            )
        return inputs

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, in the order of the form."""
        items = []
        for name, anchor in (
            ("agency", "agency"),
            ("purpose", "purpose"),
            ("since_day", "since-day"),
            ("until_day", "until-day"),
        ):
            for message in self.errors.get(name, []):
                items.append((anchor, str(message)))
        return items

    def in_words(self) -> list[str]:
        """The filters applied, as the PDF states them."""
        filters = self.filters()
        words = []
        if filters.agency:
            name = self.agencies.get(filters.agency)
            words.append(gettext("Agency: %(name)s") % {"name": name})
        if filters.purpose:
            purposes = dict(purpose_choices())
            words.append(gettext("Purpose: %(name)s") % {"name": purposes.get(filters.purpose)})
        if filters.since:
            words.append(gettext("From: %(date)s") % {"date": format_date(filters.since)})
        if filters.until:
            words.append(gettext("To: %(date)s") % {"date": format_date(filters.until)})
        return words
