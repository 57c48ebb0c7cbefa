"""Sending the outbox: one tick plans what is due and sends what is ready, once.

Each tick (the scheduler's, `pejling udsend`, or a moment of the time-travel run):
1. plan everything due by now as rows (each kind's planner, declared once in
   `dialoger/outbox_kinds.py`; idempotent, so every instance may plan);
2. take ready rows in batches with a lease (`outbox.take`: on PostgreSQL `FOR UPDATE
   SKIP LOCKED`, so two instances never hold the same row);
3. for each, ask the store again whether it is still wanted — a leader who reported in
   the meantime is not reminded — build its cards (the kind's builder), send them the way
   its kind is sent, and mark it sent, failed (tried again after a backoff) or skipped.

A crash between sending and marking leaves the row claimed; when the lease ends another
tick sends it again. That is the one duplicate the design allows, in a window of
milliseconds. The sends within a batch run a few at a time; the connector's rate limiter
keeps them under Teams' limits.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.connector import ConnectorError, Unreachable
from bot.convert import message_body
from bot.digests import Outcome as DigestOutcome
from bot.digests import post_digest
from bot.proactive import Proactive
from dialoger import outbox_kinds
from dialoger.outbox_kinds import Message, Via
from store import committees, conversations, outbox
from store.db import Session
from store.outbox import Due, Taken
from store.outbox_planning import Source

log = logging.getLogger(__name__)
# Who holds a claim: one name per running process, for the logs and the database.
OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
BATCH = 50  # rows taken at once; a crash loses at most their lease, ten minutes
WORKERS = 8  # sends at once; the rate limiter decides how fast they actually go


class Outcome(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # no longer wanted, or too late to be of use


@dataclass(frozen=True)
class Result:
    municipality_id: int
    key: str
    kind: str
    outcome: Outcome
    detail: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sent(self) -> bool:
        return self.outcome is Outcome.SENT


async def tick(
    sender: Proactive,
    now: datetime,
    owner: str = OWNER,
    sources: Collection[Source] = tuple(Source),
) -> list[Result]:
    """Plan what is due by `now` (from `sources`: all, unless a test looks at one kind
    of message), then send everything ready."""
    async with sender.sessions.begin() as session:
        await outbox_kinds.plan_due(session, now, sources)
    return await send_ready(sender, now, owner)


async def send_ready(sender: Proactive, now: datetime, owner: str = OWNER) -> list[Result]:
    """Take and send ready rows until none are left for `now`."""
    results: list[Result] = []
    slots = asyncio.Semaphore(WORKERS)

    async def one(row: Taken) -> Result:
        async with slots:
            return await send_taken(sender, row, now)

    while True:
        async with sender.sessions.begin() as session:
            taken = await outbox.take(session, now, owner, BATCH)
        if not taken:
            return results
        results += await asyncio.gather(*(one(row) for row in taken))


async def send_taken(sender: Proactive, row: Taken, now: datetime) -> Result:
    """Send one row this sender holds, and mark how it went."""
    try:
        outcome, detail = await _send_row(sender, row, now)
    except ConnectorError as error:
        outcome, detail = Outcome.FAILED, f"{error.status} {error.body}"
    except Exception as error:  # one broken row must not stop the others in the batch
        log.exception("outbox %s could not be built or sent", row.key)
        outcome, detail = Outcome.FAILED, f"{type(error).__name__}: {error}"
    if outcome is Outcome.FAILED and row.given_up(now, outbox_kinds.stale_after(row.kind)):
        outcome, detail = Outcome.SKIPPED, f"too late: {detail}"
    async with sender.sessions.begin() as session:
        await _mark(session, row, outcome, detail, now)
    log.info("outbox %s: %s %s", row.key, outcome, detail)
    return Result(row.municipality_id, row.key, row.kind, outcome, detail, row.payload)


async def _mark(session: Session, row: Taken, outcome: Outcome, detail: str, now: datetime) -> None:
    if outcome is Outcome.SENT:
        await outbox.mark_sent(session, row.municipality_id, row.key, now)
    elif outcome is Outcome.FAILED:
        await outbox.mark_failed(session, row.municipality_id, row.key, detail, now)
    else:
        await outbox.mark_skipped(session, row.municipality_id, row.key, detail)


async def send_now(
    sender: Proactive, municipality_id: int, keys: Sequence[str], now: datetime, owner: str = OWNER
) -> list[Result]:
    """Send these planned rows at once (a turn's notices, once the turn is saved); what
    fails waits for the tick like every other row."""
    async with sender.sessions.begin() as session:
        taken = await outbox.take_keys(session, municipality_id, keys, now, owner)
    return [await send_taken(sender, row, now) for row in taken]


async def _send_row(sender: Proactive, row: Taken, now: datetime) -> tuple[Outcome, str]:
    return await _SENDERS[outbox_kinds.declared(row.kind).via](sender, row, now)


async def _cards(sender: Proactive, row: Taken, now: datetime) -> tuple[Outcome, str]:
    async with sender.sessions() as session:
        message = await outbox_kinds.build(session, row, now)
    if message is None:
        return Outcome.SKIPPED, "no longer wanted"
    if await send_message(sender, row.municipality_id, message, now):
        return Outcome.SENT, ""
    return Outcome.FAILED, "no channel linked, or no chat with the person"


async def _digest(sender: Proactive, row: Taken, now: datetime) -> tuple[Outcome, str]:
    # The digest of the period that began at its scheduled time, even if sent late.
    result = await post_digest(sender, row.payload["committee"], row.due_at or now)
    if result.outcome in (DigestOutcome.SENT, DigestOutcome.ALREADY):
        return Outcome.SENT, result.outcome.value
    if result.outcome is DigestOutcome.FAILED:
        return Outcome.FAILED, result.error or ""
    if result.outcome is DigestOutcome.BUSY:
        return Outcome.FAILED, "being posted by another run; tried again to see it done"
    return Outcome.SKIPPED, result.outcome.value  # no channel, or removed from the team


async def _notice(sender: Proactive, row: Taken, now: datetime) -> tuple[Outcome, str]:
    body = message_body(row.payload.get("text"), row.payload.get("card"))
    if await sender.to_person(row.municipality_id, row.payload["person"], body, now):
        return Outcome.SENT, ""
    # Never opened Pejling, or removed it: the turn's receipt told the sender so already.
    return Outcome.SKIPPED, "no chat with the person"


# How each way of sending (`outbox_kinds.Via`) reaches Teams.
_SENDERS: dict[Via, Callable[[Proactive, Taken, datetime], Awaitable[tuple[Outcome, str]]]] = {
    Via.CARDS: _cards,
    Via.DIGEST: _digest,
    Via.NOTICE: _notice,
}


async def deliver(sender: Proactive, item: Due, now: datetime, again: bool = False) -> bool:
    """Send one meeting message at once (a button), through the outbox so the tick does
    not send it too. `again`: sent before, and asked for once more (the pack)."""
    planned = item.planned(now)
    async with sender.sessions.begin() as session:
        await outbox.plan(session, [planned], now)
        if not await outbox.claim(session, item.municipality_id, item.key, now):
            if not again:
                return False
            planned = outbox.Planned(
                item.municipality_id, f"{item.key}:{now.isoformat()}", item.kind, now,
                planned.payload,
            )  # fmt: skip
            await outbox.plan(session, [planned], now)
            await outbox.claim(session, item.municipality_id, planned.key, now)
    row = Taken(0, item.municipality_id, planned.key, str(item.kind), planned.payload, now, 1, now)
    return (await send_taken(sender, row, now)).outcome is Outcome.SENT


async def send_message(
    sender: Proactive, municipality_id: int, message: Message, now: datetime
) -> bool:
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
        committee = await committees.by_id(session, committee_id)
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
