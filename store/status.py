"""Status updates: red / yellow / green on a goal, with a narrative and evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.errors import Invalid, NotAllowed
from store.limits import EVIDENCE_MAX, NARRATIVE_MAX
from store.models import Bearing, Color, Goal, GoalState, Period, Person, StatusUpdate, Unit
from store.text import danish_order
from store.views import Actor, GoalView, PeriodView, StatusView

# Which goals take part in status reporting and digests. Goal drafting and approval
# (draft → submitted → approved) widen this per profile later; today only approved goals.
REPORTABLE = (GoalState.APPROVED,)


async def current_period(session: AsyncSession, municipality_id: int, today: date) -> Period | None:
    """The period that runs today, or else the latest one that has started."""
    periods = select(Period).where(Period.municipality_id == municipality_id)
    running = await session.scalar(
        periods.where(Period.starts_on <= today, Period.ends_on >= today)
    )
    if running is not None:
        return running
    return await session.scalar(
        periods.where(Period.starts_on <= today).order_by(Period.starts_on.desc())
    )


def period_view(period: Period | None) -> PeriodView | None:
    return PeriodView(period.name, period.starts_on, period.ends_on) if period else None


def goal_rows(municipality_id: int) -> Select[tuple[Goal, str, str | None]]:
    """Goals that can be reported on, with their unit's name and their bearing's title."""
    return (
        select(Goal, Unit.name, Bearing.title)
        .join(Unit, Unit.id == Goal.unit_id)
        .outerjoin(Bearing, Bearing.id == Goal.bearing_id)
        .where(Goal.municipality_id == municipality_id, Goal.state.in_(REPORTABLE))
        .order_by(Unit.id, Goal.id)
    )


async def goals_of_leader(session: AsyncSession, actor: Actor, today: date) -> list[GoalView]:
    """The goals of every unit `actor` leads, in the current period, with their latest status."""
    units = actor.led_unit_ids
    period = await current_period(session, actor.municipality_id, today)
    if not units or period is None:
        return []
    query = goal_rows(actor.municipality_id).where(
        Goal.unit_id.in_(units), Goal.period_id == period.id
    )
    rows = (await session.execute(query)).all()
    latest = await latest_statuses(session, (goal.id for goal, _, _ in rows))
    goals = [goal_view(goal, unit, bearing, latest.get(goal.id)) for goal, unit, bearing in rows]
    return sorted(goals, key=lambda g: danish_order(g.unit_name))  # stable: goal order kept


def goal_view(
    goal: Goal, unit_name: str, bearing: str | None, latest: StatusView | None
) -> GoalView:
    return GoalView(
        id=goal.id,
        title=goal.title,
        unit_id=goal.unit_id,
        unit_name=unit_name,
        bearing=bearing,
        expected_effect=goal.expected_effect,
        follow_up=goal.follow_up,
        latest=latest,
    )


async def latest_statuses(
    session: AsyncSession,
    goal_ids: Iterable[int] | Select[tuple[int]],
    before: datetime | None = None,
) -> dict[int, StatusView]:
    """The newest status of each goal (reported before `before`, if given), in one query."""
    ids = goal_ids if isinstance(goal_ids, Select) else list(goal_ids)
    if isinstance(ids, list) and not ids:
        return {}
    ranked = select(
        StatusUpdate,
        func.row_number()
        .over(
            partition_by=StatusUpdate.goal_id,
            order_by=(StatusUpdate.reported_at.desc(), StatusUpdate.id.desc()),
        )
        .label("rank"),
    ).where(StatusUpdate.goal_id.in_(ids))
    if before is not None:
        ranked = ranked.where(StatusUpdate.reported_at < before)
    newest = ranked.subquery()
    query = (
        select(newest, Person.name)
        .outerjoin(Person, Person.id == newest.c.reported_by)
        .where(newest.c.rank == 1)
    )
    return {row.goal_id: _status_view(row) for row in (await session.execute(query))}


def _status_view(row: object) -> StatusView:
    return StatusView(
        color=Color(row.color),  # type: ignore[attr-defined]
        narrative=row.narrative,  # type: ignore[attr-defined]
        evidence=row.evidence,  # type: ignore[attr-defined]
        reported_at=row.reported_at,  # type: ignore[attr-defined]
        reported_by=row.name,  # type: ignore[attr-defined]
    )


async def reportable_goal(session: AsyncSession, actor: Actor, goal_id: int) -> GoalView:
    """The goal `actor` wants to report on, if they may: one of their own units' goals.

    Ids arrive in card data, which a client can forge, so the rule is checked here,
    every time, and not only when the card was built.
    """
    row = (
        await session.execute(goal_rows(actor.municipality_id).where(Goal.id == goal_id))
    ).first()
    if row is None:
        raise NotAllowed("status.unknown_goal")
    goal, unit_name, bearing = row
    if goal.unit_id not in actor.led_unit_ids:
        raise NotAllowed("status.not_your_goal")
    latest = await latest_statuses(session, [goal.id])
    return goal_view(goal, unit_name, bearing, latest.get(goal.id))


def check_narrative(narrative: str) -> str:
    """The narrative is what the committee reads: required, trimmed, within its length."""
    text = narrative.strip()
    if not text:
        raise Invalid("status.narrative_required")
    if len(text) > NARRATIVE_MAX:
        raise Invalid("status.too_long", limit=NARRATIVE_MAX, length=len(text))
    return text


def check_evidence(evidence: str | None) -> str | None:
    """Evidence is optional: a figure, a survey result or a link, within its length."""
    proof = (evidence or "").strip() or None
    if proof and len(proof) > EVIDENCE_MAX:
        raise Invalid("status.too_long", limit=EVIDENCE_MAX, length=len(proof))
    return proof


async def record_status(
    session: AsyncSession,
    actor: Actor,
    goal_id: int,
    color: Color,
    narrative: str,
    evidence: str | None,
    now: datetime,
) -> tuple[GoalView, StatusView]:
    """Record a status update on one of the actor's goals."""
    goal = await reportable_goal(session, actor, goal_id)
    text, proof = check_narrative(narrative), check_evidence(evidence)
    update = StatusUpdate(
        municipality_id=actor.municipality_id,
        goal_id=goal.id,
        color=Color(color),
        narrative=text,
        evidence=proof,
        reported_by=actor.person_id,
        reported_at=now,
    )
    session.add(update)
    await session.flush()
    return goal, StatusView(update.color, text, proof, now, actor.person_name)
