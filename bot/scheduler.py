"""APScheduler wiring: the outbox's tick every two minutes (`bot.outbox`), which
plans and sends the year's reminders, the dialogue meetings' messages and each
committee's scheduled digest, and the nightly closing of goals whose period has ended.

The scheduler holds no state worth keeping: what is due is worked out from the database
on every tick, and each message is a row taken by one sender with a lease. A restart, a
tick missed while Pejling was down, or a second instance changes nothing: the next tick
catches up on what is still within its grace, and every row goes out once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import outbox as outbox_edge
from bot.app import RUNTIME, Runtime
from store import goals, outbox, seen
from store.dates import LOCAL_TIME

log = logging.getLogger(__name__)
# A run missed while Pejling was down is made up for if it is at most this late.
MISFIRE_GRACE = 6 * 3600
# How often the outbox is looked at; what is due waits at most this long.
OUTBOX_TICK_MINUTES = 2
OUTBOX_KEPT = timedelta(days=400)  # sent rows are kept a year, for questions afterwards


async def scheduler_context(app: web.Application) -> AsyncIterator[None]:
    runtime = app[RUNTIME]
    scheduler = AsyncIOScheduler(
        timezone=LOCAL_TIME,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    scheduler.add_job(
        close_ended_goals,
        CronTrigger(hour=2, minute=30, timezone=LOCAL_TIME),
        args=(runtime,),
        id="close-ended-goals",
        name="close goals whose period has ended",
    )
    scheduler.add_job(
        send_outbox,
        IntervalTrigger(minutes=OUTBOX_TICK_MINUTES),
        args=(runtime,),
        id="outbox",
        name="reminders, meeting messages and digests that are due",
        next_run_time=datetime.now(UTC),  # catch up at once after a restart
    )
    scheduler.start()
    log.info("scheduler started; the outbox is looked at every %d minutes", OUTBOX_TICK_MINUTES)
    yield
    scheduler.shutdown(wait=False)


async def send_outbox(runtime: Runtime) -> None:
    """Every few minutes: plan what is due and send it, once."""
    try:
        # Shielded, so shutting down mid-send does not leave a sent message unmarked.
        done = await asyncio.shield(outbox_edge.tick(runtime.proactive, datetime.now(UTC)))
        if done:
            sent = sum(r.sent for r in done)
            log.info("outbox: %d handled, %d sent", len(done), sent)
    except Exception:
        log.exception("sending the outbox failed")


async def close_ended_goals(runtime: Runtime) -> None:
    """Nightly: goals whose period has ended are closed and leave reporting and digests;
    the outbox forgets what it finished more than a year ago, and the activities handled
    more than a day ago are forgotten."""
    now = datetime.now(UTC)
    try:
        async with runtime.sessions.begin() as session:
            closed = await goals.close_ended(session, now.astimezone(LOCAL_TIME).date(), now)
            await outbox.prune(session, now - OUTBOX_KEPT)
            await seen.prune(session, now)  # re-deliveries come within minutes
        if closed:
            log.info("closed %d goal(s) whose period has ended", closed)
    except Exception:
        log.exception("closing ended goals failed")
