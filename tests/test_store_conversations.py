"""Conversation references: where the bot can write later to a person or a channel."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store import committees
from store.conversations import ConversationSeen, mark_unreachable, remember, unreached
from store.models import Committee, ConversationRef
from store.orgfile import OrgFile
from store_helpers import NOW, Sessions, actor_of, id_of, municipality_id, statements, writes

LATER = NOW + timedelta(hours=1)
PERSONAL = ConversationSeen(
    conversation_id="a:1-mette",
    conversation_type="personal",
    service_url="https://smba.trafficmanager.net/emea/",
    bot_id="28:pejling",
    user_id="29:mette",
)
CHANNEL = ConversationSeen(
    conversation_id="19:buu@thread.tacv2;messageid=1",
    conversation_type="channel",
    service_url="https://smba.trafficmanager.net/emea/",
    bot_id="28:pejling",
    team_id="team-buu",
    channel_id="19:buu@thread.tacv2",
)


async def remember_(
    sessions: Sessions, org: OrgFile, seen: ConversationSeen, now: datetime = NOW
) -> bool:
    async with sessions.begin() as session:
        return await remember(session, await municipality_id(session, org), seen, now)


async def stored(sessions: Sessions, conversation_id: str) -> ConversationRef:
    async with sessions() as session:
        row = await session.scalar(
            select(ConversationRef).where(ConversationRef.conversation_id == conversation_id)
        )
    assert row is not None
    return row


async def test_a_new_conversation_is_stored(sessions: Sessions, demo: OrgFile) -> None:
    assert await remember_(sessions, demo, PERSONAL) is True
    row = await stored(sessions, PERSONAL.conversation_id)
    assert (row.conversation_type, row.service_url, row.user_id, row.updated_at) == (
        "personal",
        PERSONAL.service_url,
        "29:mette",
        NOW,
    )


async def test_a_conversation_seen_again_unchanged_writes_nothing(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    """An ordinary message costs one read, not a write."""
    await remember_(sessions, demo, PERSONAL)
    with statements(engine) as sent:
        assert await remember_(sessions, demo, PERSONAL, LATER) is False
    assert writes(sent) == []
    assert (await stored(sessions, PERSONAL.conversation_id)).updated_at == NOW


async def test_a_new_service_url_replaces_the_old(sessions: Sessions, demo: OrgFile) -> None:
    await remember_(sessions, demo, PERSONAL)
    moved = replace(PERSONAL, service_url="https://smba.trafficmanager.net/amer/")

    assert await remember_(sessions, demo, moved, LATER) is True

    row = await stored(sessions, PERSONAL.conversation_id)
    assert (row.service_url, row.updated_at) == ("https://smba.trafficmanager.net/amer/", LATER)


async def test_the_person_is_linked_to_their_conversation(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
    await remember_(sessions, demo, replace(PERSONAL, person_id=mette.person_id))
    assert (await stored(sessions, PERSONAL.conversation_id)).person_id == mette.person_id


async def test_a_message_in_a_linked_channel_refreshes_the_committees_service_url(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        camilla = await actor_of(session, demo, "camilla")
        buu = await id_of(session, Committee, "buu", demo)
        await committees.link_channel(
            session, camilla, buu, CHANNEL.channel_id or "", "team-buu", "https://old/", NOW
        )

    await remember_(sessions, demo, CHANNEL, LATER)

    async with sessions() as session:
        committee = await session.get_one(Committee, buu)
    assert committee.channel_service_url == CHANNEL.service_url


async def test_a_channel_not_linked_to_a_committee_changes_no_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    await remember_(sessions, demo, CHANNEL)
    async with sessions() as session:
        urls = set(await session.scalars(select(Committee.channel_service_url)))
    assert urls == {None}


async def test_an_unreachable_conversation_is_marked(sessions: Sessions, demo: OrgFile) -> None:
    await remember_(sessions, demo, PERSONAL)
    async with sessions.begin() as session:
        mid = await municipality_id(session, demo)
        await mark_unreachable(session, mid, PERSONAL.conversation_id, LATER)
    assert (await stored(sessions, PERSONAL.conversation_id)).unreachable_at == LATER


async def test_a_conversation_that_writes_again_is_reachable_again(
    sessions: Sessions, demo: OrgFile
) -> None:
    await remember_(sessions, demo, PERSONAL)
    async with sessions.begin() as session:
        mid = await municipality_id(session, demo)
        await mark_unreachable(session, mid, PERSONAL.conversation_id, LATER)

    assert await remember_(sessions, demo, PERSONAL, LATER + timedelta(days=1)) is True

    assert (await stored(sessions, PERSONAL.conversation_id)).unreachable_at is None


async def test_the_administration_sees_who_pejling_cannot_reach(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        lise = await actor_of(session, demo, "lise")
        camilla = await actor_of(session, demo, "camilla")
        buu = await id_of(session, Committee, "buu", demo)
        await committees.link_channel(
            session, camilla, buu, CHANNEL.channel_id or "", "team-buu", "https://x/", NOW
        )
    await remember_(sessions, demo, replace(PERSONAL, person_id=mette.person_id))
    lises = replace(
        PERSONAL, conversation_id="a:1-lise", user_id="29:lise", person_id=lise.person_id
    )
    await remember_(sessions, demo, lises)
    channel = replace(CHANNEL, conversation_id=CHANNEL.channel_id or "")
    await remember_(sessions, demo, channel)
    async with sessions.begin() as session:
        mid = await municipality_id(session, demo)
        await mark_unreachable(session, mid, lises.conversation_id, LATER)
        await mark_unreachable(session, mid, channel.conversation_id, LATER)

    async with sessions() as session:
        found = {entry.name: entry for entry in await unreached(session)}

    assert "Mette Kjærgaard" not in found  # she has a chat Pejling can write to
    assert found["Lise Holm"].since == LATER  # she removed Pejling
    assert found["Jonas Bach"].since is None  # he never opened it
    lost = found["Børne- og Uddannelsesudvalget"]
    assert (lost.channel, lost.since) == (True, LATER)
