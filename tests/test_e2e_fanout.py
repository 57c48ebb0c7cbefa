"""Reminders to many leaders at once, over real HTTP against the fake Bot Framework
service: within Teams' rate limits, through 429 storms, and to leaders who never wrote to
the bot (a 1:1 chat opened from a team the bot is installed in)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.convert import message_body
from fakebf import FakeBotFramework
from flowkit import NOW
from harness import CHANNEL, RunningPejling, person_id, rows, running_pejling
from store import conversations
from store.conversations import Unreached
from store.models import ConversationRef, Person
from store.orgfile import OrgFile

LEADERS = ("mette", "jonas", "lise", "sara", "karin", "peter", "ahmed")
REMINDER = "Husk at forberede dialogmødet på torsdag."


@pytest.fixture
async def pejling(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """Pejling as in production: keeping Teams' rate limits (the other suites turn them off)."""
    async with running_pejling(fake_bf, tmp_path, demo_org, rate_limits=True) as running:
        yield running


async def remind(pejling: RunningPejling, keys: Iterable[str]) -> list[str | None]:
    """One reminder to each person at once, as a fan-out sends them: the message ids."""
    proactive, body = pejling.runtime.proactive, message_body(REMINDER, None)
    ids = [await person_id(pejling, key) for key in keys]
    return list(await asyncio.gather(*(proactive.to_person(1, pid, body, NOW) for pid in ids)))


async def open_personal_chats(pejling: RunningPejling, keys: Iterable[str]) -> None:
    """The people add Pejling in Teams themselves, so the bot has their chats."""
    for key in keys:
        await pejling.post(pejling.wire.personal_install(pejling.who(key), pejling.personal(key)))


async def install_in_team(pejling: RunningPejling, members: Iterable[str]) -> None:
    """Pejling is added to the municipality's team, whose roster holds `members`."""
    await pejling.post(pejling.wire.team_install(pejling.who("camilla"), CHANNEL))
    roster = [
        {"id": f"29:team-{key}", "name": who.name, "aadObjectId": who.aad_object_id}
        for key in members
        for who in [pejling.who(key)]
    ]
    assert CHANNEL.team_id is not None
    pejling.fake.set_members(CHANNEL.team_id, roster)


def reminders_in(pejling: RunningPejling, conversation_id: str) -> list[str | None]:
    return [m.text for m in pejling.fake.messages_in(conversation_id) if m.text == REMINDER]


async def unreached(pejling: RunningPejling) -> dict[str, Unreached]:
    async with pejling.runtime.sessions() as session:
        return {u.name: u for u in await conversations.unreached(session)}


# ---------------------------------------------------------------------------
# rate limits and 429s


async def test_a_429_storm_delays_reminders_but_loses_and_doubles_none(
    pejling: RunningPejling,
) -> None:
    await open_personal_chats(pejling, LEADERS)  # each is greeted: one post per chat
    for key in LEADERS:  # Teams refuses every leader's message twice, asking for a second
        chat = pejling.personal(key).conversation_id
        pejling.fake.fail_next(
            "POST", f"/v3/conversations/{chat}/*", statuses=[429, 429], retry_after=1
        )

    sent = await remind(pejling, LEADERS)

    assert all(sent)
    for key in LEADERS:
        chat = pejling.personal(key).conversation_id
        assert reminders_in(pejling, chat) == [REMINDER]  # exactly once
        tries = pejling.fake.requests_to("POST", f"/v3/conversations/{chat}/")
        assert [r.status for r in tries] == [201, 429, 429, 201]


async def test_a_rate_capped_teams_refuses_nothing_pejling_sends(pejling: RunningPejling) -> None:
    await open_personal_chats(pejling, LEADERS)
    pejling.fake.cap_rates(tenant_rps=30)  # Teams' limits, per tenant and per chat

    # Twelve reminders to Karin at once (Teams allows 7 a second in one chat), and one
    # to each of the others beside them.
    sent = await remind(pejling, ["karin"] * 12 + [k for k in LEADERS if k != "karin"])

    assert all(sent)
    assert len(reminders_in(pejling, pejling.personal("karin").conversation_id)) == 12
    accepted, refused = pejling.fake.rate_counts
    assert (accepted, refused) == (18, 0)


# ---------------------------------------------------------------------------
# leaders the bot has not talked to yet


async def test_a_leader_who_never_wrote_gets_a_chat_opened_from_the_team(
    pejling: RunningPejling,
) -> None:
    await install_in_team(pejling, ["mette", "jonas", "camilla"])

    [sent] = await remind(pejling, ["mette"])

    assert sent is not None
    [created] = pejling.fake.created_conversations
    tenant = pejling.org.municipality.tenant_id
    assert created.parameters["isGroup"] is False
    assert created.parameters["members"] == [{"id": "29:team-mette"}]
    assert created.parameters["tenantId"] == tenant
    assert created.parameters["channelData"] == {"tenant": {"id": tenant}}
    assert pejling.fake.message(sent).conversation_id == created.id
    assert reminders_in(pejling, created.id) == [REMINDER]
    [mette] = await rows(pejling, select(Person).where(Person.key == "mette"))
    assert mette.teams_user_id == "29:team-mette"  # learnt from the roster


async def test_the_opened_chat_is_kept_and_the_roster_read_once(pejling: RunningPejling) -> None:
    await install_in_team(pejling, ["mette", "jonas", "camilla"])

    await remind(pejling, ["mette", "jonas"])
    await remind(pejling, ["mette", "jonas"])

    assert len(pejling.fake.created_conversations) == 2  # one chat each, then reused
    assert len(pejling.fake.requests_to("GET", f"/v3/conversations/{CHANNEL.team_id}/")) == 1
    chats = await rows(pejling, select(ConversationRef).where(ConversationRef.user_id.is_not(None)))
    assert {(c.conversation_type, c.user_id) for c in chats} == {
        ("personal", "29:team-mette"),
        ("personal", "29:team-jonas"),
    }
    assert "Mette Kjærgaard" not in await unreached(pejling)


async def test_a_roster_of_many_pages_is_read_to_the_end(pejling: RunningPejling) -> None:
    await install_in_team(pejling, [])
    strangers = [{"id": f"29:s{n}", "aadObjectId": f"aad-{n}"} for n in range(1200)]
    mette = pejling.who("mette")
    roster = [*strangers, {"id": "29:team-mette", "aadObjectId": mette.aad_object_id}]
    pejling.fake.set_members(CHANNEL.team_id or "", roster)

    [sent] = await remind(pejling, ["mette"])

    assert sent is not None
    pages = pejling.fake.requests_to("GET", f"/v3/conversations/{CHANNEL.team_id}/pagedmembers")
    assert len(pages) == 3  # 500 a page


async def test_a_leader_on_no_team_with_pejling_is_reported_never_reached(
    pejling: RunningPejling,
) -> None:
    await install_in_team(pejling, ["mette"])

    [sent] = await remind(pejling, ["lise"])

    assert sent is None
    assert pejling.fake.created_conversations == []
    assert (await unreached(pejling))["Lise Holm"].since is None  # "never opened Pejling"


async def test_with_no_team_installed_nobody_new_is_reached(pejling: RunningPejling) -> None:
    assert await remind(pejling, ["mette"]) == [None]
    assert pejling.fake.requests_to("*", "/v3/") == []


# ---------------------------------------------------------------------------
# 403: blocked or removed


async def test_a_403_to_opening_a_chat_marks_the_leader_unreachable(
    pejling: RunningPejling,
) -> None:
    await install_in_team(pejling, ["peter"])
    pejling.fake.fail_next("POST", "/v3/conversations", statuses=[403])

    assert await remind(pejling, ["peter"]) == [None]
    assert (await unreached(pejling))["Peter Friis"].since == NOW  # "removed Pejling"

    # Not asked again: Teams said no (TEAMS-FACTS §1). Writing to the bot undoes it.
    calls = len(pejling.fake.requests_to("*", "/v3/"))
    assert await remind(pejling, ["peter"]) == [None]
    assert len(pejling.fake.requests_to("*", "/v3/")) == calls
    await pejling.say("peter", "hej")
    assert all(await remind(pejling, ["peter"]))


async def test_a_403_in_a_stored_chat_marks_the_leader_unreachable(
    pejling: RunningPejling,
) -> None:
    await open_personal_chats(pejling, ["ahmed"])
    await install_in_team(pejling, ["ahmed"])
    pejling.fake.fail_next("POST", "/v3/conversations/*", statuses=[403])

    assert await remind(pejling, ["ahmed"]) == [None]
    assert (await unreached(pejling))["Ahmed Hassan"].since == NOW

    # The team is no way round a block: no new chat is opened.
    assert await remind(pejling, ["ahmed"]) == [None]
    assert pejling.fake.created_conversations == []
