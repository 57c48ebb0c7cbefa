"""Matters for formal decision (sager til politisk beslutning): what a dialogue meeting
found needs a decision at a later committee meeting. Each is on the list of one of the
committee's meetings; up to it the administration describes the consequences (legal,
economic, staff and other), and after it records the decision with its date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from store import committee_meetings
from store.bearings import followed_committees
from store.dates import LOCAL_TIME
from store.enums import MatterState
from store.errors import Invalid, NotAllowed
from store.limits import NOTE_MAX
from store.meetings import require_administration
from store.meetingviews import CommitteeMeetingView, MatterView
from store.models import Committee, CommitteeMeeting, Matter, Meeting
from store.views import Actor


@dataclass(frozen=True)
class Consequences:
    """What the administration writes about a matter before the committee decides it."""

    legal: str | None = None
    economic: str | None = None
    staff: str | None = None
    other: str | None = None


def _query(actor: Actor) -> Select[Matter, str, datetime, date]:
    # The meeting's time and the committee meeting's day are None where the outer joins find none.
    return (
        select(Matter, Committee.name, Meeting.starts_at, CommitteeMeeting.held_on)
        .join(Committee, Committee.id == Matter.committee_id)
        .outerjoin(Meeting, Meeting.id == Matter.meeting_id)
        .outerjoin(CommitteeMeeting, CommitteeMeeting.id == Matter.committee_meeting_id)
        .where(Matter.municipality_id == actor.municipality_id)
    )


async def matters_of(session: AsyncSession, actor: Actor) -> list[MatterView]:
    """The matters of the committees the actor follows: open ones first, by the committee
    meeting they are on (those on none last); then the decided ones, newest decision first."""
    rows = await session.execute(
        _query(actor)
        .where(Matter.committee_id.in_(await followed_committees(session, actor)))
        .order_by(
            case((Matter.state == MatterState.OPEN, 0), else_=1),
            CommitteeMeeting.held_on.is_(None),
            CommitteeMeeting.held_on,
            Matter.decided_on.desc(),
            Matter.id,
        )
    )
    return [_view(*row) for row in rows]


@dataclass(frozen=True)
class MeetingList:
    """The open matters on one committee meeting's list, for the committee's channel."""

    committee_id: int
    committee_name: str
    held_on: date
    matters: tuple[MatterView, ...]


async def meeting_list(
    session: AsyncSession, municipality_id: int, committee_meeting_id: int
) -> MeetingList | None:
    """The open matters on the committee meeting's list; None if it has none (any more)."""
    listed = await session.get(CommitteeMeeting, committee_meeting_id)
    if listed is None or listed.municipality_id != municipality_id:
        return None
    rows = await session.execute(
        select(Matter, Committee.name, Meeting.starts_at, CommitteeMeeting.held_on)
        .join(Committee, Committee.id == Matter.committee_id)
        .join(CommitteeMeeting, CommitteeMeeting.id == Matter.committee_meeting_id)
        .outerjoin(Meeting, Meeting.id == Matter.meeting_id)
        .where(Matter.committee_meeting_id == listed.id, Matter.state == MatterState.OPEN)
        .order_by(Matter.id)
    )
    found = tuple(_view(*row) for row in rows)
    if not found:
        return None
    return MeetingList(listed.committee_id, found[0].committee_name, listed.held_on, found)


async def matter(session: AsyncSession, actor: Actor, matter_id: int) -> MatterView:
    """One matter, for the administration to work on."""
    require_administration(actor)
    row = (await session.execute(_query(actor).where(Matter.id == matter_id))).first()
    if row is None:
        raise NotAllowed("sag.ukendt")
    return _view(*row)


async def later_meetings(
    session: AsyncSession, actor: Actor, matter: MatterView
) -> list[CommitteeMeetingView]:
    """The committee meetings a matter can be put on: its committee's, after the dialogue
    meeting it came from."""
    after = matter.meeting_date.astimezone(LOCAL_TIME).date() if matter.meeting_date else None
    return await committee_meetings.dates(session, actor, matter.committee_id or 0, after)


def _view(matter: Matter, committee: str, held: datetime | None, listed: date | None) -> MatterView:
    return MatterView(
        matter.id, committee, matter.title, MatterState(matter.state), held,
        matter.legal, matter.economic, matter.staff, matter.decided_on, matter.decision,
        matter.other, matter.committee_meeting_id, listed, matter.committee_id,
    )  # fmt: skip


async def complete(
    session: AsyncSession,
    actor: Actor,
    matter_id: int,
    consequences: Consequences,
    committee_meeting_id: int | None,
) -> MatterView:
    """The administration describes the consequences and chooses the committee meeting
    whose list the matter is on: one after the dialogue meeting it came from."""
    row = await _open(session, actor, matter_id)
    row.legal, row.economic, row.staff, row.other = (
        _words(consequences.legal), _words(consequences.economic),
        _words(consequences.staff), _words(consequences.other),
    )  # fmt: skip
    if committee_meeting_id is not None and committee_meeting_id != row.committee_meeting_id:
        row.committee_meeting_id = await _later_meeting(session, row, committee_meeting_id)
    await session.flush()
    return await matter(session, actor, matter_id)


async def _later_meeting(session: AsyncSession, row: Matter, committee_meeting_id: int) -> int:
    listed = await session.get(CommitteeMeeting, committee_meeting_id)
    if listed is None or listed.committee_id != row.committee_id:
        raise Invalid("sag.udvalgsmoede_ukendt")
    held = await session.scalar(select(Meeting.starts_at).where(Meeting.id == row.meeting_id))
    if held is not None and listed.held_on <= held.astimezone(LOCAL_TIME).date():
        raise Invalid("sag.udvalgsmoede_foer_dialogmoedet")
    return listed.id


def _words(value: str | None) -> str | None:
    said = (value or "").strip() or None
    if said and len(said) > NOTE_MAX:
        raise Invalid("moede.for_lang", field="text", limit=NOTE_MAX)
    return said


async def decide(
    session: AsyncSession,
    actor: Actor,
    matter_id: int,
    decision: str | None,
    decided_on: date | None,
    now: datetime,
) -> MatterView:
    """Record the committee's decision on a matter, dated the day it was made: not a day
    still to come, and not before the committee meeting whose list the matter is on."""
    row = await _open(session, actor, matter_id)
    said = (decision or "").strip()
    if not said:
        raise Invalid("sag.beslutning_mangler")
    if len(said) > NOTE_MAX:
        raise Invalid("moede.for_lang", field="decision", limit=NOTE_MAX)
    today = now.astimezone(LOCAL_TIME).date()
    day = decided_on or today
    if day > today:
        raise Invalid("sag.beslutning_i_fremtiden")
    listed = await session.get(CommitteeMeeting, row.committee_meeting_id or 0)
    if listed is not None and day < listed.held_on:
        raise Invalid("sag.beslutning_foer_udvalgsmoedet", date=listed.held_on)
    # On no committee meeting's list (the committee has no dates): not before the
    # dialogue meeting the matter came from either.
    held = await session.scalar(select(Meeting.starts_at).where(Meeting.id == row.meeting_id))
    if listed is None and held is not None and day < held.astimezone(LOCAL_TIME).date():
        raise Invalid("sag.beslutning_foer_dialogmoedet", date=held)
    row.state, row.decision, row.decided_by = MatterState.DECIDED, said, actor.person_id
    row.decided_on = day
    await session.flush()
    return await matter(session, actor, matter_id)


async def _open(session: AsyncSession, actor: Actor, matter_id: int) -> Matter:
    require_administration(actor)
    row = await session.get(Matter, matter_id)
    if row is None or row.municipality_id != actor.municipality_id:
        raise NotAllowed("sag.ukendt")
    if row.state == MatterState.DECIDED:
        raise Invalid("sag.allerede_besluttet")
    return row
