"""The year's reminders, by moving the clock (no sleeping): who is reminded of what and
when, only while it is not done; the nudge, the escalation to the department head, the
snooze, the deputy; days off and daylight-saving changes; and the outbox that sends each
once, even with two senders at once.

The demo municipality works by Hvidovre's profile: status on 15 March, June, September
and November; a reminder three days before, a nudge three days after, the department
head told after seven. Its goals' last statuses are from September and October 2026.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from dialoger import outbox_kinds
from store import absences, outbox
from store import reminders as reminders_store
from store.enums import Color, DispatchState
from store.models import Dispatch, Goal, Person
from store.orgfile import OrgFile
from store.outbox import Kind
from store.outbox_planning import Source
from store.profiles import ReminderSettings, profile
from store.reminders import Item, stage_times
from store.reminderviews import Reminder, Stage
from store.status import record_status
from store.views import ItemKind
from store_helpers import Sessions, actor_of, id_of

DANISH = ZoneInfo("Europe/Copenhagen")
HVIDOVRE = profile("hvidovre")
CLOSED = HVIDOVRE.cycle.closed_days


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=DANISH)


# The status day 15 November 2026 (a Sunday), for the demo.
REMIND = local(2026, 11, 12)  # Thursday, three days before
NUDGE = local(2026, 11, 18)  # Wednesday, three days after
ESCALATE = local(2026, 11, 23)  # 22 November is a Sunday: Monday
HOUR = timedelta(hours=1)


def status_item(deadline: date) -> Item:
    return Item(ItemKind.STATUS, deadline, period_id=1)


# --- when ---------------------------------------------------------------------------------


def test_a_status_day_is_reminded_before_nudged_after_and_escalated_a_week_on() -> None:
    times = stage_times(status_item(date(2026, 11, 15)), HVIDOVRE.reminders, CLOSED)
    assert times == {Stage.REMIND: REMIND, Stage.NUDGE: NUDGE, Stage.ESCALATE: ESCALATE}


def test_reminders_come_at_eight_danish_time_in_summer_and_winter() -> None:
    summer = stage_times(status_item(date(2027, 9, 15)), HVIDOVRE.reminders, CLOSED)
    winter = stage_times(status_item(date(2027, 11, 15)), HVIDOVRE.reminders, CLOSED)
    # 12 September 2027 is a Sunday: the Friday before.
    assert summer[Stage.REMIND].astimezone(UTC) == datetime(2027, 9, 10, 6, 0, tzinfo=UTC)
    assert winter[Stage.REMIND].astimezone(UTC) == datetime(2027, 11, 12, 7, 0, tzinfo=UTC)
    assert {t.astimezone(DANISH).hour for t in (*summer.values(), *winter.values())} == {8}


def test_a_reminder_in_the_week_of_the_spring_clock_change_keeps_its_hour() -> None:
    # Jammerbugt: status 31 March, a week before. 2027's change is on Sunday 28 March.
    settings = profile("jammerbugt").reminders
    times = stage_times(status_item(date(2027, 3, 31)), settings, CLOSED)
    assert times[Stage.REMIND] == local(2027, 3, 24)  # CET
    assert times[Stage.NUDGE] == local(2027, 4, 5)  # CEST; 3 April is a Saturday
    assert times[Stage.NUDGE].astimezone(UTC).hour == 6


def test_easter_moves_the_reminder_to_the_last_working_day_before() -> None:
    # Three days before 31 March 2027 is Easter Sunday; Friday and Thursday are holidays.
    times = stage_times(status_item(date(2027, 3, 31)), HVIDOVRE.reminders, CLOSED)
    assert times[Stage.REMIND] == local(2027, 3, 24)


def test_a_closed_day_moves_the_reminder_too() -> None:
    # Three days before Monday 27 December is Christmas Eve, a closed day.
    times = stage_times(status_item(date(2027, 12, 27)), HVIDOVRE.reminders, CLOSED)
    assert times[Stage.REMIND] == local(2027, 12, 23)
    # A nudge that would fall on New Year's Eve comes after New Year's Day.
    late = stage_times(status_item(date(2027, 12, 28)), HVIDOVRE.reminders, CLOSED)
    assert late[Stage.NUDGE] == local(2028, 1, 3)


def test_the_escalation_must_come_after_the_nudge() -> None:
    with pytest.raises(ValueError, match="after the nudge"):
        ReminderSettings(nudge_days=7, escalate_days=7)


# --- planning over the demo --------------------------------------------------------------


async def plan(sessions: Sessions, now: datetime) -> list[Dispatch]:
    """One planning tick at `now` for the year's reminders: the rows it added."""
    async with sessions.begin() as session:
        before = set(await session.scalars(select(Dispatch.id)))
        await outbox_kinds.plan_due(session, now, [Source.REMINDERS])
        rows = await session.scalars(select(Dispatch).order_by(Dispatch.key))
        return [row for row in rows if row.id not in before]


async def people(sessions: Sessions, org: OrgFile) -> dict[int, str]:
    async with sessions() as session:
        rows = await session.execute(select(Person.id, Person.key))
        return dict(rows.all())


async def who(sessions: Sessions, org: OrgFile, rows: list[Dispatch]) -> list[tuple[str, str]]:
    """(stage, person key) of each row, sorted."""
    keys = await people(sessions, org)
    return sorted((r.payload["stage"], keys[r.payload["person"]]) for r in rows)


async def report(sessions: Sessions, org: OrgFile, person: str, goal: str, at: datetime) -> None:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        goal_id = await id_of(session, Goal, goal, org)
        await record_status(session, actor, goal_id, Color.GREEN, "Det går fint.", None, at)


async def test_nothing_is_planned_before_the_reminder_time(
    sessions: Sessions, demo: OrgFile
) -> None:
    assert await plan(sessions, REMIND - HOUR) == []


async def test_leaders_who_owe_a_status_are_reminded_and_the_rest_are_not(
    sessions: Sessions, demo: OrgFile
) -> None:
    """jonas reported on 20 October and karin on the 12th: that counts for 15 November.
    The others owe a status on at least one goal; sara on Solsikken's, not Troldehøj's."""
    rows = await plan(sessions, REMIND)

    assert await who(sessions, demo, rows) == [
        ("remind", "ahmed"), ("remind", "lise"), ("remind", "mette"), ("remind", "peter"),
        ("remind", "sara"),
    ]  # fmt: skip
    assert {r.kind for r in rows} == {Kind.GOAL_REMINDER}
    assert all(r.due_at == REMIND and r.state == DispatchState.PLANNED for r in rows)


async def test_planning_again_plans_nothing_new(sessions: Sessions, demo: OrgFile) -> None:
    await plan(sessions, REMIND)
    assert await plan(sessions, REMIND + HOUR) == []


async def test_a_leader_who_reports_before_the_nudge_is_not_nudged(
    sessions: Sessions, demo: OrgFile
) -> None:
    await plan(sessions, REMIND)
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", REMIND + HOUR)

    nudged = await who(sessions, demo, await plan(sessions, NUDGE))

    assert nudged == [("nudge", "ahmed"), ("nudge", "lise"), ("nudge", "peter"), ("nudge", "sara")]


async def test_a_reminder_planned_but_done_before_sending_is_not_sent(
    sessions: Sessions, demo: OrgFile
) -> None:
    rows = await plan(sessions, REMIND)
    keys = await people(sessions, demo)
    mette = next(r for r in rows if keys[r.payload["person"]] == "mette")
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", REMIND + HOUR)

    async with sessions() as session:
        owing = await reminders_store.still_owing(
            session, mette.municipality_id, mette.key, mette.payload, REMIND + HOUR
        )
        lises = next(r for r in rows if keys[r.payload["person"]] == "lise")
        still = await reminders_store.still_owing(
            session, lises.municipality_id, lises.key, lises.payload, REMIND + HOUR
        )

    assert owing is None
    assert still is not None and [name for _, name in still.units] == ["Børnehuset Mælkebøtten"]


async def test_the_department_head_is_told_of_the_units_still_late(
    sessions: Sessions, demo: OrgFile
) -> None:
    await report(sessions, demo, "lise", "maelkeboetten-udeliv", NUDGE)
    await report(sessions, demo, "lise", "maelkeboetten-foraeldre", NUDGE)

    rows = await plan(sessions, ESCALATE)

    assert await who(sessions, demo, rows) == [("escalate", "birgitte"), ("escalate", "henrik")]
    keys = await people(sessions, demo)
    told = next(r for r in rows if keys[r.payload["person"]] == "henrik")
    async with sessions() as session:
        owing = await reminders_store.still_owing(
            session, told.municipality_id, told.key, told.payload, ESCALATE
        )
    assert owing is not None
    assert [name for _, name in owing.units] == ["Bøgeskov Skole", "Vuggestuen Solsikken"]
    assert owing.leaders == ("Mette Kjærgaard", "Sara Nielsen")


async def test_a_tick_missed_while_down_is_caught_up_within_two_days(
    sessions: Sessions, demo: OrgFile
) -> None:
    late = await plan(sessions, REMIND + timedelta(days=1, hours=23))
    assert len(late) == 5


async def test_a_reminder_more_than_two_days_late_is_left_for_the_nudge(
    sessions: Sessions, demo: OrgFile
) -> None:
    assert await plan(sessions, REMIND + timedelta(days=2, hours=1)) == []
    assert len(await plan(sessions, NUDGE)) == 5


# --- out of office, deputy, snooze ------------------------------------------------------


async def away(
    sessions: Sessions, org: OrgFile, person: str, deputy: str | None, until: date
) -> None:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        stands_in = await id_of(session, Person, deputy, org) if deputy else None
        today = REMIND.date() - timedelta(days=1)
        await absences.register(
            session, actor, actor.person_id, today, until, stands_in, REMIND - timedelta(days=1)
        )


async def test_an_absent_leaders_deputy_gets_the_reminder_for_her_unit(
    sessions: Sessions, demo: OrgFile
) -> None:
    await away(sessions, demo, "mette", "jonas", date(2026, 11, 20))

    rows = await plan(sessions, REMIND)

    assert await who(sessions, demo, rows) == [
        ("remind", "ahmed"), ("remind", "jonas"), ("remind", "lise"), ("remind", "peter"),
        ("remind", "sara"),
    ]  # fmt: skip
    [to_jonas] = [r for r in rows if r.payload["on_behalf_of"]]
    async with sessions() as session:
        owing = await reminders_store.still_owing(
            session, to_jonas.municipality_id, to_jonas.key, to_jonas.payload, REMIND
        )
    assert owing is not None and owing.on_behalf_of == ("Mette Kjærgaard",)
    assert [name for _, name in owing.units] == ["Bøgeskov Skole"]


async def test_an_absent_leader_without_a_deputy_is_reminded_when_back(
    sessions: Sessions, demo: OrgFile
) -> None:
    await away(sessions, demo, "mette", None, date(2026, 11, 12))

    first = await who(sessions, demo, await plan(sessions, REMIND))
    back = await who(sessions, demo, await plan(sessions, local(2026, 11, 13)))

    assert ("remind", "mette") not in first
    assert back == [("remind", "mette")]


async def sent(sessions: Sessions, rows: list[Dispatch], at: datetime) -> None:
    async with sessions.begin() as session:
        for row in rows:
            assert await outbox.claim(session, row.municipality_id, row.key, at)
            await outbox.mark_sent(session, row.municipality_id, row.key, at)


async def test_a_snoozed_reminder_comes_again_on_the_day_chosen_and_no_nudge_before(
    sessions: Sessions, demo: OrgFile
) -> None:
    rows = await plan(sessions, REMIND)
    await sent(sessions, rows, REMIND)
    keys = await people(sessions, demo)
    mettes = next(r for r in rows if keys[r.payload["person"]] == "mette")

    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        day = await reminders_store.snooze(session, mette, mettes.key, 7, REMIND + HOUR)
        again = await reminders_store.snooze(session, mette, mettes.key, 7, REMIND + 2 * HOUR)

    assert day == again == date(2026, 11, 19)  # a Thursday: no day off in between
    nudged = await who(sessions, demo, await plan(sessions, NUDGE))
    assert ("nudge", "mette") not in nudged
    async with sessions.begin() as session:
        ready = await outbox.take(session, local(2026, 11, 19), "test")
    assert [(Reminder.of(r.payload).stage, keys[r.payload["person"]]) for r in ready
            if r.payload["stage"] == "again"] == [(Stage.AGAIN, "mette")]  # fmt: skip


async def test_only_ones_own_reminder_can_be_snoozed_and_only_for_the_days_offered(
    sessions: Sessions, demo: OrgFile
) -> None:
    rows = await plan(sessions, REMIND)
    keys = await people(sessions, demo)
    lises = next(r for r in rows if keys[r.payload["person"]] == "lise")
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        with pytest.raises(reminders_store.NotAllowed):
            await reminders_store.snooze(session, mette, lises.key, 3, REMIND)
        lise = await actor_of(session, demo, "lise")
        with pytest.raises(reminders_store.Invalid):
            await reminders_store.snooze(session, lise, lises.key, 30, REMIND)


# --- the outbox with two senders ---------------------------------------------------------


async def test_two_senders_taking_at_once_never_hold_the_same_row(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        municipality = (await session.scalars(select(Person.municipality_id))).first()
        assert municipality is not None
        many = [
            outbox.Planned(municipality, f"test:{n}", Kind.GOAL_REMINDER, REMIND, {})
            for n in range(40)
        ]
        await outbox.plan(session, many, REMIND)
    meet = asyncio.Barrier(2) if engine.dialect.name == "postgresql" else None

    async def sender(name: str) -> list[str]:
        async with sessions.begin() as session:
            await session.scalar(select(Dispatch.id).limit(1))
            if meet is not None:
                await meet.wait()
            return [t.key for t in await outbox.take(session, REMIND, name, limit=25)]

    first, second = await asyncio.gather(sender("a"), sender("b"))

    assert set(first).isdisjoint(second)
    assert len(first) + len(second) == 40


async def test_a_taken_row_is_not_taken_again_until_its_lease_ends(
    sessions: Sessions, demo: OrgFile
) -> None:
    await plan(sessions, REMIND)
    async with sessions.begin() as session:
        taken = await outbox.take(session, REMIND, "crashes")
    async with sessions.begin() as session:
        assert await outbox.take(session, REMIND + outbox.CLAIM_LEASE - HOUR / 60, "b") == []
    async with sessions.begin() as session:
        again = await outbox.take(session, REMIND + outbox.CLAIM_LEASE, "b")
    assert sorted(t.key for t in again) == sorted(t.key for t in taken)
    assert {t.attempts for t in again} == {2}


async def test_the_outbox_forgets_finished_rows_after_a_year_but_not_open_ones(
    sessions: Sessions, demo: OrgFile
) -> None:
    rows = await plan(sessions, REMIND)
    await sent(sessions, rows[:2], REMIND)
    async with sessions.begin() as session:
        assert await outbox.prune(session, REMIND) == 0  # sent at REMIND: not before it
        assert await outbox.prune(session, REMIND + timedelta(days=400)) == 2
        left = await session.scalars(select(Dispatch.state))
    assert sorted(left) == [DispatchState.PLANNED] * (len(rows) - 2)
