"""A committee's own meetings (udvalgsmøder): the dates on which it decides the matters
that the dialogue meetings send on. Dates come from the organisation file, or the
administration enters them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store.errors import Invalid, NotAllowed
from store.meetings import require_administration
from store.meetingviews import CommitteeMeetingView
from store.models import Committee, CommitteeMeeting
from store.views import Actor


def _view(row: CommitteeMeeting) -> CommitteeMeetingView:
    return CommitteeMeetingView(row.id, row.committee_id, row.held_on)


async def dates(
    session: AsyncSession, actor: Actor, committee_id: int, after: date | None = None
) -> list[CommitteeMeetingView]:
    """The committee's meetings, earliest first; only those after `after` when given."""
    await _committee(session, actor, committee_id)
    query = select(CommitteeMeeting).where(CommitteeMeeting.committee_id == committee_id)
    if after is not None:
        query = query.where(CommitteeMeeting.held_on > after)
    rows = await session.scalars(query.order_by(CommitteeMeeting.held_on))
    return [_view(row) for row in rows]


async def add(
    session: AsyncSession, actor: Actor, committee_id: int, held_on: date, today: date
) -> CommitteeMeetingView:
    """The administration enters a meeting date; a date already there is that meeting."""
    require_administration(actor)
    await _committee(session, actor, committee_id)
    if held_on < today:
        raise Invalid("udvalgsmoede.fortid")
    row = CommitteeMeeting(
        municipality_id=actor.municipality_id, committee_id=committee_id, held_on=held_on
    )
    try:
        # A savepoint, so the audited ORM insert can lose to the unique (committee, date).
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        row = (
            await session.scalars(
                select(CommitteeMeeting).where(
                    CommitteeMeeting.committee_id == committee_id,
                    CommitteeMeeting.held_on == held_on,
                )
            )
        ).one()
    return _view(row)


async def next_after(session: AsyncSession, committee_id: int, day: date) -> int | None:
    """The committee's first meeting after `day`: where a new matter goes by default."""
    return await session.scalar(
        select(CommitteeMeeting.id)
        .where(CommitteeMeeting.committee_id == committee_id, CommitteeMeeting.held_on > day)
        .order_by(CommitteeMeeting.held_on)
        .limit(1)
    )


async def _committee(session: AsyncSession, actor: Actor, committee_id: int) -> Committee:
    found = await session.get(Committee, committee_id)
    if found is None or found.municipality_id != actor.municipality_id:
        raise NotAllowed("moede.udvalg_ukendt")
    return found
