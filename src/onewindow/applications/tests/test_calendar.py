"""The working-day calendar: Georgian public holidays, Orthodox Easter, deadline counting."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.applications import calendar

D = dt.date


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2023, D(2023, 4, 16)),
        (2024, D(2024, 5, 5)),
        (2025, D(2025, 4, 20)),
        (2026, D(2026, 4, 12)),
        (2027, D(2027, 5, 2)),
        (2028, D(2028, 4, 16)),
        (2021, D(2021, 5, 2)),
    ],
)
def test_orthodox_easter_on_known_dates(year: int, easter: dt.date) -> None:
    assert calendar.orthodox_easter(year) == easter


def test_easter_brings_four_holidays() -> None:
    days = calendar.holidays(2026)
    assert days[D(2026, 4, 10)] == "Good Friday"
    assert days[D(2026, 4, 11)] == "Holy Saturday"
    assert days[D(2026, 4, 12)] == "Easter Sunday"
    assert days[D(2026, 4, 13)] == "Easter Monday"
    assert not calendar.is_working_day(D(2026, 4, 13))
    assert calendar.is_working_day(D(2026, 4, 14))


def test_fixed_holidays_of_a_year() -> None:
    days = calendar.holidays(2026)
    fixed = {day for day in days if days[day] not in {name for _, name in calendar.EASTER_HOLIDAYS}}
    assert fixed == {
        D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 7), D(2026, 1, 19), D(2026, 3, 3),
        D(2026, 3, 8), D(2026, 4, 9), D(2026, 5, 9), D(2026, 5, 12), D(2026, 5, 17),
        D(2026, 5, 26), D(2026, 8, 28), D(2026, 10, 14), D(2026, 11, 23),
    }  # fmt: skip


def test_day_of_family_sanctity_only_from_2024() -> None:
    assert D(2023, 5, 17) not in calendar.holidays(2023)
    assert calendar.is_working_day(D(2023, 5, 17))  # a Wednesday
    assert D(2024, 5, 17) in calendar.holidays(2024)


def test_weekends_are_not_working_days() -> None:
    assert not calendar.is_working_day(D(2026, 11, 21))  # Saturday
    assert not calendar.is_working_day(D(2026, 11, 22))  # Sunday
    assert calendar.is_working_day(D(2026, 11, 20))  # Friday


def test_counting_starts_the_next_working_day() -> None:
    # Submitted on Friday 20 November 2026: Monday 23rd is Giorgoba, so day 1 is the 24th.
    assert calendar.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 24)
    # 10 working days: 24, 25, 26, 27, 30 Nov, 1, 2, 3, 4, 7 Dec.
    assert calendar.add_working_days(D(2026, 11, 20), 10) == D(2026, 12, 7)


def test_submitted_on_a_weekend_counts_from_monday() -> None:
    assert calendar.add_working_days(D(2026, 11, 28), 1) == D(2026, 11, 30)
    assert calendar.add_working_days(D(2026, 11, 28), 5) == D(2026, 12, 4)


def test_deadline_across_easter_and_unity_day() -> None:
    # Submitted Tuesday 7 April 2026. 8 Apr = 1; 9 Apr (Unity Day), 10–13 (Easter) skipped;
    # 14 = 2, 15 = 3, 16 = 4, 17 = 5.
    assert calendar.add_working_days(D(2026, 4, 7), 5) == D(2026, 4, 17)


def test_deadline_across_new_year_and_christmas() -> None:
    # Submitted Wednesday 30 December 2026: 31 Dec = 1; 1–2 Jan holidays, 3 Sun;
    # 4 = 2, 5 = 3, 6 = 4, 7 Christmas, 8 = 5.
    assert calendar.add_working_days(D(2026, 12, 30), 5) == D(2027, 1, 8)


def test_zero_days_is_the_start_and_negative_refused() -> None:
    assert calendar.add_working_days(D(2026, 11, 20), 0) == D(2026, 11, 20)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(D(2026, 11, 20), -1)


@pytest.mark.parametrize("n", [0, 1, 5, 10, 30])
def test_working_days_between_inverts_add(n: int) -> None:
    start = D(2026, 4, 7)
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    assert calendar.working_days_between(end, start) == -n


def test_working_days_between_over_a_weekend() -> None:
    assert calendar.working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 1
    assert calendar.working_days_between(D(2026, 11, 28), D(2026, 11, 29)) == 0
