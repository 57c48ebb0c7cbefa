"""Nothing lost when Teams throttles: a message that fails is tried again until it is
delivered or of no use any more, judged from when it was planned and first tried, and a
digest command that overlaps the scheduler never makes either think the other posted it.

On SQLite and on PostgreSQL, over HTTP against the fake Bot Framework service.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import outbox
from bot.digests import Outcome, post_digest
from conftest import database_for
from fakebf import FakeBotFramework
from harness import CHANNEL, RunningPejling, at, committee, install, rows, running_pejling
from store import digests
from store.enums import DispatchState
from store.models import DigestPost, Dispatch
from store.orgfile import OrgFile
from store.outbox import Kind, backoff
from test_e2e_digest import FIRST_MONDAY, digest_tick, new_posts
from test_e2e_meetings import MINUTE, NOW, PLANNING, STARTS, cards_to, meeting_tick, plan_meeting

THROTTLED = [429] * 4  # the proactive policy's every attempt at one message
# Planned 11 days ahead: the requests to prepare (21 days before) were due 10 days ago.
LATE = STARTS - timedelta(days=11)


@pytest.fixture(params=["sqlite", "postgresql"])
async def pejling(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """The demo on SQLite and on PostgreSQL; lise and sara have added Pejling."""
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        await install(running, "lise", "sara")
        yield running


async def states(pejling: RunningPejling, kind: Kind) -> list[str]:
    found = await rows(pejling, select(Dispatch).where(Dispatch.kind == kind))
    return sorted(d.state for d in found)


async def test_a_late_request_throttled_on_its_first_try_is_tried_again_not_dropped(
    pejling: RunningPejling,
) -> None:
    """Its nominal time is ten days back, but it was planned and first tried just now:
    a 429 storm makes it wait, never skips it."""
    at(pejling, LATE)
    await plan_meeting(pejling)
    pejling.fake.fail_next("POST", "/v3/conversations/*", statuses=THROTTLED * 3, retry_after=0)

    first = await meeting_tick(pejling, LATE + MINUTE)
    assert [(item.kind, ok) for item, ok in first] == [(Kind.PREPARE, False)] * 3
    assert await states(pejling, Kind.PREPARE) == [DispatchState.FAILED] * 3

    again = await meeting_tick(pejling, LATE + MINUTE + backoff(1) + MINUTE)
    assert [(item.kind, ok) for item, ok in again] == [(Kind.PREPARE, True)] * 3
    assert await states(pejling, Kind.PREPARE) == [DispatchState.SENT] * 3


async def test_a_request_still_failing_days_after_its_first_try_is_given_up(
    pejling: RunningPejling,
) -> None:
    """Retried with backoff, not for ever: two days after the first try it is dropped."""
    at(pejling, LATE)
    await plan_meeting(pejling)
    pejling.fake.fail_next("POST", "/v3/conversations/*", statuses=THROTTLED * 6, retry_after=0)
    await meeting_tick(pejling, LATE + MINUTE)

    later = await meeting_tick(pejling, LATE + timedelta(days=2, hours=1))

    assert [ok for _, ok in later] == [False] * 3
    assert await states(pejling, Kind.PREPARE) == [DispatchState.SKIPPED] * 3


async def test_a_request_for_a_meeting_that_has_begun_is_of_no_use_and_skipped(
    pejling: RunningPejling,
) -> None:
    at(pejling, LATE)
    await plan_meeting(pejling)
    pejling.fake.fail_next("POST", "/v3/conversations/*", statuses=THROTTLED * 3, retry_after=0)
    await meeting_tick(pejling, LATE + MINUTE)

    await outbox.send_ready(pejling.runtime.proactive, STARTS + MINUTE)

    assert await states(pejling, Kind.PREPARE) == [DispatchState.SKIPPED] * 3


async def test_a_digest_command_failing_while_the_scheduler_ticks_is_posted_later(
    pejling: RunningPejling,
) -> None:
    """`pejling digest` holds the period and is throttled when the scheduler's tick comes:
    the tick must not count the digest as sent, and tries again once the command failed."""
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    buu = await committee(pejling, "buu")
    pejling.fake.delay("POST", "/v3/conversations", 0.5, times=4)
    pejling.fake.fail_next("POST", "/v3/conversations", statuses=THROTTLED, retry_after=0)
    command = asyncio.create_task(
        post_digest(pejling.runtime.proactive, buu.id, FIRST_MONDAY.astimezone(UTC))
    )
    await pejling.fake.wait_for(lambda: new_posts(pejling))  # the command holds the period

    assert await digest_tick(pejling, FIRST_MONDAY + MINUTE) == ["digest failed"]
    assert (await command).outcome is Outcome.FAILED
    assert new_posts(pejling) and all(r.status == 429 for r in new_posts(pejling))

    retried = await digest_tick(pejling, FIRST_MONDAY + MINUTE + backoff(1) + MINUTE)
    assert retried == ["digest sent"]
    assert [p.state for p in await rows(pejling, select(DigestPost))] == ["sent"]
    assert [r.status for r in new_posts(pejling)].count(201) == 1


async def test_a_digest_command_while_another_run_holds_the_period_is_busy_not_sent(
    pejling: RunningPejling,
) -> None:
    """The other way round: a tick holds the period and has not posted yet; the command
    neither posts again nor reports the digest as sent."""
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    buu = await committee(pejling, "buu")
    window = digests.digest_window(buu.digest_schedule or "", FIRST_MONDAY)
    async with pejling.runtime.sessions.begin() as session:
        assert await digests.claim(session, buu, window, FIRST_MONDAY)

    result = await post_digest(pejling.runtime.proactive, buu.id, FIRST_MONDAY.astimezone(UTC))

    assert result.outcome is Outcome.BUSY
    assert new_posts(pejling) == []


def chat_of(pejling: RunningPejling, key: str) -> str:
    """The glob for posts in `key`'s personal chat."""
    return f"/v3/conversations/{pejling.personal(key).conversation_id}/*"


async def test_the_planning_turn_is_answered_while_teams_holds_the_invitations(
    pejling: RunningPejling,
) -> None:
    """Teams gives up on a turn after about 15 s: the invitations go out after the answer,
    and the receipt says the leaders will be told, not that they have been."""
    at(pejling, NOW)
    await pejling.say("camilla", "nyt dialogmøde")
    for answer in PLANNING:
        await pejling.say("camilla", answer)
    pejling.fake.delay("POST", chat_of(pejling, "lise"), 3)
    place = pejling.personal("camilla")
    before = len(pejling.fake.messages_in(place.conversation_id))

    status, _ = await pejling.post(
        pejling.wire.message(pejling.who("camilla"), place, "planlæg"), told=False
    )

    assert status in (200, 201)
    [receipt, *_] = pejling.fake.messages_in(place.conversation_id)[before:]
    assert receipt.text is not None and receipt.text.endswith("2 ledere får besked.")
    assert cards_to(pejling, "lise") == []  # Teams is still holding it
    await pejling.runtime.bot.told()
    assert len(cards_to(pejling, "lise")) == 1


async def test_invitations_throttled_in_a_storm_are_tried_again_and_arrive_once(
    pejling: RunningPejling,
) -> None:
    at(pejling, NOW)
    for leader in ("lise", "sara"):
        pejling.fake.fail_next("POST", chat_of(pejling, leader), statuses=THROTTLED, retry_after=0)

    await plan_meeting(pejling)

    assert cards_to(pejling, "lise") == cards_to(pejling, "sara") == []
    assert await states(pejling, Kind.NOTICE) == [DispatchState.FAILED] * 2
    await outbox.send_ready(pejling.runtime.proactive, NOW + backoff(1) + MINUTE)
    assert await states(pejling, Kind.NOTICE) == [DispatchState.SENT] * 2
    await outbox.send_ready(pejling.runtime.proactive, NOW + timedelta(hours=1))
    for leader in ("lise", "sara"):
        [invitation] = cards_to(pejling, leader)
        assert "Invitation til dialogmøde" in str(invitation)
