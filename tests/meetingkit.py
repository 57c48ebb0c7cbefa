"""Helpers for the dialogue-meeting store tests: plan a meeting of the demo municipality,
see it as someone, prepare for it, and write, send and approve its summary. Each helper
runs in a transaction of its own, as one turn of the bot would."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from store import meetings, summaries
from store.enums import MeetingModel, SummaryState
from store.errors import DomainError
from store.meetingviews import (
    AgreedBearing,
    AgreedMatter,
    FollowUpView,
    MeetingChange,
    MeetingPlan,
    MeetingView,
    PreparationContent,
    PreparationView,
    SummaryContent,
    UnitSummary,
)
from store.models import Committee, Person, Unit
from store.orgfile import OrgFile
from store.summaries import SentForComments, SummaryChange
from store_helpers import NOW, TODAY, Sessions, actor_of, by_key, edited, id_of

# Thursday 10 December 2026, 14:00 Danish time: 18 days after the tests' NOW.
WHEN = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
# Friday 11 December 2026, 10:00 Danish time: the day after, when a summary is approved.
HELD = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
NOTE = PreparationContent(
    goal_follow_up="Legepatruljen virker på mellemtrinnet.",
    challenges="For få voksne i gården i indskolingen.",
)


async def refusal(call: Awaitable[Any]) -> DomainError:
    """The domain error an awaitable raises."""
    with pytest.raises(DomainError) as refused:
        await call
    return refused.value


async def unit_ids(session: AsyncSession, org: OrgFile, *keys: str) -> tuple[int, ...]:
    return tuple([await id_of(session, Unit, key, org) for key in keys])


async def person_ids(sessions: Sessions, org: OrgFile, *keys: str) -> tuple[int, ...]:
    """The ids of the people `keys`, in the order the store lists people it tells."""
    async with sessions() as session:
        return tuple(sorted([await id_of(session, Person, key, org) for key in keys]))


def with_leader(org: OrgFile, person: str, unit: str) -> OrgFile:
    """`org` where `person` leads the unit `unit` as well (no unit of the demo has two
    leaders)."""

    def lead(raw: dict[str, Any]) -> None:
        by_key(raw["people"], person)["roles"].append({"role": "unit_leader", "scope": unit})

    return edited(org, lead)


async def a_plan(
    session: AsyncSession,
    org: OrgFile,
    *units: str,
    committee: str = "buu",
    model: MeetingModel = MeetingModel.ACROSS,
    starts_at: datetime = WHEN,
    **changes: Any,
) -> MeetingPlan:
    """A plan for a meeting of `committee` with the units `units` (keys)."""
    return MeetingPlan(
        committee_id=await id_of(session, Committee, committee, org),
        starts_at=starts_at,
        model=model,
        unit_ids=await unit_ids(session, org, *units),
        **changes,
    )


async def plan_meeting(
    sessions: Sessions,
    org: OrgFile,
    *units: str,
    person: str = "camilla",
    now: datetime = NOW,
    **plan: Any,
) -> MeetingChange:
    """`person` (the administration) plans a meeting with the units `units` (keys); by
    default Bøgeskov Skole and Mælkebøtten of Børne- og Uddannelsesudvalget, model 2."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        wanted = await a_plan(
            session, org, *(units or ("boegeskov-skole", "maelkeboetten")), **plan
        )
        return await meetings.plan(session, actor, wanted, now)


async def meeting_as(sessions: Sessions, org: OrgFile, person: str, meeting_id: int) -> MeetingView:
    async with sessions() as session:
        return await meetings.meeting(session, await actor_of(session, org, person), meeting_id)


async def prepare(
    sessions: Sessions,
    org: OrgFile,
    person: str,
    meeting_id: int,
    unit: str,
    content: PreparationContent = NOTE,
    now: datetime = NOW,
) -> PreparationView:
    """`person` writes the preparation note of the unit `unit` for the meeting."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        (unit_id,) = await unit_ids(session, org, unit)
        return await meetings.save_preparation(session, actor, meeting_id, unit_id, content, now)


def content_for(meeting: MeetingView, **changes: Any) -> SummaryContent:
    """A summary of `meeting`: a few words on every unit and a general part; `changes`
    add bearings, matters, follow-ups or replace the rest."""
    fields: dict[str, Any] = {
        "units": tuple(UnitSummary(u.id, f"{u.name} fortalte om året.") for u in meeting.units),
        "general": "Et godt møde med åben dialog.",
    }
    return SummaryContent(**(fields | changes))


def bearing(title: str, **fields: Any) -> AgreedBearing:
    return AgreedBearing(title, **fields)


def matter(title: str = "Flere pædagoger i udskolingen", **fields: Any) -> AgreedMatter:
    return AgreedMatter(title, **fields)


def follow_up(text: str = "Forvaltningen undersøger vikarforbruget", **fields: Any) -> FollowUpView:
    return FollowUpView(text, **fields)


async def write_summary(
    sessions: Sessions,
    org: OrgFile,
    meeting_id: int,
    content: SummaryContent,
    person: str = "camilla",
    now: datetime = NOW,
) -> SummaryChange:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await summaries.save_draft(session, actor, meeting_id, content, now)


async def send_for_comments(
    sessions: Sessions, org: OrgFile, change: SummaryChange, today: date = TODAY
) -> SentForComments:
    """The administration sends the summary as `change` shows it to the participants."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "camilla")
        shown = change.summary
        return await summaries.send_for_comments(session, actor, shown.id, shown.revision, today)


async def approve_summary(
    sessions: Sessions, org: OrgFile, change: SummaryChange, now: datetime = HELD
) -> SummaryChange:
    """The administration approves the summary as `change` shows it, by default the day
    after the meeting; a draft is sent to the participants first, as approval asks."""
    if change.summary.state is SummaryState.DRAFT:
        change = await send_for_comments(sessions, org, change)
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "camilla")
        shown = change.summary
        return await summaries.approve(session, actor, shown.id, shown.revision, now)


async def held_and_approved(
    sessions: Sessions,
    org: OrgFile,
    write: Callable[[MeetingView], SummaryContent] = content_for,
) -> SummaryChange:
    """A meeting planned (see `plan_meeting`), and its summary, `write(meeting)`, written
    and approved."""
    planned = await plan_meeting(sessions, org)
    written = await write_summary(sessions, org, planned.meeting.id, write(planned.meeting))
    return await approve_summary(sessions, org, written)
