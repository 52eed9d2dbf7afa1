"""Deadlines: the due date from the service's working days, overdue, days left, in words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from onewindow.applications import deadlines
from onewindow.applications.models import Application
from onewindow.catalog.models import Agency, Service

TBILISI = ZoneInfo("Asia/Tbilisi")
D = dt.date


def service(code: str = "some-permit", days: int | None = None) -> Service:
    # Unsaved: due_on reads only the service's code and deadline.
    return Service(code=code, deadline_working_days=days)


def application(due: dt.date | None, status: str = "in-progress") -> Application:
    return Application(reference="OW-2026-0000001", status=status, due_on=due)


def test_due_on_counts_the_services_working_days() -> None:
    submitted = dt.datetime(2026, 11, 20, 15, 0, tzinfo=TBILISI)  # a Friday
    assert deadlines.due_on(service(days=10), submitted) == D(2026, 12, 7)
    assert deadlines.due_on(service(days=1), submitted) == D(2026, 11, 24)  # after Giorgoba


def test_due_on_uses_the_tbilisi_date_of_submission() -> None:
    # 20:30 UTC on Thursday 26 November is 00:30 on Friday in Tbilisi: day 1 is Monday.
    submitted = dt.datetime(2026, 11, 26, 20, 30, tzinfo=dt.UTC)
    assert deadlines.due_on(service(days=1), submitted) == D(2026, 11, 30)
    # 19:30 UTC is still Thursday in Tbilisi: day 1 is Friday.
    thursday = dt.datetime(2026, 11, 26, 19, 30, tzinfo=dt.UTC)
    assert deadlines.due_on(service(days=1), thursday) == D(2026, 11, 27)


def test_no_deadline_without_one_in_the_catalogue() -> None:
    submitted = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TBILISI)
    assert deadlines.due_on(service(), submitted) is None


@pytest.mark.parametrize("code", ["public-information-request", "own-personal-data-request"])
def test_public_information_and_personal_data_default_to_ten(code: str) -> None:
    submitted = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TBILISI)
    assert deadlines.due_on(service(code), submitted) == D(2026, 12, 7)
    # The service's own deadline in the catalogue wins.
    assert deadlines.due_on(service(code, days=5), submitted) == D(2026, 11, 30)


def test_kind_default_for_a_letter_service_without_deadline() -> None:
    submitted = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TBILISI)
    assert deadlines.due_on(service(), submitted, kind="public-information") == D(2026, 12, 7)
    assert deadlines.due_on(service(), submitted, kind="letter") is None


def test_overdue_only_after_the_last_day_and_while_open() -> None:
    due = D(2026, 12, 4)
    assert not deadlines.is_overdue(application(due), D(2026, 12, 4))
    assert deadlines.is_overdue(application(due), D(2026, 12, 5))
    assert not deadlines.is_overdue(application(due, "answered"), D(2026, 12, 20))
    assert not deadlines.is_overdue(application(due, "closed"), D(2026, 12, 20))
    assert not deadlines.is_overdue(application(None), D(2030, 1, 1))


def test_days_left() -> None:
    due = D(2026, 12, 4)  # a Friday
    assert deadlines.days_left(application(due), D(2026, 12, 1)) == 3
    assert deadlines.days_left(application(due), D(2026, 12, 4)) == 0
    assert deadlines.days_left(application(due), D(2026, 12, 8)) == -2
    assert deadlines.days_left(application(due, "answered"), D(2026, 12, 1)) is None
    assert deadlines.days_left(application(None), D(2026, 12, 1)) is None


def test_words_in_english() -> None:
    due = D(2026, 12, 4)
    state = deadlines.deadline_state(application(due), D(2026, 12, 1), language="en")
    assert state.text == "Answer due by 4 December 2026 — 3 working days left"
    assert not state.overdue
    one = deadlines.deadline_state(application(due), D(2026, 12, 3), language="en")
    assert one.text == "Answer due by 4 December 2026 — 1 working day left"
    today = deadlines.deadline_state(application(due), D(2026, 12, 4), language="en")
    assert today.text == "Answer due today, 4 December 2026"
    late = deadlines.deadline_state(application(due), D(2026, 12, 9), language="en")
    assert late.overdue
    assert late.text == "Overdue since 5 December 2026: the answer was due by 4 December 2026"


def test_words_in_georgian() -> None:
    due = D(2026, 12, 4)
    state = deadlines.deadline_state(application(due), D(2026, 12, 1), language="ka")
    assert state.text == "პასუხის ვადა: 4 დეკემბერი 2026 — დარჩა 3 სამუშაო დღე"
    late = deadlines.deadline_state(application(due), D(2026, 12, 9), language="ka")
    assert late.text.startswith("ვადაგადაცილებულია 5 დეკემბერი 2026-დან")


def test_no_words_without_deadline() -> None:
    assert deadlines.deadline_state(application(None), D(2026, 12, 1), language="en").text == ""


@pytest.mark.django_db
def test_due_on_of_a_catalogue_service() -> None:
    agency = Agency.objects.create(code="dea", name_ka="სააგენტო", name_en="Agency")
    saved = Service.objects.create(
        code="public-information-request", title_ka="ს", title_en="S", summary_ka="ს",
        summary_en="S", description_ka="ს", description_en="S", kind="functional",
        audience="both", provider=agency,
    )  # fmt: skip
    submitted = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TBILISI)
    assert deadlines.due_on(saved, submitted) == D(2026, 12, 7)
