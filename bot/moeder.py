"""Sending the dialogue meetings' outbox: requests to prepare and the one reminder (to
each leader's personal chat), the meeting pack and the approved summary (a new post in
the committee's channel, further parts in its thread).

One code path for the scheduler's tick, `pejling møder` and the buttons that send at
once: claim the item in the database, build its cards, send, mark sent or failed. A
second instance finds the claim taken; a failed item is tried again after a wait that
doubles with each failure (`outbox.backoff`), and a 403 from a channel marks it unreachable.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.connector import ConnectorError, Unreachable
from bot.convert import message_body
from bot.proactive import Proactive
from kort import moede as meeting_cards
from kort.moedepakke import pack_cards
from kort.referat import summary_cards
from kort.tekster import Texts, texts
from store import committees, conversations, meetings, outbox, pack
from store.models import Committee, Meeting, Municipality, Summary
from store.outbox import Due, Kind
from store.profiles import profile
from store.summaries import view as summary_view

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Message:
    """What one outbox item sends: cards to people, or cards to a committee's channel."""

    cards: tuple[dict[str, Any], ...]
    people: tuple[int, ...] = ()
    committee_id: int | None = None


async def send_due(sender: Proactive, now: datetime) -> list[tuple[Due, bool]]:
    """Send everything due now; each item with whether it went out."""
    async with sender.sessions() as session:
        found = await outbox.due(session, now)
    return [(item, await deliver(sender, item, now)) for item in found]


async def deliver(sender: Proactive, item: Due, now: datetime, again: bool = False) -> bool:
    """Send one item once. `again`: sent before, and asked for once more (a button)."""
    key = item.key
    async with sender.sessions.begin() as session:
        if not await outbox.claim(session, item.municipality_id, key, now):
            if not again:
                return False
            key = f"{item.key}:{now.isoformat()}"
            await outbox.claim(session, item.municipality_id, key, now)
        message = await _message(session, item)
    try:
        delivered = await _send(sender, item.municipality_id, message, now)
    except ConnectorError as error:
        delivered, problem = False, f"{error.status} {error.body}"
    else:
        problem = "no channel linked, or no leader has a chat with Pejling"
    async with sender.sessions.begin() as session:
        if delivered:
            await outbox.mark_sent(session, item.municipality_id, key, now)
        else:
            await outbox.mark_failed(session, item.municipality_id, key, problem)
    log.info("meeting message %s: %s", key, "sent" if delivered else f"failed ({problem})")
    return delivered


async def _message(session: AsyncSession, item: Due) -> _Message:
    held = await session.get_one(Meeting, item.meeting_id)
    municipality = await session.get_one(Municipality, held.municipality_id)
    t = texts(municipality.language)
    if item.kind is Kind.PACK:
        built = await pack.pack(session, held.id)
        return _Message(tuple(pack_cards(built, t)), committee_id=held.committee_id)
    if item.kind is Kind.SUMMARY:
        summary = await session.scalar(select(Summary).where(Summary.meeting_id == held.id))
        assert summary is not None  # due only once approved
        shown = await summary_view(session, summary)
        return _Message(tuple(summary_cards(shown, t)), committee_id=held.committee_id)
    uses_goals = profile(municipality.profile).uses_goals
    return await _request(session, item, held, t, uses_goals)


async def _request(
    session: AsyncSession, item: Due, held: Meeting, t: Texts, uses_goals: bool
) -> _Message:
    shown = await meetings.meeting_view(session, held)
    unit = shown.unit(item.unit_id)
    card = meeting_cards.preparation_request_card(
        shown, item.unit_id or 0, unit.name if unit else "", t,
        reminder=item.kind is Kind.REMIND, uses_goals=uses_goals,
    )  # fmt: skip
    return _Message((card,), people=(item.person_id,) if item.person_id else ())


async def _send(sender: Proactive, municipality_id: int, message: _Message, now: datetime) -> bool:
    if message.committee_id is not None:
        return await _to_channel(sender, message.committee_id, message.cards, now)
    reached = [
        await sender.to_person(municipality_id, person, message_body(None, card), now)
        for person in message.people
        for card in message.cards
    ]
    return any(reached)


async def _to_channel(
    sender: Proactive, committee_id: int, cards: Sequence[dict[str, Any]], now: datetime
) -> bool:
    async with sender.sessions() as session:
        committee = await session.get_one(Committee, committee_id)
        target = await committees.channel_target(session, committee)
    if target is None:
        return False
    first, *rest = [message_body(None, card) for card in cards]
    try:
        posted = await sender.new_channel_post(target, first)
    except Unreachable:
        # Removed from the team: say so where the digest does, and wait for a relink.
        await sender.unreachable(committee.municipality_id, target.channel_id, now)
        raise
    for part in rest:
        await sender.reply_in_thread(target.service_url, posted, part)
    async with sender.sessions.begin() as session:  # back in the team, if it was not
        await conversations.mark_reachable(session, committee.municipality_id, target.channel_id)
    return True
