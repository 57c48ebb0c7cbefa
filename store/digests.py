"""Committee digests: what one contains, which digest period it belongs to, and the
database guard that posts it once per committee and period, even across restarts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import groupby

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store import claims
from store.dates import LOCAL_TIME
from store.digestgoals import bearing_colors, committee_goals
from store.digestrules import current_from, red_twice, since_meeting, status_days
from store.enums import GoalState, MatterState, SummaryState
from store.meetings import of_committee
from store.meetingviews import SummaryContent
from store.models import (
    Committee,
    Department,
    DigestPost,
    Goal,
    Matter,
    Meeting,
    Municipality,
    Period,
    Summary,
    Unit,
)
from store.profiles import profile
from store.status import current_period, period_view
from store.text import danish_order
from store.views import (
    DigestGoal,
    DigestSummary,
    DigestUnit,
    DigestView,
    DigestWindow,
    GoalView,
    StatusView,
)

# A digest without goals shows the summaries of this many of the latest dialogue meetings.
SUMMARIES_SHOWN = 3
# A committee with no schedule of its own gets digests on demand only, one per ISO week.
WEEKLY = "0 0 * * mon"


def schedule_trigger(schedule: str | None) -> CronTrigger:
    return CronTrigger.from_crontab(schedule or WEEKLY, timezone=LOCAL_TIME)


# The last window found for each schedule. The windows of a schedule follow one another
# without a gap, so a moment inside the last one has that window; the cron arithmetic is
# done again only when the clock has passed it (the scheduler asks every committee on
# every tick, and that arithmetic cost more than the rest of the digests' planning).
_last_window: dict[str | None, DigestWindow] = {}


def digest_window(schedule: str | None, at: datetime) -> DigestWindow:
    """The digest period `at` falls in: from the last scheduled time up to the next.

    A scheduled run and a `pejling digest` in the same period share the window, so the
    guard below lets only one of them post.
    """
    moment = at.astimezone(UTC)
    known = _last_window.get(schedule)
    if known is not None and known.start <= moment < known.end:
        return known
    _last_window[schedule] = found = _window(schedule, at)
    return found


def _window(schedule: str | None, at: datetime) -> DigestWindow:
    trigger = schedule_trigger(schedule)
    start = _previous_fire(trigger, at)
    end = _next_fire(trigger, start)
    # The key names the period in Danish time; the bounds are UTC, which compare safely
    # even in the hour the autumn change repeats.
    local = start.astimezone(LOCAL_TIME)
    return DigestWindow(
        key=local.strftime("%Y-%m-%dT%H:%M"), start=start.astimezone(UTC), end=end.astimezone(UTC)
    )


def _next_fire(trigger: CronTrigger, after: datetime) -> datetime:
    """The first scheduled time after `after`, counted from UTC: a local time in the hour the
    autumn change repeats loses its fold in arithmetic and turns an hour earlier, and
    APScheduler does such arithmetic when it is handed a previous fire time."""
    start = after.astimezone(UTC) + timedelta(microseconds=1)
    fire: datetime = trigger.get_next_fire_time(None, start)
    return fire


def _previous_fire(trigger: CronTrigger, at: datetime) -> datetime:
    moment = at.astimezone(UTC)  # compared in UTC, as local times in that hour compare wrongly
    step = timedelta(days=1)
    while step < timedelta(days=800):
        fire: datetime | None = trigger.get_next_fire_time(None, moment - step)
        if fire is not None and fire <= moment:
            while (later := _next_fire(trigger, fire)) and later <= moment:
                fire = later
            return fire
        step *= 2
    raise ValueError("the schedule has no time in the last two years")


async def build_digest(
    session: AsyncSession, committee: Committee, window: DigestWindow, now: datetime
) -> DigestView:
    """Per unit: each goal's latest status, what changed since the last digest, and goals
    with no status in the current period; the committee's bearings with the colours of
    the goals that follow them, and the matters waiting for a formal decision. A fixed
    number of queries, whatever the size."""
    municipality = await session.get_one(Municipality, committee.municipality_id)
    period = await current_period(
        session, committee.municipality_id, now.astimezone(LOCAL_TIME).date()
    )
    since = await _last_posted(session, committee.id) or window.start
    # A municipality without goals shows none, even if some were ever stored for it.
    uses_goals = profile(municipality.profile).uses_goals
    with_goals = period if uses_goals else None
    goals = await committee_goals(session, committee, with_goals, since) if with_goals else []
    cycle = profile(municipality.profile).cycle.status
    days = status_days(cycle, period, now.astimezone(LOCAL_TIME).date()) if period else []
    current = current_from(days, period) if period else now
    flagged = await red_twice(session, [goal.id for goal, _ in goals], days)

    def entry(goal: GoalView, previous: StatusView | None) -> DigestGoal:
        status = goal.latest
        return DigestGoal(
            goal=goal,
            previous=previous,
            changed=status is not None and status.reported_at >= since,
            stale=status is None or status.reported_at < current,
            red_twice=goal.id in flagged,
        )

    awaiting = await _awaiting_committee(session, committee, with_goals) if with_goals else {}
    goal_views = [goal for goal, _ in goals]
    bearings = await bearing_colors(session, committee, period, goal_views) if period else ()
    units = {
        unit_id: DigestUnit(unit_name, tuple(entry(*pair) for pair in group))
        for (unit_id, unit_name), group in groupby(goals, key=_unit_of)
    }
    for (unit_id, unit_name), titles in awaiting.items():
        shown = units.get(unit_id) or DigestUnit(unit_name, ())
        units[unit_id] = replace(shown, awaiting=tuple(titles))
    return DigestView(
        committee_key=committee.key,
        committee_name=committee.name,
        municipality_name=municipality.name,
        period=period_view(period),
        window=window,
        since=since,
        units=tuple(sorted(units.values(), key=lambda unit: danish_order(unit.name))),
        bearings=bearings,
        open_matters=await _open_matters(session, committee),
        uses_goals=uses_goals,
        status_scale=profile(municipality.profile).colors.status,
        summaries=()
        if uses_goals or period is None
        else await _summaries(session, committee, period),
        status_day=days[-1] if days and uses_goals else None,
        since_meeting=await since_meeting(session, committee, goal_views, now)
        if uses_goals
        else None,
    )


def _unit_of(pair: tuple[GoalView, StatusView | None]) -> tuple[int, str]:
    return pair[0].unit_id, pair[0].unit_name


async def _summaries(
    session: AsyncSession, committee: Committee, period: Period
) -> tuple[DigestSummary, ...]:
    """The approved summaries of the committee's dialogue meetings in the period, newest
    first, at most SUMMARIES_SHOWN: two statements, whatever the number of units."""
    rows = (
        await session.execute(
            select(Meeting.starts_at, Summary.content)
            .join(Summary, Summary.meeting_id == Meeting.id)
            .where(
                of_committee(committee.id),  # its own meetings and those it joined
                Meeting.period_id == period.id,
                Summary.state == SummaryState.APPROVED,
            )
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(SUMMARIES_SHOWN)
        )
    ).all()
    contents = [(starts_at, SummaryContent.from_json(content)) for starts_at, content in rows]
    wanted = {unit.unit_id for _, content in contents for unit in content.units}
    names = await _unit_names(session, wanted)
    return tuple(
        DigestSummary(
            meeting_at=starts_at,
            general=content.general,
            units=tuple(
                sorted(
                    ((names.get(unit.unit_id, ""), unit.text) for unit in content.units),
                    key=lambda pair: danish_order(pair[0]),
                )
            ),
        )
        for starts_at, content in contents
    )


async def _unit_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))
    return {unit_id: name for unit_id, name in rows}


async def _open_matters(session: AsyncSession, committee: Committee) -> tuple[str, ...]:
    titles = await session.scalars(
        select(Matter.title)
        .where(Matter.committee_id == committee.id, Matter.state == MatterState.OPEN)
        .order_by(Matter.id)
    )
    return tuple(titles)


async def _awaiting_committee(
    session: AsyncSession, committee: Committee, period: Period
) -> dict[tuple[int, str], list[str]]:
    """New goals the department heads have approved that now wait for this committee."""
    rows = await session.execute(
        select(Unit.id, Unit.name, Goal.title)
        .join(Goal, Goal.unit_id == Unit.id)
        .join(Department, Department.id == Unit.department_id)
        .where(
            Department.committee_id == committee.id,
            Goal.period_id == period.id,
            Goal.state == GoalState.DEPARTMENT_APPROVED,
            # A changed version of an approved goal is marked on the goal itself.
            Goal.reportable_version.is_(None),
        )
        .order_by(Unit.id, Goal.id)
    )
    found: dict[tuple[int, str], list[str]] = {}
    for unit_id, unit_name, title in rows:
        found.setdefault((unit_id, unit_name), []).append(title)
    return found


async def _last_posted(session: AsyncSession, committee_id: int) -> datetime | None:
    return await session.scalar(
        select(DigestPost.posted_at)
        .where(DigestPost.committee_id == committee_id, DigestPost.state == "sent")
        .order_by(DigestPost.posted_at.desc())
        .limit(1)
    )


async def period_thread(
    session: AsyncSession, committee_id: int, since: datetime
) -> tuple[str, str | None] | None:
    """The first digest posted since `since` (the start of the committee's meeting period):
    the thread later digests of the period reply in. None: the next digest opens one."""
    row = (
        await session.execute(
            select(DigestPost.conversation_id, DigestPost.activity_id)
            .where(
                DigestPost.committee_id == committee_id,
                DigestPost.state == "sent",
                DigestPost.posted_at >= since,
                DigestPost.conversation_id.is_not(None),
            )
            .order_by(DigestPost.posted_at, DigestPost.id)
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row and row[0] is not None else None  # never None: see where


async def claim(
    session: AsyncSession, committee: Committee, window: DigestWindow, now: datetime
) -> bool:
    """Take the right to post this committee's digest for `window`. False: it is posted,
    or another run is posting it right now. A failed or abandoned claim can be taken again."""
    row = DigestPost(
        municipality_id=committee.municipality_id,
        committee_id=committee.id,
        period_key=window.key,
        window_start=window.start,
        window_end=window.end,
        claimed_at=now,
    )
    same = (DigestPost.committee_id == committee.id) & (DigestPost.period_key == window.key)
    return await claims.claim(session, row, same, now)


async def previous_post(
    session: AsyncSession, committee_id: int, window: DigestWindow
) -> DigestPost | None:
    return await session.scalar(
        select(DigestPost).where(
            DigestPost.committee_id == committee_id, DigestPost.period_key == window.key
        )
    )


async def mark_sent(
    session: AsyncSession,
    committee_id: int,
    window: DigestWindow,
    conversation_id: str,
    activity_id: str | None,
    now: datetime,
) -> None:
    await _set_outcome(
        session,
        committee_id,
        window,
        state="sent",
        posted_at=now,
        conversation_id=conversation_id,
        activity_id=activity_id,
    )


async def mark_failed(
    session: AsyncSession, committee_id: int, window: DigestWindow, error: str
) -> None:
    await _set_outcome(session, committee_id, window, state="failed", error=error[:2000])


async def _set_outcome(
    session: AsyncSession, committee_id: int, window: DigestWindow, **values: object
) -> None:
    await session.execute(
        update(DigestPost)
        .where(DigestPost.committee_id == committee_id, DigestPost.period_key == window.key)
        .values(**values)
    )
