"""The year's reminders end to end: the bot running over HTTP, the fake Bot Framework
service as Teams, the outbox ticked at the moments a test names (no sleeping).

The demo's status day is Sunday 15 November 2026: the reminder goes on Thursday the
12th at 08:00, the nudge on Wednesday the 18th, the department head is told on Monday
the 23rd. Bøgeskov Skole (Mette) owes a status on its well-being goal.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import outbox as outbox_edge
from fakebf import FakeBotFramework, Message
from goalkit import personal_messages, press
from harness import (
    RunningPejling,
    at,
    button_data,
    buttons,
    card_text,
    install,
    person_id,
    rows,
    two_on_postgresql,
)
from store import outbox
from store.claims import CLAIM_LEASE
from store.enums import DispatchState
from store.models import Dispatch, Person
from store.orgfile import OrgFile
from store.outbox_planning import Source

DANISH = ZoneInfo("Europe/Copenhagen")
REMIND = datetime(2026, 11, 12, 8, 0, tzinfo=DANISH)
NUDGE = datetime(2026, 11, 18, 8, 0, tzinfo=DANISH)
ESCALATE = datetime(2026, 11, 23, 8, 0, tzinfo=DANISH)
MINUTE = timedelta(minutes=1)


async def tick(pejling: RunningPejling, now: datetime, owner: str = "a") -> list[str]:
    """The scheduler's tick at `now`, for the year's reminders: the keys sent."""
    at(pejling, now)
    done = await outbox_edge.tick(pejling.runtime.proactive, now, owner, [Source.REMINDERS])
    return [r.key for r in done if r.sent]


def reminders_to(pejling: RunningPejling, key: str) -> list[Message]:
    """The reminder cards in `key`'s personal chat (they offer `udsæt`), oldest first."""
    return [m for m in personal_messages(pejling, key) if m.cards and "Udsæt" in str(m.cards)]


@pytest.fixture
async def mette(pejling: RunningPejling) -> RunningPejling:
    await install(pejling, "mette", "henrik")
    return pejling


async def test_a_leader_is_reminded_with_the_button_that_does_the_work(
    mette: RunningPejling,
) -> None:
    sent = await tick(mette, REMIND)

    assert f"goal:status:2026-11-15:remind:{await person_id(mette, 'mette')}" in sent
    [reminder] = reminders_to(mette, "mette")
    said = card_text(reminder.cards[0])
    assert said.startswith("Tid til statusmelding\nMeld status på jeres mål")
    assert "senest 15. november 2026" in said
    assert "Mangler for:\n- Bøgeskov Skole" in said
    assert buttons(reminder.cards[0]) == ["Meld status", "Udsæt 1 dag", "Udsæt 3 dage",
                                          "Udsæt 1 uge"]  # fmt: skip

    answer, replies = await press(mette, "mette", reminder, "Meld status")

    shown = str(answer) + str([m.activity for m in replies])
    assert "Hvilket mål vil du melde status på?" in shown


async def test_a_leader_who_reports_is_not_nudged_and_her_head_is_not_told(
    mette: RunningPejling,
) -> None:
    await tick(mette, REMIND)
    at(mette, REMIND + timedelta(hours=2))
    for answer in ("status", "1", "grøn", "Frikvartererne går godt nu.", "spring over"):
        await mette.say("mette", answer)  # the well-being goal is her first

    await tick(mette, NUDGE)
    await tick(mette, ESCALATE)

    assert len(reminders_to(mette, "mette")) == 1
    told = [m for m in personal_messages(mette, "henrik") if m.cards]
    assert all("Bøgeskov Skole" not in card_text(m.cards[0]) for m in told)
    assert any("Vuggestuen Solsikken" in card_text(m.cards[0]) for m in told)


async def test_the_department_head_is_told_who_is_late(mette: RunningPejling) -> None:
    await tick(mette, REMIND)
    await tick(mette, NUDGE)
    await tick(mette, ESCALATE)

    [told] = [m for m in personal_messages(mette, "henrik") if m.cards]
    said = card_text(told.cards[0])
    assert said.startswith("Mangler: statusmeldingen\nFristen for statusmeldingen var 15. nov")
    assert "- Bøgeskov Skole" in said and "Mette Kjærgaard" in said
    assert buttons(told.cards[0]) == []  # a department head does not snooze


async def test_udsaet_from_the_card_brings_it_back_on_the_day_chosen_and_no_nudge(
    mette: RunningPejling,
) -> None:
    await tick(mette, REMIND)
    [reminder] = reminders_to(mette, "mette")
    at(mette, REMIND + timedelta(hours=1))

    answer, _ = await press(mette, "mette", reminder, "Udsæt 3 dage")

    # 15 November is a Sunday: the working day after.
    assert "Fint. Jeg minder dig om det igen 16. november 2026." in str(answer)
    assert await tick(mette, datetime(2026, 11, 16, 7, 59, tzinfo=DANISH)) == []
    await tick(mette, datetime(2026, 11, 16, 8, 0, tzinfo=DANISH))
    await tick(mette, NUDGE)
    again = reminders_to(mette, "mette")[1:]
    assert [card_text(m.cards[0]).split("\n")[0] for m in again] == ["Påmindelse: statusmeldingen"]
    assert "Du bad om at blive mindet om det igen i dag." in card_text(again[0].cards[0])


async def test_a_typed_udsaet_puts_off_the_newest_reminder(mette: RunningPejling) -> None:
    await tick(mette, REMIND)
    at(mette, REMIND + timedelta(hours=1))

    [reply] = await mette.say("mette", "udsæt 1 uge")
    wrong = await mette.say("mette", "udsæt 2")

    assert reply.text == "Fint. Jeg minder dig om det igen 19. november 2026."
    assert wrong[0].text == "Du kan udsætte 1, 3, 7 dage."


async def test_a_snooze_from_someone_elses_card_is_refused(mette: RunningPejling) -> None:
    await install(mette, "lise")
    await tick(mette, REMIND)
    [to_lise] = reminders_to(mette, "lise")
    data = button_data(to_lise.cards[0], "Udsæt 1 dag")
    at(mette, REMIND + MINUTE)
    status, body = await mette.post(
        mette.wire.execute(mette.who("mette"), mette.personal("mette"), data, to_lise.id)
    )

    assert status == 200
    assert "Den påmindelse kan ikke udsættes." in str(body)
    snoozed = select(Dispatch).where(Dispatch.key.contains(":again:"))
    assert await rows(mette, snoozed) == []


async def test_a_429_storm_delays_a_reminder_but_it_arrives_once(mette: RunningPejling) -> None:
    conversation = mette.personal("mette").conversation_id
    path = f"/v3/conversations/{conversation}/activities"
    mette.fake.fail_next("POST", path, statuses=[429] * 3, retry_after=0)

    await tick(mette, REMIND)

    assert len(reminders_to(mette, "mette")) == 1


# --- exactly once -------------------------------------------------------------------------


class Crash(BaseException):
    """The process dies: not an error the sender can catch."""


async def test_a_crash_between_sending_and_marking_sends_at_most_one_duplicate(
    mette: RunningPejling, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = f"goal:status:2026-11-15:remind:{await person_id(mette, 'mette')}"
    real_mark = outbox_edge._mark

    async def crash_after_mettes(session: Any, row: Any, *rest: Any) -> None:
        if row.key == key:  # the process dies right after Teams took her reminder
            monkeypatch.setattr(outbox_edge, "_mark", real_mark)
            raise Crash
        await real_mark(session, row, *rest)

    monkeypatch.setattr(outbox_edge, "_mark", crash_after_mettes)
    with pytest.raises(Crash):
        await tick(mette, REMIND)
    await asyncio.sleep(0.5)  # the batch's other sends finish, as a dying process's might
    sent_before = len(reminders_to(mette, "mette"))

    await tick(mette, REMIND + MINUTE)  # within the lease: nobody takes the held row
    await tick(mette, REMIND + CLAIM_LEASE + MINUTE)  # the lease is over: sent again

    [row] = await rows(mette, select(Dispatch).where(Dispatch.key == key))
    assert (row.state, row.attempts) == (DispatchState.SENT, 2)
    # Sent before the crash, and once more when the lease ended: the one duplicate.
    assert sent_before == 1 and len(reminders_to(mette, "mette")) == 2


@pytest.fixture
async def two_instances(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[tuple[RunningPejling, RunningPejling]]:
    """Two Pejling instances on one PostgreSQL database, as a municipality runs them."""
    async with two_on_postgresql(fake_bf, tmp_path, demo_org) as both:
        yield both


async def test_two_instances_on_one_postgresql_send_each_reminder_once(
    two_instances: tuple[RunningPejling, RunningPejling],
) -> None:
    first, second = two_instances
    leaders = ("mette", "jonas", "lise", "sara", "karin", "peter", "ahmed", "henrik", "birgitte")
    await install(first, *leaders)
    moments = [REMIND, REMIND + MINUTE, NUDGE, NUDGE + 2 * MINUTE, ESCALATE, ESCALATE + MINUTE]

    for now in moments:
        a, b = await asyncio.gather(tick(first, now, "a"), tick(second, now, "b"))
        assert set(a).isdisjoint(b)

    got = {key: [card_text(m.cards[0]) for m in personal_messages(first, key) if m.cards]
           for key in leaders}  # fmt: skip
    assert all(len(cards) == len(set(cards)) for cards in got.values()), got
    assert len(got["mette"]) == 2  # the reminder and the nudge
    assert len(got["henrik"]) == 1 and len(got["birgitte"]) == 1
    assert got["jonas"] == [] and got["karin"] == []
    planned = await rows(first, select(Dispatch.state))
    assert set(planned) == {DispatchState.SENT}
    async with first.runtime.sessions() as session:
        assert await outbox.take(session, ESCALATE + timedelta(days=1), "c") == []


# --- the administration's list ------------------------------------------------------------

MONDAY = datetime(2026, 11, 16, 8, 0, tzinfo=DANISH)


async def unreached_tick(pejling: RunningPejling, now: datetime) -> list[str]:
    at(pejling, now)
    done = await outbox_edge.tick(pejling.runtime.proactive, now, "a", [Source.UNREACHED])
    return [r.key for r in done if r.sent]


async def test_the_administration_hears_on_mondays_whom_pejling_cannot_reach(
    pejling: RunningPejling,
) -> None:
    await install(pejling, "camilla", "mette")

    assert await unreached_tick(pejling, MONDAY - MINUTE) == []
    sent = await unreached_tick(pejling, MONDAY)
    assert await unreached_tick(pejling, MONDAY + timedelta(hours=3)) == []

    assert sent == [f"unreached:2026-W47:{await person_id(pejling, 'camilla')}"]
    [listed] = [m for m in personal_messages(pejling, "camilla") if m.cards]
    said = card_text(listed.cards[0])
    assert said.startswith("Pejling kan ikke nå alle\n")
    assert "- Jonas Bach – har aldrig åbnet Pejling" in said
    assert "Mette Kjærgaard" not in said


async def test_nobody_is_told_when_everyone_can_be_reached(pejling: RunningPejling) -> None:
    everyone = ("mette", "jonas", "lise", "sara", "karin", "peter", "ahmed", "henrik",
                "birgitte", "camilla", "jens", "inger")  # fmt: skip
    await install(pejling, *everyone)
    async with pejling.runtime.sessions() as session:
        left = await session.scalars(select(Person.key).where(Person.key.not_in(everyone)))
        await install(pejling, *left)

    assert await unreached_tick(pejling, MONDAY) == []
