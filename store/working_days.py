"""Working days in a Danish municipality: not a weekend, not a Danish public holiday
(from the `holidays` package), and not one of the municipality's own closed days (the
profile's `closed_days`, e.g. Grundlovsdag and Christmas Eve). Messages nobody asked
for at that moment — requests, reminders, meeting packs — go out on working days only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_working_day(day: date, closed: Iterable[str] = ()) -> bool:
    """`closed`: the municipality's own closed days, as month-day ("12-24")."""
    if day.weekday() >= 5 or day in _public_holidays(day.year):
        return False
    return day.strftime("%m-%d") not in set(closed)


def working_day_on_or_after(day: date, closed: Iterable[str] = ()) -> date:
    closed = tuple(closed)
    while not is_working_day(day, closed):
        day += timedelta(days=1)
    return day


def working_day_on_or_before(day: date, closed: Iterable[str] = ()) -> date:
    closed = tuple(closed)
    while not is_working_day(day, closed):
        day -= timedelta(days=1)
    return day
