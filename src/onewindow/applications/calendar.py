"""Georgia's working-day calendar: public holidays (Labour Code, Article 20), Orthodox
Easter and the working days the General Administrative Code counts deadlines in.

Pure Python: no Django, no database. Holidays are computed for any year."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

# (month, day, first year it applies or None, English name); the Georgian name in a comment.
FIXED_HOLIDAYS: tuple[tuple[int, int, int | None, str], ...] = (
    (1, 1, None, "New Year"),  # ახალი წელი
    (1, 2, None, "New Year"),  # ახალი წელი
    (1, 7, None, "Orthodox Christmas"),  # შობა
    (1, 19, None, "Epiphany"),  # ნათლისღება
    (3, 3, None, "Mother's Day"),  # დედის დღე
    (3, 8, None, "International Women's Day"),  # ქალთა საერთაშორისო დღე
    (4, 9, None, "National Unity Day"),  # ეროვნული ერთიანობის დღე
    (5, 9, None, "Victory Day"),  # ფაშიზმზე გამარჯვების დღე
    (5, 12, None, "St Andrew the First-Called Day"),  # ანდრია პირველწოდებულის დღე
    (5, 17, 2024, "Day of Family Sanctity"),  # ოჯახის სიწმინდის დღე
    (5, 26, None, "Independence Day"),  # დამოუკიდებლობის დღე
    (8, 28, None, "Mariamoba"),  # მარიამობა
    (10, 14, None, "Svetitskhovloba"),  # სვეტიცხოვლობა
    (11, 23, None, "Giorgoba"),  # გიორგობა
)

# Days around Orthodox Easter, as offsets from Easter Sunday.
EASTER_HOLIDAYS: tuple[tuple[int, str], ...] = (
    (-2, "Good Friday"),  # წითელი პარასკევი
    (-1, "Holy Saturday"),  # დიდი შაბათი
    (0, "Easter Sunday"),  # აღდგომა
    (1, "Easter Monday"),  # მიცვალებულთა მოხსენიების დღე
)


def orthodox_easter(year: int) -> dt.date:
    """Easter Sunday by the Julian computus (Meeus), converted to the Gregorian calendar."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    julian = dt.date(year, month, day + 1)
    # The Julian calendar lags the Gregorian one by this many days in `year`'s century
    # (13 from 1 March 1900 to 28 February 2100).
    century = year // 100
    return julian + dt.timedelta(days=century - century // 4 - 2)


@lru_cache(maxsize=64)
def holidays(year: int) -> dict[dt.date, str]:
    """Georgia's public holidays in `year`: date → English name."""
    days: dict[dt.date, str] = {}
    for month, day, since, name in FIXED_HOLIDAYS:
        if since is None or year >= since:
            days[dt.date(year, month, day)] = name
    easter = orthodox_easter(year)
    for offset, name in EASTER_HOLIDAYS:
        # When Easter falls on a fixed holiday (e.g. 9 April), the date is a holiday anyway.
        days.setdefault(easter + dt.timedelta(days=offset), name)
    return days


def is_holiday(day: dt.date) -> bool:
    return day in holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and not is_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day` (never `day` itself)."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The `n`-th working day after `start`: counting begins on the next working day after
    the event (the day of submission itself is not counted), so a 10-day deadline for an
    application made on any day of a week ends on the 10th working day that follows.
    `n` = 0 gives `start` itself."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days come after `start` up to and including `end`; negative (the
    working days after `end` up to and including `start`) when `end` is before `start`.
    `working_days_between(d, add_working_days(d, n)) == n`."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += dt.timedelta(days=1)
    return count
