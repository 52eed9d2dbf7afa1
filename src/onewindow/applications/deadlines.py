"""Statutory deadlines of applications: the date an answer is due (in working days, see
`calendar`), whether a case is overdue, and the words the citizen reads about it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, ngettext

from . import calendar

if TYPE_CHECKING:
    from onewindow.catalog.models import Service

    from .models import Application

TBILISI = ZoneInfo("Asia/Tbilisi")

# The General Administrative Code's term for public information (Article 40) and the
# Law on Personal Data Protection's for a person's own data: used when the service in the
# catalogue names no deadline of its own (its `deadline_working_days` wins when set).
DEFAULT_WORKING_DAYS_BY_SERVICE: dict[str, int] = {
    "public-information-request": 10,
    "own-personal-data-request": 10,
}
DEFAULT_WORKING_DAYS_BY_KIND: dict[str, int] = {
    "public-information": 10,
    "personal-data": 10,
}

# A case still waiting for the agency's answer; the clock stops once it is answered.
OPEN_STATUSES = frozenset({"submitted", "received", "in-progress", "information-requested"})


def tbilisi_today() -> dt.date:
    return timezone.now().astimezone(TBILISI).date()


def deadline_working_days(service: Service, *, kind: str = "") -> int | None:
    """The service's deadline in working days: its own, else the default of its kind."""
    if service.deadline_working_days:
        return int(service.deadline_working_days)
    by_service = DEFAULT_WORKING_DAYS_BY_SERVICE.get(service.code)
    if by_service is not None:
        return by_service
    return DEFAULT_WORKING_DAYS_BY_KIND.get(kind)


def due_on(service: Service, submitted_at: dt.datetime, *, kind: str = "") -> dt.date | None:
    """The last day (Tbilisi time) for the agency's answer, or None when the law sets none.
    Counting starts on the first working day after the day of submission."""
    days = deadline_working_days(service, kind=kind)
    if days is None:
        return None
    submitted_on = (
        submitted_at.astimezone(TBILISI).date()
        if timezone.is_aware(submitted_at)
        else submitted_at.date()
    )
    return calendar.add_working_days(submitted_on, days)


def is_open(application: Application) -> bool:
    return application.status in OPEN_STATUSES


def is_overdue(application: Application, today: dt.date | None = None) -> bool:
    """The answer was due before `today` (Tbilisi) and the case is still open."""
    today = today or tbilisi_today()
    return application.due_on is not None and is_open(application) and today > application.due_on


def days_left(application: Application, today: dt.date | None = None) -> int | None:
    """Working days left until the answer is due (0 on the last day, negative once
    overdue); None when there is no deadline or the case is no longer open."""
    if application.due_on is None or not is_open(application):
        return None
    return calendar.working_days_between(today or tbilisi_today(), application.due_on)


@dataclass(frozen=True)
class DeadlineState:
    """What the citizen reads about a case's deadline."""

    due_on: dt.date | None
    overdue: bool
    days_left: int | None
    text: str  # e.g. "Answer due by 4 December 2026 — 3 working days left"


def deadline_state(
    application: Application, today: dt.date | None = None, *, language: str | None = None
) -> DeadlineState:
    """The deadline in words, in `language` (ka/en; the active language when None)."""
    today = today or tbilisi_today()
    overdue = is_overdue(application, today)
    left = days_left(application, today)
    with translation.override(language or translation.get_language() or "ka"):
        text = _deadline_text(application, today, overdue=overdue, left=left)
    return DeadlineState(application.due_on, overdue, left, text)


def _deadline_text(
    application: Application, today: dt.date, *, overdue: bool, left: int | None
) -> str:
    due = application.due_on
    if due is None:
        return ""
    date = date_format(due, "j F Y")
    if not is_open(application):
        return gettext("The answer was due by %(date)s") % {"date": date}
    if overdue:
        since = date_format(due + dt.timedelta(days=1), "j F Y")
        return gettext("Overdue since %(date)s: the answer was due by %(due)s") % {
            "date": since,
            "due": date,
        }
    if today == due:
        return gettext("Answer due today, %(date)s") % {"date": date}
    count = left or 0
    return ngettext(
        "Answer due by %(date)s — %(count)d working day left",
        "Answer due by %(date)s — %(count)d working days left",
        count,
    ) % {"date": date, "count": count}
