"""The administration as pen-holder (pennefører) of a unit's goals (000: "For nogle
fagområder vil administrationen være den primære pennefører"). The administration drafts
the goal in the ordinary goal dialogue; the unit's leaders are told, read it and comment;
the department head approves it as any other goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import GoalAction, GoalState, Role
from store.errors import Invalid, NotAllowed
from store.goals import goal_detail
from store.goalviews import GoalDetail
from store.limits import NARRATIVE_MAX
from store.models import Goal, GoalEvent, Person, RoleAssignment, Unit
from store.text import danish_order
from store.views import Actor


@dataclass(frozen=True)
class Commented:
    """A leader's comment on a goal, and whom to tell: the pen-holder who wrote it, and
    the department heads while it waits for their decision."""

    goal: GoalDetail
    tell: tuple[int, ...]
    names: tuple[str, ...] = ()  # of those told, in Danish order


async def comment(
    session: AsyncSession, actor: Actor, goal_id: int, text: str | None, now: datetime
) -> Commented:
    """The unit's leader comments on a goal of the unit; the comment stays in its history."""
    goal = await session.get(Goal, goal_id)
    if goal is None or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("maal.ukendt")
    if goal.unit_id not in actor.led_unit_ids:
        raise NotAllowed("maal.kommentar.ikke_din_enhed")
    if goal.state == GoalState.CLOSED:
        raise Invalid("maal.kommentar.lukket")
    words = (text or "").strip()
    if not words:
        raise Invalid("maal.kommentar.mangler")
    if len(words) > NARRATIVE_MAX:
        raise Invalid("maal.kommentar.for_lang", limit=NARRATIVE_MAX, length=len(words))
    session.add(
        GoalEvent(
            municipality_id=goal.municipality_id, goal_id=goal.id, version=goal.version,
            action=GoalAction.COMMENTED, person_id=actor.person_id, at=now, comment=words,
        )
    )  # fmt: skip
    await session.flush()
    tell = set(await _heads(session, goal)) if goal.state == GoalState.SUBMITTED else set()
    if goal.created_by is not None:
        tell.add(goal.created_by)
    tell.discard(actor.person_id)
    names = await session.scalars(select(Person.name).where(Person.id.in_(tell)))
    detail = await goal_detail(session, actor, goal.id)
    return Commented(detail, tuple(sorted(tell)), tuple(sorted(names, key=danish_order)))


async def _heads(session: AsyncSession, goal: Goal) -> list[int]:
    department = select(Unit.department_id).where(Unit.id == goal.unit_id).scalar_subquery()
    found = await session.scalars(
        select(RoleAssignment.person_id).where(
            RoleAssignment.role == Role.DEPARTMENT_HEAD, RoleAssignment.department_id == department
        )
    )
    return list(found)
