"""Posting a committee's digest: the one code path the scheduler and `pejling digest` share.

1. In one transaction: claim the digest period for the committee (the database guard
   that makes a second run a no-op) and read what the digest holds.
2. Build the card(s) and post them as a new post in the committee's channel.
3. Mark the claim sent, or failed so a later run may try again.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.connector import ConnectorError, Unreachable
from bot.convert import message_body
from bot.proactive import Posted, Proactive
from kort.catalogue import texts
from kort.digests import digest_cards
from kort.documents.buttons import with_documents
from store import committees, conversations, digestrules, digests, documents, municipalities
from store.dates import LOCAL_TIME
from store.db import Session
from store.documentviews import DocumentRequest
from store.models import Committee
from store.status import current_period
from store.views import ChannelTarget, DigestView, DigestWindow

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    SENT = "sent"
    ALREADY = "already"  # posted before in this digest period
    # Another run holds the period and has not posted yet: it may still fail, so whoever
    # owes the digest (the outbox) tries again later instead of counting it as sent.
    BUSY = "busy"
    NO_CHANNEL = "no_channel"
    UNREACHABLE = "unreachable"  # Teams said 403: the bot is not in that team any more
    FAILED = "failed"


@dataclass(frozen=True)
class DigestResult:
    outcome: Outcome
    committee: str
    window: DigestWindow
    posted_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class _Prepared:
    municipality_id: int
    digest: DigestView
    target: ChannelTarget
    language: str
    # The committee report behind the digest's *Hent som PDF* buttons (bot/document_buttons.py).
    document: DocumentRequest | None = None
    # The thread of this meeting period's first digest, which later digests reply in.
    thread: Posted | None = None


async def post_digest(sender: Proactive, committee_id: int, at: datetime) -> DigestResult:
    """Post the digest for the period `at` falls in, unless it is already posted."""
    sessions = sender.sessions
    async with sessions.begin() as session:
        committee = await committees.by_id(session, committee_id)
        window = digests.digest_window(committee.digest_schedule, at)
        prepared = await _prepare(session, committee, window, at)
        if isinstance(prepared, DigestResult):
            return prepared
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


async def _prepare(
    session: Session, committee: Committee, window: DigestWindow, at: datetime
) -> _Prepared | DigestResult:
    target = await committees.channel_target(session, committee)
    if target is None:
        return DigestResult(Outcome.NO_CHANNEL, committee.name, window)
    if not await digests.claim(session, committee, window, at):
        previous = await digests.previous_post(session, committee.id, window)
        if previous is None or previous.state != "sent":
            return DigestResult(Outcome.BUSY, committee.name, window)
        return DigestResult(Outcome.ALREADY, committee.name, window, posted_at=previous.posted_at)
    digest = await digests.build_digest(session, committee, window, at)
    language = await municipalities.language(session, committee.municipality_id)
    document = await documents.report_request(session, committee, at)
    thread = await _thread(session, committee, target, at)
    return _Prepared(committee.municipality_id, digest, target, language, document, thread)


async def _thread(
    session: Session, committee: Committee, target: ChannelTarget, at: datetime
) -> Posted | None:
    """The committee's digests between two meetings share one thread: the first opens it,
    the rest reply in it, so the channel has one post per meeting period to follow."""
    period = await current_period(
        session, committee.municipality_id, at.astimezone(LOCAL_TIME).date()
    )
    since = await digestrules.meeting_period_start(session, committee.id, period, at)
    found = await digests.period_thread(session, committee.id, since) if since else None
    return Posted(found[0], found[1], target.tenant_id) if found else None


async def _send(sender: Proactive, prepared: _Prepared) -> tuple[str, str | None]:
    """The first card opens a new post in the channel; further parts go in its thread."""
    t = texts(prepared.language)
    cards = digest_cards(prepared.digest, t)
    if prepared.document is not None:  # the buttons go last, after the whole digest
        cards[-1] = with_documents(cards[-1], prepared.document, t)
    first, *rest = [message_body(None, c) for c in cards]
    if prepared.thread is not None and await _in_thread(sender, prepared, first):
        for part in rest:
            await sender.reply_in_thread(prepared.target.service_url, prepared.thread, part)
        return prepared.thread.conversation_id, prepared.thread.activity_id
    posted = await sender.new_channel_post(prepared.target, first)
    for part in rest:
        await sender.reply_in_thread(prepared.target.service_url, posted, part)
    return posted.conversation_id, posted.activity_id


async def _in_thread(sender: Proactive, prepared: _Prepared, first: dict[str, Any]) -> bool:
    """Reply in the period's thread; False when Teams has no such thread any more (the post
    was deleted), and the digest opens a new one."""
    assert prepared.thread is not None
    try:
        await sender.reply_in_thread(prepared.target.service_url, prepared.thread, first)
    except ConnectorError as error:
        if isinstance(error, Unreachable) or error.status not in (400, 404):
            raise
        return False
    return True


async def _failed(
    sender: Proactive,
    committee_id: int,
    prepared: _Prepared,
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
