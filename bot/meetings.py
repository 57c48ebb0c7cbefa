"""The dialogue meetings' messages, built for the outbox: requests to prepare and the one
reminder (to each leader's personal chat), the meeting pack and the approved summary (a
new post in the committee's channel, further parts in its thread).

`bot.outbox` sends them with everything else the outbox holds; this module only
says what each one is, and that it is still wanted (a cancelled meeting, or a unit that
has prepared since, gets nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kort import meetings as meeting_cards
from kort.catalogue import Texts, texts
from kort.documents.buttons import with_documents
from kort.meeting_pack import pack_cards
from kort.summaries import summary_cards
from store import meeting_pack, meetings
from store.documentviews import DocumentRequest
from store.enums import MeetingState
from store.models import Meeting, Municipality, Summary
from store.outbox import Due, Kind
from store.profiles import profile
from store.summaries import view as summary_view


@dataclass(frozen=True)
class Message:
    """What one outbox item sends: cards to people, or cards to a committee's channel."""

    cards: tuple[dict[str, Any], ...]
    people: tuple[int, ...] = ()
    committee_id: int | None = None


async def meeting_message(
    session: AsyncSession, item: Due, now: datetime | None = None
) -> Message | None:
    held = await session.get_one(Meeting, item.meeting_id)
    if held.state != MeetingState.PLANNED and item.kind is not Kind.SUMMARY:
        return None  # cancelled since it was planned
    if now is not None and held.starts_at <= now and item.kind is not Kind.SUMMARY:
        return None  # the meeting has begun: a request, reminder or pack is of no use now
    municipality = await session.get_one(Municipality, held.municipality_id)
    t = texts(municipality.language)
    if item.kind is Kind.PACK:
        built = await meeting_pack.pack(session, held.id)
        return Message(
            _with_document(pack_cards(built, t), "pakke", held, t), committee_id=held.committee_id
        )
    if item.kind is Kind.SUMMARY:
        summary = await session.scalar(select(Summary).where(Summary.meeting_id == held.id))
        assert summary is not None  # due only once approved
        shown = await summary_view(session, summary)
        return Message(
            _with_document(summary_cards(shown, t), "referat", held, t),
            committee_id=held.committee_id,
        )
    uses_goals = profile(municipality.profile).uses_goals
    return await _request(session, item, held, t, uses_goals)


def _with_document(
    cards: list[dict[str, Any]], kind: str, held: Meeting, t: Texts
) -> tuple[dict[str, Any], ...]:
    """The cards, the last with the *Hent som PDF* button for the pack or the summary."""
    request = DocumentRequest(kind, meeting_id=held.id)
    return (*cards[:-1], with_documents(cards[-1], request, t, excel=kind == "pakke"))


async def _request(
    session: AsyncSession, item: Due, held: Meeting, t: Texts, uses_goals: bool
) -> Message | None:
    shown = await meetings.meeting_view(session, held)
    unit = shown.unit(item.unit_id)
    if unit is None or unit.prepared:
        return None  # prepared since, or no longer in the meeting
    card = meeting_cards.preparation_request_card(
        shown, unit.id, unit.name, t,
        reminder=item.kind is Kind.REMIND, uses_goals=uses_goals,
    )  # fmt: skip
    return Message((card,), people=(item.person_id,) if item.person_id else ())
