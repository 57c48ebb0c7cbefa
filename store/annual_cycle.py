"""The year (årshjul): what is due when, for a person or a committee.

Built from the municipality's profile (`cycle`: when goals are drafted, the status days,
the midway evaluation, the final report after the period), its period, the dialogue
meetings planned and each committee's digest schedule. Dates are Danish dates; a
meeting or a digest is a moment, shown in Danish time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store.dates import LOCAL_TIME
from store.digests import schedule_trigger
from store.enums import MeetingState, Role
from store.meetings import meetings_of
from store.models import Committee, Meeting, Municipality, Period
from store.outbox import due_at
from store.periods import budget_start, history, on_day
from store.profiles import CycleSettings, municipal, profile
from store.views import Actor, CycleItem, ItemKind

MONTHS = 12  # how far ahead the year is shown


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # exclusive

    def holds(self, day: date) -> bool:
        return self.start <= day < self.end


def window_from(start: date, months: int = MONTHS) -> Window:
    years, month = divmod(start.month - 1 + months, 12)
    return Window(start, start.replace(year=start.year + years, month=month + 1, day=1))


def goal_items(cycle: CycleSettings, period: Period, window: Window) -> list[CycleItem]:
    """Drafting, status days, the midway evaluation and the final report that fall in the
    window, for goals of `period`. The autumn's drafting is for the period the next budget
    year falls in: the next period's goals (Jammerbugt), or this period's adjustment."""
    found: list[CycleItem] = []
    for year in range(window.start.year, window.end.year + 1):
        drafting, drafted = on_day(year, cycle.drafting_from), on_day(year, cycle.drafting_to)
        under_way = drafting < window.start <= drafted  # shown from today until it closes
        for_period = period.starts_on <= budget_start(year) <= period.ends_on
        if (window.holds(drafting) or under_way) and for_period:
            shown = window.start if under_way else drafting
            found.append(CycleItem(shown, ItemKind.DRAFTING, until=drafted))
        for day in (on_day(year, d) for d in cycle.status):
            if window.holds(day) and period.starts_on <= day <= period.ends_on:
                found.append(CycleItem(day, ItemKind.STATUS))
        midway = on_day(year, cycle.midway) if cycle.midway else None
        if midway and window.holds(midway) and period.starts_on <= midway <= period.ends_on:
            found.append(CycleItem(midway, ItemKind.MIDWAY))
    final = on_day(period.ends_on.year + 1, cycle.final_report)
    if window.holds(final):
        found.append(CycleItem(final, ItemKind.FINAL_REPORT))
    return sorted(found, key=_order)


def digest_items(committee: Committee, window: Window) -> list[CycleItem]:
    """Each time the committee's digest is due in the window (its cron schedule)."""
    if not committee.digest_schedule:
        return []
    trigger = schedule_trigger(committee.digest_schedule)
    moment = datetime.combine(window.start, time(), LOCAL_TIME) - timedelta(microseconds=1)
    found = []
    while (moment := trigger.get_next_fire_time(None, moment)) is not None:
        if not window.holds(moment.date()):
            break
        found.append(CycleItem(moment.date(), ItemKind.DIGEST, at=moment, about=committee.name))
        moment += timedelta(seconds=1)
    return found


async def for_person(
    session: AsyncSession, actor: Actor, start: date, months: int = MONTHS
) -> list[CycleItem]:
    """What is due for `actor`, in date order: their goals' year if they lead units or
    approve goals, their dialogue meetings (and the preparation before each, for a
    leader), and the digests of the committees they sit on or serve."""
    window = window_from(start, months)
    chosen = municipal(actor.profile, actor.midway)
    found: list[CycleItem] = []
    if chosen.uses_goals and (actor.led_unit_ids or actor.approves_goals):
        found += [
            item
            for period in await history(session, actor.municipality_id)
            for item in goal_items(chosen.cycle, period, window)
            if actor.led_unit_ids or item.kind in (ItemKind.MIDWAY, ItemKind.FINAL_REPORT)
        ]
    found += await _meeting_items(session, actor, window)
    for committee in await _committees(session, actor):
        found += digest_items(committee, window)
    return sorted(found, key=_order)


async def for_committee(
    session: AsyncSession, committee: Committee, start: date, months: int = MONTHS
) -> list[CycleItem]:
    """A committee's year: its digests, its dialogue meetings, and the status days and
    final report of its units' goals."""
    window = window_from(start, months)
    municipality = await session.get_one(Municipality, committee.municipality_id)
    chosen = profile(municipality.profile)
    found = digest_items(committee, window)
    if chosen.uses_goals:
        found += [
            item
            for period in await history(session, committee.municipality_id)
            for item in goal_items(chosen.cycle, period, window)
            if item.kind in (ItemKind.STATUS, ItemKind.FINAL_REPORT)
        ]
    held = await session.scalars(
        select(Meeting).where(
            Meeting.committee_id == committee.id, Meeting.state == MeetingState.PLANNED
        )
    )
    for meeting in held:
        local = meeting.starts_at.astimezone(LOCAL_TIME)
        if window.holds(local.date()):
            found.append(CycleItem(local.date(), ItemKind.MEETING, at=local, about=committee.name))
    return sorted(found, key=_order)


async def _meeting_items(session: AsyncSession, actor: Actor, window: Window) -> list[CycleItem]:
    start = datetime.combine(window.start, time(), LOCAL_TIME)
    chosen = profile(actor.profile)
    days, closed = chosen.meetings.preparation_days, chosen.cycle.closed_days
    found = []
    for meeting in await meetings_of(session, actor, start):
        local = meeting.starts_at.astimezone(LOCAL_TIME)
        if meeting.state is not MeetingState.PLANNED or not window.holds(local.date()):
            continue
        found.append(
            CycleItem(local.date(), ItemKind.MEETING, at=local, about=meeting.committee_name)
        )
        mine = [u.name for u in meeting.units if u.id in actor.led_unit_ids]
        asked = due_at(meeting.starts_at, days, closed).date()
        if mine and chosen.meetings.preparation_requests and window.holds(asked):
            found.append(
                CycleItem(asked, ItemKind.PREPARATION, until=local.date(), about=", ".join(mine))
            )
    return found


async def _committees(session: AsyncSession, actor: Actor) -> list[Committee]:
    """The committees whose digests concern the actor: all for the administration, their
    own for a politician."""
    query = select(Committee).where(Committee.municipality_id == actor.municipality_id)
    if not actor.is_administration:
        own = {r.committee_id for r in actor.roles if r.role is Role.POLITICIAN}
        query = query.where(Committee.id.in_(own))
    return list(await session.scalars(query.order_by(Committee.name)))


def _order(item: CycleItem) -> tuple[date, str, str]:
    return item.on, item.at.isoformat() if item.at else "", item.kind.value
