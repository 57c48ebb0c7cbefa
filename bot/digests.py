"""Posting a committee's digest: the one code path the scheduler and `pejling digest` share.

1. In one transaction: claim the digest period for the committee (the database guard
   that makes a second run a no-op) and read what the digest holds
   (`dialoger/digest_post.py`).
2. Build the card(s) and post them as a new post in the committee's channel, or in the
   thread of the meeting period's first digest.
3. Mark the claim sent, or failed so a later run may try again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.connector import ConnectorError, Unreachable
from bot.convert import message_body
from bot.proactive import Posted, Proactive
from dialoger import digest_post
from dialoger.digest_post import NotPosted, Outcome, Prepared
from store import committees, conversations, digests
from store.views import DigestWindow

__all__ = ["DigestResult", "Outcome", "post_digest"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestResult:
    outcome: Outcome
    committee: str
    window: DigestWindow
    posted_at: datetime | None = None
    error: str | None = None


async def post_digest(sender: Proactive, committee_id: int, at: datetime) -> DigestResult:
    """Post the digest for the period `at` falls in, unless it is already posted."""
    sessions = sender.sessions
    async with sessions.begin() as session:
        committee = await committees.by_id(session, committee_id)
        window = digests.digest_window(committee.digest_schedule, at)
        prepared = await digest_post.prepare(session, committee, window, at)
        if isinstance(prepared, NotPosted):
            return DigestResult(
                prepared.outcome, prepared.committee, window, posted_at=prepared.posted_at
            )
    try:
        conversation_id, activity_id = await _send(sender, prepared)
    except ConnectorError as error:
        return await _failed(sender, committee_id, prepared, window, error, at)
    async with sessions.begin() as session:
        await digests.mark_sent(session, committee_id, window, conversation_id, activity_id, at)
        await conversations.mark_reachable(
            session, prepared.municipality_id, prepared.target.channel_id
        )
    log.info("digest for %s (%s) posted", prepared.digest.committee_key, window.key)
    return DigestResult(Outcome.SENT, prepared.digest.committee_name, window, posted_at=at)


async def _send(sender: Proactive, prepared: Prepared) -> tuple[str, str | None]:
    """The first card opens a new post in the channel; further parts go in its thread."""
    first, *rest = [message_body(None, c) for c in prepared.cards()]
    target = prepared.target
    thread = Posted(*prepared.thread, target.tenant_id) if prepared.thread else None
    if thread is not None and await _in_thread(sender, target.service_url, thread, first):
        for part in rest:
            await sender.reply_in_thread(target.service_url, thread, part)
        return thread.conversation_id, thread.activity_id
    posted = await sender.new_channel_post(prepared.target, first)
    for part in rest:
        await sender.reply_in_thread(prepared.target.service_url, posted, part)
    return posted.conversation_id, posted.activity_id


async def _in_thread(
    sender: Proactive, service_url: str, thread: Posted, first: dict[str, Any]
) -> bool:
    """Reply in the period's thread; False when Teams has no such thread any more (the post
    was deleted), and the digest opens a new one."""
    try:
        await sender.reply_in_thread(service_url, thread, first)
    except ConnectorError as error:
        if isinstance(error, Unreachable) or error.status not in (400, 404):
            raise
        return False
    return True


async def _failed(
    sender: Proactive,
    committee_id: int,
    prepared: Prepared,
    window: DigestWindow,
    error: ConnectorError,
    at: datetime,
) -> DigestResult:
    unreachable = isinstance(error, Unreachable)
    log.warning("digest for %s not posted: %s", prepared.digest.committee_key, error)
    async with sender.sessions.begin() as session:
        await digests.mark_failed(session, committee_id, window, f"{error.status} {error.body}")
    if unreachable:
        await sender.unreachable(prepared.municipality_id, prepared.target.channel_id, at)
    outcome = Outcome.UNREACHABLE if unreachable else Outcome.FAILED
    return DigestResult(outcome, prepared.digest.committee_name, window, error=str(error))
