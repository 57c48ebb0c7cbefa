"""Matters for formal decision (sager til politisk beslutning): what a dialogue meeting
found needs a decision at a later committee meeting. The administration describes the
consequences (legal, economic, staff) and records the decision when it is made."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.bearings import followed_committees
from store.digests import LOCAL_TIME
from store.enums import MatterState
from store.errors import Invalid, NotAllowed
from store.limits import NOTE_MAX
from store.meetings import require_administration
from store.meetingviews import MatterView
from store.models import Committee, Matter, Meeting
from store.views import Actor


async def matters_of(session: AsyncSession, actor: Actor) -> list[MatterView]:
    """The matters of the committees the actor follows: open ones first, oldest first;
    then the decided ones, newest decision first."""
    rows = await session.execute(
        select(Matter, Committee.name, Meeting.starts_at)
        .join(Committee, Committee.id == Matter.committee_id)
        .outerjoin(Meeting, Meeting.id == Matter.meeting_id)
        .where(
            Matter.municipality_id == actor.municipality_id,
            Matter.committee_id.in_(await followed_committees(session, actor)),
        )
        .order_by(
            case((Matter.state == MatterState.OPEN, 0), else_=1),
            Matter.decided_on.desc(),
            Matter.id,
        )
    )
    return [_view(matter, committee, held) for matter, committee, held in rows]


def _view(matter: Matter, committee: str, held: datetime | None) -> MatterView:
    return MatterView(
        matter.id, committee, matter.title, MatterState(matter.state), held,
        matter.legal, matter.economic, matter.staff, matter.decided_on, matter.decision,
    )  # fmt: skip


async def decide(
    session: AsyncSession,
    actor: Actor,
    matter_id: int,
    decision: str | None,
    decided_on: date | None,
    now: datetime,
) -> MatterView:
    """Record the committee's decision on a matter."""
    require_administration(actor)
    matter = await session.get(Matter, matter_id)
    if matter is None or matter.municipality_id != actor.municipality_id:
        raise NotAllowed("sag.ukendt")
    if matter.state == MatterState.DECIDED:
        raise Invalid("sag.allerede_besluttet")
    said = (decision or "").strip()
    if not said:
        raise Invalid("sag.beslutning_mangler")
    if len(said) > NOTE_MAX:
        raise Invalid("moede.for_lang", field="decision", limit=NOTE_MAX)
    matter.state, matter.decision, matter.decided_by = MatterState.DECIDED, said, actor.person_id
    matter.decided_on = decided_on or now.astimezone(LOCAL_TIME).date()
    await session.flush()
    committee = await session.get_one(Committee, matter.committee_id)
    held = await session.scalar(select(Meeting.starts_at).where(Meeting.id == matter.meeting_id))
    return _view(matter, committee.name, held)
