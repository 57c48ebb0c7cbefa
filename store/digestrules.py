"""The digest's rules about time: which status day was due last (a goal with no status
since it is missing), which goals were red on the last two status days, and what changed
since the committee's last meeting. Each in one statement, whatever the committee's size.

A status counts for the status day it is nearest to, as the reminders count it
(store/reminders.py): one reported from 45 days before the day (about halfway since
the previous quarterly one) up to 45 days after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.dates import LOCAL_TIME
from store.enums import Color, MeetingState
from store.meetings import of_committee
from store.models import Committee, Meeting, Period, StatusUpdate
from store.views import GoalView, MeetingChange, SinceMeeting

WINDOW = timedelta(days=45)


def status_days(cycle: Sequence[str], period: Period, today: date) -> list[date]:
    """The profile's status days ("MM-DD") within the period, up to `today`, oldest first."""
    days = []
    for year in range(period.starts_on.year, today.year + 1):
        for month_day in cycle:
            month, day = (int(part) for part in month_day.split("-"))
            found = date(year, month, day)
            if period.starts_on <= found <= min(today, period.ends_on):
                days.append(found)
    return sorted(days)


def current_from(days: Sequence[date], period: Period) -> datetime:
    """A goal with no status since this moment is missing: the window of the last status
    day that was due opened then; before the first status day, the period's start."""
    start = datetime.combine(period.starts_on, time(), LOCAL_TIME)
    if not days:
        return start
    return max(start, datetime.combine(days[-1] - WINDOW, time(), LOCAL_TIME))


async def red_twice(
    session: AsyncSession, goal_ids: Sequence[int], days: Sequence[date]
) -> frozenset[int]:
    """The goals whose status for each of the last two status days was red. Status days
    can be closer than 90 days (15 September, 15 November), so the two are split halfway:
    one red status cannot count for both."""
    if len(days) < 2 or not goal_ids:
        return frozenset()
    first, last = days[-2], days[-1]
    opens = _midnight(_halfway(days[-3], first) if len(days) > 2 else first - WINDOW)
    split = _midnight(_halfway(first, last))
    rows = await session.execute(
        select(StatusUpdate.goal_id, StatusUpdate.color, StatusUpdate.reported_at)
        .where(StatusUpdate.goal_id.in_(list(goal_ids)), StatusUpdate.reported_at >= opens)
        .order_by(StatusUpdate.goal_id, StatusUpdate.reported_at, StatusUpdate.id)
    )
    for_day: dict[tuple[int, date], Color] = {}
    for goal_id, color, at in rows:
        for_day[(goal_id, first if at < split else last)] = Color(color)  # the newest wins
    return frozenset(
        g
        for g in goal_ids
        if for_day.get((g, first)) is Color.RED and for_day.get((g, last)) is Color.RED
    )


def _halfway(earlier: date, later: date) -> date:
    return earlier + (later - earlier) / 2


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_TIME)


async def since_meeting(
    session: AsyncSession, committee: Committee, goals: Sequence[GoalView], now: datetime
) -> SinceMeeting | None:
    """The goals whose colour now differs from their colour at the committee's last
    dialogue meeting; None when the committee has not met."""
    held = await session.scalar(
        select(Meeting.starts_at)
        .where(
            of_committee(committee.id),
            Meeting.starts_at <= now,
            Meeting.state == MeetingState.PLANNED,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    if held is None:
        return None
    then = await _colors_at(session, [g.id for g in goals], held)
    changes = tuple(
        MeetingChange(g.unit_name, g.title, then.get(g.id), g.latest.color if g.latest else None)
        for g in goals
        if (g.latest.color if g.latest else None) != then.get(g.id)
    )
    return SinceMeeting(held, changes)


async def _colors_at(session: AsyncSession, goal_ids: list[int], at: datetime) -> dict[int, Color]:
    if not goal_ids:
        return {}
    rows = await session.execute(
        select(StatusUpdate.goal_id, StatusUpdate.color)
        .where(StatusUpdate.goal_id.in_(goal_ids), StatusUpdate.reported_at <= at)
        .order_by(StatusUpdate.goal_id, StatusUpdate.reported_at, StatusUpdate.id)
    )
    return {goal_id: Color(color) for goal_id, color in rows}  # the newest per goal wins


async def meeting_period_start(
    session: AsyncSession, committee_id: int, period: Period | None, now: datetime
) -> datetime | None:
    """Where the committee's current meeting period began: its last dialogue meeting, or
    the start of the period before its first one. The digests of a meeting period share
    one thread in the channel."""
    held = await session.scalar(
        select(Meeting.starts_at)
        .where(
            Meeting.committee_id == committee_id,
            Meeting.starts_at <= now,
            Meeting.state == MeetingState.PLANNED,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    if held is not None:
        return held
    return datetime.combine(period.starts_on, time(), LOCAL_TIME) if period else None
