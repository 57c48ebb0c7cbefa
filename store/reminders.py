"""The year's reminders: goals to draft after the budget, status on the status days, the
midway evaluation and the final report — only when something is due and not done.

Each item of the year (from the profile's `cycle`) has a deadline. A leader whose units
still owe it is reminded `days_before` it, nudged `nudge_days` after it, and after
`escalate_days` their department head is told (the profile's `reminders`). A reminder
that would fall on a weekend, a public holiday or a closed day comes on the working day
before it (the first) or after it (nudge, escalation), always at 08:00 Danish time.

A leader who is away gets nothing; their deputy gets the reminder for their units
instead, or, with no deputy, it waits until they are back. `udsæt` (snooze) plans the
reminder again for a day the leader chooses, and no nudge comes after it. Whether the
work is done is asked twice: when the reminder is planned and again just before it is
sent, so a leader who reports in between is not reminded.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store import absences
from store.annual_cycle import Window, goal_items
from store.dates import LOCAL_TIME, SEND_AT
from store.enums import DispatchState, EvaluationKind, GoalState, Role
from store.errors import Invalid, NotAllowed
from store.evaluations import evaluated
from store.models import (
    Dispatch,
    Goal,
    Municipality,
    Period,
    Person,
    RoleAssignment,
    StatusUpdate,
    Unit,
)
from store.outbox import Kind, Planned, plan
from store.people import leaders_by_unit
from store.periods import on_day
from store.profiles import Profile, ReminderSettings, municipal, profile
from store.reminderviews import Owing, Reminder, Stage, item_key
from store.views import Actor, ItemKind
from store.working_days import working_day_on_or_after, working_day_on_or_before

# A reminder missed while Pejling was down still goes out if it is at most this late;
# older ones are left, as the next stage (nudge, escalation) says it better.
GRACE = timedelta(days=2)
SUBJECTS = (ItemKind.DRAFTING, ItemKind.STATUS, ItemKind.MIDWAY, ItemKind.FINAL_REPORT)
_EVALUATION = {ItemKind.MIDWAY: EvaluationKind.MIDWAY, ItemKind.FINAL_REPORT: EvaluationKind.FINAL}
_DRAFTED = (GoalState.SUBMITTED, GoalState.DEPARTMENT_APPROVED, GoalState.APPROVED)


@dataclass(frozen=True)
class Item:
    """One item of the year in one municipality: what, by when, for which period."""

    subject: ItemKind
    deadline: date
    period_id: int
    opens: date | None = None  # drafting: the first day goals can be written
    year: int = 0  # the year an evaluation is for

    @property
    def base(self) -> str:
        return item_key(self.subject, self.deadline)

    def reminder(
        self, stage: Stage, person: int, units: tuple[int, ...], absent: tuple[int, ...]
    ) -> Reminder:
        """This item's reminder at `stage` to `person` about `units` (for `absent` leaders)."""
        return Reminder(
            self.subject, self.deadline, self.period_id, self.year, stage, person, units, absent
        )


def at_eight(day: date) -> datetime:
    return datetime.combine(day, SEND_AT, tzinfo=LOCAL_TIME)


def stage_times(
    item: Item, settings: ReminderSettings, closed: Iterable[str]
) -> dict[Stage, datetime]:
    """When each stage of `item` goes out: 08:00 on a working day."""
    closed = tuple(closed)
    if item.opens is not None:  # drafting: remind when the window opens
        first = working_day_on_or_after(item.opens, closed)
    else:
        first = working_day_on_or_before(
            item.deadline - timedelta(days=settings.days_before), closed
        )
    after = (
        item.deadline + timedelta(days=d) for d in (settings.nudge_days, settings.escalate_days)
    )
    nudge, escalate = (working_day_on_or_after(day, closed) for day in after)
    return {
        Stage.REMIND: at_eight(first),
        Stage.NUDGE: at_eight(nudge),
        Stage.ESCALATE: at_eight(escalate),
    }


def current_stages(times: Mapping[Stage, datetime], now: datetime) -> tuple[Stage | None, bool]:
    """The leaders' stage to plan now (the latest that has come, within the grace), and
    whether the department head is to be told now."""
    leader = None
    for stage in (Stage.REMIND, Stage.NUDGE):
        if times[stage] <= now:
            leader = stage if now < times[stage] + GRACE else None
    escalate = times[Stage.ESCALATE] <= now < times[Stage.ESCALATE] + GRACE
    return leader, escalate


# --- which items are near -----------------------------------------------------------------


def items_near(chosen: Profile, periods: Iterable[Period], today: date) -> list[Item]:
    """The items whose reminders can go out around `today`: from the first reminder
    before the deadline to the escalation after it, with the grace."""
    settings = chosen.reminders
    reach = timedelta(days=max(settings.days_before, 0) + 14)
    window = Window(today - timedelta(days=settings.escalate_days + 14), today + reach)
    found: list[Item] = []
    for period in periods:
        for entry in goal_items(chosen.cycle, period, window):
            item = _item(chosen, entry.kind, entry.until or entry.on, period)
            if item is not None:
                found.append(item)
    return found


def drafting_opens(chosen: Profile, year: int) -> date:
    """The first day goals can be written after the budget of `year`."""
    return on_day(year, chosen.cycle.drafting_from)


def _item(chosen: Profile, kind: ItemKind, deadline: date, period: Period) -> Item | None:
    if kind is ItemKind.DRAFTING:
        return Item(kind, deadline, period.id, opens=drafting_opens(chosen, deadline.year))
    if kind is ItemKind.STATUS:
        return Item(kind, deadline, period.id)
    if kind is ItemKind.MIDWAY:
        return Item(kind, deadline, period.id, year=deadline.year)
    if kind is ItemKind.FINAL_REPORT:
        return Item(kind, deadline, period.id, year=period.ends_on.year)
    return None


# --- planning -----------------------------------------------------------------------------


async def due(session: AsyncSession, now: datetime) -> list[Planned]:
    """Every reminder due by `now` in every municipality that works with goals, not yet
    planned."""
    today = now.astimezone(LOCAL_TIME).date()
    found: list[Planned] = []
    for municipality_id, key, midway in await session.execute(
        select(Municipality.id, Municipality.profile, Municipality.midway)
    ):
        chosen = municipal(key, midway)
        if not chosen.uses_goals:
            continue
        periods = list(
            await session.scalars(
                select(Period).where(
                    Period.municipality_id == municipality_id,
                    # The next period's goals are drafted in the autumn before it starts.
                    Period.starts_on <= today + timedelta(days=400),
                    Period.ends_on >= today - timedelta(days=500),
                )
            )
        )
        for item in items_near(chosen, periods, today):
            found += await _due_for(session, municipality_id, chosen, item, now)
    return found


async def _due_for(
    session: AsyncSession, municipality_id: int, chosen: Profile, item: Item, now: datetime
) -> list[Planned]:
    times = stage_times(item, chosen.reminders, chosen.cycle.closed_days)
    leader_stage, escalate = current_stages(times, now)
    if leader_stage is None and not escalate:
        return []
    owing = await owing_units(session, municipality_id, item, now)
    if not owing:
        return []
    planned = await _planned_rows(session, municipality_id, item)
    found: list[Planned] = []
    if leader_stage is not None:
        found += await _to_leaders(
            session, municipality_id, item, leader_stage, owing, planned, times, now
        )
    if escalate:
        found += await _to_heads(session, municipality_id, item, owing, times, now)
    return [p for p in found if p.key not in planned]


async def _to_leaders(
    session: AsyncSession,
    municipality_id: int,
    item: Item,
    stage: Stage,
    owing: Collection[int],
    planned: Mapping[str, Dispatch],
    times: Mapping[Stage, datetime],
    now: datetime,
) -> list[Planned]:
    leaders = await leaders_by_unit(session, owing)
    recipients = await _recipients(session, municipality_id, leaders, now)
    found = []
    for person, (units, absent) in recipients.items():
        if stage is Stage.NUDGE and _snoozed(planned, item, person):
            continue  # they chose their own day; it comes then
        reminder = item.reminder(stage, person, units, absent)
        found.append(_planned(municipality_id, reminder, times[stage]))
    return found


async def _to_heads(
    session: AsyncSession,
    municipality_id: int,
    item: Item,
    owing: Collection[int],
    times: Mapping[Stage, datetime],
    now: datetime,
) -> list[Planned]:
    heads = await department_heads(session, owing)
    recipients = await _recipients(session, municipality_id, heads, now)
    at = times[Stage.ESCALATE]
    return [
        _planned(municipality_id, item.reminder(Stage.ESCALATE, person, units, absent), at)
        for person, (units, absent) in recipients.items()
    ]


def _planned(municipality_id: int, reminder: Reminder, at: datetime) -> Planned:
    return Planned(municipality_id, reminder.key, Kind.GOAL_REMINDER, at, reminder.payload())


async def _recipients(
    session: AsyncSession,
    municipality_id: int,
    people_by_unit: Mapping[int, Collection[int]],
    now: datetime,
) -> dict[int, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Who gets a message for which units today: each person for their own units, unless
    away; then their deputy (for the absent person's units too), or nobody yet."""
    today = now.astimezone(LOCAL_TIME).date()
    everyone = {p for people in people_by_unit.values() for p in people}
    away = await absences.away(session, municipality_id, everyone, today)
    units: dict[int, set[int]] = {}
    behalf: dict[int, set[int]] = {}
    for unit, people in people_by_unit.items():
        for person in people:
            if person not in away:
                units.setdefault(person, set()).add(unit)
            elif (deputy := away[person]) is not None and deputy not in away:
                units.setdefault(deputy, set()).add(unit)
                behalf.setdefault(deputy, set()).add(person)
    return {
        person: (tuple(sorted(held)), tuple(sorted(behalf.get(person, ()))))
        for person, held in units.items()
    }


def _snoozed(planned: Mapping[str, Dispatch], item: Item, person: int) -> bool:
    prefix = f"{item.base}:{Stage.AGAIN}:{person}:"
    return any(key.startswith(prefix) for key in planned)


async def _planned_rows(
    session: AsyncSession, municipality_id: int, item: Item
) -> dict[str, Dispatch]:
    """Every outbox row of this item, whatever its stage, state and recipient."""
    rows = await session.scalars(
        select(Dispatch).where(
            Dispatch.municipality_id == municipality_id,
            Dispatch.key.startswith(f"{item.base}:", autoescape=True),
        )
    )
    return {row.key: row for row in rows}


# --- is it done? --------------------------------------------------------------------------


async def owing_units(
    session: AsyncSession,
    municipality_id: int,
    item: Item,
    now: datetime,
    among: Collection[int] | None = None,
) -> set[int]:
    """The units (of `among`, if given) that still owe `item`."""
    if item.subject is ItemKind.DRAFTING:
        return await _not_drafted(session, municipality_id, item, among)
    goals = await _goals_for(session, municipality_id, item, among)
    if item.subject is ItemKind.STATUS:
        done = await _reported_since(session, list(goals), _status_window_start(item))
    else:
        done = await evaluated(session, list(goals), _EVALUATION[item.subject], item.year)
    return {unit for goal, unit in goals.items() if goal not in done}


async def _goals_for(
    session: AsyncSession, municipality_id: int, item: Item, among: Collection[int] | None
) -> dict[int, int]:
    """The goals the item is about → their unit: reportable goals of the period; for the
    final report, closed ones too."""
    query = select(Goal.id, Goal.unit_id).where(
        Goal.municipality_id == municipality_id,
        Goal.period_id == item.period_id,
        Goal.reportable_version.is_not(None),
    )
    if item.subject is not ItemKind.FINAL_REPORT:
        query = query.where(Goal.state != GoalState.CLOSED)
    if among is not None:
        query = query.where(Goal.unit_id.in_(list(among)))
    return dict((await session.execute(query)).all())


def _status_window_start(item: Item) -> datetime:
    """A status counts for the status day it is nearest to: one reported after the halfway
    point since the previous status day (about six weeks for quarterly status)."""
    half = timedelta(days=45)
    return at_eight(item.deadline - half)


async def _reported_since(session: AsyncSession, goal_ids: list[int], since: datetime) -> set[int]:
    if not goal_ids:
        return set()
    rows = await session.scalars(
        select(StatusUpdate.goal_id)
        .where(StatusUpdate.goal_id.in_(goal_ids), StatusUpdate.reported_at >= since)
        .group_by(StatusUpdate.goal_id)
    )
    return set(rows)


async def _not_drafted(
    session: AsyncSession, municipality_id: int, item: Item, among: Collection[int] | None
) -> set[int]:
    """Units with a leader that have not submitted a goal of the period since drafting
    opened (a new goal, or a change to an approved one)."""
    led = select(RoleAssignment.unit_id).where(
        RoleAssignment.municipality_id == municipality_id,
        RoleAssignment.role == Role.UNIT_LEADER,
        RoleAssignment.unit_id.is_not(None),
    )
    if among is not None:
        led = led.where(RoleAssignment.unit_id.in_(list(among)))
    units = {unit for unit in await session.scalars(led) if unit is not None}  # all: see where
    assert item.opens is not None
    drafted = await session.scalars(
        select(Goal.unit_id).where(
            Goal.municipality_id == municipality_id,
            Goal.period_id == item.period_id,
            Goal.unit_id.in_(units),
            Goal.state.in_(_DRAFTED),
            Goal.updated_at >= at_eight(item.opens) - timedelta(hours=8),
        )
    )
    return units - set(drafted)


async def department_heads(
    session: AsyncSession, unit_ids: Collection[int]
) -> dict[int, tuple[int, ...]]:
    """unit → the heads of its department, who are told when a unit is late."""
    rows = await session.execute(
        select(Unit.id, RoleAssignment.person_id)
        .join(RoleAssignment, RoleAssignment.department_id == Unit.department_id)
        .where(Unit.id.in_(list(unit_ids)), RoleAssignment.role == Role.DEPARTMENT_HEAD)
    )
    found: dict[int, set[int]] = {}
    for unit, person in rows:
        found.setdefault(unit, set()).add(person)
    return {unit: tuple(sorted(people)) for unit, people in found.items()}


# --- at sending ---------------------------------------------------------------------------


async def still_owing(
    session: AsyncSession, municipality_id: int, key: str, payload: Mapping[str, Any], now: datetime
) -> Owing | None:
    """The reminder with only the units that still owe the item now; None when nothing is
    missing any more (it is not sent)."""
    reminder = Reminder.of(payload)
    chosen = profile((await session.get_one(Municipality, municipality_id)).profile)
    drafting = reminder.subject is ItemKind.DRAFTING
    opens = drafting_opens(chosen, reminder.deadline.year) if drafting else None
    item = Item(reminder.subject, reminder.deadline, reminder.period_id, opens, reminder.year)
    owing = await owing_units(session, municipality_id, item, now, reminder.unit_ids)
    if not owing:
        return None
    names = dict(
        (await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(owing)))).all()
    )
    units = tuple(sorted(names.items(), key=lambda u: u[1]))
    leaders: tuple[str, ...] = ()
    if reminder.stage is Stage.ESCALATE:
        leaders = await _names(
            session, {p for ps in (await leaders_by_unit(session, owing)).values() for p in ps}
        )
    behalf = await _names(session, set(reminder.on_behalf_of))
    return Owing(key, reminder, units, leaders, behalf, chosen.reminders.snooze_days)


async def _names(session: AsyncSession, ids: set[int]) -> tuple[str, ...]:
    if not ids:
        return ()
    return tuple(sorted(await session.scalars(select(Person.name).where(Person.id.in_(ids)))))


# --- udsæt --------------------------------------------------------------------------------


async def snooze(session: AsyncSession, actor: Actor, key: str, days: int, now: datetime) -> date:
    """Remind `actor` of the reminder `key` again in `days` days (one of the profile's
    choices), at 08:00 on a working day; no nudge comes for it meanwhile. Returns the day.
    Pressing it twice plans one reminder."""
    chosen = profile(actor.profile)
    if days not in chosen.reminders.snooze_days:
        choices = ", ".join(str(d) for d in chosen.reminders.snooze_days)
        raise Invalid("paamindelse.udsat_dage", choices=choices)
    row = await session.scalar(
        select(Dispatch).where(
            Dispatch.municipality_id == actor.municipality_id,
            Dispatch.key == key,
            Dispatch.kind == Kind.GOAL_REMINDER,
        )
    )
    if row is None or row.payload.get("person") != actor.person_id:
        raise NotAllowed("paamindelse.udsat_forkert")
    reminder = Reminder.of(row.payload)
    if reminder.stage is Stage.ESCALATE:
        raise NotAllowed("paamindelse.udsat_forkert")
    today = now.astimezone(LOCAL_TIME).date()
    day = working_day_on_or_after(today + timedelta(days=days), chosen.cycle.closed_days)
    again = replace(reminder, stage=Stage.AGAIN)
    key = f"{again.key}:{day.isoformat()}"
    due_at = at_eight(day)
    await plan(
        session,
        [Planned(actor.municipality_id, key, Kind.GOAL_REMINDER, due_at, again.payload())],
        now,
    )
    return day


async def latest_for(session: AsyncSession, actor: Actor) -> str | None:
    """The key of the newest reminder sent to `actor` that can be snoozed (typed `udsæt`)."""
    return await session.scalar(
        select(Dispatch.key)
        .where(
            Dispatch.municipality_id == actor.municipality_id,
            Dispatch.kind == Kind.GOAL_REMINDER,
            Dispatch.state == DispatchState.SENT,
            Dispatch.payload["person"].as_integer() == actor.person_id,
            Dispatch.payload["stage"].as_string() != str(Stage.ESCALATE),
        )
        .order_by(Dispatch.sent_at.desc(), Dispatch.id.desc())
        .limit(1)
    )
