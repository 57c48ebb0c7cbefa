"""Goals: the rules for drafting them, and their way from draft to approved to closed.

Drafting rules: required fields per the municipality's template, lengths, a deadline
within the period, and warnings for whoever approves (more goals than the profile's
limit; a goal that reads like a statutory or productivity requirement). Whether a
success criterion says something observable is a coaching question the dialogue asks,
with `observable` as its test; it never blocks a save.

Approval: draft → submitted → approved by the department head (or returned with a
comment) → approved by the committee, recorded by the administration (if the profile has
that step) → closed when the period ends. Who may do each step is checked here, every
time, whatever a card claims.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store.bearings import UnitPlace, for_units
from store.dates import LOCAL_TIME
from store.enums import ApprovalStep, GoalAction, GoalState, Role
from store.errors import DomainError, Invalid, NotAllowed
from store.evaluations import evaluations_of
from store.goalfields import CHOICES, FIELDS, LENGTHS, MAX_ITEMS, Kind
from store.goalviews import (
    BearingView,
    DraftingContext,
    DraftingUnit,
    GoalContent,
    GoalDetail,
    GoalEventView,
)
from store.models import (
    Bearing,
    Department,
    Goal,
    GoalBearing,
    GoalEvent,
    Period,
    Person,
    RoleAssignment,
    Unit,
)
from store.periods import adjusting, draftable, next_period
from store.profiles import Profile, Template, profile
from store.status import current_period, latest_statuses, period_view
from store.text import danish_order, fold
from store.views import Actor, PeriodView

__all__ = [
    "BearingView",
    "DraftingContext",
    "DraftingUnit",
    "GoalContent",
    "GoalDetail",
    "GoalEventView",
]

# States in which a goal counts against the unit's limit of active goals.
ACTIVE = (
    GoalState.DRAFT,
    GoalState.SUBMITTED,
    GoalState.RETURNED,
    GoalState.DEPARTMENT_APPROVED,
    GoalState.APPROVED,
)
EDITABLE = (GoalState.DRAFT, GoalState.RETURNED)
REVISABLE = (GoalState.DEPARTMENT_APPROVED, GoalState.APPROVED)
FLAG_OVER_LIMIT = "over_limit"
FLAG_STATUTORY = "statutory"


# --- drafting rules ---------------------------------------------------------------------

_NUMBER = re.compile(r"\d")
# Numbers in words ("højst fem minutter"); not "en"/"et", which are also "a".
_NUMBER_WORDS = "to tre fire fem seks syv otte ni ti elleve tolv tyve hundrede tusind"
_MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december "
    "uge kvartal halvaar skoleaar aar dag maaned"
)
# Words that say something can be counted or seen to change. Folded (æ → ae, ø → oe).
_OBSERVABLE_WORDS = set(
    (
        "flere faerre mindre mere hoejere lavere oeget oege oeges reduceret reducere halveret "
        "halvere fordoblet stiger falder mindst hoejst alle ingen hver procent andel antal "
        "halvdelen tredjedel fjerdedel dobbelt gang gange " + _NUMBER_WORDS + " " + _MONTHS
    ).split()
)
# "i gang" is "under way", not a count: "Vi er godt i gang med læsebåndet" says nothing.
_UNDER_WAY = re.compile(r"\bi gang\b")
_STATUTORY = re.compile(
    r"lovkrav|lovpligtig|lovgivning|bekendtgoerelse|overhold|produktivitet|effektivisering"
    r"|sagsbehandlingstid|nationale krav|ministeriets krav"
)


def observable(criterion: str) -> bool:
    """Whether a success criterion says something one can check afterwards: a number, a
    date or a time, or a change that can be counted or seen (flere, færre, alle …)."""
    folded = fold(criterion)
    if _NUMBER.search(folded) or "%" in folded:
        return True
    words = set(re.findall(r"[a-z]+", _UNDER_WAY.sub(" ", folded)))
    return bool(words & _OBSERVABLE_WORDS)


def statutory(content: GoalContent) -> bool:
    """A goal that reads as a statutory or productivity requirement rather than a
    development goal; those are followed up elsewhere (Hvidovre's model)."""
    text = fold(" ".join(filter(None, [content.title, content.expected_effect or ""])))
    return bool(_STATUTORY.search(text))


def check_text(name: str, value: str | None, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise Invalid("maal.felt_mangler", field=name)
        return None
    limit = LENGTHS.get(name, 2000)
    if len(text) > limit:
        raise Invalid("maal.for_lang", limit=limit, length=len(text))
    return text


def check_items(name: str, items: Iterable[str]) -> tuple[str, ...]:
    """Success criteria or sub-goals: non-empty lines, each within its length."""
    kept = tuple(item for item in (line.strip(" -•*\t") for line in items) if item)
    if len(kept) > MAX_ITEMS:
        raise Invalid("maal.for_mange", limit=MAX_ITEMS)
    for item in kept:
        check_text(name, item)
    return kept


def check_deadline(deadline: date, period: PeriodView | None) -> date:
    """A deadline within the period the goal belongs to."""
    if period and not period.starts_on <= deadline <= period.ends_on:
        raise Invalid("maal.frist_udenfor", start=period.starts_on, end=period.ends_on)
    return deadline


def check_form(content: GoalContent) -> None:
    """Every text within its length and every choice one of its set, drafts too: a card
    can send what the dialogue would not."""
    for name in ("title", "expected_effect", "data_source", "responsible", "no_bearing_reason"):
        check_text(name, content.value(name))
    check_items("success_criteria", content.success_criteria)
    check_items("sub_goals", content.sub_goals)
    for name, choices in CHOICES.items():
        check_choice(name, content.value(name), {choice.value for choice in choices})


def check_choice(name: str, value: Any, allowed: set[str]) -> None:
    """A choice (or, for a multiple choice, each of them) from the field's set."""
    if value in (None, "", (), []):
        return
    chosen = value if FIELDS[name] is Kind.MULTI and isinstance(value, list | tuple) else [value]
    if not all(isinstance(one, str) and one in allowed for one in chosen):
        raise Invalid("maal.ugyldigt_valg", field=name)


def check_content(content: GoalContent, template: Template, period: PeriodView | None) -> None:
    """Everything the template requires is there and every answer keeps to its rules."""
    for entry in template.fields:
        value = content.value(entry.name)
        if entry.required and value in (None, "", (), []) and entry.name != "bearings":
            raise Invalid("maal.felt_mangler", field=entry.name)
    if "bearings" in template.names and not content.bearing_ids:
        check_text("no_bearing_reason", content.no_bearing_reason, required=True)
    check_text("title", content.title, required=True)
    if content.deadline:
        check_deadline(content.deadline, period)


# --- reading ----------------------------------------------------------------------------


async def drafting_context(
    session: AsyncSession, actor: Actor, today: date, period_id: int | None = None
) -> DraftingContext:
    """The leader's units with their templates and goal counts, the period and bearings.
    The period is `period_id` if goals can be written for it today (the current period,
    or the next while its drafting window is open), else the current one. The
    administration may draft for every unit, as pen-holder (000: "For nogle fagområder
    vil administrationen være den primære pennefører"); the leader is told and comments."""
    chosen = profile(actor.profile)
    open_periods = await draftable(session, actor.municipality_id, chosen, today)
    period = next((p for p in open_periods if p.id == period_id), None)
    if period_id is not None and period is None:
        raise NotAllowed("maal.periode_lukket")
    period = period or (open_periods[0] if open_periods else None)
    writes_for = true() if actor.is_administration else Unit.id.in_(actor.led_unit_ids)
    rows = (
        await session.execute(
            select(Unit.id, Unit.name, Unit.unit_type, Unit.area, Department.committee_id)
            .join(Department, Department.id == Unit.department_id)
            .where(writes_for, Unit.municipality_id == actor.municipality_id)
        )
    ).all()
    counts = await _active_counts(session, [r.id for r in rows], period.id if period else None)
    units = tuple(
        sorted(
            (
                DraftingUnit(r.id, r.name, r.unit_type, chosen.template_for(r.unit_type).key,
                             r.committee_id, counts.get(r.id, 0), r.area)
                for r in rows
            ) if chosen.uses_goals else (),
            key=lambda u: danish_order(u.name),
        )
    )  # fmt: skip
    places = [UnitPlace(u.id, u.committee_id, u.unit_type, u.area) for u in units]
    bearings = await for_units(session, places, period.id if period else None)
    views = tuple(v for v in map(period_view, open_periods) if v is not None)
    return DraftingContext(
        chosen, period.id if period else None, period_view(period), units, bearings, views
    )


async def _active_counts(
    session: AsyncSession, unit_ids: list[int], period_id: int | None
) -> dict[int, int]:
    if not unit_ids or period_id is None:
        return {}
    goals = await session.execute(
        select(Goal.unit_id).where(
            Goal.unit_id.in_(unit_ids), Goal.period_id == period_id, Goal.state.in_(ACTIVE)
        )
    )
    counts: dict[int, int] = {}
    for (unit_id,) in goals:
        counts[unit_id] = counts.get(unit_id, 0) + 1
    return counts


# --- writing: save and submit -----------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """A saved goal, and who must now act on it (department heads to notify)."""

    goal: GoalDetail
    created: bool
    approvers: tuple[int, ...] = ()
    # Written by the administration as pen-holder: the unit's leaders, to be told.
    leaders: tuple[int, ...] = ()
    leader_names: tuple[str, ...] = ()


async def save(
    session: AsyncSession,
    actor: Actor,
    unit_id: int,
    content: GoalContent,
    *,
    submit: bool,
    now: datetime,
    origin: str | None = None,
    goal_id: int | None = None,
    period_id: int | None = None,
) -> Saved:
    """Save the leader's goal as a draft, or submit it for approval.

    A new goal is created once per dialogue (`origin`), however often the dialogue is
    saved. An approved goal that is changed gets a new version, and the content it had
    is kept in its history; it stays reportable on the old approval until the new
    version is approved.
    """
    # The Danish date, as the dialogue's: after midnight in Denmark it is still yesterday in UTC.
    today = now.astimezone(LOCAL_TIME).date()
    # A saved goal stays in its own period; a new one goes where the leader chose.
    period_id = await _period_of(session, actor, goal_id, origin) or period_id
    context = await drafting_context(session, actor, today, period_id)
    unit = context.unit(unit_id)
    if unit is None or context.period_id is None:
        raise NotAllowed("maal.ikke_din_enhed")
    # Only the bearings the dialogue offered: the unit's committee's decided ones, for
    # this period; and those the goal follows already, whose new words may wait for the
    # committee's decision (store/bearings.py).
    offered = {b.id for b in context.bearings_for(unit.id)}
    if not set(content.bearing_ids) <= offered | await _followed(session, goal_id):
        raise NotAllowed("maal.ukendt_pejlemaerke")
    template = context.template_of(unit)
    repeated = await _already_submitted(session, origin) if goal_id is None else None
    if repeated is not None:  # the same dialogue sent again (a second device, a retry)
        return Saved(await _detail(session, repeated), created=False)
    check_form(content)
    if submit:
        check_content(content, template, context.period)
    else:
        check_text("title", content.title, required=True)
    goal = await _goal_to_write(session, actor, unit, context, goal_id, origin, now)
    created = goal.id is None
    goal.flags = _flags(content, unit, context.profile, counts_itself=not created)
    try:
        await _write_content(session, goal, content, template.key, now)
    except IntegrityError:
        if not created or await _by_origin(session, origin) is None:
            raise
        # Two devices saved the same dialogue at once and the other one's goal is now
        # committed: save again, which finds it (sent already, or a draft to write onto).
        return await save(session, actor, unit_id, content, submit=submit, now=now,
                          origin=origin, period_id=period_id)  # fmt: skip
    state = GoalState.SUBMITTED if submit else GoalState.DRAFT
    action = GoalAction.SUBMITTED if submit else GoalAction.SAVED
    await _move(session, goal, state, action, actor.person_id, now)
    approvers = await _approvers(session, goal) if submit else ()
    leaders = {} if unit.id in actor.led_unit_ids else await _leaders_of(session, unit.id)
    return Saved(await _detail(session, goal), created, approvers, tuple(leaders),
                 tuple(sorted(leaders.values(), key=danish_order)))  # fmt: skip


async def _leaders_of(session: AsyncSession, unit_id: int) -> dict[int, str]:
    """The unit's leaders by id, with their names."""
    found = await session.execute(
        select(RoleAssignment.person_id, Person.name)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(RoleAssignment.role == Role.UNIT_LEADER, RoleAssignment.unit_id == unit_id)
        .order_by(RoleAssignment.person_id)
    )
    return dict(found.all())


async def _period_of(
    session: AsyncSession, actor: Actor, goal_id: int | None, origin: str | None
) -> int | None:
    """The period of the saved goal being written, if it is in the actor's municipality."""
    if goal_id is None and not origin:
        return None
    found = Goal.id == goal_id if goal_id is not None else Goal.origin == origin
    return await session.scalar(
        select(Goal.period_id).where(found, Goal.municipality_id == actor.municipality_id)
    )


async def _already_submitted(session: AsyncSession, origin: str | None) -> Goal | None:
    goal = await _by_origin(session, origin)
    return goal if goal is not None and goal.state not in EDITABLE else None


async def _by_origin(session: AsyncSession, origin: str | None) -> Goal | None:
    """The goal written in this dialogue, if it has been saved."""
    return await session.scalar(select(Goal).where(Goal.origin == origin)) if origin else None


async def _goal_to_write(
    session: AsyncSession,
    actor: Actor,
    unit: DraftingUnit,
    context: DraftingContext,
    goal_id: int | None,
    origin: str | None,
    now: datetime,
) -> Goal:
    if goal_id is None and origin:
        goal_id = await session.scalar(select(Goal.id).where(Goal.origin == origin))
    if goal_id is None:
        return Goal(
            municipality_id=actor.municipality_id,
            key=f"maal-{uuid.uuid4().hex[:12]}",
            unit_id=unit.id,
            period_id=context.period_id,
            origin=origin,
            created_by=actor.person_id,
            created_at=now,
            # Born a draft, not the model's default (approved, for imported goals), so the
            # audit trail never shows a new goal as approved before `save` moves it on.
            state=GoalState.DRAFT,
            version=1,
            extra={},
            flags=[],
            success_criteria=[],
            sub_goals=[],
        )
    goal = await session.get(Goal, goal_id, with_for_update=True)
    if goal is None or goal.municipality_id != actor.municipality_id or goal.unit_id != unit.id:
        raise NotAllowed("maal.ikke_din_enhed")
    if goal.state in REVISABLE:
        today = now.astimezone(LOCAL_TIME).date()
        budget = adjusting(context.profile.cycle, context.period, today) if context.period else None
        await _revise(session, goal, actor.person_id, now, budget)
    elif goal.state not in EDITABLE:
        raise Invalid("maal.kan_ikke_rettes", state=goal.state)
    return goal


async def _revise(
    session: AsyncSession, goal: Goal, person_id: int, now: datetime, budget: int | None = None
) -> None:
    """An approved goal is changed: keep what it said, and start a new version. Changed in
    the autumn window of a period that continues (Hvidovre), the new version is that
    year's adjustment after the budget, and its history says so."""
    snapshot = _snapshot(goal)
    if budget is not None:
        snapshot["budget_year"] = budget
    session.add(
        GoalEvent(
            municipality_id=goal.municipality_id,
            goal_id=goal.id,
            version=goal.version,
            action=GoalAction.REVISED,
            person_id=person_id,
            at=now,
            snapshot=snapshot,
        )
    )
    goal.version += 1


async def carry_over(session: AsyncSession, actor: Actor, goal_id: int, now: datetime) -> Saved:
    """The leader carries a goal into the next period as a draft to work on, while that
    period's drafting window is open. Once per goal and period: the copy's origin is
    unique, so a second press (or a second device) finds the first copy."""
    goal = await session.get(Goal, goal_id)
    if goal is None or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("maal.ukendt")
    today = now.astimezone(LOCAL_TIME).date()
    source = await session.get_one(Period, goal.period_id)
    target = await _carry_target(session, actor, source, today)
    if target is None:
        raise Invalid("maal.viderefoeres_ikke")
    context = await drafting_context(session, actor, today, target.id)
    unit = context.unit(goal.unit_id)
    if unit is None:
        raise NotAllowed("maal.ikke_din_enhed")
    origin = f"carried:{goal.id}:{target.id}"
    found = await _by_origin(session, origin)
    if found is not None:
        return Saved(await _detail(session, found), created=False)
    offered = {b.id for b in context.bearings_for(unit.id)}
    content = replace(
        content_of(goal, tuple(await _followed(session, goal.id) & offered)),
        deadline=goal.deadline if context.period and goal.deadline
        and context.period.starts_on <= goal.deadline <= context.period.ends_on else None,
    )  # fmt: skip
    copy = await _goal_to_write(session, actor, unit, context, None, origin, now)
    copy.flags = _flags(content, unit, context.profile, counts_itself=False)
    try:
        await _write_content(session, copy, content, goal.template or unit.template, now)
    except IntegrityError:
        found = await _by_origin(session, origin)
        if found is None:
            raise
        return Saved(await _detail(session, found), created=False)
    copy.state = GoalState.DRAFT
    session.add(
        GoalEvent(
            municipality_id=copy.municipality_id, goal_id=copy.id, version=copy.version,
            action=GoalAction.CARRIED_OVER, person_id=actor.person_id, at=now,
            snapshot={"from_goal": goal.id, "from_period": source.name},
        )
    )  # fmt: skip
    await session.flush()
    return Saved(await _detail(session, copy), created=True)


async def carry_target(
    session: AsyncSession, actor: Actor, goal: GoalDetail, today: date
) -> PeriodView | None:
    """The period the leader can carry this goal into today, if any: the one after the
    goal's, while its drafting window is open or once it has begun."""
    if goal.unit_id not in actor.led_unit_ids or goal.period is None or goal.period.id is None:
        return None
    source = await session.get_one(Period, goal.period.id)
    return period_view(await _carry_target(session, actor, source, today))


async def _carry_target(
    session: AsyncSession, actor: Actor, source: Period, today: date
) -> Period | None:
    # The period right after the goal's: the next one while it is being drafted, or,
    # for a leader late with it, the one that has just begun.
    target = await next_period(session, actor.municipality_id, source.ends_on)
    if target is None:
        return None
    chosen = profile(actor.profile)
    open_ids = {p.id for p in await draftable(session, actor.municipality_id, chosen, today)}
    return target if target.id in open_ids else None


def _snapshot(goal: Goal) -> dict[str, Any]:
    fields = [
        "title",
        "goal_type",
        "perspective",
        "expected_effect",
        "success_criteria",
        "evaluation_method",
        "data_source",
        "sub_goals",
        "responsible",
        "no_bearing_reason",
        "extra",
        "state",
    ]
    snapshot = {name: getattr(goal, name) for name in fields}
    snapshot["deadline"] = goal.deadline.isoformat() if goal.deadline else None
    return snapshot


def _flags(
    content: GoalContent, unit: DraftingUnit, chosen: Profile, counts_itself: bool
) -> list[str]:
    flags = []
    others = unit.active_goals - (1 if counts_itself else 0)
    if others >= chosen.goal_limit:
        flags.append(FLAG_OVER_LIMIT)
    if statutory(content):
        flags.append(FLAG_STATUTORY)
    return flags


async def _write_content(
    session: AsyncSession,
    goal: Goal,
    content: GoalContent,
    template: str,
    now: datetime,
) -> None:
    goal.template = template
    goal.title = content.title.strip()
    for name in [
        "goal_type",
        "perspective",
        "expected_effect",
        "evaluation_method",
        "data_source",
        "responsible",
        "no_bearing_reason",
        "deadline",
    ]:
        setattr(goal, name, getattr(content, name))
    goal.success_criteria = list(content.success_criteria)
    goal.sub_goals = list(content.sub_goals)
    goal.extra = dict(content.extra)
    goal.no_bearing_reason = None if content.bearing_ids else content.no_bearing_reason
    goal.updated_at = now
    goal.revision = (goal.revision or 0) + 1
    if goal.id is None:
        # In a savepoint of its own: if another device's save of the same dialogue inserted
        # the goal first, the unique origin refuses this one and `save` writes onto theirs.
        async with session.begin_nested():
            session.add(goal)
    await session.flush()
    await _write_bearings(session, goal, content.bearing_ids)


async def _followed(session: AsyncSession, goal_id: int | None) -> set[int]:
    """The bearings a saved goal follows now."""
    if goal_id is None:
        return set()
    found = await session.scalars(
        select(GoalBearing.bearing_id).where(GoalBearing.goal_id == goal_id)
    )
    return set(found)


async def _write_bearings(session: AsyncSession, goal: Goal, bearing_ids: tuple[int, ...]) -> None:
    """The goal's bearings, already checked against those its committee offers (`save`).
    Only the links that change are written, so the audit trail shows just those."""
    wanted = set(bearing_ids)
    links = await session.scalars(select(GoalBearing).where(GoalBearing.goal_id == goal.id))
    have = {link.bearing_id: link for link in links}
    for bearing_id in have.keys() - wanted:
        await session.delete(have[bearing_id])
    session.add_all(GoalBearing(goal_id=goal.id, bearing_id=b) for b in sorted(wanted - set(have)))


async def _move(
    session: AsyncSession,
    goal: Goal,
    state: GoalState,
    action: GoalAction,
    person_id: int | None,
    now: datetime,
    comment: str | None = None,
    meeting_date: date | None = None,
) -> None:
    goal.state = state
    goal.updated_at = now
    session.add(
        GoalEvent(
            municipality_id=goal.municipality_id,
            goal_id=goal.id,
            version=goal.version,
            action=action,
            person_id=person_id,
            at=now,
            comment=comment,
            meeting_date=meeting_date,
        )
    )
    await session.flush()


# --- approval ---------------------------------------------------------------------------


async def approve(
    session: AsyncSession, actor: Actor, goal_id: int, revision: int, now: datetime
) -> GoalDetail:
    """The department head approves the goal as their card showed it (`revision`)."""
    goal = await _submitted_for(session, actor, goal_id, revision)
    chosen = profile(actor.profile)
    goal.return_comment = None
    if chosen.last_step is ApprovalStep.DEPARTMENT:
        goal.reportable_version = goal.version
        await _move(
            session, goal, GoalState.APPROVED, GoalAction.APPROVED_DEPARTMENT, actor.person_id, now
        )
    else:
        if chosen.reportable_after is ApprovalStep.DEPARTMENT:
            goal.reportable_version = goal.version
        await _move(
            session, goal, GoalState.DEPARTMENT_APPROVED, GoalAction.APPROVED_DEPARTMENT,
            actor.person_id, now,
        )  # fmt: skip
    return await _detail(session, goal)


async def return_to_leader(
    session: AsyncSession, actor: Actor, goal_id: int, revision: int, comment: str, now: datetime
) -> GoalDetail:
    """Send the goal back with a comment; the leader works on it again."""
    text = check_text("return_comment", comment)
    if not text:
        raise Invalid("maal.kommentar_mangler")
    goal = await session.get(Goal, goal_id, with_for_update=True)
    if goal is None or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("maal.ukendt")  # as for any goal it does not know, whatever its state
    if goal.state == GoalState.DEPARTMENT_APPROVED:
        await _check_administration(actor, goal)
    else:
        goal = await _submitted_for(session, actor, goal_id, revision)
    if goal.revision != revision:
        raise Invalid("maal.foraeldet")
    goal.return_comment = text
    await _move(session, goal, GoalState.RETURNED, GoalAction.RETURNED, actor.person_id, now, text)
    return await _detail(session, goal)


async def approve_in_committee(
    session: AsyncSession,
    actor: Actor,
    goal_ids: Iterable[int],
    meeting_date: date,
    now: datetime,
) -> list[GoalDetail]:
    """The administration records that the committee approved these goals at its meeting."""
    approved = []
    for goal_id in goal_ids:
        goal = await session.get(Goal, goal_id, with_for_update=True)
        if goal is None or goal.municipality_id != actor.municipality_id:
            raise NotAllowed("maal.ukendt")
        await _check_administration(actor, goal)
        if goal.state != GoalState.DEPARTMENT_APPROVED:
            raise Invalid("maal.ikke_klar_til_udvalg", title=goal.title)
        goal.reportable_version = goal.version
        await _move(
            session, goal, GoalState.APPROVED, GoalAction.APPROVED_COMMITTEE, actor.person_id,
            now, meeting_date=meeting_date,
        )  # fmt: skip
        approved.append(await _detail(session, goal))
    return approved


async def _submitted_for(session: AsyncSession, actor: Actor, goal_id: int, revision: int) -> Goal:
    """A submitted goal the actor, as its unit's department head, may decide on."""
    goal = await session.get(Goal, goal_id, with_for_update=True)
    if goal is None or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("maal.ukendt")
    department = await session.scalar(select(Unit.department_id).where(Unit.id == goal.unit_id))
    if not any(
        r.role is Role.DEPARTMENT_HEAD and r.department_id == department for r in actor.roles
    ):
        raise NotAllowed("maal.ikke_din_afdeling")
    if goal.state != GoalState.SUBMITTED or goal.revision != revision:
        raise Invalid("maal.foraeldet")
    return goal


async def _check_administration(actor: Actor, goal: Goal) -> None:
    if not actor.is_administration or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("maal.kun_administrationen")


async def _approvers(session: AsyncSession, goal: Goal) -> tuple[int, ...]:
    """The department heads of the goal's unit: they decide on a submitted goal."""
    department = await session.scalar(select(Unit.department_id).where(Unit.id == goal.unit_id))
    heads = await session.scalars(
        select(RoleAssignment.person_id).where(
            RoleAssignment.role == Role.DEPARTMENT_HEAD,
            RoleAssignment.department_id == department,
        )
    )
    return tuple(sorted(set(heads)))


async def why_not_drafting(session: AsyncSession, actor: Actor, unit_id: int) -> DomainError:
    """Why a goal being written for the unit `unit_id` can no longer be saved by `actor`:
    a new organisation file made someone else its leader (or took the unit away)."""
    name = await session.scalar(
        select(Unit.name).where(Unit.id == unit_id, Unit.municipality_id == actor.municipality_id)
    )
    if name is None:
        return NotAllowed("maal.ikke_din_enhed")
    return NotAllowed("maal.enhed_ikke_din_mere", unit=name)


async def close_ended(session: AsyncSession, today: date, now: datetime) -> int:
    """Close every goal whose period has ended; they leave reporting and digests."""
    ended = await session.scalars(
        select(Goal)
        .join(Period, Period.id == Goal.period_id)
        .where(Period.ends_on < today, Goal.state != GoalState.CLOSED)
    )
    count = 0
    for goal in ended:
        await _move(session, goal, GoalState.CLOSED, GoalAction.CLOSED, None, now)
        count += 1
    return count


# --- reading goals ------------------------------------------------------------------------


async def goal_detail(session: AsyncSession, actor: Actor, goal_id: int) -> GoalDetail:
    """One goal with its bearings, status and history, for someone allowed to see it:
    the unit's leader, its department head, the administration, or a committee member."""
    goal = await session.get(Goal, goal_id)
    if goal is None or goal.municipality_id != actor.municipality_id:
        raise NotAllowed("maal.ukendt")
    department, committee = (
        await session.execute(
            select(Department.id, Department.committee_id)
            .join(Unit, Unit.department_id == Department.id)
            .where(Unit.id == goal.unit_id)
        )
    ).one()
    if not _may_see(actor, goal.unit_id, department, committee):
        raise NotAllowed("maal.ukendt")
    return await _detail(session, goal, with_history=True)


def _may_see(actor: Actor, unit_id: int, department_id: int, committee_id: int) -> bool:
    return actor.is_administration or any(
        (r.role is Role.UNIT_LEADER and r.unit_id == unit_id)
        or (r.role is Role.DEPARTMENT_HEAD and r.department_id == department_id)
        or (r.role is Role.POLITICIAN and r.committee_id == committee_id)
        for r in actor.roles
    )


async def goals_of_leader(session: AsyncSession, actor: Actor, today: date) -> list[GoalDetail]:
    """Every goal of the actor's units in the current period, whatever its state, then
    those already written for the next period."""
    current = await current_period(session, actor.municipality_id, today)
    upcoming = await next_period(session, actor.municipality_id, today)
    periods = [p.id for p in (current, upcoming) if p is not None]
    if not periods or not actor.led_unit_ids:
        return []
    goals = await session.scalars(
        select(Goal)
        .join(Period, Period.id == Goal.period_id)
        .where(Goal.unit_id.in_(actor.led_unit_ids), Goal.period_id.in_(periods))
        .order_by(Period.starts_on, Goal.unit_id, Goal.id)
    )
    return [await _detail(session, goal) for goal in goals]


async def waiting_for(session: AsyncSession, actor: Actor) -> list[GoalDetail]:
    """Goals waiting for the actor: submitted ones of their departments (department head),
    department-approved ones waiting for the committee (administration)."""
    departments = [r.department_id for r in actor.roles if r.role is Role.DEPARTMENT_HEAD]
    query = (
        select(Goal)
        .join(Unit, Unit.id == Goal.unit_id)
        .where(Goal.municipality_id == actor.municipality_id)
    )
    wanted = Goal.state == GoalState.SUBMITTED
    mine = wanted & Unit.department_id.in_(departments)
    if actor.is_administration:
        mine = mine | (Goal.state == GoalState.DEPARTMENT_APPROVED)
    goals = await session.scalars(query.where(mine).order_by(Goal.updated_at, Goal.id))
    return [await _detail(session, goal, with_history=True) for goal in goals]


async def _detail(session: AsyncSession, goal: Goal, with_history: bool = False) -> GoalDetail:
    unit_name, department_id = (
        await session.execute(select(Unit.name, Unit.department_id).where(Unit.id == goal.unit_id))
    ).one()
    bearings = tuple(
        BearingView(b.id, b.title, b.description, proposed=b.proposed)
        for b in await session.scalars(
            select(Bearing)
            .join(GoalBearing, GoalBearing.bearing_id == Bearing.id)
            .where(GoalBearing.goal_id == goal.id)
            .order_by(Bearing.id)
        )
    )
    latest = (await latest_statuses(session, [goal.id])).get(goal.id)
    period = await session.get(Period, goal.period_id)
    return GoalDetail(
        id=goal.id,
        unit_id=goal.unit_id,
        unit_name=unit_name,
        state=GoalState(goal.state),
        version=goal.version,
        revision=goal.revision,
        template=goal.template,
        content=content_of(goal, tuple(b.id for b in bearings)),
        bearings=bearings,
        follow_up=goal.follow_up,
        flags=tuple(goal.flags or ()),
        return_comment=goal.return_comment,
        reportable=goal.reportable_version is not None and goal.state != GoalState.CLOSED,
        latest=latest,
        events=await _history(session, goal.id) if with_history else (),
        period=period_view(period),
        department_id=department_id,
        evaluations=await evaluations_of(session, goal.id) if with_history else (),
        pen_holder=await _pen_holder(session, goal),
    )


async def _pen_holder(session: AsyncSession, goal: Goal) -> str | None:
    """The name of the administration person who wrote the goal for the unit, as
    pen-holder; None when one of the unit's own leaders wrote it (or it was imported)."""
    if goal.created_by is None:
        return None
    role = RoleAssignment.person_id == goal.created_by
    leads = exists().where(role, RoleAssignment.role == Role.UNIT_LEADER,
                           RoleAssignment.unit_id == goal.unit_id)  # fmt: skip
    administers = exists().where(role, RoleAssignment.role == Role.ADMINISTRATION)
    return await session.scalar(
        select(Person.name).where(Person.id == goal.created_by, administers, ~leads)
    )


def content_of(goal: Goal, bearing_ids: tuple[int, ...]) -> GoalContent:
    return GoalContent(
        title=goal.title,
        bearing_ids=bearing_ids,
        no_bearing_reason=goal.no_bearing_reason,
        goal_type=goal.goal_type,
        perspective=goal.perspective,
        expected_effect=goal.expected_effect,
        success_criteria=tuple(goal.success_criteria or ()),
        evaluation_method=goal.evaluation_method,
        data_source=goal.data_source,
        sub_goals=tuple(goal.sub_goals or ()),
        deadline=goal.deadline,
        responsible=goal.responsible,
        extra=dict(goal.extra or {}),
    )


async def _history(session: AsyncSession, goal_id: int) -> tuple[GoalEventView, ...]:
    rows = await session.execute(
        select(GoalEvent, Person.name)
        .outerjoin(Person, Person.id == GoalEvent.person_id)
        .where(GoalEvent.goal_id == goal_id)
        .order_by(GoalEvent.at, GoalEvent.id)
    )
    return tuple(
        GoalEventView(GoalAction(e.action), e.version, e.at, name, e.comment, e.meeting_date,
                      (e.snapshot or {}).get("budget_year"), (e.snapshot or {}).get("from_period"))
        for e, name in rows
    )  # fmt: skip


def decides(actor: Actor, goal: GoalDetail) -> bool:
    """Whether `actor` is a department head who decides on this goal."""
    return any(
        r.role is Role.DEPARTMENT_HEAD and r.department_id == goal.department_id
        for r in actor.roles
    )


async def person_name(session: AsyncSession, person_id: int) -> str | None:
    return await session.scalar(select(Person.name).where(Person.id == person_id))
