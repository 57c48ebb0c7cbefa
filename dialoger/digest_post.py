"""What a committee's digest post holds: read from the store in the transaction that
claims the digest period (the database guard that makes a second run a no-op), and its
cards, built from that after the transaction. `bot/digests.py` posts it in the channel.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kort.catalogue import texts
from kort.digests import digest_cards
from kort.documents.buttons import with_documents
from store import committees, digestrules, digests, documents, municipalities
from store.dates import LOCAL_TIME
from store.documentviews import DocumentRequest
from store.models import Committee
from store.status import current_period
from store.views import ChannelTarget, DigestView, DigestWindow


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
class NotPosted:
    """Why nothing is to be posted: no channel, posted before, or another run holds it."""

    outcome: Outcome
    committee: str
    posted_at: datetime | None = None


@dataclass(frozen=True)
class Prepared:
    municipality_id: int
    digest: DigestView
    target: ChannelTarget
    language: str
    # The committee report behind the digest's *Hent som PDF* buttons (bot/document_buttons.py).
    document: DocumentRequest | None = None
    # The thread (conversation id, activity id) of this meeting period's first digest,
    # which later digests reply in.
    thread: tuple[str, str | None] | None = None

    def cards(self) -> list[dict[str, Any]]:
        """The digest's cards; the buttons go last, after the whole digest."""
        t = texts(self.language)
        cards = digest_cards(self.digest, t)
        if self.document is not None:
            cards[-1] = with_documents(cards[-1], self.document, t)
        return cards


async def prepare(
    session: AsyncSession, committee: Committee, window: DigestWindow, at: datetime
) -> Prepared | NotPosted:
    """Claim the committee's digest period and read what its digest holds."""
    target = await committees.channel_target(session, committee)
    if target is None:
        return NotPosted(Outcome.NO_CHANNEL, committee.name)
    if not await digests.claim(session, committee, window, at):
        previous = await digests.previous_post(session, committee.id, window)
        if previous is None or previous.state != "sent":
            return NotPosted(Outcome.BUSY, committee.name)
        return NotPosted(Outcome.ALREADY, committee.name, posted_at=previous.posted_at)
    digest = await digests.build_digest(session, committee, window, at)
    language = await municipalities.language(session, committee.municipality_id)
    document = await documents.report_request(session, committee, at)
    thread = await _thread(session, committee, at)
    return Prepared(committee.municipality_id, digest, target, language, document, thread)


async def _thread(
    session: AsyncSession, committee: Committee, at: datetime
) -> tuple[str, str | None] | None:
    """The committee's digests between two meetings share one thread: the first opens it,
    the rest reply in it, so the channel has one post per meeting period to follow."""
    period = await current_period(
        session, committee.municipality_id, at.astimezone(LOCAL_TIME).date()
    )
    since = await digestrules.meeting_period_start(session, committee.id, period, at)
    found = await digests.period_thread(session, committee.id, since) if since else None
    return (found[0], found[1]) if found else None
