"""Periods as a sequence: the one running on a day, the one after it, and when the next
one's goals are drafted.

A municipality holds past, current and next periods side by side. Which one is current
is a matter of the date only, so the next period's approved goals take over on its first
day without anything having to run. Its goals are drafted in the profile's window in the
autumn before it starts (Jammerbugt: 1 October – 31 December, after the budget), while
the current period still runs. Inside a period of several years (Hvidovre's election
period) the same autumn window is the yearly adjustment after the budget.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Period
from store.profiles import CycleSettings, Profile
from store.status import current_period
from store.views import PeriodView


def on_day(year: int, month_day: str) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


def budget_start(year: int) -> date:
    """The day the budget adopted in the autumn of `year` applies from."""
    return date(year + 1, 1, 1)


def drafting_window(cycle: CycleSettings, starts_on: date) -> tuple[date, date]:
    """The days goals of a period starting on `starts_on` are drafted: the profile's
    autumn window in the year before, ending at the latest the day before it starts."""
    year = starts_on.year - 1
    first, last = on_day(year, cycle.drafting_from), on_day(year, cycle.drafting_to)
    return first, min(last, starts_on - timedelta(days=1))


def adjusting(cycle: CycleSettings, period: PeriodView, today: date) -> int | None:
    """The budget year whose adjustment of the period's goals is under way today: from the
    autumn window's opening in a year the period continues after (Hvidovre) until that
    budget year begins, so a leader late with it still adjusts for that budget; else None."""
    first, following = on_day(today.year, cycle.drafting_from), budget_start(today.year)
    if first <= today < following and period.starts_on < following <= period.ends_on:
        return following.year
    return None


async def next_period(session: AsyncSession, municipality_id: int, today: date) -> Period | None:
    """The first period that has not started by `today`."""
    return await session.scalar(
        select(Period)
        .where(Period.municipality_id == municipality_id, Period.starts_on > today)
        .order_by(Period.starts_on, Period.id)
        .limit(1)
    )


async def draftable(
    session: AsyncSession, municipality_id: int, chosen: Profile, today: date
) -> list[Period]:
    """The periods a leader may write goals for today: the current one, and the next one
    while its drafting window is open. Current first."""
    found = []
    current = await current_period(session, municipality_id, today)
    if current is not None:
        found.append(current)
    upcoming = await next_period(session, municipality_id, today)
    if upcoming is not None:
        first, last = drafting_window(chosen.cycle, upcoming.starts_on)
        if first <= today <= last:
            found.append(upcoming)
    return found


async def history(session: AsyncSession, municipality_id: int) -> list[Period]:
    """Every period of the municipality, oldest first."""
    rows = await session.scalars(
        select(Period)
        .where(Period.municipality_id == municipality_id)
        .order_by(Period.starts_on, Period.id)
    )
    return list(rows)
