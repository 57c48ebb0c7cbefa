"""The dialogue meetings' outbox: which messages are due when (at 08:00 Danish time, a
profile's number of days before the meeting), and the claim that sends each one once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from unittest.mock import ANY
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from meetingkit import (
    WHEN,
    approve_summary,
    content_for,
    held_and_approved,
    plan_meeting,
    prepare,
    unit_ids,
    with_leader,
    write_summary,
)
from store import meetings, outbox
from store.models import Dispatch, Person
from store.orgfile import OrgFile
from store.outbox import CLAIM_LEASE, MAX_BACKOFF, Due, Kind, backoff, due_at
from store_helpers import (
    Sessions,
    actor_of,
    id_of,
    imported,
    municipality_id,
    second_municipality,
    with_profile,
)

DANISH = ZoneInfo("Europe/Copenhagen")
PLANNED_AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # before anything about it is due


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment given in Danish time."""
    return datetime(year, month, day, hour, minute, tzinfo=DANISH)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Hvidovre's profile (the demo's) for the meeting on 10 December 2026 at 14:00.
ASK = local(2026, 11, 19)  # 21 days before: the leaders are asked to prepare
REMIND = local(2026, 12, 3)  # 7 days before: one reminder
PACK = local(2026, 12, 7)  # 3 days before: the pack goes to the committee's channel
MINUTE = timedelta(minutes=1)


async def due_now(sessions: Sessions, now: datetime) -> list[Due]:
    async with sessions() as session:
        return await outbox.due(session, now)


def kinds(found: list[Due]) -> list[tuple[Kind, int | None]]:
    return [(d.kind, d.unit_id) for d in found]


def to_whom(found: list[Due]) -> list[tuple[Kind, int | None]]:
    return [(d.kind, d.person_id) for d in found]


async def claim(sessions: Sessions, due: Due, now: datetime) -> bool:
    async with sessions.begin() as session:
        return await outbox.claim(session, due.municipality_id, due.key, now)


async def sent(sessions: Sessions, due: Due, now: datetime) -> None:
    """`due` claimed and sent at `now`."""
    assert await claim(sessions, due, now)
    async with sessions.begin() as session:
        await outbox.mark_sent(session, due.municipality_id, due.key, now)


async def failed(sessions: Sessions, due: Due, now: datetime) -> None:
    assert await claim(sessions, due, now)
    async with sessions.begin() as session:
        await outbox.mark_failed(
            session, due.municipality_id, due.key, "503 Service Unavailable", now
        )


async def failed_times(sessions: Sessions, due: Due, now: datetime, attempts: int) -> None:
    """`due` claimed at `now` and failed, its `attempts`-th try."""
    await failed(sessions, due, now)
    async with sessions.begin() as session:
        await session.execute(
            update(Dispatch)
            .where(Dispatch.key == due.key)
            .values(attempts=attempts, next_at=now + backoff(attempts))
        )


async def dispatch(sessions: Sessions, due: Due) -> Dispatch:
    async with sessions() as session:
        found = await session.scalar(select(Dispatch).where(Dispatch.key == due.key))
        assert found is not None
        return found


@pytest.fixture
async def units(sessions: Sessions, demo: OrgFile) -> dict[str, int]:
    async with sessions() as session:
        keys = ("boegeskov-skole", "maelkeboetten")
        return dict(zip(keys, await unit_ids(session, demo, *keys), strict=True))


@pytest.fixture
async def leaders(sessions: Sessions, demo: OrgFile) -> dict[str, int]:
    """Bøgeskov Skole's leader mette, Mælkebøtten's lise, and Engholm Skole's jonas."""
    async with sessions() as session:
        return {key: await id_of(session, Person, key, demo) for key in ("mette", "lise", "jonas")}


@pytest.fixture
async def two_leaders(sessions: Sessions, demo: OrgFile) -> int:
    """A meeting of Bøgeskov Skole alone, which jonas leads too besides mette."""
    await imported(sessions, with_leader(demo, "jonas", "boegeskov-skole"))
    return (await plan_meeting(sessions, demo, "boegeskov-skole", now=PLANNED_AT)).meeting.id


@pytest.fixture
async def meeting(sessions: Sessions, demo: OrgFile) -> int:
    """A meeting of Bøgeskov Skole and Mælkebøtten on 10 December 2026, planned early."""
    return (await plan_meeting(sessions, demo, now=PLANNED_AT)).meeting.id


# --- when a meeting's messages are due ----------------------------------------------------


def test_messages_are_due_at_eight_danish_time() -> None:
    assert due_at(WHEN, 21) == ASK
    assert due_at(WHEN, 0) == local(2026, 12, 10)


def test_days_are_counted_across_the_autumn_clock_change() -> None:
    """2 November 2026 is winter time, 19 October still summer time: 08:00 is 06:00 UTC."""
    assert due_at(local(2026, 11, 2, 10), 14) == utc(2026, 10, 19, 6)


def test_days_are_counted_across_the_spring_clock_change() -> None:
    """2 April 2027 is summer time (from 28 March), 22 March winter time: 07:00 UTC."""
    meeting = local(2027, 4, 2, 10)
    assert due_at(meeting, 11) == utc(2027, 3, 22, 7)
    assert due_at(meeting, 1) == utc(2027, 4, 1, 6)


def test_a_day_off_moves_the_message_to_the_working_day_before() -> None:
    """Nothing unasked arrives on a weekend, a public holiday or a closed day."""
    assert due_at(local(2027, 3, 1, 10), 2) == local(2027, 2, 26)  # Saturday → Friday
    # Skærtorsdag to Anden påskedag 2027 (25–29 March) are days off: Wednesday 24th.
    assert due_at(local(2027, 3, 30, 10), 3) == local(2027, 3, 24)
    assert due_at(local(2026, 12, 28, 10), 4, closed=("12-24",)) == local(2026, 12, 23)
    assert due_at(local(2026, 12, 28, 10), 4) == local(2026, 12, 24)


def test_days_are_counted_from_the_danish_date() -> None:
    """A meeting at 00:30 on 10 December, Danish time, is on the 9th in UTC."""
    assert due_at(utc(2026, 12, 9, 23, 30), 1) == local(2026, 12, 9)


async def test_nothing_is_due_before_the_leaders_are_to_be_asked(
    sessions: Sessions, meeting: int
) -> None:
    assert await due_now(sessions, ASK - MINUTE) == []


async def test_every_units_leader_is_asked_to_prepare_21_days_before(
    sessions: Sessions,
    demo: OrgFile,
    meeting: int,
    units: dict[str, int],
    leaders: dict[str, int],
) -> None:
    found = await due_now(sessions, ASK)
    async with sessions() as session:
        municipality = await municipality_id(session, demo)
    school, daycare = units["boegeskov-skole"], units["maelkeboetten"]
    assert found == [
        Due(municipality, Kind.PREPARE, meeting, school, leaders["mette"]),
        Due(municipality, Kind.PREPARE, meeting, daycare, leaders["lise"]),
    ]
    assert found[0].key == f"meeting:{meeting}:prepare:{school}:{leaders['mette']}"


async def test_each_leader_of_a_unit_gets_a_request_of_their_own(
    sessions: Sessions, two_leaders: int, units: dict[str, int], leaders: dict[str, int]
) -> None:
    found = await due_now(sessions, ASK)
    assert to_whom(found) == [
        (Kind.PREPARE, leaders["mette"]),
        (Kind.PREPARE, leaders["jonas"]),
    ]
    school = units["boegeskov-skole"]
    assert [d.key for d in found] == [
        f"meeting:{two_leaders}:prepare:{school}:{leaders['mette']}",
        f"meeting:{two_leaders}:prepare:{school}:{leaders['jonas']}",
    ]


async def test_one_leaders_failed_request_is_not_sent_again_to_the_other(
    sessions: Sessions, two_leaders: int, leaders: dict[str, int]
) -> None:
    to_mette, to_jonas = await due_now(sessions, ASK)
    await failed(sessions, to_mette, ASK)
    await sent(sessions, to_jonas, ASK)
    assert to_whom(await due_now(sessions, ASK + backoff(1) + MINUTE)) == [
        (Kind.PREPARE, leaders["mette"])
    ]


async def test_a_unit_already_prepared_is_not_asked(
    sessions: Sessions, demo: OrgFile, meeting: int, units: dict[str, int]
) -> None:
    await prepare(sessions, demo, "mette", meeting, "boegeskov-skole", now=PLANNED_AT)
    assert kinds(await due_now(sessions, ASK)) == [(Kind.PREPARE, units["maelkeboetten"])]


async def test_a_meeting_planned_late_asks_at_once(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "engholm-skole", now=REMIND - MINUTE)
    found = await due_now(sessions, REMIND)
    assert [(d.kind, d.meeting_id) for d in found] == [(Kind.PREPARE, planned.meeting.id)]


async def test_a_claimed_request_is_not_due_again(sessions: Sessions, meeting: int) -> None:
    first, second = await due_now(sessions, ASK)
    assert await claim(sessions, first, ASK)
    assert await due_now(sessions, ASK + MINUTE) == [second]


async def test_a_sent_request_is_never_due_again(sessions: Sessions, meeting: int) -> None:
    for request in await due_now(sessions, ASK):
        await sent(sessions, request, ASK)
    assert await due_now(sessions, ASK + timedelta(days=2)) == []


async def test_a_failed_request_is_due_again_after_its_backoff(
    sessions: Sessions, meeting: int
) -> None:
    first, second = await due_now(sessions, ASK)
    await failed(sessions, first, ASK)
    assert await due_now(sessions, ASK + MINUTE) == [second]
    assert await due_now(sessions, ASK + backoff(1) + MINUTE) == [first, second]
    assert (await dispatch(sessions, first)).error == "503 Service Unavailable"


def test_the_backoff_doubles_with_each_attempt_up_to_six_hours() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [2 * MINUTE, 4 * MINUTE, 8 * MINUTE]
    assert backoff(9) == backoff(1000) == MAX_BACKOFF == timedelta(hours=6)


async def test_a_request_that_failed_again_waits_longer(sessions: Sessions, meeting: int) -> None:
    first, _ = await due_now(sessions, ASK)
    await failed(sessions, first, ASK)
    again = ASK + backoff(1) + MINUTE
    await failed(sessions, first, again)  # the second attempt
    assert first not in await due_now(sessions, again + backoff(1) + MINUTE)
    assert first in await due_now(sessions, again + backoff(2) + MINUTE)


async def test_a_request_failing_for_weeks_waits_six_hours(
    sessions: Sessions, meeting: int
) -> None:
    """A leader who never adds Pejling: tried every six hours until the meeting."""
    first, _ = await due_now(sessions, ASK)
    await failed_times(sessions, first, ASK, attempts=100)
    assert first not in await due_now(sessions, ASK + MAX_BACKOFF - MINUTE)
    assert first in await due_now(sessions, ASK + MAX_BACKOFF + MINUTE)


async def test_an_abandoned_claim_is_due_again_after_the_lease(
    sessions: Sessions, meeting: int
) -> None:
    first, second = await due_now(sessions, ASK)
    assert await claim(sessions, first, ASK)
    assert await due_now(sessions, ASK + CLAIM_LEASE - MINUTE) == [second]
    assert await due_now(sessions, ASK + CLAIM_LEASE + MINUTE) == [first, second]


# --- the reminder ---------------------------------------------------------------------------


async def test_the_unprepared_are_reminded_7_days_before(
    sessions: Sessions, demo: OrgFile, meeting: int, units: dict[str, int]
) -> None:
    for request in await due_now(sessions, ASK):
        await sent(sessions, request, ASK)
    await prepare(sessions, demo, "mette", meeting, "boegeskov-skole", now=ASK + MINUTE)
    assert await due_now(sessions, REMIND - MINUTE) == []
    assert kinds(await due_now(sessions, REMIND)) == [(Kind.REMIND, units["maelkeboetten"])]


async def test_no_reminder_for_a_request_never_sent(
    sessions: Sessions, meeting: int, units: dict[str, int]
) -> None:
    found = await due_now(sessions, REMIND)
    assert {d.kind for d in found} == {Kind.PREPARE}


async def test_a_reminder_waits_a_day_after_a_late_request(
    sessions: Sessions, meeting: int, units: dict[str, int]
) -> None:
    """The bot was down until the day before the reminder: the request went out then."""
    late = REMIND - timedelta(hours=20)
    for request in await due_now(sessions, late):
        await sent(sessions, request, late)
    assert await due_now(sessions, REMIND) == []
    reminders = await due_now(sessions, late + timedelta(days=1))
    assert {d.kind for d in reminders} == {Kind.REMIND} and len(reminders) == 2


async def test_a_leader_is_reminded_only_if_their_own_request_went_out(
    sessions: Sessions, two_leaders: int, leaders: dict[str, int]
) -> None:
    to_mette, to_jonas = await due_now(sessions, ASK)
    await failed(sessions, to_mette, ASK)
    await sent(sessions, to_jonas, ASK)
    assert to_whom(await due_now(sessions, REMIND)) == [
        (Kind.PREPARE, leaders["mette"]),
        (Kind.REMIND, leaders["jonas"]),
    ]


async def test_a_reminder_goes_out_once(sessions: Sessions, meeting: int) -> None:
    for request in await due_now(sessions, ASK):
        await sent(sessions, request, ASK)
    for reminder in await due_now(sessions, REMIND):
        await sent(sessions, reminder, REMIND)
    assert await due_now(sessions, REMIND + timedelta(days=1)) == []


# --- the pack and the summary ----------------------------------------------------------------


async def test_the_pack_is_due_3_days_before(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, now=PLANNED_AT)
    # Both units prepared early: nothing else is due.
    await prepare(sessions, demo, "mette", planned.meeting.id, "boegeskov-skole", now=PLANNED_AT)
    await prepare(sessions, demo, "lise", planned.meeting.id, "maelkeboetten", now=PLANNED_AT)
    assert await due_now(sessions, PACK - MINUTE) == []
    (pack,) = await due_now(sessions, PACK)
    assert (pack.kind, pack.meeting_id, pack.unit_id, pack.key) == (
        Kind.PACK, planned.meeting.id, None, f"meeting:{planned.meeting.id}:pack",
    )  # fmt: skip


async def test_nothing_but_the_summary_is_due_for_a_meeting_whose_summary_is_approved(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Summed up before its day (here on 22 November): no requests, reminders or pack."""
    approved = await held_and_approved(sessions, demo)
    found = await due_now(sessions, PACK)
    assert [(d.kind, d.meeting_id) for d in found] == [(Kind.SUMMARY, approved.summary.meeting.id)]


async def test_nothing_is_due_for_a_cancelled_or_past_meeting(
    sessions: Sessions, demo: OrgFile, meeting: int
) -> None:
    assert await due_now(sessions, WHEN + MINUTE) == []
    shown = await plan_meeting(sessions, demo, "engholm-skole", now=PLANNED_AT)
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        await meetings.cancel(session, actor, shown.meeting.id, 1, PLANNED_AT)
    # The other meeting's two requests and its pack; nothing for the cancelled one.
    assert [d.meeting_id for d in await due_now(sessions, PACK)] == [meeting] * 3


async def test_an_approved_summary_is_due_at_once(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, now=PLANNED_AT)
    written = await write_summary(
        sessions, demo, planned.meeting.id, content_for(planned.meeting), now=WHEN
    )
    assert await due_now(sessions, WHEN + timedelta(hours=2)) == []  # a draft is not posted
    approved_at = WHEN + timedelta(days=1)
    await approve_summary(sessions, demo, written, approved_at)
    (summary,) = await due_now(sessions, approved_at)
    assert (summary.kind, summary.key) == (Kind.SUMMARY, f"meeting:{planned.meeting.id}:summary")
    await sent(sessions, summary, approved_at)
    assert await due_now(sessions, approved_at + timedelta(hours=1)) == []


async def test_each_municipality_by_its_own_profile(sessions: Sessions, demo: OrgFile) -> None:
    """Jammerbugt asks 14 days before; Hvidovre (the demo) 21."""
    jammerbugt = await imported(sessions, with_profile(second_municipality(demo), "jammerbugt"))
    ours = await plan_meeting(sessions, demo, "engholm-skole", now=PLANNED_AT)
    theirs = await plan_meeting(sessions, jammerbugt, "engholm-skole", now=PLANNED_AT)
    assert [d.meeting_id for d in await due_now(sessions, ASK)] == [ours.meeting.id]
    in_14_days = local(2026, 11, 26)
    assert {d.meeting_id for d in await due_now(sessions, in_14_days)} == {
        ours.meeting.id, theirs.meeting.id,
    }  # fmt: skip


async def test_a_request_due_across_the_autumn_clock_change(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Jammerbugt's 14 days before a meeting on 2 November 2026: 19 October, 06:00 UTC."""
    jammerbugt = await imported(sessions, with_profile(demo, "jammerbugt"))
    meeting = local(2026, 11, 2, 10)
    await plan_meeting(
        sessions, jammerbugt, "engholm-skole", starts_at=meeting, now=utc(2026, 10, 1, 9)
    )
    assert await due_now(sessions, utc(2026, 10, 19, 5, 59)) == []
    assert kinds(await due_now(sessions, utc(2026, 10, 19, 6))) == [(Kind.PREPARE, ANY)]


async def test_a_pack_due_across_the_spring_clock_change(sessions: Sessions, demo: OrgFile) -> None:
    """Three days before a meeting on 30 March 2027 (summer time) is Easter Saturday; the
    pack goes on the working day before Easter, Wednesday 24 March, still winter time."""
    meeting = local(2027, 3, 30, 10)
    planned = await plan_meeting(
        sessions, demo, "engholm-skole", starts_at=meeting, now=utc(2027, 1, 10, 9)
    )
    for asked in (local(2027, 3, 9), local(2027, 3, 23)):  # the request, then the reminder
        for message in await due_now(sessions, asked):
            await sent(sessions, message, asked)
    assert await due_now(sessions, utc(2027, 3, 24, 6, 59)) == []
    (pack,) = await due_now(sessions, utc(2027, 3, 24, 7))
    assert (pack.kind, pack.meeting_id) == (Kind.PACK, planned.meeting.id)


# --- claiming ------------------------------------------------------------------------------


async def test_a_key_is_claimed_once(sessions: Sessions, meeting: int) -> None:
    first, _ = await due_now(sessions, ASK)
    assert await claim(sessions, first, ASK) is True
    assert await claim(sessions, first, ASK + MINUTE) is False


async def test_a_sent_key_is_never_claimed_again(sessions: Sessions, meeting: int) -> None:
    first, _ = await due_now(sessions, ASK)
    await sent(sessions, first, ASK)
    assert await claim(sessions, first, ASK + CLAIM_LEASE * 10) is False
    async with sessions() as session:
        assert await outbox.sent_at(session, first.municipality_id, first.key) == ASK


async def test_a_failed_claim_is_taken_again(sessions: Sessions, meeting: int) -> None:
    first, _ = await due_now(sessions, ASK)
    await failed(sessions, first, ASK)
    assert await claim(sessions, first, ASK + MINUTE) is True
    row = await dispatch(sessions, first)
    assert (row.state, row.attempts, row.claimed_at) == ("claimed", 2, ASK + MINUTE)


async def test_an_expired_claim_is_taken_again(sessions: Sessions, meeting: int) -> None:
    first, _ = await due_now(sessions, ASK)
    assert await claim(sessions, first, ASK)
    assert await claim(sessions, first, ASK + CLAIM_LEASE - MINUTE) is False
    assert await claim(sessions, first, ASK + CLAIM_LEASE + MINUTE) is True


async def test_the_same_key_is_claimed_in_each_municipality(
    sessions: Sessions, demo: OrgFile, meeting: int
) -> None:
    nordby = await imported(sessions, second_municipality(demo))
    first, _ = await due_now(sessions, ASK)
    assert await claim(sessions, first, ASK)
    async with sessions.begin() as session:
        theirs = await municipality_id(session, nordby)
        assert await outbox.claim(session, theirs, first.key, ASK) is True


def together(engine: AsyncEngine, runs: int) -> asyncio.Barrier | None:
    """A barrier the runs meet at once each has its transaction open, so on PostgreSQL their
    writes overlap. SQLite's BEGIN IMMEDIATE already makes the second writer wait for the
    first; a barrier there would deadlock with that lock."""
    return asyncio.Barrier(runs) if engine.dialect.name == "postgresql" else None


async def contend(
    sessions: Sessions, due: Due, now: datetime, meet: asyncio.Barrier | None
) -> bool:
    async with sessions.begin() as session:
        await session.scalar(select(Dispatch.id).limit(1))  # opens the transaction
        if meet is not None:
            await meet.wait()
        return await outbox.claim(session, due.municipality_id, due.key, now)


async def test_two_senders_claiming_at_once_give_one_winner(
    engine: AsyncEngine, sessions: Sessions, meeting: int
) -> None:
    first, _ = await due_now(sessions, ASK)
    meet = together(engine, 2)
    outcomes = await asyncio.gather(
        contend(sessions, first, ASK, meet), contend(sessions, first, ASK, meet)
    )
    assert sorted(outcomes) == [False, True]


async def test_two_senders_retaking_a_failed_claim_at_once_give_one_winner(
    engine: AsyncEngine, sessions: Sessions, meeting: int
) -> None:
    first, _ = await due_now(sessions, ASK)
    await failed(sessions, first, ASK)
    meet = together(engine, 2)
    outcomes = await asyncio.gather(
        contend(sessions, first, ASK + MINUTE, meet), contend(sessions, first, ASK + MINUTE, meet)
    )
    assert sorted(outcomes) == [False, True]
