"""Every kind of message the outbox sends, declared once: what plans it, what it says and
where it goes, how it is sent, and how long a failing one is tried.

To add a kind: a member of `store.outbox.Kind`, a planner in `store/outbox_planning.py`
(the rule for when it is due, as `Planned` rows), a builder here (its cards from the
store, or None when it is no longer wanted), and one `OutboxKind` line in `KINDS`.
`bot/outbox.py` sends whatever `KINDS` declares; see docs/EXTENDING.md.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kort import meetings as meeting_cards
from kort.bearings import meeting_list_card
from kort.catalogue import Texts, texts
from kort.documents.buttons import with_documents
from kort.knowledge import knowledge_pack_card
from kort.meeting_pack import pack_cards
from kort.reminders import reminder_card, unreached_card
from kort.summaries import summary_cards
from store import (
    conversations,
    knowledge,
    matters,
    meeting_pack,
    meetings,
    municipalities,
    outbox,
    outbox_planning,
    reminders,
    summaries,
)
from store.documentviews import DocumentRequest
from store.enums import MeetingState
from store.models import Meeting
from store.outbox import Due, Kind, Planned, Taken
from store.outbox_planning import Source
from store.profiles import profile

# A message still failing this long after it was due and first tried is dropped.
STALE = timedelta(days=2)


@dataclass(frozen=True)
class Message:
    """What one outbox item sends: cards to people, or cards to a committee's channel."""

    cards: tuple[dict[str, Any], ...]
    people: tuple[int, ...] = ()
    committee_id: int | None = None


class Via(enum.StrEnum):
    """How the edge sends a kind: built cards (to people or a channel), a committee's
    digest (with its own claim and thread, `bot/digests.py`), or a turn's notice (text and
    card saved with the turn)."""

    CARDS = "cards"
    DIGEST = "digest"
    NOTICE = "notice"


Planner = Callable[[AsyncSession, datetime], Awaitable[list[Planned]]]
Builder = Callable[[AsyncSession, Taken, datetime, Texts], Awaitable[Message | None]]


@dataclass(frozen=True)
class OutboxKind:
    kind: Kind
    # Worked out each tick (tests may plan one source alone); None: planned by a turn.
    source: Source | None
    plan: Planner | None
    via: Via = Via.CARDS
    # The cards and their target, asked again just before sending; None: no longer wanted.
    build: Builder | None = None
    stale_after: timedelta = STALE


# --- builders ------------------------------------------------------------------------------


async def _goal_reminder(
    session: AsyncSession, row: Taken, now: datetime, t: Texts
) -> Message | None:
    owing = await reminders.still_owing(session, row.municipality_id, row.key, row.payload, now)
    if owing is None:
        return None
    return Message((reminder_card(owing, t),), people=(owing.reminder.person_id,))


async def _matter_list(
    session: AsyncSession, row: Taken, now: datetime, t: Texts
) -> Message | None:
    found = await matters.meeting_list(
        session, row.municipality_id, row.payload["committee_meeting"]
    )
    if found is None:
        return None  # decided or moved since it was planned
    card = meeting_list_card(found.committee_name, found.held_on, found.matters, t)
    return Message((card,), committee_id=found.committee_id)


async def _unreached(session: AsyncSession, row: Taken, now: datetime, t: Texts) -> Message | None:
    lost = await conversations.unreached(session, row.municipality_id)
    if not lost:
        return None
    return Message((unreached_card(lost, t),), people=(row.payload["person"],))


async def _knowledge(session: AsyncSession, row: Taken, now: datetime, t: Texts) -> Message | None:
    pack = await knowledge.to_post(session, row.municipality_id, row.payload)
    if pack is None:
        return None  # emptied since it was asked for
    return Message((knowledge_pack_card(pack, t),), committee_id=pack.committee_id)


async def _meeting(session: AsyncSession, row: Taken, now: datetime, t: Texts) -> Message | None:
    """A dialogue meeting's request to prepare, reminder, pack or approved summary."""
    item = Due.of(row.municipality_id, row.kind, row.payload, row.due_at)
    return await meeting_message(session, item, now)


async def _meetings_due(session: AsyncSession, now: datetime) -> list[Planned]:
    return [item.planned(now) for item in await outbox.due(session, now)]


async def meeting_message(
    session: AsyncSession, item: Due, now: datetime | None = None
) -> Message | None:
    """The message a meeting item holds now; None when the meeting was cancelled or has
    begun (a summary excepted), or the unit has prepared since."""
    held = await meetings.by_id(session, item.meeting_id)
    if held.state != MeetingState.PLANNED and item.kind is not Kind.SUMMARY:
        return None  # cancelled since it was planned
    if now is not None and held.starts_at <= now and item.kind is not Kind.SUMMARY:
        return None  # the meeting has begun: a request, reminder or pack is of no use now
    municipality = await municipalities.by_id(session, held.municipality_id)
    t = texts(municipality.language)
    channel = item.committee_id or held.committee_id  # a joint meeting's other committee
    if item.kind is Kind.PACK:
        built = await meeting_pack.pack(session, held.id)
        return Message(_with_document(pack_cards(built, t), "pakke", held, t), committee_id=channel)
    if item.kind is Kind.SUMMARY:
        summary = await summaries.of_meeting(session, held.id)
        assert summary is not None  # due only once approved
        shown = await summaries.view(session, summary)
        return Message(
            _with_document(summary_cards(shown, t), "referat", held, t), committee_id=channel
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


# --- the registry --------------------------------------------------------------------------


def _meeting_kind(kind: Kind) -> OutboxKind:
    return OutboxKind(kind, Source.MEETINGS, _meetings_due, build=_meeting)


KINDS: dict[Kind, OutboxKind] = {
    entry.kind: entry
    for entry in (
        _meeting_kind(Kind.PREPARE),
        _meeting_kind(Kind.REMIND),
        _meeting_kind(Kind.PACK),
        _meeting_kind(Kind.SUMMARY),
        OutboxKind(Kind.GOAL_REMINDER, Source.REMINDERS, reminders.due, build=_goal_reminder),
        OutboxKind(Kind.DIGEST, Source.DIGESTS, outbox_planning.digests_due, Via.DIGEST),
        OutboxKind(
            Kind.UNREACHED, Source.UNREACHED, outbox_planning.unreached_due, build=_unreached
        ),
        OutboxKind(Kind.NOTICE, None, None, Via.NOTICE),
        # Planned by the administration's turn (`viden`, *Send til kanalen*).
        OutboxKind(Kind.KNOWLEDGE, None, None, build=_knowledge),
        OutboxKind(
            Kind.MATTER_LIST, Source.MATTERS, outbox_planning.matter_lists_due, build=_matter_list
        ),
    )
}


def declared(kind: str) -> OutboxKind:
    """The declaration of an outbox row's kind."""
    return KINDS[Kind(kind)]


def stale_after(kind: str) -> timedelta:
    """How long a failing row of `kind` is tried; a kind this version does not know (a
    row a newer one planned) is given the usual time, so it cannot stop the batch."""
    try:
        return KINDS[Kind(kind)].stale_after
    except (ValueError, KeyError):
        return STALE


async def plan_due(
    session: AsyncSession, now: datetime, sources: Collection[Source] = tuple(Source)
) -> int:
    """Plan everything due by `now` (from `sources`); how many rows are new. Each source's
    planner runs once, however many kinds it plans."""
    planners: dict[Source, Planner] = {}
    for entry in KINDS.values():
        if entry.source is not None and entry.source in sources and entry.plan is not None:
            planners.setdefault(entry.source, entry.plan)
    found: list[Planned] = []
    for source in Source:  # in the order the sources are declared, as before
        if source in planners:
            found += await planners[source](session, now)
    return await outbox.plan(session, found, now)


async def build(session: AsyncSession, row: Taken, now: datetime) -> Message | None:
    """The row's cards and where they go; None when it is no longer wanted."""
    entry = declared(row.kind)
    assert entry.build is not None, f"{row.kind} is sent {entry.via}, not built"
    t = texts(await municipalities.language(session, row.municipality_id))
    return await entry.build(session, row, now, t)
