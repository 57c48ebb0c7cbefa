"""Joint dialogue meetings (fælles udvalgsmøder ml. enkelte udvalg): a meeting of one
committee that other committees take part in. Their politicians are invited and see it,
it is in each committee's list of meetings and digest, and its summary goes to them for
comments like to the meeting's own committee."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import MeetingState, Role
from store.errors import Invalid, NotAllowed
from store.meetings import meeting_view, own, require_administration
from store.meetingviews import MeetingView
from store.models import Committee, MeetingCommittee, RoleAssignment
from store.views import Actor


@dataclass(frozen=True)
class JointChange:
    """The meeting as it is now, and the politicians to tell: invited (their committee
    was added) and uninvited (taken off)."""

    meeting: MeetingView
    invited: tuple[int, ...] = ()
    uninvited: tuple[int, ...] = ()


async def others(session: AsyncSession, actor: Actor, meeting_id: int) -> list[tuple[int, str]]:
    """The committees that can take part in the meeting: all but its own, by name."""
    require_administration(actor)
    held = await own(session, actor, meeting_id)
    rows = await session.execute(
        select(Committee.id, Committee.name)
        .where(
            Committee.municipality_id == actor.municipality_id, Committee.id != held.committee_id
        )
        .order_by(Committee.name)
    )
    return [(cid, name) for cid, name in rows]


async def set_joint(
    session: AsyncSession, actor: Actor, meeting_id: int, committee_ids: Collection[int]
) -> JointChange:
    """The administration chooses the committees taking part besides the meeting's own
    (none: the meeting is the committee's alone again). A cancelled meeting stays as it was."""
    require_administration(actor)
    held = await own(session, actor, meeting_id)
    if held.state != MeetingState.PLANNED:
        raise Invalid("moede.aflyst")
    offered = {cid for cid, _ in await others(session, actor, meeting_id)}
    wanted = set(committee_ids)
    if wanted - offered:
        raise NotAllowed("moede.udvalg_ukendt")
    before = set(
        await session.scalars(
            select(MeetingCommittee.committee_id).where(MeetingCommittee.meeting_id == held.id)
        )
    )
    if before - wanted:
        await session.execute(
            delete(MeetingCommittee).where(
                MeetingCommittee.meeting_id == held.id,
                MeetingCommittee.committee_id.in_(before - wanted),
            )
        )
    session.add_all(MeetingCommittee(meeting_id=held.id, committee_id=c) for c in wanted - before)
    await session.flush()
    was = await _politicians(session, {held.committee_id, *before})
    now = await _politicians(session, {held.committee_id, *wanted})
    shown = await meeting_view(session, held)
    return JointChange(shown, tuple(sorted(now - was)), tuple(sorted(was - now)))


async def _politicians(session: AsyncSession, committee_ids: Collection[int]) -> set[int]:
    if not committee_ids:
        return set()
    return set(
        await session.scalars(
            select(RoleAssignment.person_id).where(
                RoleAssignment.role == Role.POLITICIAN,
                RoleAssignment.committee_id.in_(committee_ids),
            )
        )
    )
