"""Status updates: red / yellow / green on a goal, with a narrative and evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    FromClause,
    Integer,
    Row,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    case,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from store.enums import GoalAction
from store.errors import DomainError, Invalid, NotAllowed
from store.limits import EVIDENCE_MAX, NARRATIVE_MAX
from store.models import Color, Goal, GoalEvent, GoalState, Period, Person, StatusUpdate, Unit
from store.prepared import Prepared
from store.text import danish_order
from store.views import Actor, GoalView, PeriodView, StatusView


def current_period_id(municipality: Any, today: Any) -> ScalarSelect[int]:
    """The current period: the one that runs today, else the latest one that has started.
    A subquery, so it can be part of a larger statement; `current_period` reads it alone."""
    running_first = case((Period.ends_on >= today, 0), else_=1)
    return (
        select(Period.id)
        .where(Period.municipality_id == municipality, Period.starts_on <= today)
        .order_by(running_first, Period.starts_on.desc())
        .limit(1)
        .scalar_subquery()
    )


async def current_period(session: AsyncSession, municipality_id: int, today: date) -> Period | None:
    return await session.scalar(
        select(Period).where(Period.id == current_period_id(municipality_id, today))
    )


def period_view(period: Period | None) -> PeriodView | None:
    if period is None:
        return None
    return PeriodView(period.name, period.starts_on, period.ends_on, period.id)


_NEWER = aliased(StatusUpdate)
_REPORTER = aliased(Person)
# The newest status of the goal in the outer query; the index on (goal_id, reported_at,
# id) makes this one index seek per goal.
_NEWEST_STATUS = (
    select(_NEWER.id)
    .where(_NEWER.goal_id == Goal.id)
    .order_by(_NEWER.reported_at.desc(), _NEWER.id.desc())
    .limit(1)
    .correlate(Goal)
    .scalar_subquery()
)
# While a changed version awaits approval, the goal is reported on as it was approved. That
# content is kept in the event that started the next version (one per goal and version).
_APPROVED = aliased(GoalEvent)
_AS_APPROVED = and_(
    _APPROVED.goal_id == Goal.id,
    _APPROVED.action == GoalAction.REVISED,
    _APPROVED.version == Goal.reportable_version,
    Goal.version > Goal.reportable_version,
)
_MUNICIPALITY: BindParameter[int] = bindparam("municipality")
_TODAY = bindparam("today", type_=Date)


def reportable_goals(latest: FromClause, on: ColumnElement[bool]) -> Select[Any]:
    """Goals that can be reported on, each with its unit and the status `latest` (the status
    table, or a subquery with its columns) outer-joined `on`. GOALS below joins the newest;
    the digest joins it its own way on PostgreSQL (store/digestgoals.py)."""
    return (
        select(
            Goal.id,
            func.coalesce(_APPROVED.snapshot["title"].as_string(), Goal.title).label("title"),
            Goal.unit_id,
            Unit.name.label("unit_name"),
            case(
                (_APPROVED.id.is_not(None), _APPROVED.snapshot["expected_effect"].as_string()),
                else_=Goal.expected_effect,
            ).label("expected_effect"),
            Goal.follow_up,
            case((Goal.version > Goal.reportable_version, Goal.state)).label("newer_state"),
            latest.c.color,
            latest.c.narrative,
            latest.c.evidence,
            latest.c.reported_at,
            _REPORTER.name.label("reporter"),
            latest.c.corrected_at,
        )
        .join(Unit, Unit.id == Goal.unit_id)
        .outerjoin(latest, on)
        .outerjoin(_REPORTER, _REPORTER.id == latest.c.reported_by)
        .outerjoin(_APPROVED, _AS_APPROVED)
        # A goal takes part once a version of it is approved as far as the profile asks
        # (reportable_version), until the period ends and it is closed.
        .where(
            Goal.municipality_id == _MUNICIPALITY,
            Goal.reportable_version.is_not(None),
            Goal.state != GoalState.CLOSED,
        )
        .order_by(Goal.unit_id, Goal.id)
    )


# Goals that can be reported on, each with its unit and newest status, as one
# statement, built once. Narrow it with `.where(...)`; pass {"municipality": id};
# read rows with `goal_from_row`.
GOALS = reportable_goals(StatusUpdate.__table__, StatusUpdate.id == _NEWEST_STATUS)
_ONE_GOAL = Prepared(GOALS.where(Goal.id == bindparam("goal")))


@cache
def _leader_goals(units: int) -> Prepared:
    """The goals of `units` units in the current period; pass {"unit_0": id, …}. One
    statement per number of units, as a prepared statement takes no list (a leader leads
    one unit or a few)."""
    return Prepared(
        GOALS.where(
            Goal.unit_id.in_([bindparam(f"unit_{i}", type_=Integer) for i in range(units)]),
            Goal.period_id == current_period_id(_MUNICIPALITY, _TODAY),
        )
    )


def goal_from_row(row: Any) -> GoalView:
    """A goal from a row of GOALS, from the driver or from SQLAlchemy."""
    latest = None
    if row.color is not None:
        latest = StatusView(
            Color(row.color), row.narrative, row.evidence, row.reported_at, row.reporter,
            corrected_at=row.corrected_at,
        )  # fmt: skip
    return GoalView(
        id=row.id,
        title=row.title,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        expected_effect=row.expected_effect,
        follow_up=row.follow_up,
        latest=latest,
        newer_state=GoalState(row.newer_state) if row.newer_state else None,
    )


async def goals_of_leader(session: AsyncSession, actor: Actor, today: date) -> list[GoalView]:
    """The goals of every unit `actor` leads, in the current period, with their latest
    status: one query."""
    units = actor.led_unit_ids
    if not units:
        return []
    params: dict[str, Any] = {"municipality": actor.municipality_id, "today": today}
    params.update((f"unit_{i}", unit) for i, unit in enumerate(sorted(units)))
    found = await _leader_goals(len(units)).rows(session, params)
    goals = [goal_from_row(row) for row in found]
    return sorted(goals, key=lambda g: danish_order(g.unit_name))  # stable: goal order kept


async def latest_statuses(
    session: AsyncSession,
    goal_ids: Iterable[int],
    before: datetime | None = None,
) -> dict[int, StatusView]:
    """The newest status of each goal (reported before `before`, if given), in one query."""
    ids = list(goal_ids)
    if not ids:
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


def _status_view(row: Row[*tuple[Any, ...]]) -> StatusView:
    return StatusView(
        color=Color(row.color),
        narrative=row.narrative,
        evidence=row.evidence,
        reported_at=row.reported_at,
        reported_by=row.name,
    )


async def reportable_goal(session: AsyncSession, actor: Actor, goal_id: int) -> GoalView:
    """The goal `actor` wants to report on, if they may: one of their own units' goals.

    Ids arrive in card data, which a client can forge, so the rule is checked here,
    every time, and not only when the card was built.
    """
    row = await _ONE_GOAL.first(session, {"municipality": actor.municipality_id, "goal": goal_id})
    if row is None:
        raise NotAllowed("status.unknown_goal")
    if row.unit_id not in actor.led_unit_ids:
        raise NotAllowed("status.not_your_goal")
    return goal_from_row(row)


async def why_not_reportable(session: AsyncSession, actor: Actor, goal_id: int) -> DomainError:
    """Why a goal chosen in a status dialogue is no longer among the actor's goals to report
    on: closed (its period has ended, or its final report closed it), no longer one of
    their units' (a new organisation file), or taken out of reporting some other way."""
    found = (
        await session.execute(
            select(Goal.title, Goal.state, Goal.unit_id).where(
                Goal.id == goal_id, Goal.municipality_id == actor.municipality_id
            )
        )
    ).first()
    if found is None:
        return NotAllowed("status.unknown_goal")
    if found.state == GoalState.CLOSED:
        return Invalid("status.maal_lukket", goal=found.title)
    if found.unit_id not in actor.led_unit_ids:
        return NotAllowed("status.maal_ikke_din_enhed_mere", goal=found.title)
    return Invalid("status.maal_ikke_aabent", goal=found.title)


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
    """Record a status update on one of the actor's goals. A deputy reports in their own
    name (`reported_by`); the view says whom they stood in for."""
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
    absent = actor.deputy_for(goal.unit_id)
    stood_in = None
    if absent is not None:
        stood_in = await session.scalar(select(Person.name).where(Person.id == absent))
    return goal, StatusView(update.color, text, proof, now, actor.person_name, stood_in)
