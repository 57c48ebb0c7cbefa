"""What a committee's digest reads about its goals: each reportable goal with its newest
status and the newest one before the last digest, in one statement; and which of those
goals follow each of the committee's bearings, in one more. The number of statements does
not grow with the committee, and neither does the work outside its own goals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, bindparam, case, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from store.bearings import committee_bearings
from store.db import dialect_name
from store.enums import Color, GoalState
from store.models import (
    Bearing,
    Committee,
    Department,
    Goal,
    GoalBearing,
    Period,
    Person,
    StatusUpdate,
    Unit,
)
from store.status import reportable_goals
from store.text import danish_order
from store.views import DigestBearing, GoalView, StatusView

_SINCE = bindparam("since", type_=StatusUpdate.reported_at.type)
_STATUS = StatusUpdate.__table__


def _newest(
    name: str, lateral: bool, only_if: ColumnElement[bool] | None = None
) -> tuple[FromClause, ColumnElement[bool]]:
    """The newest status of the goal in the outer query, as a FROM to outer-join and the
    condition to join it on; with `only_if`, the newest reported before :since, looked up
    only for the rows where `only_if` holds. One index seek per goal on the index
    (goal_id, reported_at, id) either way.

    PostgreSQL gets a LATERAL subquery: for a status row joined on a correlated id its
    planner hashes the whole status table, every committee's history, even for a committee
    of ten units. SQLite has no LATERAL, and seeks per goal for the correlated id anyway."""
    newer = _STATUS.alias(f"{name}_newer")
    wanted = [newer.c.goal_id == Goal.id]
    if only_if is not None:
        wanted.append(newer.c.reported_at < _SINCE)
    newest_first = (newer.c.reported_at.desc(), newer.c.id.desc())
    if lateral:
        gate = [only_if] if only_if is not None else []
        picked = select(newer).where(*wanted, *gate).order_by(*newest_first).limit(1)
        return picked.lateral(name), true()
    newest_id: ColumnElement[Any] = (
        select(newer.c.id)
        .where(*wanted)
        .order_by(*newest_first)
        .limit(1)
        .correlate(Goal)
        .scalar_subquery()
    )
    if only_if is not None:
        newest_id = case((only_if, newest_id))  # NULL, and no subquery, where it fails
    shown = _STATUS.alias(name)
    return shown, shown.c.id == newest_id


def _committee_goals(lateral: bool) -> Select[Any]:
    """The committee's reportable goals in the period, by unit, each with its newest status
    and the newest before :since (the `previous_*` columns). Most goals have no news since
    the last digest, and then their newest status is the one before it: the previous one is
    looked up only for the goals with news (`_shown` fills in the others)."""
    latest, on_latest = _newest("latest", lateral)
    previous, on_previous = _newest("previous", lateral, only_if=latest.c.reported_at >= _SINCE)
    reporter = aliased(Person, name="previous_reporter")
    return (
        reportable_goals(latest, on_latest)
        .add_columns(
            previous.c.color.label("previous_color"),
            previous.c.narrative.label("previous_narrative"),
            previous.c.evidence.label("previous_evidence"),
            previous.c.reported_at.label("previous_reported_at"),
            reporter.name.label("previous_reporter"),
        )
        .outerjoin(previous, on_previous)
        .outerjoin(reporter, reporter.id == previous.c.reported_by)
        # A condition on the unit rather than a join after the outer joins: both databases
        # then drop other committees' goals before they look up their statuses.
        .where(
            Unit.department_id.in_(
                select(Department.id).where(Department.committee_id == bindparam("committee"))
            ),
            Goal.period_id == bindparam("period"),
        )
    )


# Built once per dialect, as the other hot statements are (store/status.py).
_GOALS = {"postgresql": _committee_goals(lateral=True), "sqlite": _committee_goals(lateral=False)}
_FOLLOWING = (
    select(GoalBearing.bearing_id, GoalBearing.goal_id)
    .join(Bearing, Bearing.id == GoalBearing.bearing_id)
    .where(Bearing.committee_id == bindparam("committee"), Bearing.period_id == bindparam("period"))
)


# The columns read, by name: `goal_from_row` reads a row by attribute, which costs more
# than the rest of the digest's work together at a thousand units; an itemgetter over the
# same names reads it in a tenth of the time.
_GOAL_COLUMNS = (
    "id", "title", "unit_id", "unit_name", "expected_effect", "follow_up", "newer_state",
)  # fmt: skip
_STATUS_COLUMNS = ("color", "narrative", "evidence", "reported_at", "reporter")
_PREVIOUS_COLUMNS = tuple(f"previous_{name}" for name in _STATUS_COLUMNS)
_CORRECTED = ("corrected_at",)  # of the newest status: the digest marks it "rettet"
_COLORS = {color.value: color for color in Color}
_STATES = {state.value: state for state in GoalState}

Shown = tuple[GoalView, StatusView | None]


async def committee_goals(
    session: AsyncSession, committee: Committee, period: Period, since: datetime
) -> list[Shown]:
    """Each reportable goal of the committee in `period`, ordered by unit, with the newest
    status reported before `since` (the last digest). One statement."""
    statement = _GOALS.get(dialect_name(session), _GOALS["sqlite"])
    result = await session.execute(
        statement,
        {
            "municipality": committee.municipality_id,
            "committee": committee.id,
            "period": period.id,
            "since": since,
        },
    )
    keys = list(result.keys())
    read = itemgetter(
        *(keys.index(n) for n in _GOAL_COLUMNS + _STATUS_COLUMNS + _PREVIOUS_COLUMNS + _CORRECTED)
    )
    return [_shown(read(row), since) for row in result]


def _shown(values: tuple[Any, ...], since: datetime) -> Shown:
    """A goal as `goal_from_row` makes it, and its previous status, from the values read."""
    goal_id, title, unit_id, unit_name, effect, follow_up, newer = values[:7]
    latest = _status(values[7:12])
    if latest is not None and values[17] is not None:
        latest = replace(latest, corrected_at=values[17])
    view = GoalView(
        goal_id, title, unit_id, unit_name, effect, follow_up,
        latest, _STATES[newer] if newer else None,
    )  # fmt: skip
    if latest is not None and latest.reported_at < since:
        return view, latest  # nothing new: the newest status is also the newest before
    return view, _status(values[12:17])


def _status(values: tuple[Any, ...]) -> StatusView | None:
    color, narrative, evidence, reported_at, reporter = values
    if color is None:
        return None
    return StatusView(_COLORS[color], narrative, evidence, reported_at, reporter)


async def bearing_colors(
    session: AsyncSession, committee: Committee, period: Period, goals: Sequence[GoalView]
) -> tuple[DigestBearing, ...]:
    """The committee's bearings with the colours of the goals (of `goals`, the committee's
    reportable ones) that follow each, in the order the bearings' trace shows them
    (store/bearings.py: by unit name, then goal). The goals' statuses are read already,
    so only which goal follows which bearing is asked."""
    views = (await committee_bearings(session, [committee.id], period.id)).get(committee.id, ())
    pairs = await session.execute(_FOLLOWING, {"committee": committee.id, "period": period.id})
    placed = _placed(goals)
    following: dict[int, list[tuple[int, Color | None]]] = {}
    for bearing_id, goal_id in pairs:
        if goal_id in placed:
            following.setdefault(bearing_id, []).append(placed[goal_id])
    return tuple(
        DigestBearing(view, tuple(color for _, color in sorted(following.get(view.id, []))))
        for view in views
    )


def _placed(goals: Sequence[GoalView]) -> dict[int, tuple[int, Color | None]]:
    """Per goal id: its place in unit-name order (Danish), then id; and its colour."""
    folded = {name: danish_order(name) for name in {goal.unit_name for goal in goals}}
    ordered = sorted(goals, key=lambda goal: (folded[goal.unit_name], goal.id))
    return {
        goal.id: (place, goal.latest.color if goal.latest else None)
        for place, goal in enumerate(ordered)
    }
