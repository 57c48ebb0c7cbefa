"""Dialogue meetings end to end, over HTTP, on SQLite and on PostgreSQL: the administration
plans a meeting by typing and the daycare leaders are invited in their personal chats;
three weeks before, each unit's leader is asked to prepare, and reminded once if they
have not; the meeting pack is posted in the committee's channel (from the button, or
when it is due); after the meeting the summary is written, approved, posted in the
channel, and its bearings are in force. And the cards nobody should be able to press:
forged ids, another municipality's meeting.

The bot's clock is fixed (NOW), and the meeting lies in the spring of 2027, so every
date below is the same whenever the tests run. `bot.outbox.tick(proactive, now)` is
what the scheduler calls every few minutes; the tests call it with the moment they want.
Every card the bot sends is checked against the Adaptive Cards 1.5 schema and the 28 KB
every Teams surface takes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import outbox as outbox_edge
from cardcheck import schema_errors
from conftest import database_for
from fakebf import FakeBotFramework, Message
from goalkit import (
    button_for,
    last_card,
    personal_messages,
    press,
    send_card_data,
    sent_cards,
    unit_id,
)
from harness import (
    CHANNEL,
    RunningPejling,
    at,
    button_data,
    buttons,
    card_text,
    committee,
    install,
    rows,
    running_pejling,
    shown,
    table_counts,
)
from kort import actions
from kort.common import walk
from kort.digests import card_size
from meetingkit import with_leader
from store import meetings
from store.enums import BearingScope, DispatchState, MeetingModel, SummaryState
from store.importer import import_org
from store.meetingviews import PREPARATION_FIELDS, MeetingPlan, PreparationContent
from store.models import (
    AuditEvent,
    Base,
    Bearing,
    Committee,
    CommitteeMeeting,
    ConversationRef,
    Dispatch,
    Meeting,
    Person,
    Preparation,
    Summary,
    Unit,
)
from store.orgfile import OrgFile
from store.outbox import Due, Kind, backoff
from store.outbox_planning import Source
from store_helpers import actor_of, id_of, second_municipality

TABLES = ", ".join(table.name for table in Base.metadata.sorted_tables)
TEAMS_CARD_LIMIT = 28 * 1024  # bytes; the smallest limit of any Teams surface (TEAMS-FACTS §2)

# Sunday 22 November 2026, 10.30 Danish time: the bot's clock unless a test moves it.
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
# The meeting: Thursday 4 March 2027 at 14.00 Danish time. Hvidovre's profile (the demo's)
# asks the leaders 21 days before, reminds them 7 days before and posts the pack 3 days
# before, each at 08.00 Danish time (07.00 UTC in winter).
STARTS = datetime(2027, 3, 4, 13, 0, tzinfo=UTC)
ASKED = datetime(2027, 2, 11, 7, 0, tzinfo=UTC)
REMINDED = datetime(2027, 2, 25, 7, 0, tzinfo=UTC)
PACKED = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
DAY_AFTER = datetime(2027, 3, 5, 8, 0, tzinfo=UTC)  # when the summary is written
MINUTE = timedelta(minutes=1)

BUU = "Børne- og Uddannelsesudvalget"
DAYCARES = ("Børnehaven Troldehøj", "Børnehuset Mælkebøtten", "Vuggestuen Solsikken")
# camilla's answers, one message each, after `nyt dialogmøde`: committee 1 (buu), the day,
# the time, meeting model 1, every daycare of the committee, a theme and a place.
PLANNING = [
    "1",
    "4. marts 2027",
    "14",
    "1",
    "dagtilbud",
    "Sprog og overgange",
    "Rådhuset, mødesal 2",
]
# lise's preparation, typed after pressing the request's button: goal follow-up, the
# unit's status, conditions, challenges, development needs, input from staff and board.
LISE_PREPARES = [
    "Udelivet er i gang; forældrekaffen er et hit.",
    "Flere børn med sprogvanskeligheder end sidste år.",
    "spring over",
    "For få pædagoger om eftermiddagen.",
    "spring over",
    "Bestyrelsen ønsker mere sprogarbejde.",
]
# camilla's summary, typed after `referat`: per unit what was said and the follow-up on
# its goals; general; two bearings (a new one for the daycares, new words for the
# committee's second); one matter with its consequences; one follow-up.
SUMMARY = [
    "Troldehøj fortalte om besøgene på Engholm Skole.",
    "spring over",
    "Mælkebøtten fortalte om udelivet.",
    "Målene følges; udelivet er i gang.",
    "Solsikken fortalte om sprogindsatsen.",
    "spring over",
    "Et godt møde med engagerede ledere.",
    "Dagtilbud: Alle børn skal have et godt sprog - Sprogvurdering i alle dagtilbud",
    "2: Tidlig indsats for sprog, læsning og motorik",
    "færdig",
    "Flere pædagoger i Område Syd",
    "spring over",
    "Ca. 2 mio. kr. om året.",
    "spring over",
    "færdig",
    "Undersøg ventelisten; Camilla Dahl; 1. juni 2027",
    "færdig",
]


# ---------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(params=["sqlite", "postgresql"])
async def pejling(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """The demo municipality on SQLite and on PostgreSQL, the bot's clock at NOW, and the
    daycare leaders lise and sara have added Pejling in Teams, so it can write to them."""
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        at(running, NOW)
        await install(running, "lise", "sara")
        yield running


@pytest.fixture(autouse=True)
def every_card_is_valid(fake_bf: FakeBotFramework) -> Any:
    """After each test: every card the bot sent to Teams is a valid 1.5 card within 28 KB.
    (Cards in invoke answers are checked where they are pressed, by `press`.)"""
    yield
    for card in sent_cards(fake_bf):
        assert schema_errors(card) == [], card_text(card)[:200]
        assert card_size(card) < TEAMS_CARD_LIMIT, card_text(card)[:200]


async def link_channel(pejling: RunningPejling) -> None:
    """camilla links the committee's channel, as she does for the digest."""
    await pejling.say("camilla", "tilknyt buu", CHANNEL)


async def plan_meeting(pejling: RunningPejling) -> list[Message]:
    """camilla plans the daycares' meeting by typing; the bot's answer to `planlæg`."""
    await pejling.say("camilla", "nyt dialogmøde")
    for answer in PLANNING:
        await pejling.say("camilla", answer)
    return await pejling.say("camilla", "planlæg")


async def the_meeting(pejling: RunningPejling) -> Meeting:
    [found] = await rows(pejling, select(Meeting))
    return found


async def planned(pejling: RunningPejling) -> Message:
    """The daycares' meeting planned; the meeting card camilla got with the receipt."""
    return last_card(await plan_meeting(pejling))


async def meeting_tick(pejling: RunningPejling, now: datetime) -> list[tuple[Due, bool]]:
    """The scheduler's tick at `now`, for the meetings' messages only (the year's
    reminders and digests have tests of their own): each item, and whether it went out."""
    done = await outbox_edge.tick(pejling.runtime.proactive, now, sources=[Source.MEETINGS])
    return [(Due.of(r.municipality_id, r.kind, r.payload, None), r.sent) for r in done]


async def send_due(pejling: RunningPejling, now: datetime) -> list[tuple[Kind, str | None]]:
    """The scheduler's tick at `now`: what went out, as (kind, unit), in sending order."""
    names = await unit_names(pejling)
    sent = await meeting_tick(pejling, now)
    assert all(ok for _, ok in sent), sent
    return [(item.kind, names.get(item.unit_id)) for item, _ in sent]


async def unit_names(pejling: RunningPejling) -> dict[int | None, str]:
    async with pejling.runtime.sessions() as session:
        return dict((await session.execute(select(Unit.id, Unit.name))).all())


def cards_to(pejling: RunningPejling, key: str, skip: int = 0) -> list[dict[str, Any]]:
    """The cards in `key`'s personal chat, oldest first, after the first `skip` messages."""
    return [card for m in personal_messages(pejling, key)[skip:] for card in m.cards]


async def posted(
    pejling: RunningPejling,
    count: int = 1,
    timeout: float = 5.0,  # noqa: ASYNC109 - as FakeBotFramework.wait_for
) -> list[Message]:
    """The channel's new posts once there are `count` of them, and the outbox once it has
    marked them: what a button sends goes out after the click is answered."""
    found = await pejling.fake.wait_for(
        lambda: len(channel_posts(pejling)) >= count and channel_posts(pejling), timeout=timeout
    )
    for _ in range(100):
        if DispatchState.CLAIMED not in (await dispatches(pejling)).values():
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"the outbox is still sending: {await dispatches(pejling)}")


async def send_pack_now(pejling: RunningPejling, meeting_card: Message) -> Message:
    """camilla presses "Send mødepakken nu"; the channel's new post."""
    answer, _ = await press(pejling, "camilla", meeting_card, "Send mødepakken nu")
    assert answer == f"Mødepakken sendes nu til kanalen for {BUU}."
    return (await posted(pejling, len(channel_posts(pejling)) + 1))[-1]


async def approve(pejling: RunningPejling, draft: Message) -> tuple[Any, list[Message], Message]:
    """camilla presses "Godkend referatet" on the draft: the card that replaces it, the
    messages in her chat, and the channel's new post."""
    before = len(channel_posts(pejling))
    approved, new = await press(pejling, "camilla", draft, "Godkend referatet")
    return approved, new, (await posted(pejling, before + 1))[-1]


def channel_posts(pejling: RunningPejling) -> list[Message]:
    """The new top-level posts the bot made in the committee's channel, oldest first."""
    created = [c for c in pejling.fake.created_conversations if c.parameters.get("isGroup")]
    return [pejling.fake.message(c.activity_id) for c in created if c.activity_id]


async def dispatches(pejling: RunningPejling) -> dict[str, str]:
    """The outbox's claims for the meetings' messages (not the turns' notices): key → state."""
    found = await rows(pejling, select(Dispatch).where(Dispatch.kind != Kind.NOTICE))
    return {d.key: d.state for d in found}


async def a_second_leader(pejling: RunningPejling, person: str, unit: str) -> int:
    """`person` leads `unit` too, from a new import of the organisation file; their id."""
    async with pejling.runtime.sessions.begin() as session:
        await import_org(session, with_leader(pejling.org, person, unit))
        return await id_of(session, Person, person, pejling.org)


async def prepare_in_store(
    pejling: RunningPejling, leader: str, unit: str, note: PreparationContent
) -> None:
    """A leader's preparation written straight into the store, as the dialogue saves it."""
    meeting = await the_meeting(pejling)
    async with pejling.runtime.sessions.begin() as session:
        actor = await actor_of(session, pejling.org, leader)
        prepared = await id_of(session, Unit, unit, pejling.org)
        await meetings.save_preparation(session, actor, meeting.id, prepared, note, NOW)


# ---------------------------------------------------------------------------
# Planning: camilla types, the leaders are invited


async def test_the_administration_plans_a_meeting_by_typing(pejling: RunningPejling) -> None:
    [receipt] = await plan_meeting(pejling)

    assert receipt.text == (
        f"Dialogmødet med {BUU} er planlagt til 4. marts 2027 kl. 14.00. 2 ledere får besked."
    )
    [card] = receipt.cards
    assert card_text(card).startswith(f"Dialogmøde: {BUU}")
    for unit in DAYCARES:
        assert f"{unit}: Ikke forberedt endnu" in card_text(card)
    assert buttons(card) == [
        "Ret mødet",
        "Send mødepakken nu",
        "Udvalgets viden",
        "Fælles møde",
        "Skriv referat",
        "Aflys mødet",
    ]
    meeting = await the_meeting(pejling)
    assert (meeting.model, meeting.theme, meeting.place) == (
        MeetingModel.ONE_TYPE,
        "Sprog og overgange",
        "Rådhuset, mødesal 2",
    )
    assert meeting.starts_at.replace(tzinfo=UTC) == STARTS


async def test_each_daycare_leader_gets_one_invitation_in_their_personal_chat(
    pejling: RunningPejling,
) -> None:
    await plan_meeting(pejling)

    [to_lise] = cards_to(pejling, "lise")
    [to_sara] = cards_to(pejling, "sara")  # one invitation for both her units
    assert card_text(to_lise).startswith("Invitation til dialogmøde\nBørnehuset Mælkebøtten ")
    assert "Børnehaven Troldehøj, Vuggestuen Solsikken deltager" in card_text(to_sara)
    for invitation in (to_lise, to_sara):
        said = card_text(invitation)
        assert f"Udvalg: {BUU}\nTidspunkt: torsdag 4. marts 2027 kl. 14.00" in said
        assert "Du bliver bedt om at forberede dig fra 11. februar 2027." in said
    assert cards_to(pejling, "mette") == []  # a school leader is not invited


async def test_leaders_who_never_added_pejling_are_not_written_to(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    """Teams lets a bot write only to people who have it installed: the meeting is
    planned all the same, camilla is told to tell the two leaders herself, and nothing is
    sent anywhere but her chat."""
    async with running_pejling(fake_bf, tmp_path, demo_org) as bare:
        at(bare, NOW)

        receipt, unreached = await plan_meeting(bare)

        assert receipt.text.startswith(f"Dialogmødet med {BUU} er planlagt til 4. marts 2027")
        assert "besked" not in receipt.text  # nobody was told: it does not say so
        assert unreached.text.startswith("2 har ikke åbnet Pejling i Teams endnu")
        camillas = f"/v3/conversations/{bare.personal('camilla').conversation_id}/"
        assert all(r.path.startswith(camillas) for r in fake_bf.requests_to("POST"))
        assert fake_bf.created_conversations == []


# ---------------------------------------------------------------------------
# The meeting pack in the committee's channel


async def test_the_send_pack_button_posts_the_pack_as_a_new_post_in_the_channel(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    meeting_card = await planned(pejling)

    post = await send_pack_now(pejling, meeting_card)

    assert channel_posts(pejling) == [post]
    [pack] = post.cards
    said = card_text(pack)
    assert said.startswith(f"Mødepakke\n{BUU} · torsdag 4. marts 2027 kl. 14.00")
    for unit in DAYCARES:
        assert f"\n{unit}\n" in said
    assert "Udvalgets pejlemærker\nAlle børn skal trives og høre til i et fællesskab" in said
    meeting = await the_meeting(pejling)
    assert await dispatches(pejling) == {f"meeting:{meeting.id}:pack": "sent"}


async def test_the_send_pack_button_is_answered_without_waiting_for_teams(
    pejling: RunningPejling,
) -> None:
    """Teams gives up on a click after about 15 s and delivers it again, and a pack from
    the button goes out every time it is asked for: so the click is answered at once, and
    the pack, with its retries, is posted after."""
    await link_channel(pejling)
    meeting_card = await planned(pejling)
    pejling.fake.delay("POST", "/v3/conversations", seconds=3)

    answer, _ = await press(pejling, "camilla", meeting_card, "Send mødepakken nu")

    assert answer == f"Mødepakken sendes nu til kanalen for {BUU}."
    assert channel_posts(pejling) == []  # Teams is still holding the post
    [post] = await posted(pejling, timeout=10)
    assert card_text(post.cards[0]).startswith("Mødepakke\n")


async def test_the_send_pack_button_posts_the_pack_again_each_time_it_is_pressed(
    pejling: RunningPejling,
) -> None:
    """Unlike the scheduled pack, the button is a request to post it now, e.g. after a
    late preparation."""
    await link_channel(pejling)
    meeting_card = await planned(pejling)
    first = await send_pack_now(pejling, meeting_card)

    second = await send_pack_now(pejling, meeting_card)

    assert channel_posts(pejling) == [first, second]


async def test_a_pack_sent_from_the_button_is_not_sent_again_when_it_falls_due(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await send_pack_now(pejling, await planned(pejling))

    tick = await send_due(pejling, PACKED)

    assert (Kind.PACK, None) not in tick
    assert len(channel_posts(pejling)) == 1


async def test_the_pack_goes_out_once_when_it_falls_due(pejling: RunningPejling) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await prepare_in_store(
        pejling, "lise", "maelkeboetten", PreparationContent(unit_status="Udelivet er i gang.")
    )
    assert (Kind.PACK, None) not in await send_due(pejling, PACKED - MINUTE)
    assert channel_posts(pejling) == []

    tick = await send_due(pejling, PACKED)
    again = await send_due(pejling, PACKED + MINUTE)

    assert (Kind.PACK, None) in tick
    assert again == []
    [post] = channel_posts(pejling)
    said = card_text(post.cards[0])
    assert said.startswith("Mødepakke\n")
    assert "Forberedelse\nEnhedens status\nUdelivet er i gang." in said
    assert said.count("Ingen forberedelse modtaget") == 2  # Troldehøj and Solsikken


async def test_a_pack_with_no_channel_linked_is_tried_again_once_one_is(
    pejling: RunningPejling,
) -> None:
    await planned(pejling)
    meeting = await the_meeting(pejling)

    sent = await meeting_tick(pejling, PACKED)

    assert [(item.kind, ok) for item, ok in sent if item.kind is Kind.PACK] == [(Kind.PACK, False)]
    assert (await dispatches(pejling))[f"meeting:{meeting.id}:pack"] == "failed"
    await link_channel(pejling)
    assert await send_due(pejling, PACKED + MINUTE) == []  # it waits before it tries again
    assert (Kind.PACK, None) in await send_due(pejling, PACKED + backoff(1) + MINUTE)
    assert len(channel_posts(pejling)) == 1


async def test_a_pack_refused_with_403_fails_and_marks_the_channel_unreachable(
    pejling: RunningPejling,
) -> None:
    """403: Pejling was removed from the team. Said where the digest says it too."""
    await link_channel(pejling)
    await planned(pejling)
    meeting = await the_meeting(pejling)
    pejling.fake.fail_next("POST", "/v3/conversations", statuses=[403])

    sent = await meeting_tick(pejling, PACKED)

    assert [(item.kind, ok) for item, ok in sent if item.kind is Kind.PACK] == [(Kind.PACK, False)]
    [pack] = await rows(pejling, select(Dispatch).where(Dispatch.key.endswith(":pack")))
    assert (pack.key, pack.state) == (f"meeting:{meeting.id}:pack", DispatchState.FAILED)
    assert pack.error.startswith("403")
    query = select(ConversationRef).where(ConversationRef.channel_id == CHANNEL.channel_id)
    [channel] = await rows(pejling, query)
    assert channel.unreachable_at == PACKED
    assert channel_posts(pejling) == []


async def test_a_long_pack_comes_in_parts_each_a_card_teams_takes(
    pejling: RunningPejling,
) -> None:
    """Three full preparations (2,000 characters in every field) outgrow one card: the
    first part is a new post, the others follow in its thread."""
    await link_channel(pejling)
    await planned(pejling)
    full = PreparationContent(
        **{name: "Lang forberedelse med æøå. " * 74 for name in PREPARATION_FIELDS}
    )
    for leader, unit in (("lise", "maelkeboetten"), ("sara", "solsikken"), ("sara", "troldehoej")):
        await prepare_in_store(pejling, leader, unit, full)

    await send_due(pejling, PACKED)

    [post] = channel_posts(pejling)
    parts = [m for m in pejling.fake.messages_in(CHANNEL.channel_id) if m.cards]
    assert parts[0].id == post.id
    assert len(parts) > 1
    assert all(m.conversation_id == f"{CHANNEL.channel_id};messageid={post.id}" for m in parts)
    titles = [card_text(m.cards[0]).split("\n", 1)[0] for m in parts]
    assert titles == [f"Mødepakke · del {n} af {len(parts)}" for n in range(1, len(parts) + 1)]
    assert all(card_size(m.cards[0]) < TEAMS_CARD_LIMIT for m in parts)


# ---------------------------------------------------------------------------
# Requests to prepare, and the one reminder


async def test_each_units_leader_is_asked_to_prepare_once_when_it_falls_due(
    pejling: RunningPejling,
) -> None:
    await planned(pejling)
    assert await send_due(pejling, ASKED - MINUTE) == []

    tick = await send_due(pejling, ASKED)
    again = await send_due(pejling, ASKED + MINUTE)

    assert sorted(tick) == [(Kind.PREPARE, unit) for unit in DAYCARES]
    assert again == []
    [to_lise] = cards_to(pejling, "lise", skip=2)  # after the welcome and the invitation
    to_sara = cards_to(pejling, "sara", skip=2)
    assert card_text(to_lise).startswith(
        "Forbered dialogmødet\nBørnehuset Mælkebøtten deltager i dialogmødet med "
        f"{BUU} torsdag 4. marts 2027 kl. 14.00."
    )
    assert sorted(card_text(c).split("\n")[1].split(" deltager")[0] for c in to_sara) == [
        "Børnehaven Troldehøj",
        "Vuggestuen Solsikken",
    ]
    assert all(buttons(c) == ["Skriv forberedelse"] for c in [to_lise, *to_sara])


async def test_a_leader_who_adds_pejling_late_still_gets_the_request(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    """A request nobody could receive is tried again, after a wait that grows with each
    try, until it reaches the leader (or the meeting has begun)."""
    async with running_pejling(fake_bf, tmp_path, demo_org) as late:
        at(late, NOW)
        await plan_meeting(late)
        unsent = await meeting_tick(late, ASKED)
        assert [(item.kind, ok) for item, ok in unsent] == [(Kind.PREPARE, False)] * 3

        await install(late, "lise")
        assert await meeting_tick(late, ASKED + MINUTE) == []
        tick = await meeting_tick(late, ASKED + backoff(1) + MINUTE)

        maelkeboetten = await unit_id(late, "maelkeboetten")
        assert [(item.unit_id, ok) for item, ok in tick if ok] == [(maelkeboetten, True)]
        assert len(tick) == 3  # sara's two are tried again, and again fail
        [request] = cards_to(late, "lise", skip=1)  # after the welcome
        assert card_text(request).startswith("Forbered dialogmødet\nBørnehuset Mælkebøtten")


async def test_a_units_second_leader_unreached_does_not_hold_back_the_first(
    pejling: RunningPejling,
) -> None:
    """karin leads Mælkebøtten with lise but has not added Pejling: lise's request is
    sent and stays sent, karin's fails and is tried again on its own."""
    karin = await a_second_leader(pejling, "karin", "maelkeboetten")
    await planned(pejling)
    meeting, daycare = await the_meeting(pejling), await unit_id(pejling, "maelkeboetten")
    async with pejling.runtime.sessions() as session:
        lise = await id_of(session, Person, "lise", pejling.org)

    first = await meeting_tick(pejling, ASKED)
    again = await meeting_tick(pejling, ASKED + backoff(1) + MINUTE)

    assert sorted((item.person_id, ok) for item, ok in first if item.unit_id == daycare) == sorted(
        [(lise, True), (karin, False)]
    )
    assert [(item.person_id, ok) for item, ok in again] == [(karin, False)]
    states = await dispatches(pejling)
    assert states[f"meeting:{meeting.id}:prepare:{daycare}:{lise}"] == DispatchState.SENT
    assert states[f"meeting:{meeting.id}:prepare:{daycare}:{karin}"] == DispatchState.FAILED
    assert len(cards_to(pejling, "lise", skip=2)) == 1  # after the welcome and the invitation


async def test_a_leader_prepares_from_the_request_card(pejling: RunningPejling) -> None:
    await planned(pejling)
    await send_due(pejling, at(pejling, ASKED))
    request = personal_messages(pejling, "lise")[-1]

    opened, _ = await press(pejling, "lise", request, "Skriv forberedelse")
    for answer in LISE_PREPARES[:-1]:
        await pejling.say("lise", answer)
    [done] = await pejling.say("lise", LISE_PREPARES[-1])

    assert "Jeres mål\nMere udeliv og natur i hverdagen" in card_text(opened)
    assert done.text == (
        "Tak! Forberedelsen for Børnehuset Mælkebøtten er gemt og kommer med i mødepakken "
        f"til {BUU}. Du kan rette den indtil mødet ved at skrive forbered."
    )
    assert "Forberedelse: Børnehuset Mælkebøtten" in card_text(done.cards[0])
    [note] = await rows(pejling, select(Preparation))
    assert (note.unit_status, note.conditions) == (LISE_PREPARES[1], None)
    assert note.input_gathered == LISE_PREPARES[-1]


async def test_one_reminder_goes_only_to_the_leaders_who_have_not_prepared(
    pejling: RunningPejling,
) -> None:
    await planned(pejling)
    await send_due(pejling, at(pejling, ASKED))
    await press(pejling, "lise", personal_messages(pejling, "lise")[-1], "Skriv forberedelse")
    for answer in LISE_PREPARES:
        await pejling.say("lise", answer)
    lise_before = len(personal_messages(pejling, "lise"))
    sara_before = len(personal_messages(pejling, "sara"))
    assert await send_due(pejling, REMINDED - MINUTE) == []

    tick = await send_due(pejling, REMINDED)
    again = await send_due(pejling, REMINDED + timedelta(days=1))

    assert sorted(tick) == [
        (Kind.REMIND, "Børnehaven Troldehøj"),
        (Kind.REMIND, "Vuggestuen Solsikken"),
    ]
    assert again == []
    assert personal_messages(pejling, "lise")[lise_before:] == []
    reminders = cards_to(pejling, "sara", skip=sara_before)
    assert len(reminders) == 2
    for reminder in reminders:
        assert card_text(reminder).startswith("Påmindelse: forbered dialogmødet\nVi mangler stadig")
        assert buttons(reminder) == ["Skriv forberedelse"]


async def test_no_reminder_without_a_request_a_day_before(pejling: RunningPejling) -> None:
    """Planned late, the request and the reminder would fall due at once: only the
    request goes out, and the reminder a day after it."""
    await planned(pejling)

    first = await send_due(pejling, REMINDED)
    next_day = await send_due(pejling, REMINDED + timedelta(days=1))

    assert {kind for kind, _ in first} == {Kind.PREPARE}
    assert sorted(next_day) == [(Kind.REMIND, unit) for unit in DAYCARES]


# ---------------------------------------------------------------------------
# The summary


async def write_summary(pejling: RunningPejling, when: datetime = DAY_AFTER) -> Message:
    """camilla writes the summary by typing, by default the day after the meeting, saves
    it and sends it to the participants for comments; the draft card, as she sees it then."""
    at(pejling, when)
    await pejling.say("camilla", "referat")
    for answer in SUMMARY:
        await pejling.say("camilla", answer)
    [draft] = await pejling.say("camilla", "gem")
    assert draft.text == (
        "Opsummeringen er gemt som kladde. Send den til deltagerne til kommentering, "
        "når den er klar."
    )
    assert buttons(draft.cards[0]) == ["Send til kommentering", "Ret referatet"]
    out, _ = await press(pejling, "camilla", draft, "Send til kommentering")
    return shown(draft, out)


async def test_the_summary_goes_to_the_participants_for_comments(
    pejling: RunningPejling,
) -> None:
    await planned(pejling)

    draft = await write_summary(pejling)

    assert "Referatet er sendt til kommentering · Kommentarer senest 12. marts 2027" in card_text(
        draft.cards[0]
    )
    assert buttons(draft.cards[0]) == ["Godkend referatet", "Ret referatet"]
    for leader in ("lise", "sara"):
        to_comment = cards_to(pejling, leader)[-1]
        assert card_text(to_comment).startswith("Udkast til referat af dialogmødet")
        assert buttons(to_comment) == ["Send kommentar"]


async def test_an_approved_summary_is_posted_in_the_channel_with_its_bearings(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await planned(pejling)
    draft = await write_summary(pejling)

    approved, new, post = await approve(pejling, draft)

    assert [m.text for m in new] == [
        f"Opsummeringen er godkendt og sendes til kanalen for {BUU}. 2 pejlemærker er "
        "foreslået udvalget; de gælder, når du har registreret udvalgets beslutning under "
        "pejlemærker."
    ]
    assert buttons(approved) == []
    assert channel_posts(pejling) == [post]
    said = card_text(post.cards[0])
    assert said.startswith(f"Referat af dialogmødet\nUdvalg: {BUU}")
    assert "Godkendt 5. marts 2027 af Camilla Dahl" in said
    for unit in DAYCARES:
        assert f"\n{unit}\n" in said
    assert "Alle børn skal have et godt sprog\nFor: Alle enheder af typen dagtilbud" in said
    assert "Erstatter: Tidlig indsats for sprog og læsning" in said
    assert "Flere pædagoger i Område Syd" in said
    assert post.cards[0]["msteams"] == {"width": "Full"}


async def test_a_summary_written_ahead_waits_for_its_meeting(pejling: RunningPejling) -> None:
    """Written and sent on the day the pack goes out, the summary's comment deadline
    falls after the meeting, and Godkend is refused in Danish until the meeting is held:
    nothing is in force, nothing posted. The day after, it is approved."""
    await link_channel(pejling)
    await planned(pejling)
    draft = await write_summary(pejling, PACKED)
    assert "Kommentarer senest 11. marts 2027" in card_text(draft.cards[0])
    before = await table_counts(pejling)

    answer, new = await press(pejling, "camilla", draft, "Godkend referatet")

    assert answer == (
        "Mødet er ikke holdt endnu (4. marts 2027 kl. 14.00). "
        "Opsummeringen kan først godkendes, når mødet har fundet sted."
    )
    assert new == []
    assert await table_counts(pejling) == before
    assert channel_posts(pejling) == []
    at(pejling, DAY_AFTER)
    approved, _, post = await approve(pejling, draft)
    assert buttons(approved) == [] and channel_posts(pejling) == [post]


async def test_the_approved_summarys_bearings_are_the_committees(pejling: RunningPejling) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))
    meeting = await the_meeting(pejling)
    buu = await committee(pejling, "buu")

    bearings = await rows(pejling, select(Bearing).where(Bearing.committee_id == buu.id))

    by_title = {b.title: b for b in bearings}
    assert set(by_title) == {
        "Alle børn skal trives og høre til i et fællesskab",
        "Tidlig indsats for sprog, læsning og motorik",  # new words for buu-sprog
        "Sammenhængende overgange fra dagtilbud til skole",
        "Alle børn skal have et godt sprog",
    }
    new = by_title["Alle børn skal have et godt sprog"]
    assert (new.scope, new.scope_value) == (BearingScope.UNIT_TYPE, "dagtilbud")
    assert (new.description, new.meeting_id) == ("Sprogvurdering i alle dagtilbud", meeting.id)
    renamed = by_title["Tidlig indsats for sprog, læsning og motorik"]
    assert (renamed.key, renamed.meeting_id) == ("buu-sprog", meeting.id)
    [summary] = await rows(pejling, select(Summary))
    assert summary.state == SummaryState.APPROVED


async def test_the_committee_decides_a_proposed_bearing_on_the_bearings_card(
    pejling: RunningPejling,
) -> None:
    """Approved, the summary's bearings are proposals: shown as such, not offered to a
    goal. camilla records on `pejlemærker` that the committee amended one on 9 March;
    it is in force then, and the trail names her."""
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))
    shown = await pejling.say("camilla", "pejlemærker")
    [card] = [m for m in shown if m.cards and "godt sprog" in card_text(m.cards[0])]
    said = card_text(card.cards[0])
    assert said.count("**Bemærk:** forslag fra dialogmødet") == 2  # the new one and new words
    for_jens = "\n".join(card_text(m.cards[0]) for m in await pejling.say("jens", "pejlemærker"))
    assert "Sprogvurdering i alle dagtilbud\n**Bemærk:** forslag fra dialogmødet" in for_jens
    wanted = select(Bearing).where(Bearing.title == "Alle børn skal have et godt sprog")
    [proposal] = await rows(pejling, wanted)
    assert proposal.proposed
    new_id = proposal.id
    data = button_for(card.cards[0], "Registrér udvalgets beslutning", bearing=new_id)
    day, words = data["fields"]
    at(pejling, datetime(2027, 3, 10, 9, 0, tzinfo=UTC))

    answer, new = await send_card_data(pejling, "camilla", card, {
        **data, day: "2027-03-09", words: "Alle børn skal have et godt sprog fra starten",
    })  # fmt: skip

    assert answer == (
        "Udvalgets beslutning er gemt: »Alle børn skal have et godt sprog fra starten« gælder nu."
    )
    again = card_text(new[-1].cards[0])
    assert "Alle børn skal have et godt sprog fra starten" in again
    assert "Besluttet af udvalget tirsdag 9. marts 2027" in again
    [decided] = await rows(pejling, select(Bearing).where(Bearing.id == new_id))
    assert (decided.proposed, decided.decided_on) == (False, date(2027, 3, 9))
    assert decided.proposed_title == "Alle børn skal have et godt sprog"
    [event] = await rows(
        pejling,
        select(AuditEvent).where(AuditEvent.entity == "bearing", AuditEvent.entity_id == new_id,
                                 AuditEvent.action == "update"),
    )  # fmt: skip
    async with pejling.runtime.sessions() as session:
        assert event.person_id == await id_of(session, Person, "camilla", pejling.org)


async def test_a_decision_dated_in_the_future_is_refused_in_danish(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))
    shown = await pejling.say("camilla", "pejlemærker")
    [card] = [m for m in shown if m.cards and "godt sprog" in card_text(m.cards[0])]
    day, _ = button_for(card.cards[0], "Registrér udvalgets beslutning")["fields"]

    answer, new = await press(pejling, "camilla", card, "Registrér udvalgets beslutning", {
        day: "2027-03-20",
    })  # fmt: skip

    assert answer == (
        "Udvalget kan ikke have besluttet pejlemærket 20. marts 2027 – "
        "den dag er ikke kommet endnu."
    )
    assert new == []


async def test_the_summary_is_posted_exactly_once(pejling: RunningPejling) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))
    meeting = await the_meeting(pejling)

    tick = await send_due(pejling, DAY_AFTER + MINUTE)

    assert tick == []
    assert len(channel_posts(pejling)) == 1
    assert (await dispatches(pejling))[f"meeting:{meeting.id}:summary"] == "sent"


async def test_an_approved_summary_is_told_to_the_leaders_who_took_part(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))

    told = personal_messages(pejling, "lise")[-1]

    assert told.text == "Opsummeringen af dialogmødet er godkendt."
    assert card_text(told.cards[0]).startswith("Referat af dialogmødet")


# ---------------------------------------------------------------------------
# The matter for decision: on a committee meeting's list, completed, decided after it


def meeting_choices(card: dict[str, Any]) -> dict[str, str]:
    """The committee meetings the matter form offers: title → id."""
    (chosen,) = [n for n in walk(card) if n.get("id") == "committee_meeting"]
    return {c["title"]: c["value"] for c in chosen["choices"]}


async def decide(pejling: RunningPejling, decided_on: str) -> Any:
    """camilla opens `sager` and records the committee's decision, dated `decided_on`."""
    [listed] = await pejling.say("camilla", "sager")
    matter = button_data(listed.cards[0], "Registrér beslutningen")["matter"]
    said = {f"decision_{matter}": "Bevilget fra august.", f"decided_on_{matter}": decided_on}
    answer, _ = await press(pejling, "camilla", listed, "Registrér beslutningen", said)
    return answer


async def test_a_matter_goes_to_a_committee_meeting_is_completed_and_decided_after_it(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))

    # The dialogue meeting was on 4 March 2027; the committee next meets on 11 March.
    [listed] = await pejling.say("camilla", "sager")
    assert "Til udvalgsmødet 11. marts 2027\nFlere pædagoger i Område Syd" in card_text(
        listed.cards[0]
    )
    opened, _ = await press(pejling, "camilla", listed, "Beskriv konsekvenser")
    form = shown(listed, opened)
    offered = meeting_choices(form.cards[-1])
    april = "Til udvalgsmødet 15. april 2027"
    assert list(offered)[:2] == ["Til udvalgsmødet 11. marts 2027", april]
    written = {
        "legal": "Ingen.", "economic": "Ca. 2 mio. kr. om året.", "staff": "Fire pædagoger.",
        "other": "Lokaler i Område Syd.", "committee_meeting": offered[april],
    }  # fmt: skip
    saved, new = await press(pejling, "camilla", form, "Gem sagen", written)
    assert [m.text for m in new] == ["Sagen »Flere pædagoger i Område Syd« er gemt."]
    shown_now = card_text(saved)
    assert "Til udvalgsmødet 15. april 2027\nFlere pædagoger i Område Syd" in shown_now
    assert "Andre konsekvenser: Lokaler i Område Syd." in shown_now

    at(pejling, datetime(2027, 4, 10, 9, 0, tzinfo=UTC))
    assert await decide(pejling, "2027-04-10") == (
        "Sagen er på udvalgsmødet 15. april 2027. Beslutningen kan ikke dateres før mødet."
    )
    assert await decide(pejling, "2027-04-16") == (
        "Beslutningen kan ikke dateres efter i dag. Registrér den, når udvalget har besluttet."
    )
    at(pejling, datetime(2027, 4, 16, 9, 0, tzinfo=UTC))
    decided = await decide(pejling, "2027-04-15")
    assert "Besluttet 15. april 2027: Bevilget fra august." in card_text(decided)


async def test_the_administration_puts_a_matter_on_a_committee_meeting_it_enters(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))
    [listed] = await pejling.say("camilla", "sager")
    opened, _ = await press(pejling, "camilla", listed, "Beskriv konsekvenser")
    form = shown(listed, opened)

    # Today is 5 March 2027.
    refused, _ = await press(pejling, "camilla", form, "Gem sagen", {"new_meeting": "1/3-2027"})
    saved, _ = await press(pejling, "camilla", form, "Gem sagen", {"new_meeting": "25/3-2027"})

    assert refused == "Udvalgsmødet kan ikke ligge før i dag."
    assert "Til udvalgsmødet 25. marts 2027\nFlere pædagoger i Område Syd" in card_text(saved)
    buu = await committee(pejling, "buu")
    held = await rows(
        pejling,
        select(CommitteeMeeting.held_on).where(CommitteeMeeting.committee_id == buu.id),
    )
    assert date(2027, 3, 1) not in held and date(2027, 3, 25) in held


async def test_a_committee_meetings_matters_go_to_the_channel_once_in_good_time(
    pejling: RunningPejling,
) -> None:
    await link_channel(pejling)
    await planned(pejling)
    await approve(pejling, await write_summary(pejling))
    before = len(channel_posts(pejling))

    # The committee meets on 11 March; its list was due on 4 March at 08.00, so the first
    # tick after approval on 5 March sends it, and no later tick sends it again.
    proactive, lists = pejling.runtime.proactive, [Source.MATTERS]
    sent = await outbox_edge.tick(proactive, DAY_AFTER + MINUTE, sources=lists)
    again = await outbox_edge.tick(proactive, DAY_AFTER + 2 * MINUTE, sources=lists)

    # (The ticks also retry the politicians' notices, who never added Pejling.)
    assert [r.sent for r in sent if r.kind == Kind.MATTER_LIST] == [True]
    assert [r for r in again if r.kind == Kind.MATTER_LIST] == []
    [post] = channel_posts(pejling)[before:]
    said = card_text(post.cards[0])
    assert said.startswith(f"Sager til udvalgsmødet 11. marts 2027\n{BUU}\n")
    assert "Flere pædagoger i Område Syd" in said
    assert "Økonomiske konsekvenser: Ca. 2 mio. kr. om året." in said


# ---------------------------------------------------------------------------
# Cards nobody should be able to press

# In the card data below, these stand for the planned meeting's id and Solsikken's (sara's).
THE_MEETING = object()
SARAS_UNIT = object()


@pytest.mark.parametrize(
    ("presser", "data", "refusal"),
    [
        (
            "camilla",
            {"action": actions.SEND_PACK, "meeting": "abc"},
            "Det møde kender jeg ikke, eller du har ikke adgang til det.",
        ),
        (
            "camilla",
            {"action": actions.SEND_PACK},
            "Det møde kender jeg ikke, eller du har ikke adgang til det.",
        ),
        (
            "camilla",
            {"action": actions.SEND_PACK, "meeting": {"id": 1}},
            "Det møde kender jeg ikke, eller du har ikke adgang til det.",
        ),
        (
            "camilla",
            {"action": actions.SEND_PACK, "meeting": 9999},
            "Det møde kender jeg ikke, eller du har ikke adgang til det.",
        ),
        (
            "lise",
            {"action": actions.SEND_PACK, "meeting": THE_MEETING},
            "Det er administrationen, der planlægger dialogmøder og skriver opsummeringen.",
        ),
        (
            "lise",
            {"action": actions.PREPARE, "meeting": THE_MEETING, "unit": "x"},
            "Det møde kender jeg ikke, eller du har ikke adgang til det.",
        ),
        (
            "lise",
            {"action": actions.PREPARE, "meeting": THE_MEETING, "unit": SARAS_UNIT},
            "Du er ikke leder af den enhed, så du kan ikke forberede den til mødet.",
        ),
        (
            "camilla",
            {"action": actions.APPROVE_SUMMARY, "summary": 1, "revision": 1},
            "Den opsummering kender jeg ikke, eller du har ikke adgang til den.",
        ),
        (
            "camilla",
            {"action": actions.DECIDE_BEARING, "bearing": "abc", "words": {"x": 1}},
            "Det pejlemærke kender jeg ikke.",
        ),
        (
            "lise",
            {"action": actions.DECIDE_BEARING, "bearing": 1, "decided_on": "2026-11-20"},
            "Det er administrationen, der registrerer udvalgets beslutning om et pejlemærke.",
        ),
    ],
    ids=[
        "pack-abc",
        "pack-no-meeting",
        "pack-object",
        "pack-unknown",
        "pack-by-a-leader",
        "prepare-bad-unit",
        "prepare-another-leaders-unit",
        "approve-no-summary",
        "decide-bearing-abc",
        "decide-bearing-by-a-leader",
    ],
)
async def test_a_forged_card_is_refused_in_danish_and_changes_nothing(
    pejling: RunningPejling, presser: str, data: dict[str, Any], refusal: str
) -> None:
    await link_channel(pejling)
    await planned(pejling)
    ids = {THE_MEETING: (await the_meeting(pejling)).id}
    async with pejling.runtime.sessions() as session:
        ids[SARAS_UNIT] = await id_of(session, Unit, "solsikken", pejling.org)
    forged = {k: next((i for s, i in ids.items() if s is v), v) for k, v in data.items()}
    card = personal_messages(pejling, presser)[-1]  # the meeting card, or the invitation
    before = await table_counts(pejling)

    answer, new = await send_card_data(pejling, presser, card, forged)

    assert answer == refusal
    assert new == []
    assert await table_counts(pejling) == before
    assert channel_posts(pejling) == []


async def test_another_municipalitys_meeting_cannot_be_sent_from_here(
    pejling: RunningPejling,
) -> None:
    """Nordby has the same committees and units; its meeting id on a Bøgeskov card is
    refused as unknown, and nothing is posted in either municipality."""
    nordby = second_municipality(pejling.org)
    async with pejling.runtime.sessions.begin() as session:
        await import_org(session, nordby)
    async with pejling.runtime.sessions.begin() as session:
        actor = await actor_of(session, nordby, "camilla")
        plan = MeetingPlan(
            committee_id=await id_of(session, Committee, "buu", nordby),
            starts_at=STARTS,
            model=MeetingModel.ONE_UNIT,
            unit_ids=(await id_of(session, Unit, "maelkeboetten", nordby),),
        )
        theirs = (await meetings.plan(session, actor, plan, NOW)).meeting.id
    await link_channel(pejling)
    [listed] = await pejling.say("camilla", "dialogmøder")

    answer, _ = await send_card_data(
        pejling, "camilla", listed, {"action": actions.SEND_PACK, "meeting": theirs}
    )

    assert answer == "Det møde kender jeg ikke, eller du har ikke adgang til det."
    assert channel_posts(pejling) == []
    assert await dispatches(pejling) == {}


@pytest.mark.parametrize("meeting", ["9" * 20, str(2**31)], ids=["huge", "int4-overflow"])
async def test_an_id_no_row_can_have_is_refused_like_any_unknown_id(
    pejling: RunningPejling, meeting: str
) -> None:
    """Too large for SQLite's integers, or for PostgreSQL's id columns (2**31): refused
    before the database sees it, not a failed turn."""
    [listed] = await pejling.say("camilla", "dialogmøder")

    answer, _ = await send_card_data(
        pejling, "camilla", listed, {"action": actions.SEND_PACK, "meeting": meeting}
    )

    assert answer == "Det møde kender jeg ikke, eller du har ikke adgang til det."
