"""Limits that hold for the deployment, not for each process: three (or two) Pejling
instances on one PostgreSQL database together keep to Teams' rate for a tenant and to
one person's turn limit. Measured where Teams would count it, at the fake Bot Framework
service, which refuses what goes over with 429."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from conftest import PostgresDatabase
from fakebf import FakeBotFramework
from harness import CHANNEL, RunningPejling, running_pejling
from kort.catalogue import texts
from store.orgfile import OrgFile

TENANT = CHANNEL.tenant_id
RPS = 10  # the tenant's rate in these tests: low, so the run is short


@asynccontextmanager
async def instances(
    fake: FakeBotFramework, tmp_path: Path, org: OrgFile, count: int, **settings: Any
) -> AsyncIterator[list[RunningPejling]]:
    database = PostgresDatabase("pejling_shared")
    url = await database.create()
    try:
        async with AsyncExitStack() as stack:
            yield [
                await stack.enter_async_context(
                    running_pejling(fake, tmp_path, org, database_url=url, **settings)
                )
                for _ in range(count)
            ]
    finally:
        await database.drop()


async def test_three_instances_together_stay_under_the_tenants_rate(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    """Each instance alone keeps to the rate; three of them must not send three times it."""
    fake_bf.cap_rates(RPS, per_thread=False)
    async with instances(
        fake_bf, tmp_path, demo_org, 3, rate_limits=True, tenant_rps=RPS
    ) as running:
        sends = [
            pejling.runtime.connector.send(
                fake_bf.url,
                f"a:chat-{i}-{n}",
                {"type": "message", "text": f"{i}-{n}"},
                tenant_id=TENANT,
            )
            for i, pejling in enumerate(running)
            for n in range(12)
        ]
        await asyncio.gather(*sends)

    accepted, refused = fake_bf.rate_counts
    assert (accepted, refused) == (36, 0)
    for i in range(3):
        for n in range(12):
            [message] = fake_bf.messages_in(f"a:chat-{i}-{n}")
            assert message.text == f"{i}-{n}"


async def test_one_persons_turn_limit_holds_across_two_instances(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    """mette may take 6 turns a minute; her messages alternate between two instances."""
    async with instances(fake_bf, tmp_path, demo_org, 2, turns_per_minute=6) as running:
        place = running[0].personal("mette")
        for n in range(12):
            pejling = running[n % 2]
            status, _ = await pejling.post(
                pejling.wire.message(pejling.who("mette"), place, "hjælp")
            )
            assert status in (200, 201)

    answers = fake_bf.messages_in(place.conversation_id)
    slow_down = texts()("fejl.for_hurtigt")
    assert len([m for m in answers if m.text != slow_down]) == 6
    assert 1 <= len([m for m in answers if m.text == slow_down]) <= 2  # told once per instance


async def test_three_instances_together_keep_to_one_conversations_limits(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    """Teams allows a conversation 7 sends a second and 8 in two; three instances each
    keeping to that alone would send three times as many."""
    fake_bf.cap_rates(None, per_thread=True)
    async with instances(fake_bf, tmp_path, demo_org, 3, rate_limits=True) as running:
        sends = [
            pejling.runtime.connector.send(
                fake_bf.url, "a:busy", {"type": "message", "text": f"{i}-{n}"}, tenant_id=TENANT
            )
            for i, pejling in enumerate(running)
            for n in range(5)
        ]
        await asyncio.gather(*sends)

    accepted, refused = fake_bf.rate_counts
    assert (accepted, refused) == (15, 0)
    assert sorted(m.text or "" for m in fake_bf.messages_in("a:busy")) == sorted(
        f"{i}-{n}" for i in range(3) for n in range(5)
    )
