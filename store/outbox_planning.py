"""When the outbox's messages fall due, worked out each tick from the store: each
committee's scheduled digest, the administration's weekly list of people Pejling cannot
reach, and each committee meeting's list of matters (the dialogue meetings' messages are
worked out in `store.outbox`, the year's reminders in `store.reminders`).

Each planner returns `Planned` rows; `dialoger/outbox_kinds.py` declares which planner
plans which kind. Planning is idempotent (a key planned before is left alone), so every
instance can plan on every tick; only one of them sends each row (`outbox.take`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store import committees, conversations
from store.dates import LOCAL_TIME, SEND_AT
from store.digests import digest_window
from store.enums import MatterState, Role
from store.models import CommitteeMeeting, Matter, Municipality, RoleAssignment
from store.outbox import Kind, Planned
from store.profiles import profile
from store.working_days import working_day_on_or_after, working_day_on_or_before

# A digest whose time passed while Pejling was down is posted if it is at most this late.
DIGEST_GRACE = timedelta(hours=6)
# A committee meeting's matters go to its channel this many days before it.
MATTER_LIST_DAYS = 7
# The administration's list goes out on Mondays (or the next working day), if it is not empty.
UNREACHED_GRACE = timedelta(days=2)


class Source(enum.StrEnum):
    """What plans a group of kinds, each tick (a test may plan one alone)."""

    MEETINGS = "meetings"
    REMINDERS = "reminders"
    DIGESTS = "digests"
    UNREACHED = "unreached"
    MATTERS = "matters"


async def digests_due(session: AsyncSession, now: datetime) -> list[Planned]:
    """Each scheduled committee's digest for the period that began at its last scheduled
    time, if that time was at most `DIGEST_GRACE` ago."""
    found = []
    for committee in await committees.scheduled(session):
        window = digest_window(committee.digest_schedule, now)
        if now - window.start <= DIGEST_GRACE:
            key = f"digest:{committee.id}:{window.key}"
            payload = {"committee": committee.id}
            found.append(
                Planned(committee.municipality_id, key, Kind.DIGEST, window.start, payload)
            )
    return found


def monday_send_time(today: date, closed: tuple[str, ...]) -> datetime:
    monday = today - timedelta(days=today.weekday())
    day = working_day_on_or_after(monday, closed)
    return datetime.combine(day, SEND_AT, tzinfo=LOCAL_TIME)


async def unreached_due(session: AsyncSession, now: datetime) -> list[Planned]:
    """To each person in the administration, once a week: who Pejling cannot reach."""
    today = now.astimezone(LOCAL_TIME).date()
    found = []
    for municipality in await session.scalars(select(Municipality)):
        at = monday_send_time(today, profile(municipality.profile).cycle.closed_days)
        if not at <= now < at + UNREACHED_GRACE:
            continue  # most ticks: nothing is read
        if not await conversations.unreached(session, municipality.id):
            continue
        week = "{}-W{:02d}".format(*at.isocalendar()[:2])
        for person in await _administration(session, municipality.id):
            payload = {"person": person}
            key = f"unreached:{week}:{person}"
            found.append(Planned(municipality.id, key, Kind.UNREACHED, at, payload))
    return found


async def matter_lists_due(session: AsyncSession, now: datetime) -> list[Planned]:
    """Each committee meeting's list of open matters, to the committee's channel at 08:00
    `MATTER_LIST_DAYS` before it (the working day before, when that is closed), so the
    politicians can read the consequences in good time; until the meeting day."""
    today = now.astimezone(LOCAL_TIME).date()
    rows = await session.execute(
        select(CommitteeMeeting, Municipality.profile)
        .join(Municipality, Municipality.id == CommitteeMeeting.municipality_id)
        .where(
            CommitteeMeeting.held_on > today,
            # A closed stretch (Christmas, a long weekend) moves the time earlier, not later.
            CommitteeMeeting.held_on <= today + timedelta(days=MATTER_LIST_DAYS + 14),
            select(Matter.id)
            .where(
                Matter.committee_meeting_id == CommitteeMeeting.id,
                Matter.state == MatterState.OPEN,
            )
            .exists(),
        )
    )
    found = []
    for listed, profile_key in rows:
        closed = profile(profile_key).cycle.closed_days
        day = working_day_on_or_before(listed.held_on - timedelta(days=MATTER_LIST_DAYS), closed)
        at = datetime.combine(day, SEND_AT, tzinfo=LOCAL_TIME)
        if at <= now:
            payload = {"committee_meeting": listed.id}
            key = f"committee_meeting:{listed.id}:matters"
            found.append(Planned(listed.municipality_id, key, Kind.MATTER_LIST, at, payload))
    return found


async def _administration(session: AsyncSession, municipality_id: int) -> list[int]:
    rows = await session.scalars(
        select(RoleAssignment.person_id)
        .where(
            RoleAssignment.municipality_id == municipality_id,
            RoleAssignment.role == Role.ADMINISTRATION,
        )
        .distinct()
    )
    return sorted(rows)
