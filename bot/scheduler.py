"""APScheduler wiring: one cron job per committee with a digest schedule, and a tick
that sends the dialogue meetings' outbox (`bot.moeder`).

The job is a thin shell around `bot.digest.post_digest`, the same function `pejling
digest` calls. APScheduler coalesces missed runs, but the guarantee of one digest per
committee and period is the database claim inside `post_digest`, which also holds
across restarts and several running instances.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import moeder
from bot.app import RUNTIME, Runtime
from bot.digest import post_digest
from store import committees, digests, goals

log = logging.getLogger(__name__)
# A run missed while Pejling was down is made up for if it is at most this late.
MISFIRE_GRACE = 6 * 3600
# How often the meetings' outbox is looked at; what is due waits at most this long.
MEETING_TICK_MINUTES = 2


async def scheduler_context(app: web.Application) -> AsyncIterator[None]:
    runtime = app[RUNTIME]
    scheduler = AsyncIOScheduler(
        timezone=digests.LOCAL_TIME,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    async with runtime.sessions() as session:
        planned = await committees.scheduled(session)
    for committee in planned:
        scheduler.add_job(
            scheduled_digest,
            digests.schedule_trigger(committee.digest_schedule),
            args=(runtime, committee.id),
            id=f"digest:{committee.id}",
            name=f"digest {committee.key}",
        )
    scheduler.add_job(
        close_ended_goals,
        CronTrigger(hour=2, minute=30, timezone=digests.LOCAL_TIME),
        args=(runtime,),
        id="close-ended-goals",
        name="close goals whose period has ended",
    )
    scheduler.add_job(
        send_meeting_messages,
        IntervalTrigger(minutes=MEETING_TICK_MINUTES),
        args=(runtime,),
        id="meeting-messages",
        name="dialogue meetings' requests, reminders, packs and summaries",
    )
    scheduler.start()
    log.info("scheduler started with %d digest job(s)", len(planned))
    yield
    scheduler.shutdown(wait=False)


async def scheduled_digest(runtime: Runtime, committee_id: int) -> None:
    """One scheduled digest. Errors are logged here: a failing job must not stop the others."""
    try:
        # Shielded, so shutting down mid-post does not leave a post without its mark.
        result = await asyncio.shield(
            post_digest(runtime.proactive, committee_id, datetime.now(UTC))
        )
        log.info("scheduled digest %s: %s", result.committee, result.outcome)
    except Exception:
        log.exception("scheduled digest for committee %s failed", committee_id)


async def send_meeting_messages(runtime: Runtime) -> None:
    """Every few minutes: whatever of the meetings' outbox is due goes out, once."""
    try:
        sent = await asyncio.shield(moeder.send_due(runtime.proactive, datetime.now(UTC)))
        if sent:
            log.info("meeting messages: %d due, %d sent", len(sent), sum(ok for _, ok in sent))
    except Exception:
        log.exception("sending meeting messages failed")


async def close_ended_goals(runtime: Runtime) -> None:
    """Nightly: goals whose period has ended are closed and leave reporting and digests."""
    now = datetime.now(UTC)
    try:
        async with runtime.sessions.begin() as session:
            closed = await goals.close_ended(
                session, now.astimezone(digests.LOCAL_TIME).date(), now
            )
        if closed:
            log.info("closed %d goal(s) whose period has ended", closed)
    except Exception:
        log.exception("closing ended goals failed")
