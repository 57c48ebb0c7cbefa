"""The meeting pack (mødepakke): what the committee reads before a dialogue meeting.

The committee's knowledge pack for the period (trends, surveys, key figures), the
participating units, their goals with the newest status and the colours through the
period, the leaders' preparation notes, last period's results, and the committee's
bearings. Built in a fixed number of statements, however many units take part.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store import knowledge
from store.bearings import committee_bearings
from store.meetings import meeting_view, preparations
from store.meetingviews import PackGoal, PackUnit, PackView
from store.models import Color, Goal, Meeting, Municipality, Period, StatusUpdate, Unit
from store.profiles import profile
from store.status import GOALS, goal_from_row, latest_statuses, period_view
from store.views import GoalView, StatusView


async def pack(session: AsyncSession, meeting_id: int) -> PackView:
    held = await session.get_one(Meeting, meeting_id)
    shown = await meeting_view(session, held)
    municipality = await session.get_one(Municipality, held.municipality_id)
    period = await session.get_one(Period, held.period_id)
    unit_ids = [u.id for u in shown.units]
    uses_goals = profile(municipality.profile).uses_goals
    goals = await _goals(session, held, unit_ids) if uses_goals else {}
    earlier = await _earlier(session, held, period, unit_ids) if uses_goals else {}
    notes = await preparations(session, held.id, unit_ids)
    bearings = await committee_bearings(session, [held.committee_id], held.period_id)
    return PackView(
        meeting=shown,
        municipality_name=municipality.name,
        period=period_view(period),
        units=tuple(
            PackUnit(u, tuple(goals.get(u.id, ())), notes.get(u.id), tuple(earlier.get(u.id, ())))
            for u in shown.units
        ),
        uses_goals=uses_goals,
        bearings=bearings.get(held.committee_id, ()),
        knowledge=await knowledge.items_for(session, held.committee_id, held.period_id),
    )


async def _goals(
    session: AsyncSession, held: Meeting, unit_ids: Sequence[int]
) -> dict[int, list[PackGoal]]:
    """Each unit's reportable goals of the period, with every status of the period."""
    rows = await session.execute(
        GOALS.where(Goal.unit_id.in_(unit_ids), Goal.period_id == held.period_id),
        {"municipality": held.municipality_id},
    )
    views = [goal_from_row(row) for row in rows]
    trends = await _trends(session, [g.id for g in views])
    found: dict[int, list[PackGoal]] = {}
    for goal in views:
        found.setdefault(goal.unit_id, []).append(PackGoal(goal, trends.get(goal.id, ())))
    return found


async def _trends(session: AsyncSession, goal_ids: list[int]) -> dict[int, tuple[StatusView, ...]]:
    if not goal_ids:
        return {}
    rows = await session.scalars(
        select(StatusUpdate)
        .where(StatusUpdate.goal_id.in_(goal_ids))
        .order_by(StatusUpdate.goal_id, StatusUpdate.reported_at, StatusUpdate.id)
    )
    found: dict[int, list[StatusView]] = {}
    for s in rows:
        view = StatusView(Color(s.color), s.narrative, s.evidence, s.reported_at)
        found.setdefault(s.goal_id, []).append(view)
    return {goal: tuple(views) for goal, views in found.items()}


async def _earlier(
    session: AsyncSession, held: Meeting, period: Period, unit_ids: Sequence[int]
) -> dict[int, list[PackGoal]]:
    """Last period's approved goals of the units, with the status each ended on."""
    previous = await session.scalar(
        select(Period.id)
        .where(Period.municipality_id == held.municipality_id, Period.ends_on < period.starts_on)
        .order_by(Period.ends_on.desc())
        .limit(1)
    )
    if previous is None:
        return {}
    rows = (
        await session.execute(
            select(Goal.id, Goal.title, Goal.unit_id, Unit.name)
            .join(Unit, Unit.id == Goal.unit_id)
            .where(
                Goal.unit_id.in_(unit_ids),
                Goal.period_id == previous,
                # Approved at some point; closing at the period's end keeps this, while a
                # draft closed then never had it.
                Goal.reportable_version.is_not(None),
            )
            .order_by(Goal.unit_id, Goal.id)
        )
    ).all()
    ended = await latest_statuses(session, [r.id for r in rows])
    found: dict[int, list[PackGoal]] = {}
    for r in rows:
        goal = GoalView(r.id, r.title, r.unit_id, r.name, latest=ended.get(r.id))
        found.setdefault(r.unit_id, []).append(PackGoal(goal))
    return found
