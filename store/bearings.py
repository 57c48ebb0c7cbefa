"""Political bearings (politiske pejlemærker): whom each is for, which a unit's goals may
follow, and the trace from a bearing to the goals that follow it and their status.

A bearing belongs to a committee and a period. It is for all the committee's units, or
for some of them: a unit type (all daycare), an area (Nord), or one unit. The
dialogue meetings' approved summaries add bearings and change their words; the
organisation file may hold some too.

"Fagudvalgene drøfter og beslutter de politiske pejlemærker" (Hvidovre): what a summary
agrees is the committee's *proposal* until the administration records the committee's
decision on it, as proposed or amended. Goals follow decided bearings only ("i
overensstemmelse med fagudvalgets politiske pejlemærker"): a proposal is shown, marked
as such, but not offered to a goal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.dates import LOCAL_TIME
from store.enums import BearingScope, Role
from store.errors import Invalid, NotAllowed
from store.limits import TITLE_MAX
from store.meetingviews import CommitteeBearings, TracedBearing
from store.models import (
    Bearing,
    Committee,
    Department,
    Goal,
    GoalBearing,
    Meeting,
    Municipality,
    Period,
    Unit,
)
from store.profiles import profile
from store.status import GOALS, current_period, goal_from_row, period_view
from store.text import danish_order, fold
from store.views import Actor, BearingView, GoalView, Scope


@dataclass(frozen=True)
class UnitPlace:
    """What decides which bearings are for a unit."""

    id: int
    committee_id: int
    unit_type: str
    area: str | None = None


def is_for(scope: Scope, unit: UnitPlace) -> bool:
    """Whether a bearing with `scope` is for `unit` (of the bearing's committee)."""
    match scope.kind:
        case BearingScope.COMMITTEE:
            return True
        case BearingScope.UNIT_TYPE:
            return fold(scope.value or "") == fold(unit.unit_type)
        case BearingScope.AREA:
            return fold(scope.value or "") == fold(unit.area or "")
        case BearingScope.UNIT:
            return scope.unit_id == unit.id
    return False


def scope_of(bearing: Bearing) -> Scope:
    return Scope(BearingScope(bearing.scope), bearing.scope_value, bearing.unit_id)


async def for_units(
    session: AsyncSession, units: Sequence[UnitPlace], period_id: int | None
) -> dict[int, tuple[BearingView, ...]]:
    """Per unit, the decided bearings of its committee for the period that are for it:
    a goal follows what the committee decided, not a proposal."""
    if not units or period_id is None:
        return {}
    views = await committee_bearings(session, {u.committee_id for u in units}, period_id)
    return {
        unit.id: tuple(
            v for v in views.get(unit.committee_id, ()) if not v.proposed and is_for(v.scope, unit)
        )
        for unit in units
    }


async def committee_bearings(
    session: AsyncSession, committee_ids: Iterable[int], period_id: int
) -> dict[int, tuple[BearingView, ...]]:
    """Each committee's bearings for the period, in the order they were agreed."""
    rows = await session.execute(
        select(Bearing, Unit.name)
        .outerjoin(Unit, Unit.id == Bearing.unit_id)
        .where(Bearing.committee_id.in_(list(committee_ids)), Bearing.period_id == period_id)
        .order_by(Bearing.id)
    )
    found: dict[int, list[BearingView]] = {}
    for bearing, unit_name in rows:
        found.setdefault(bearing.committee_id, []).append(view_of(bearing, unit_name))
    return {committee: tuple(views) for committee, views in found.items()}


def view_of(bearing: Bearing, unit_name: str | None = None) -> BearingView:
    return BearingView(
        bearing.id, bearing.title, bearing.description, scope_of(bearing), unit_name,
        proposed=bearing.proposed, decided_on=bearing.decided_on,
    )  # fmt: skip


async def decide(
    session: AsyncSession,
    actor: Actor,
    bearing_id: int,
    decided_on: date | None,
    amended: str | None,
    now: datetime,
) -> BearingView:
    """Record the committee's decision on a proposed bearing: the day of its meeting
    (not in the future, not before the dialogue meeting that proposed it), and the
    words it decided if it amended them. The bearing is in force from then on."""
    if not actor.is_administration:
        raise NotAllowed("pejlemaerke.kun_administration")
    bearing = await session.get(Bearing, bearing_id)
    if bearing is None or bearing.municipality_id != actor.municipality_id:
        raise NotAllowed("pejlemaerke.ukendt")
    if not bearing.proposed:
        raise Invalid("pejlemaerke.allerede_besluttet")
    if decided_on is None:
        raise Invalid("pejlemaerke.dato_mangler")
    if decided_on > now.astimezone(LOCAL_TIME).date():
        raise Invalid("pejlemaerke.dato_fremtid", day=decided_on)
    proposed_at = await session.scalar(
        select(Meeting.starts_at).where(Meeting.id == bearing.meeting_id)
    )
    if proposed_at is not None and decided_on < proposed_at.astimezone(LOCAL_TIME).date():
        raise Invalid("pejlemaerke.dato_foer_dialogmoedet", day=proposed_at)
    words = (amended or "").strip()
    if len(words) > TITLE_MAX:
        raise Invalid("moede.for_lang", field="title", limit=TITLE_MAX)
    if words and words != bearing.title:
        bearing.proposed_title, bearing.title = bearing.title, words
    bearing.proposed, bearing.decided_on, bearing.decided_by = False, decided_on, actor.person_id
    bearing.updated_at = now
    await session.flush()
    unit_name = await session.scalar(select(Unit.name).where(Unit.id == bearing.unit_id))
    return view_of(bearing, unit_name)


async def traced(session: AsyncSession, committee: Committee, period: Period) -> CommitteeBearings:
    """The committee's bearings for the period, each with the reportable goals that
    follow it and their newest status: two statements, whatever the committee's size."""
    views = (await committee_bearings(session, [committee.id], period.id)).get(committee.id, ())
    municipality = await session.get_one(Municipality, committee.municipality_id)
    if not profile(municipality.profile).uses_goals:  # Dragør: the bearings, never a goal
        bearings = tuple(TracedBearing(view) for view in views)
        return CommitteeBearings(
            committee.id, committee.name, period_view(period), bearings, uses_goals=False
        )
    following = await session.execute(
        GOALS.add_columns(GoalBearing.bearing_id)
        .join(GoalBearing, GoalBearing.goal_id == Goal.id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.committee_id == committee.id, Goal.period_id == period.id),
        {"municipality": committee.municipality_id},
    )
    goals: dict[int, list[GoalView]] = {}
    for row in following:
        goals.setdefault(row.bearing_id, []).append(goal_from_row(row))
    return CommitteeBearings(
        committee.id,
        committee.name,
        period_view(period),
        tuple(
            TracedBearing(view, tuple(sorted(goals.get(view.id, []), key=_by_unit)))
            for view in views
        ),
    )


def _by_unit(goal: GoalView) -> tuple[tuple[str, str], int]:
    return danish_order(goal.unit_name), goal.id


async def of_committees(
    session: AsyncSession, actor: Actor, today: date
) -> list[CommitteeBearings]:
    """The bearings, traced, of the committees the actor follows: all for the
    administration, their own for a politician, their units' for leaders and department
    heads. The period is the current one."""
    period = await current_period(session, actor.municipality_id, today)
    if period is None:
        return []
    found = await session.scalars(
        select(Committee)
        .where(Committee.id.in_(await followed_committees(session, actor)))
        .order_by(Committee.id)
    )
    return [await traced(session, committee, period) for committee in found]


async def followed_committees(session: AsyncSession, actor: Actor) -> list[int]:
    """The committees whose meetings, bearings and matters the actor follows."""
    query = select(Committee.id).where(Committee.municipality_id == actor.municipality_id)
    if actor.is_administration:
        return list(await session.scalars(query))
    politician = {r.committee_id for r in actor.roles if r.role is Role.POLITICIAN}
    departments = {r.department_id for r in actor.roles if r.role is Role.DEPARTMENT_HEAD}
    units = {r.unit_id for r in actor.roles if r.role is Role.UNIT_LEADER}
    via_units = select(Department.committee_id).join(Unit, Unit.department_id == Department.id)
    found = await session.scalars(
        query.where(
            Committee.id.in_(politician)
            | Committee.id.in_(
                select(Department.committee_id).where(Department.id.in_(departments))
            )
            | Committee.id.in_(via_units.where(Unit.id.in_(units)))
        )
    )
    return list(found)
