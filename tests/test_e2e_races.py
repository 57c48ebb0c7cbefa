"""Races the database settles: activities that arrive at once, on one instance or on two
behind a load balancer, never make a turn fail and never break a unique fact.

The two-instance tests run two Pejling processes' worth of app on one PostgreSQL
database; the others run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.devtools.chat.wire import Where
from conftest import database_for
from fakebf import FakeBotFramework, Message
from harness import CHANNEL, RunningPejling, person_id, rows, running_pejling, two_on_postgresql
from kort.catalogue import texts
from store.models import ConversationRef
from store.orgfile import OrgFile

APOLOGY = texts()("fejl.teknisk")


@pytest.fixture(params=["sqlite", "postgresql"])
async def on_both(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        yield running


@pytest.fixture
async def two_instances(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[tuple[RunningPejling, RunningPejling]]:
    async with two_on_postgresql(fake_bf, tmp_path, demo_org) as both:
        yield both


async def references(pejling: RunningPejling, conversation_id: str) -> int:
    found = await rows(
        pejling,
        select(func.count())
        .select_from(ConversationRef)
        .where(ConversationRef.conversation_id == conversation_id),
    )
    return int(found[0])


async def test_install_and_first_message_on_two_instances_lose_nothing(
    two_instances: tuple[RunningPejling, RunningPejling],
) -> None:
    """lise adds Pejling and writes at once, and Teams hands the two activities to
    different instances: both are answered, no apology, one reference. Four new chats,
    as the race was lost about half the time."""
    first, second = two_instances
    who = first.who("lise")
    for attempt in range(4):
        chat = replace(first.personal("lise"), conversation_id=f"a:lise-chat-{attempt}")
        installed = first.wire.personal_install(who, chat)
        message = second.wire.message(who, chat, "hjælp")

        answers = await asyncio.gather(first.post(installed), second.post(message))

        assert all(status in (200, 201) for status, _ in answers), answers
        replies = await first.fake.wait_for(lambda c=chat: answered_twice(first, c))
        assert [m.text for m in replies].count(APOLOGY) == 0
        assert await references(first, chat.conversation_id) == 1


def answered_twice(pejling: RunningPejling, where: Where) -> list[Message] | None:
    """The welcome and the answer to the message, once both are there."""
    found = pejling.fake.messages_in(where.conversation_id)
    return found if len(found) >= 2 else None


async def test_four_mentions_at_once_in_a_new_channel_make_one_reference(
    on_both: RunningPejling,
) -> None:
    pejling = on_both
    people = ("camilla", "mette", "lise", "sara")

    answers = await asyncio.gather(
        *(pejling.post(pejling.wire.message(pejling.who(p), CHANNEL, "hjælp")) for p in people)
    )

    assert all(status in (200, 201) for status, _ in answers)
    replies = pejling.fake.messages_in(CHANNEL.conversation_id)
    assert len(replies) >= 4
    assert all(m.text != APOLOGY for m in replies)
    assert await references(pejling, CHANNEL.channel_id) == 1


async def test_a_role_removed_on_one_instance_is_refused_on_the_other_at_once(
    two_instances: tuple[RunningPejling, RunningPejling],
) -> None:
    """henrik is made administrator on instance A and opens the roles on B (B now knows
    him as one); the role is taken from him on A; his next message on B is refused."""
    first, second = two_instances
    [card] = await first.say("camilla", "roller")
    form = {"person": str(await person_id(first, "henrik")), "role": "administration"}
    await first.execute("camilla", card, "Giv rollen", form)
    [allowed] = await second.say("henrik", "roller")
    assert allowed.cards

    _, replies = await first.execute("camilla", card, "Fjern rollen", form)
    assert "ikke længere" in replies[0].text
    [refused] = await second.say("henrik", "roller")

    assert refused.text is not None and "Kun administrationen" in refused.text
