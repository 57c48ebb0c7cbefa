"""A storm: two Pejling instances on one PostgreSQL database while Teams throttles, fails
(502, 504), drops calls unanswered and goes away for a while. A meeting is planned (its
invitations and requests to prepare go through the outbox), `pejling digest` runs beside
both instances' ticks, and a leader reports her status meanwhile. Afterwards every
message has arrived exactly once, no turn apologised and nothing was logged as an ERROR.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import outbox as outbox_edge
from bot.digests import Outcome, post_digest
from fakebf import DROP, FakeBotFramework
from harness import (
    CHANNEL,
    RunningPejling,
    at,
    card_text,
    committee,
    install,
    report_status,
    rows,
    status_updates,
    two_on_postgresql,
)
from kort.catalogue import texts
from store.enums import DispatchState
from store.models import DigestPost, Dispatch
from store.orgfile import OrgFile
from store.outbox_planning import Source
from test_e2e_meetings import STARTS, plan_meeting

LATE = STARTS - timedelta(days=11)  # the requests to prepare are due at once
ROUND = timedelta(minutes=30)  # how far the clock moves between the ticks that follow
APOLOGY = texts()("fejl.teknisk")


@pytest.fixture
async def two(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[tuple[RunningPejling, RunningPejling]]:
    async with two_on_postgresql(fake_bf, tmp_path, demo_org) as both:
        for pejling in both:
            at(pejling, LATE)
        await install(both[0], "lise", "sara")
        await both[0].say("camilla", "tilknyt buu", CHANNEL)
        yield both


def storm(fake: FakeBotFramework, pejling: RunningPejling) -> None:
    """Throttling, failures and unanswered calls on every proactive path, and Teams away
    for two seconds for new posts."""
    for leader in ("lise", "sara"):
        chat = f"/v3/conversations/{pejling.personal(leader).conversation_id}/*"
        faults = [429, 429, 429, 429, 502, 504, 502, 504, DROP, 429, DROP]
        fake.fail_next("POST", chat, statuses=faults, retry_after=0)
    fake.fail_next("POST", "/v3/conversations", statuses=[429] * 4 + [DROP], retry_after=0)
    fake.go_away(2, "/v3/conversations")


async def digest_until_posted(pejling: RunningPejling, when: datetime) -> None:
    """An operator runs `pejling digest` again until it says the digest is out."""
    buu = await committee(pejling, "buu")
    for _ in range(20):
        result = await post_digest(pejling.runtime.proactive, buu.id, when)
        if result.outcome in (Outcome.SENT, Outcome.ALREADY):
            return
        await asyncio.sleep(0.5)
    raise AssertionError("the digest was never posted")


async def ticks_until_done(first: RunningPejling, second: RunningPejling) -> None:
    """Both instances tick, the clock moving on, until the outbox holds nothing open."""
    now = LATE
    for _ in range(24):
        await asyncio.gather(
            outbox_edge.tick(first.runtime.proactive, now, "a", [Source.MEETINGS]),
            outbox_edge.tick(second.runtime.proactive, now, "b", [Source.MEETINGS]),
        )
        states = {d.state for d in await rows(first, select(Dispatch))}
        if states <= {DispatchState.SENT, DispatchState.SKIPPED}:
            return
        now += ROUND
    raise AssertionError(f"the outbox is still open: {states}")


def cards_titled(pejling: RunningPejling, key: str, title: str) -> list[str]:
    chat = pejling.fake.messages_in(pejling.personal(key).conversation_id)
    return [card_text(c) for m in chat for c in m.cards if card_text(c).startswith(title)]


async def test_every_message_arrives_exactly_once_through_a_storm_on_two_instances(
    two: tuple[RunningPejling, RunningPejling],
    fake_bf: FakeBotFramework,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = two
    before = len(await status_updates(first, "boegeskov-skole-trivsel"))
    storm(fake_bf, first)

    await asyncio.gather(
        plan_meeting(first),
        report_status(second, "mette", "gul", "Halvvejs."),
        digest_until_posted(second, LATE),
        ticks_until_done(first, second),
    )
    await ticks_until_done(first, second)

    seen = {r.status for r in fake_bf.requests}
    assert {429, 502, 504, 503, DROP} <= seen  # the storm did reach Pejling
    assert [d.state for d in await rows(first, select(Dispatch))] == [DispatchState.SENT] * 5
    assert len(cards_titled(first, "lise", "Invitation til dialogmøde")) == 1
    assert len(cards_titled(first, "sara", "Invitation til dialogmøde")) == 1
    assert len(cards_titled(first, "lise", "Forbered dialogmødet")) == 1
    assert len(cards_titled(first, "sara", "Forbered dialogmødet")) == 2  # her two units
    [digest] = await rows(first, select(DigestPost))
    assert digest.state == "sent"
    posts = [r for r in fake_bf.requests_to("POST") if r.path == "/v3/conversations"]
    assert [r.status for r in posts].count(201) == 1  # one new post: the digest
    assert len(await status_updates(first, "boegeskov-skole-trivsel")) == before + 1
    said = [r.body.get("text") for r in fake_bf.requests_to("POST") if isinstance(r.body, dict)]
    assert APOLOGY not in said
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
