"""Committee digests: the digest period a moment falls in, what a digest holds, and the
guard that lets one run, and only one, post it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from meetingkit import (
    WHEN,
    approve_summary,
    content_for,
    plan_meeting,
    send_for_comments,
    write_summary,
)
from store import bearings
from store.claims import CLAIM_LEASE
from store.digests import (
    build_digest,
    claim,
    digest_window,
    mark_failed,
    mark_sent,
    previous_post,
)
from store.enums import Color, ColorScale
from store.importer import import_org
from store.models import Committee, DigestPost, Goal, Municipality, StatusUpdate
from store.orgfile import OrgFile
from store.status import current_period, record_status
from store.views import DigestGoal, DigestView, DigestWindow
from store_helpers import NOW, TODAY, OrgDict, Sessions, actor_of, edited, id_of, statements

DANISH = ZoneInfo("Europe/Copenhagen")
MONTHLY = "0 7 1-7 * mon"  # the demo's Børne- og Uddannelsesudvalget: first Monday, 7.00
WEEKLY = "0 7 * * mon"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment given in Danish time."""
    return datetime(year, month, day, hour, minute, tzinfo=DANISH)


def hours(window: DigestWindow) -> float:
    return (window.end.astimezone(UTC) - window.start.astimezone(UTC)) / timedelta(hours=1)


def in_utc(window: DigestWindow) -> tuple[datetime, datetime]:
    return window.start.astimezone(UTC), window.end.astimezone(UTC)


async def committee(session: AsyncSession, org: OrgFile, key: str) -> Committee:
    return await session.get_one(Committee, await id_of(session, Committee, key, org))


async def digest_of(sessions: Sessions, org: OrgFile, key: str, now: datetime = NOW) -> DigestView:
    async with sessions() as session:
        row = await committee(session, org, key)
        return await build_digest(session, row, digest_window(row.digest_schedule, now), now)


def goal_in(digest: DigestView, title: str) -> DigestGoal:
    return next(g for g in digest.goals if g.goal.title == title)


async def report(
    sessions: Sessions, org: OrgFile, person: str, goal_key: str, color: Color, at: datetime
) -> None:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        goal_id = await id_of(session, Goal, goal_key, org)
        await record_status(session, actor, goal_id, color, f"{color} on {at:%d/%m}", None, at)


async def claim_now(sessions: Sessions, org: OrgFile, now: datetime = NOW) -> bool:
    async with sessions.begin() as session:
        row = await committee(session, org, "buu")
        return await claim(session, row, digest_window(row.digest_schedule, now), now)


async def sent_at(sessions: Sessions, org: OrgFile, posted: datetime) -> None:
    """Claim this digest period and mark it posted at `posted`."""
    async with sessions.begin() as session:
        row = await committee(session, org, "buu")
        window = digest_window(row.digest_schedule, posted)
        assert await claim(session, row, window, posted)
        await mark_sent(session, row.id, window, "19:buu@thread.tacv2", "1700", posted)


# The digest period


def test_a_weekly_schedule_gives_monday_to_monday() -> None:
    window = digest_window(WEEKLY, NOW)
    assert window.key == "2026-11-16T07:00"
    assert (window.start, window.end) == (local(2026, 11, 16, 7), local(2026, 11, 23, 7))


def test_the_scheduled_moment_itself_opens_the_next_window() -> None:
    assert digest_window(WEEKLY, local(2026, 11, 23, 7)).key == "2026-11-23T07:00"
    just_before = local(2026, 11, 23, 7) - timedelta(microseconds=1)
    assert digest_window(WEEKLY, just_before).key == "2026-11-16T07:00"


def test_the_demos_monthly_schedule_runs_from_first_monday_to_first_monday() -> None:
    window = digest_window(MONTHLY, NOW)
    assert window.key == "2026-11-02T07:00"
    assert (window.start, window.end) == (local(2026, 11, 2, 7), local(2026, 12, 7, 7))


def test_the_first_monday_before_seven_still_belongs_to_last_month() -> None:
    assert digest_window(MONTHLY, local(2026, 12, 7, 6, 59)).key == "2026-11-02T07:00"


def test_without_a_schedule_the_windows_are_iso_weeks() -> None:
    window = digest_window(None, NOW)
    assert window.key == "2026-11-16T00:00"
    assert (window.start, window.end) == (local(2026, 11, 16), local(2026, 11, 23))
    assert window.start.astimezone(DANISH).isocalendar()[1:] == (47, 1)


def test_windows_follow_each_other_without_gaps() -> None:
    first = digest_window(MONTHLY, NOW)
    second = digest_window(MONTHLY, first.end)
    assert second.start == first.end
    assert second.key == "2026-12-07T07:00"


def test_across_the_change_to_summer_time_the_window_keeps_seven_danish() -> None:
    """Summer time starts on Sunday 28 March 2027: that week has 167 hours."""
    window = digest_window(WEEKLY, local(2027, 3, 24, 12))
    assert window.start == datetime(2027, 3, 22, 6, tzinfo=UTC)  # 07:00 CET
    assert window.end == datetime(2027, 3, 29, 5, tzinfo=UTC)  # 07:00 CEST
    assert window.end.astimezone(DANISH).hour == 7
    assert hours(window) == 167


def test_across_the_change_to_winter_time_the_window_keeps_seven_danish() -> None:
    """Summer time ends on Sunday 31 October 2027: that week has 169 hours."""
    window = digest_window(WEEKLY, local(2027, 10, 27, 12))
    assert window.start == datetime(2027, 10, 25, 5, tzinfo=UTC)  # 07:00 CEST
    assert window.end == datetime(2027, 11, 1, 6, tzinfo=UTC)  # 07:00 CET
    assert window.end.astimezone(DANISH).hour == 7
    assert hours(window) == 169


def test_the_week_after_the_change_is_an_ordinary_week_again() -> None:
    window = digest_window(WEEKLY, local(2027, 3, 30, 12))
    assert window.key == "2027-03-29T07:00"
    assert hours(window) == 168


def test_a_schedule_in_the_hour_the_autumn_change_repeats_fires_in_both() -> None:
    """On 31 October 2027 the clock shows 02:30 twice; a daily 02:30 schedule gives a short
    window from the first to the second, and a full one from the second to the next day."""
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 summer time
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 winter time
    between = digest_window("30 2 * * *", first + timedelta(minutes=15))
    after = digest_window("30 2 * * *", second + timedelta(minutes=15))
    # In UTC: a local time in the repeated hour never compares equal to another zone's.
    assert in_utc(between) == (first, second)
    assert in_utc(after) == (second, datetime(2027, 11, 1, 1, 30, tzinfo=UTC))


@pytest.mark.parametrize("schedule", ["30 2 * * *", "0 2 * * sun", "*/20 * * * *", WEEKLY])
@pytest.mark.parametrize(
    "night",
    [datetime(2027, 3, 27, 22, tzinfo=UTC), datetime(2027, 10, 30, 22, tzinfo=UTC)],
    ids=["spring", "autumn"],
)
def test_every_window_across_a_clock_change_holds_the_moment_asked_for(
    schedule: str, night: datetime
) -> None:
    for minutes in range(0, 8 * 60, 7):
        at = night + timedelta(minutes=minutes)
        window = digest_window(schedule, at)
        assert window.start.astimezone(UTC) <= at < window.end.astimezone(UTC), at


# What a digest holds


async def test_a_digest_holds_only_its_committees_units_and_goals(
    sessions: Sessions, demo: OrgFile
) -> None:
    digest = await digest_of(sessions, demo, "buu")
    assert (digest.committee_key, digest.municipality_name) == ("buu", "Bøgeskov Kommune")
    assert [unit.name for unit in digest.units] == [
        "Bøgeskov Skole",
        "Børnehaven Troldehøj",
        "Børnehuset Mælkebøtten",
        "Engholm Skole",
        "Vuggestuen Solsikken",
    ]
    assert len(digest.goals) == 7
    assert "Mere meningsfuld hverdag for beboerne" not in {g.goal.title for g in digest.goals}


async def test_a_digest_counts_the_goals_per_colour(sessions: Sessions, demo: OrgFile) -> None:
    digest = await digest_of(sessions, demo, "buu")
    counts = {color: digest.count(color) for color in (*Color, None)}
    assert counts == {Color.GREEN: 2, Color.YELLOW: 2, Color.RED: 1, None: 2}


async def test_a_digest_shows_the_period_and_the_window(sessions: Sessions, demo: OrgFile) -> None:
    digest = await digest_of(sessions, demo, "buu")
    assert digest.period is not None
    assert digest.period.name == "Valgperioden 2026–2029"
    assert digest.window == digest_window(MONTHLY, NOW)


async def test_each_goal_shows_its_latest_status(sessions: Sessions, demo: OrgFile) -> None:
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", Color.RED, NOW - timedelta(1))
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", Color.GREEN, NOW)

    trivsel = goal_in(
        await digest_of(sessions, demo, "buu"), "Flere elever trives i frikvartererne"
    )
    assert trivsel.goal.latest is not None
    assert (trivsel.goal.latest.color, trivsel.goal.latest.reported_by) == (
        Color.GREEN,
        "Mette Kjærgaard",
    )


async def test_with_no_digest_sent_a_change_counts_from_the_window_start(
    sessions: Sessions, demo: OrgFile
) -> None:
    window = digest_window(MONTHLY, NOW)
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", Color.GREEN, window.start)

    digest = await digest_of(sessions, demo, "buu")

    assert digest.since == window.start
    changed = [g.goal.title for g in digest.goals if g.changed]
    assert changed == ["Flere elever trives i frikvartererne"]


async def test_a_changed_goal_shows_the_status_before_the_change(
    sessions: Sessions, demo: OrgFile
) -> None:
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", Color.RED, NOW - timedelta(2))
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", Color.GREEN, NOW)

    trivsel = goal_in(
        await digest_of(sessions, demo, "buu"), "Flere elever trives i frikvartererne"
    )
    assert trivsel.changed
    assert trivsel.previous is not None
    assert trivsel.previous.color is Color.YELLOW  # from September, before this digest period


async def test_an_unchanged_goal_has_its_latest_as_previous(
    sessions: Sessions, demo: OrgFile
) -> None:
    fravaer = goal_in(await digest_of(sessions, demo, "buu"), "Mindre fravær i udskolingen")
    assert not fravaer.changed
    assert fravaer.previous == fravaer.goal.latest


async def test_changes_count_from_the_last_digest_sent(sessions: Sessions, demo: OrgFile) -> None:
    """A digest went out on 19 November: a status of the 17th was in it, one of the 21st
    is new."""
    await report(sessions, demo, "mette", "boegeskov-skole-trivsel", Color.RED, NOW - timedelta(5))
    await sent_at(sessions, demo, NOW - timedelta(3))
    await report(sessions, demo, "jonas", "engholm-skole-fravaer", Color.YELLOW, NOW - timedelta(1))

    digest = await digest_of(sessions, demo, "buu", NOW)

    assert digest.since == NOW - timedelta(3)
    assert [g.goal.title for g in digest.goals if g.changed] == ["Mindre fravær i udskolingen"]
    trivsel = goal_in(digest, "Flere elever trives i frikvartererne")
    assert trivsel.previous is not None and trivsel.previous.color is Color.RED


async def test_a_failed_digest_does_not_move_the_start_of_changes(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        row = await committee(session, demo, "buu")
        window = digest_window(row.digest_schedule, NOW - timedelta(3))
        assert await claim(session, row, window, NOW - timedelta(3))
        await mark_failed(session, row.id, window, "502 Bad Gateway")

    digest = await digest_of(sessions, demo, "buu")

    assert digest.since == digest_window(MONTHLY, NOW).start


async def test_a_goal_with_no_status_since_the_last_status_day_is_missing(
    sessions: Sessions, demo: OrgFile
) -> None:
    """On 22 November the status day 15 November was due; a status counts for it from 1
    October (as the reminders count it). September's statuses are from the day before."""
    digest = await digest_of(sessions, demo, "buu")
    stale = {g.goal.title for g in digest.goals if g.stale}
    assert digest.status_day == date(2026, 11, 15)
    assert stale == {
        "Mere udeliv og natur i hverdagen",  # no status at all
        "Sprogindsats for de 0–3-årige",
        "Flere elever trives i frikvartererne",  # 14 September
        "Tættere samarbejde med forældrene",  # 30 September
    }


async def test_a_goal_whose_only_status_is_from_before_the_period_is_stale(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        goal_id = await id_of(session, Goal, "solsikken-sprog", demo)
        goal = await session.get_one(Goal, goal_id)
        session.add(
            StatusUpdate(
                municipality_id=goal.municipality_id,
                goal_id=goal_id,
                color=Color.GREEN,
                narrative="Fra sidste periode.",
                reported_at=local(2025, 12, 15, 12),
            )
        )

    sprog = goal_in(await digest_of(sessions, demo, "buu"), "Sprogindsats for de 0–3-årige")
    assert sprog.goal.latest is not None
    assert sprog.stale


async def test_a_committee_without_goals_gives_an_empty_digest(
    sessions: Sessions, demo: OrgFile
) -> None:
    def empty(raw: OrgDict) -> None:
        raw["committees"].append({"key": "kfu", "name": "Kultur- og Fritidsudvalget"})

    async with sessions.begin() as session:
        await import_org(session, edited(demo, empty))
    digest = await digest_of(sessions, demo, "kfu")
    assert digest.units == ()
    assert digest.count(None) == 0


def with_committee(raw: OrgDict, key: str, units: int) -> None:
    """Add committee `key` with `units` units of three goals with two statuses each."""
    raw["committees"].append({"key": key, "name": f"Udvalget {key}"})
    raw["departments"].append({"key": f"{key}-center", "name": f"Center {key}", "committee": key})
    for u in range(units):
        unit = f"{key}-unit-{u}"
        goals = [
            {
                "key": f"{unit}-goal-{g}",
                "title": f"Mål {g}",
                "bearing": "buu-trivsel",
                "status": [
                    {"color": "red", "date": "2026-09-01", "by": "mette", "narrative": "Før."},
                    {"color": "green", "date": "2026-11-20", "by": "mette", "narrative": "Nu."},
                ],
            }
            for g in range(3)
        ]
        raw["units"].append(
            {"key": unit, "name": f"Enhed {u}", "type": "skole", "department": f"{key}-center"}
            | {"goals": goals}
        )


async def test_a_digest_takes_the_same_number_of_queries_whatever_the_committees_size(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    def small_and_large(raw: OrgDict) -> None:
        with_committee(raw, "small", 2)
        with_committee(raw, "large", 40)

    async with sessions.begin() as session:
        await import_org(session, edited(demo, small_and_large))

    with statements(engine) as small:
        small_digest = await digest_of(sessions, demo, "small")
    with statements(engine) as large:
        large_digest = await digest_of(sessions, demo, "large")

    assert (len(small_digest.goals), len(large_digest.goals)) == (6, 120)
    assert len(large) == len(small)


# Posting once per committee and digest period


async def test_the_first_claim_wins_and_the_second_is_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    assert await claim_now(sessions, demo) is True
    assert await claim_now(sessions, demo) is False


async def test_a_claim_is_recorded_with_its_window(sessions: Sessions, demo: OrgFile) -> None:
    await claim_now(sessions, demo)
    async with sessions() as session:
        row = await committee(session, demo, "buu")
        post = await previous_post(session, row.id, digest_window(MONTHLY, NOW))
    assert post is not None
    assert (post.state, post.period_key, post.claimed_at) == ("claimed", "2026-11-02T07:00", NOW)


async def test_a_failed_claim_can_be_taken_again(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        row = await committee(session, demo, "buu")
        window = digest_window(row.digest_schedule, NOW)
        assert await claim(session, row, window, NOW)
        await mark_failed(session, row.id, window, "502 Bad Gateway")

    assert await claim_now(sessions, demo, NOW + timedelta(minutes=1)) is True
    async with sessions() as session:
        post = await previous_post(session, row.id, window)
    assert post is not None
    assert (post.state, post.error) == ("claimed", None)


async def test_a_claim_older_than_the_lease_is_taken_to_be_abandoned(
    sessions: Sessions, demo: OrgFile
) -> None:
    assert await claim_now(sessions, demo, NOW)
    assert await claim_now(sessions, demo, NOW + CLAIM_LEASE + timedelta(seconds=1)) is True


async def test_a_claim_within_the_lease_is_respected(sessions: Sessions, demo: OrgFile) -> None:
    assert await claim_now(sessions, demo, NOW)
    assert await claim_now(sessions, demo, NOW + CLAIM_LEASE - timedelta(seconds=1)) is False


async def test_a_sent_digest_is_never_claimed_again(sessions: Sessions, demo: OrgFile) -> None:
    await sent_at(sessions, demo, NOW)
    assert await claim_now(sessions, demo, NOW + timedelta(days=1)) is False


async def test_the_next_digest_period_can_be_claimed(sessions: Sessions, demo: OrgFile) -> None:
    await sent_at(sessions, demo, NOW)
    next_period = digest_window(MONTHLY, NOW).end
    assert await claim_now(sessions, demo, next_period) is True


async def test_each_committee_has_its_own_claim(sessions: Sessions, demo: OrgFile) -> None:
    await claim_now(sessions, demo)
    async with sessions.begin() as session:
        ssu = await committee(session, demo, "ssu")
        assert await claim(session, ssu, digest_window(MONTHLY, NOW), NOW) is True


def together(engine: AsyncEngine, runs: int) -> asyncio.Barrier | None:
    """A barrier the runs meet at once each has its transaction open, so on PostgreSQL their
    writes overlap. SQLite's BEGIN IMMEDIATE already makes the second writer wait for the
    first; a barrier there would deadlock with that lock."""
    return asyncio.Barrier(runs) if engine.dialect.name == "postgresql" else None


async def contend(
    sessions: Sessions, org: OrgFile, now: datetime, meet: asyncio.Barrier | None
) -> bool:
    async with sessions.begin() as session:
        row = await committee(session, org, "buu")  # opens the transaction, as bot/digest does
        if meet is not None:
            await meet.wait()
        return await claim(session, row, digest_window(row.digest_schedule, now), now)


async def test_two_runs_claiming_at_once_give_one_winner(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    meet = together(engine, 2)
    outcomes = await asyncio.gather(
        contend(sessions, demo, NOW, meet), contend(sessions, demo, NOW, meet)
    )
    assert sorted(outcomes) == [False, True]


async def test_two_runs_retaking_an_abandoned_claim_at_once_give_one_winner(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    await claim_now(sessions, demo, NOW - timedelta(hours=1))
    meet = together(engine, 2)
    outcomes = await asyncio.gather(
        contend(sessions, demo, NOW, meet), contend(sessions, demo, NOW, meet)
    )
    assert sorted(outcomes) == [False, True]


async def test_marking_sent_records_where_and_when(sessions: Sessions, demo: OrgFile) -> None:
    await sent_at(sessions, demo, NOW)
    async with sessions() as session:
        row = await committee(session, demo, "buu")
        post = await previous_post(session, row.id, digest_window(MONTHLY, NOW))
    assert post is not None
    assert (post.state, post.posted_at, post.conversation_id, post.activity_id) == (
        "sent",
        NOW,
        "19:buu@thread.tacv2",
        "1700",
    )


async def test_a_new_schedule_starts_new_digest_periods(sessions: Sessions, demo: OrgFile) -> None:
    """The committee goes from monthly to weekly digests: this week's digest may go out,
    though this month's already did."""
    await sent_at(sessions, demo, NOW)
    async with sessions.begin() as session:
        row = await committee(session, demo, "buu")
        row.digest_schedule = WEEKLY
    assert await claim_now(sessions, demo, NOW) is True
    async with sessions() as session:
        keys = set(await session.scalars(select(DigestPost.period_key)))
    assert keys == {"2026-11-02T07:00", "2026-11-16T07:00"}


@pytest.mark.parametrize("schedule", [MONTHLY, WEEKLY, None])
def test_every_window_holds_the_moment_it_was_asked_for(schedule: str | None) -> None:
    for days in range(0, 400, 9):
        at = NOW + timedelta(days=days, hours=days % 24)
        window = digest_window(schedule, at)
        assert window.start <= at < window.end


# A municipality without goals (Dragør)

AFTER_MEETING = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)  # 11 days after meetingkit's WHEN


async def as_dragoer(sessions: Sessions) -> None:
    """The municipality turns to Dragør's profile after goals were stored for it."""
    async with sessions.begin() as session:
        await session.execute(update(Municipality).values(profile="dragoer"))


async def approved_summary(sessions: Sessions, org: OrgFile) -> None:
    """A dialogue meeting of Børne- og Uddannelsesudvalget, held, summed up and approved."""
    planned = await plan_meeting(sessions, org)
    written = await write_summary(
        sessions, org, planned.meeting.id, content_for(planned.meeting), now=AFTER_MEETING
    )
    sent = await send_for_comments(sessions, org, written, today=AFTER_MEETING.date())
    await approve_summary(sessions, org, sent, now=AFTER_MEETING + timedelta(days=8))


async def test_without_goals_the_digest_shows_no_goal_even_if_some_are_stored(
    sessions: Sessions, demo: OrgFile
) -> None:
    await as_dragoer(sessions)
    digest = await digest_of(sessions, demo, "buu")
    assert digest.uses_goals is False
    assert (digest.units, digest.goals, digest.since_meeting, digest.status_day) == (
        (),
        (),
        None,
        None,
    )
    assert digest.bearings and all(entry.colors == () for entry in digest.bearings)


async def test_without_goals_the_digest_has_the_approved_summaries_of_the_meetings(
    sessions: Sessions, demo: OrgFile
) -> None:
    await as_dragoer(sessions)
    await approved_summary(sessions, demo)
    digest = await digest_of(sessions, demo, "buu", AFTER_MEETING + timedelta(days=9))
    (summary,) = digest.summaries
    assert summary.meeting_at == WHEN
    assert summary.general == "Et godt møde med åben dialog."
    assert summary.units == (
        ("Bøgeskov Skole", "Bøgeskov Skole fortalte om året."),
        ("Børnehuset Mælkebøtten", "Børnehuset Mælkebøtten fortalte om året."),
    )


async def test_with_goals_the_digest_leaves_the_summaries_to_the_goals(
    sessions: Sessions, demo: OrgFile
) -> None:
    await approved_summary(sessions, demo)
    digest = await digest_of(sessions, demo, "buu", AFTER_MEETING + timedelta(days=9))
    assert digest.summaries == () and digest.goals


async def test_without_goals_the_bearings_are_traced_to_no_goal(
    sessions: Sessions, demo: OrgFile
) -> None:
    await as_dragoer(sessions)
    async with sessions() as session:
        row = await committee(session, demo, "buu")
        period = await current_period(session, row.municipality_id, TODAY)
        assert period is not None
        shown = await bearings.traced(session, row, period)
    assert shown.uses_goals is False
    assert shown.bearings and all(entry.goals == () for entry in shown.bearings)


async def test_a_digest_knows_its_colours_tell_what_is_expected(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Hvidovre's status colours are the leaders' expectation; fulfilment is the report's."""
    digest = await digest_of(sessions, demo, "buu")
    assert digest.status_scale is ColorScale.EXPECTED
