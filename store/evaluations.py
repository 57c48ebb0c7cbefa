"""Midway evaluations and final reports: red / yellow / green against a goal's success
criteria, the effect seen and the evidence for it, kept apart from status updates.

Which goals, and which year an evaluation concerns:
- midway (midtvejsevaluering, with the department head): a reportable goal of a period
  that runs today, for this calendar year. A goal of an election period gets one a year.
- final (slutrapport): a reportable goal of a period that ends this year or ended last
  year (the report is due in the first quarter after the period), for the period's last
  year. A goal the nightly `goals.close_ended` has closed can still be reported on; saving
  the report closes the goal, if it is not closed already.

Only the unit's leader may evaluate (`Actor.led_unit_ids`), checked here every time,
whatever a card claims. Saving again for the same goal, kind and year overwrites the
evaluation; every saved text is also kept in the goal's history, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from store.dates import LOCAL_TIME
from store.db import rowcount
from store.enums import Color, EvaluationKind, GoalAction, GoalState, Role
from store.errors import Invalid, NotAllowed
from store.goalviews import EvaluationContent, EvaluationGoal, EvaluationView, HeadAnswer
from store.limits import EVIDENCE_MAX, NARRATIVE_MAX
from store.models import Evaluation, Goal, GoalEvent, Period, Person, RoleAssignment, Unit
from store.profiles import municipal
from store.text import danish_order
from store.views import Actor

ACTIONS = {
    EvaluationKind.MIDWAY: GoalAction.EVALUATED_MIDWAY,
    EvaluationKind.FINAL: GoalAction.FINAL_REPORTED,
}
TEXT_FIELDS = ("criteria", "effect", "evidence", "effect_assessment")
LIMITS = {"evidence": EVIDENCE_MAX}  # the others as long as a status narrative


# --- which goals, which year ----------------------------------------------------------


def open_years(kind: EvaluationKind, today: date) -> tuple[int, ...]:
    """The years an evaluation of `kind` can be given for today."""
    if kind is EvaluationKind.MIDWAY:
        return (today.year,)
    return (today.year - 1, today.year)  # the period ended last year, or ends this year


def _of_year(kind: EvaluationKind, year: int) -> ColumnElement[bool]:
    """Goals an evaluation of `kind` for `year` is about (whatever day it is)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if kind is EvaluationKind.MIDWAY:
        # A closed goal's period is over: it gets a final report, not a midway evaluation.
        return and_(
            Period.starts_on <= last, Period.ends_on >= first, Goal.state != GoalState.CLOSED
        )
    return Period.ends_on.between(first, last)


def _open_on(kind: EvaluationKind, today: date) -> ColumnElement[bool]:
    """Goals that can be evaluated today: midway while the period runs, final once it has
    started and in the year after it ended."""
    years = or_(*(_of_year(kind, year) for year in open_years(kind, today)))
    if kind is EvaluationKind.MIDWAY:
        return and_(years, Period.starts_on <= today, Period.ends_on >= today)
    return and_(years, Period.starts_on <= today)


def _year_of(kind: EvaluationKind, period_ends_on: date, today: date) -> int:
    return today.year if kind is EvaluationKind.MIDWAY else period_ends_on.year


# The actor's reportable goals, each with its unit's name and its period's last day.
_GOALS = (
    select(Goal, Unit.name, Period.ends_on)
    .join(Unit, Unit.id == Goal.unit_id)
    .join(Period, Period.id == Goal.period_id)
    .where(Goal.reportable_version.is_not(None))
    .order_by(Goal.id)
)


async def evaluable(
    session: AsyncSession, actor: Actor, kind: EvaluationKind, today: date
) -> list[EvaluationGoal]:
    """The actor's goals that can get an evaluation of `kind` today, each with the one
    given so far (`done`), by unit name."""
    if not municipal(actor.profile, actor.midway).evaluates(kind):
        return []
    rows = await _leader_goals(session, actor, _open_on(kind, today))
    found = [(goal, unit, _year_of(kind, ends, today)) for goal, unit, ends in rows]
    return await _views(session, kind, found)


async def pending(
    session: AsyncSession, actor: Actor, kind: EvaluationKind, year: int
) -> list[EvaluationGoal]:
    """The actor's goals that still miss their evaluation of `kind` for `year`: for the
    reminders, which ask each leader for what is missing."""
    if not municipal(actor.profile, actor.midway).evaluates(kind):
        return []
    rows = await _leader_goals(session, actor, _of_year(kind, year))
    found = [(goal, unit, year) for goal, unit, _ in rows]
    return [g for g in await _views(session, kind, found) if g.done is None]


async def _leader_goals(
    session: AsyncSession, actor: Actor, which: ColumnElement[bool]
) -> list[Any]:
    """The actor's reportable goals `which` selects: (goal, unit name, period's last day)."""
    if not actor.led_unit_ids:
        return []
    rows = await session.execute(
        _GOALS.where(
            Goal.municipality_id == actor.municipality_id,
            Goal.unit_id.in_(sorted(actor.led_unit_ids)),
            which,
        )
    )
    return list(rows)


async def evaluated(
    session: AsyncSession, goal_ids: Collection[int], kind: EvaluationKind, year: int
) -> set[int]:
    """Which of the goals have their evaluation of `kind` for `year`."""
    if not goal_ids:
        return set()
    found = await session.scalars(
        select(Evaluation.goal_id).where(
            Evaluation.goal_id.in_(list(goal_ids)),
            Evaluation.kind == kind,
            Evaluation.year == year,
        )
    )
    return set(found)


async def evaluable_goal(
    session: AsyncSession, actor: Actor, kind: EvaluationKind, goal_id: int, today: date
) -> EvaluationGoal:
    """The goal `actor` wants to evaluate, if they may. Ids arrive in card data, which a
    client can forge, so this is asked every time, not only when the card was built."""
    if not municipal(actor.profile, actor.midway).evaluates(kind):
        raise Invalid("evaluering.holdes_ikke")
    rows = await session.execute(
        _GOALS.where(
            Goal.id == goal_id,
            Goal.municipality_id == actor.municipality_id,
            Goal.unit_id.in_(sorted(actor.led_unit_ids)),
            _open_on(kind, today),
        )
    )
    found = [(goal, unit, _year_of(kind, ends, today)) for goal, unit, ends in rows]
    if found:
        return (await _views(session, kind, found))[0]
    goal = await session.get(Goal, goal_id)
    if goal is None or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("evaluering.ukendt_maal")
    if goal.unit_id not in actor.led_unit_ids:
        raise NotAllowed("evaluering.ikke_dit_maal")
    raise Invalid(f"evaluering.ikke_aaben.{kind.value}")


async def _views(
    session: AsyncSession, kind: EvaluationKind, found: list[tuple[Goal, str, int]]
) -> list[EvaluationGoal]:
    """The goals as evaluated: as approved, with the evaluation given so far."""
    snapshots = await _approved_snapshots(session, [goal for goal, _, _ in found])
    done = await _done(session, kind, {goal.id: year for goal, _, year in found})
    views = [
        _view(goal, unit, year, snapshots.get(goal.id), done.get(goal.id))
        for goal, unit, year in found
    ]
    return sorted(views, key=lambda g: danish_order(g.unit_name))  # stable: goal order kept


async def _approved_snapshots(
    session: AsyncSession, goals: Iterable[Goal]
) -> dict[int, dict[str, Any]]:
    """While a changed version waits for approval, the approved content is kept in the
    event that started the change; that is what is evaluated."""
    revised = {g.id: g.reportable_version for g in goals if g.version != g.reportable_version}
    if not revised:
        return {}
    events = await session.scalars(
        select(GoalEvent).where(
            GoalEvent.goal_id.in_(list(revised)), GoalEvent.action == GoalAction.REVISED
        )
    )
    return {e.goal_id: e.snapshot or {} for e in events if e.version == revised[e.goal_id]}


def _view(
    goal: Goal, unit: str, year: int, snapshot: dict[str, Any] | None, done: EvaluationView | None
) -> EvaluationGoal:
    source = snapshot or {}

    def approved(name: str) -> Any:
        return source[name] if name in source else getattr(goal, name)

    return EvaluationGoal(
        id=goal.id,
        title=approved("title"),
        unit_id=goal.unit_id,
        unit_name=unit,
        version=goal.reportable_version or goal.version,
        year=year,
        expected_effect=approved("expected_effect"),
        success_criteria=tuple(approved("success_criteria") or ()),
        data_source=approved("data_source"),
        follow_up=goal.follow_up,
        done=done,
    )


# An evaluation with the names of who gave it and who signed it off.
_SIGNER = aliased(Person)
_WITH_NAMES = (
    select(Evaluation, Person.name, _SIGNER.name)
    .outerjoin(Person, Person.id == Evaluation.reported_by)
    .outerjoin(_SIGNER, _SIGNER.id == Evaluation.signed_off_by)
)


async def _done(
    session: AsyncSession, kind: EvaluationKind, years: dict[int, int]
) -> dict[int, EvaluationView]:
    """The evaluation of `kind` each goal has for its year, if any."""
    if not years:
        return {}
    rows = await session.execute(
        _WITH_NAMES.where(Evaluation.goal_id.in_(list(years)), Evaluation.kind == kind)
    )
    return {
        e.goal_id: _evaluation_view(e, name, signer)
        for e, name, signer in rows
        if e.year == years[e.goal_id]
    }


def _evaluation_view(row: Evaluation, reporter: str | None, signer: str | None) -> EvaluationView:
    content = EvaluationContent(
        Color(row.color), row.criteria, row.effect, row.evidence, row.effect_assessment
    )
    answer = None
    if row.signed_off_at is not None and row.head_agrees is not None:
        answer = HeadAnswer(row.head_agrees, row.head_comment, signer, row.signed_off_at)
    return EvaluationView(
        row.goal_id, EvaluationKind(row.kind), row.year, content, row.reported_at, reporter,
        row.goal_version, answer,
    )  # fmt: skip


async def evaluations_of(session: AsyncSession, goal_id: int) -> tuple[EvaluationView, ...]:
    """A goal's evaluations, oldest first, for its card. Whoever may see the goal may read
    them; `goals.goal_detail` checks that before it asks."""
    rows = await session.execute(
        _WITH_NAMES.where(Evaluation.goal_id == goal_id).order_by(
            Evaluation.year, Evaluation.reported_at, Evaluation.id
        )
    )
    return tuple(_evaluation_view(e, name, signer) for e, name, signer in rows)


# --- what a leader writes -------------------------------------------------------------


def check_text(name: str, value: str | None) -> str:
    """One answer: required, trimmed, within its length."""
    text = (value or "").strip()
    if not text:
        raise Invalid(f"evaluering.mangler.{name}")
    limit = LIMITS.get(name, NARRATIVE_MAX)
    if len(text) > limit:
        raise Invalid("evaluering.for_lang", limit=limit, length=len(text))
    return text


def check_content(kind: EvaluationKind, content: EvaluationContent) -> EvaluationContent:
    """Every answer there and within its length; the effect against the expected one is
    the final report's, and only its."""
    assessment = None
    if kind is EvaluationKind.FINAL:
        assessment = check_text("effect_assessment", content.effect_assessment)
    return EvaluationContent(
        color=Color(content.color),
        criteria=check_text("criteria", content.criteria),
        effect=check_text("effect", content.effect),
        evidence=check_text("evidence", content.evidence),
        effect_assessment=assessment,
    )


# --- saving ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """A saved evaluation; whether it replaced an earlier one, whether the final report
    closed the goal, and who is to be told (a midway evaluation: the department heads)."""

    goal: EvaluationGoal
    evaluation: EvaluationView
    updated: bool
    closed: bool = False
    tell: tuple[int, ...] = ()


async def record(
    session: AsyncSession,
    actor: Actor,
    kind: EvaluationKind,
    goal_id: int,
    content: EvaluationContent,
    now: datetime,
) -> Recorded:
    """Save the actor's evaluation of `kind` on one of their goals, for the year it
    concerns today; a final report also closes the goal."""
    goal = await evaluable_goal(session, actor, kind, goal_id, now.astimezone(LOCAL_TIME).date())
    checked = check_content(kind, content)
    updated = await _write(session, actor, kind, goal, checked, now)
    session.add(
        GoalEvent(
            municipality_id=actor.municipality_id, goal_id=goal.id, version=goal.version,
            action=ACTIONS[kind], person_id=actor.person_id, at=now,
            snapshot={"kind": kind.value, "year": goal.year, **_as_dict(checked)},
        )
    )  # fmt: skip
    closed = kind is EvaluationKind.FINAL and await _close(session, goal.id, actor.person_id, now)
    midway = kind is EvaluationKind.MIDWAY
    tell = await department_heads(session, goal.unit_id, actor) if midway else ()
    saved = EvaluationView(goal.id, kind, goal.year, checked, now, actor.person_name, goal.version)
    return Recorded(goal, saved, updated, closed, tell)


def _as_dict(content: EvaluationContent) -> dict[str, Any]:
    return {"color": content.color.value, **{name: getattr(content, name) for name in TEXT_FIELDS}}


async def _write(
    session: AsyncSession,
    actor: Actor,
    kind: EvaluationKind,
    goal: EvaluationGoal,
    content: EvaluationContent,
    now: datetime,
) -> bool:
    """Insert the evaluation, or overwrite the one the goal has for this kind and year;
    whether it was there before."""
    found = await _existing(session, goal.id, kind, goal.year)
    if found is None:
        row = Evaluation(
            municipality_id=actor.municipality_id, goal_id=goal.id, kind=kind, year=goal.year,
            **_columns(actor, goal, content, now),
        )  # fmt: skip
        try:
            # A savepoint of its own: another device saving the same evaluation at the
            # same moment makes the unique key refuse this one, and we write onto theirs.
            async with session.begin_nested():
                session.add(row)
            return False
        except IntegrityError:
            found = await _existing(session, goal.id, kind, goal.year)
            if found is None:
                raise
    for name, value in _columns(actor, goal, content, now).items():
        setattr(found, name, value)
    await session.flush()
    return True


async def _existing(
    session: AsyncSession, goal_id: int, kind: EvaluationKind, year: int
) -> Evaluation | None:
    return await session.scalar(
        select(Evaluation)
        .where(Evaluation.goal_id == goal_id, Evaluation.kind == kind, Evaluation.year == year)
        .with_for_update()
    )


def _columns(
    actor: Actor, goal: EvaluationGoal, content: EvaluationContent, now: datetime
) -> dict[str, Any]:
    return {
        "goal_version": goal.version,
        "color": content.color,
        **{name: getattr(content, name) for name in TEXT_FIELDS},
        "reported_by": actor.person_id,
        "reported_at": now,
        # A changed evaluation is not the one the department head signed off.
        "head_comment": None,
        "head_agrees": None,
        "signed_off_by": None,
        "signed_off_at": None,
    }


async def _close(session: AsyncSession, goal_id: int, person_id: int, now: datetime) -> bool:
    """The final report closes the goal for the period, unless the period's end did."""
    goal = await session.get(Goal, goal_id, with_for_update=True)
    if goal is None or goal.state == GoalState.CLOSED:
        return False
    goal.state = GoalState.CLOSED
    goal.updated_at = now
    session.add(
        GoalEvent(
            municipality_id=goal.municipality_id, goal_id=goal.id, version=goal.version,
            action=GoalAction.CLOSED, person_id=person_id, at=now,
        )
    )  # fmt: skip
    await session.flush()
    return True


async def department_heads(session: AsyncSession, unit_id: int, actor: Actor) -> tuple[int, ...]:
    """The department heads of the unit: the midway evaluation is held with them. The
    leader is not told of their own evaluation, should they also head the department."""
    department = select(Unit.department_id).where(Unit.id == unit_id).scalar_subquery()
    heads = await session.scalars(
        select(RoleAssignment.person_id).where(
            RoleAssignment.role == Role.DEPARTMENT_HEAD,
            RoleAssignment.department_id == department,
        )
    )
    return tuple(sorted(set(heads) - {actor.person_id}))


# --- the department head's answer -----------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """A midway evaluation the department head has answered, and the leaders to tell."""

    goal: EvaluationGoal
    evaluation: EvaluationView
    tell: tuple[int, ...]
    leader_names: tuple[str, ...] = ()


async def answer_midway(
    session: AsyncSession,
    actor: Actor,
    goal_id: int,
    read_at: datetime,
    agrees: bool,
    comment: str | None,
    now: datetime,
) -> Answered:
    """The department head answers a midway evaluation of one of the department's goals:
    agrees or not, with a comment (required when not), and signs it off. `read_at` is when
    the evaluation they read was saved: one the leader has changed since is refused, so a
    sign-off is always of what was read. Answering again replaces the answer."""
    row = await _answerable(session, actor, goal_id)
    text = (comment or "").strip() or None
    if not agrees and text is None:
        raise Invalid("evaluering.svar.mangler_kommentar")
    if text is not None and len(text) > NARRATIVE_MAX:
        raise Invalid("evaluering.for_lang", limit=NARRATIVE_MAX, length=len(text))
    signed = await session.execute(
        update(Evaluation)
        .where(Evaluation.id == row.id, Evaluation.reported_at == read_at)
        .values(head_comment=text, head_agrees=agrees, signed_off_by=actor.person_id,
                signed_off_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if rowcount(signed) != 1:
        raise Invalid("evaluering.svar.aendret")
    session.add(
        GoalEvent(
            municipality_id=actor.municipality_id, goal_id=goal_id, version=row.goal_version,
            action=GoalAction.MIDWAY_ANSWERED, person_id=actor.person_id, at=now, comment=text,
            snapshot={"year": row.year, "agrees": agrees},
        )
    )  # fmt: skip
    await session.flush()
    await session.refresh(row)
    goal, evaluation = await _answered_view(session, row)
    tell = await unit_leaders(session, goal.unit_id, actor)
    names = await session.scalars(select(Person.name).where(Person.id.in_(tell)))
    return Answered(goal, evaluation, tell, tuple(sorted(names)))


async def _answerable(session: AsyncSession, actor: Actor, goal_id: int) -> Evaluation:
    """The newest midway evaluation of a goal in a department the actor heads."""
    goal = await session.get(Goal, goal_id)
    if goal is None or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("evaluering.ukendt_maal")
    department = await session.scalar(select(Unit.department_id).where(Unit.id == goal.unit_id))
    heads = {r.department_id for r in actor.own_roles if r.role is Role.DEPARTMENT_HEAD}
    if department not in heads:
        raise NotAllowed("evaluering.svar.ikke_din_afdeling")
    row = await session.scalar(
        select(Evaluation)
        .where(Evaluation.goal_id == goal_id, Evaluation.kind == EvaluationKind.MIDWAY)
        .order_by(Evaluation.year.desc())
        .limit(1)
    )
    if row is None:
        raise Invalid("evaluering.svar.ingen")
    return row


async def _answered_view(
    session: AsyncSession, row: Evaluation
) -> tuple[EvaluationGoal, EvaluationView]:
    goal, unit, _ = (await session.execute(_GOALS.where(Goal.id == row.goal_id))).one()
    [view] = await _views(session, EvaluationKind.MIDWAY, [(goal, unit, row.year)])
    if view.done is None:  # cannot be: the row was read in this transaction
        raise Invalid("evaluering.svar.ingen")
    return view, view.done


async def midway_to_answer(
    session: AsyncSession, actor: Actor, goal_id: int
) -> tuple[EvaluationGoal, EvaluationView]:
    """The newest midway evaluation of a goal in the actor's department, as it is now."""
    return await _answered_view(session, await _answerable(session, actor, goal_id))


async def unit_leaders(session: AsyncSession, unit_id: int, actor: Actor) -> tuple[int, ...]:
    """The leaders of the unit, to be told of the department head's answer."""
    leaders = await session.scalars(
        select(RoleAssignment.person_id).where(
            RoleAssignment.role == Role.UNIT_LEADER, RoleAssignment.unit_id == unit_id
        )
    )
    return tuple(sorted(set(leaders) - {actor.person_id}))
