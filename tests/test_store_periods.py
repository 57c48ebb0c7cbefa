"""Periods as a sequence: a municipality holds past, current and next periods, and each
goal and bearing belongs to one.

Jammerbugt drafts next year's agreements in October–December, after the budget, while
this year's run (seed 004); they take over on 1 January. Hvidovre's goals run for the
election period and are adjusted after each year's budget (seed 000): a new version per
year, with its history. Importing next year's file never moves this year's goals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.devtools.time_travel import as_profile
from kort.catalogue import texts
from kort.goal_view import goal_card
from store import goals, periods
from store.enums import GoalAction, GoalState
from store.errors import Invalid, NotAllowed, OrgFileError
from store.models import Bearing, Goal, Period, Unit
from store.orgfile import OrgFile
from store.profiles import profile
from store.status import current_period
from store.status import goals_of_leader as reportable_goals
from store.views import PeriodView
from store_helpers import (
    Sessions,
    actor_of,
    approve_as,
    bearing_ids,
    edited,
    goal_content,
    id_of,
    imported,
    municipality_id,
)

T = texts("da")
NOVEMBER = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # next year's agreements are drafted
SEPTEMBER = datetime(2026, 9, 14, 10, 0, tzinfo=UTC)  # before the budget: not yet


@pytest.fixture
async def jammerbugt(sessions: Sessions, demo_org: OrgFile) -> OrgFile:
    """The demo as Jammerbugt: agreement years 2026, 2027 and 2028, the demo's goals in 2026."""
    return await imported(sessions, as_profile(demo_org, "jammerbugt", date(2026, 12, 1)))


async def period_id(sessions: Sessions, org: OrgFile, key: str) -> int:
    async with sessions() as session:
        return await id_of(session, Period, key, org)


async def draft_next_year(
    sessions: Sessions, org: OrgFile, now: datetime = NOVEMBER, **changes: object
) -> goals.Saved:
    """Mette writes a complete 2027 agreement goal for her school and sends it."""
    target = await period_id(sessions, org, "aftaleaar-2027")
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "mette")
        unit = await id_of(session, Unit, "boegeskov-skole", org)
        bearings = await bearing_ids(session, org, "buu-trivsel-2027")
        content = goal_content(bearings, **{"deadline": date(2027, 6, 1), **changes})
        return await goals.save(session, actor, unit, content, submit=True, now=now,
                                origin="nov-1", period_id=target)  # fmt: skip


async def test_in_november_a_leader_drafts_next_years_agreement_with_its_bearings_and_deadline(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    async with sessions() as session:
        actor = await actor_of(session, jammerbugt, "mette")
        context = await goals.drafting_context(session, actor, NOVEMBER.date())
        upcoming = context.periods[1]
        ahead = await goals.drafting_context(session, actor, NOVEMBER.date(), upcoming.id)
    # Both years are open: this one runs, next year's is being drafted.
    assert [p.name for p in context.periods] == ["Aftaleåret 2026", "Aftaleåret 2027"]
    assert ahead.period == upcoming
    assert next(b.title for b in ahead.bearings_for(ahead.units[0].id)).startswith("Alle børn")

    saved = await draft_next_year(sessions, jammerbugt)

    assert saved.goal.period is not None and saved.goal.period.name == "Aftaleåret 2027"
    assert saved.goal.content.deadline == date(2027, 6, 1)


async def test_a_deadline_is_checked_against_the_goals_own_period(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    """The fault: in December Pejling drafted into this year and refused a 2027 deadline."""
    async with sessions() as session:
        context = await goals.drafting_context(
            session, await actor_of(session, jammerbugt, "mette"), NOVEMBER.date()
        )
    with pytest.raises(Invalid) as refused:
        goals.check_deadline(date(2027, 6, 1), context.period)
    assert refused.value.key == "maal.frist_udenfor"
    with pytest.raises(Invalid):
        await draft_next_year(sessions, jammerbugt, deadline=date(2026, 12, 20))


async def test_next_years_goals_cannot_be_drafted_before_its_window_opens(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    async with sessions() as session:
        context = await goals.drafting_context(
            session, await actor_of(session, jammerbugt, "mette"), SEPTEMBER.date()
        )
    assert [p.name for p in context.periods] == ["Aftaleåret 2026"]
    with pytest.raises(NotAllowed) as refused:
        await draft_next_year(sessions, jammerbugt, now=SEPTEMBER)
    assert refused.value.key == "maal.periode_lukket"


async def test_approved_next_year_goals_take_over_on_1_january_by_the_date_alone(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    saved = await draft_next_year(sessions, jammerbugt)
    await approve_as(sessions, jammerbugt, "henrik", saved.goal, NOVEMBER)
    new_year_eve, new_year = date(2026, 12, 31), date(2027, 1, 1)

    async with sessions() as session:
        mette = await actor_of(session, jammerbugt, "mette")
        mine = await goals.goals_of_leader(session, mette, new_year_eve)
        before = [g.title for g in await reportable_goals(session, mette, new_year_eve)]
        after = [g.title for g in await reportable_goals(session, mette, new_year)]
        running = await current_period(session, mette.municipality_id, new_year)

    # `mine mål` in December: this year's goals, then next year's, each saying which.
    assert [g.period.name for g in mine if g.period] == [
        "Aftaleåret 2026", "Aftaleåret 2026", "Aftaleåret 2027"
    ]  # fmt: skip
    assert saved.goal.content.title not in before  # reported on from its first day only
    assert running is not None and running.name == "Aftaleåret 2027"
    assert after == [saved.goal.content.title]


async def test_a_goal_is_carried_into_the_next_period_as_a_draft_once(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    async with sessions() as session:
        source = await id_of(session, Goal, "boegeskov-skole-trivsel", jammerbugt)
    async with sessions.begin() as session:
        mette = await actor_of(session, jammerbugt, "mette")
        first = await goals.carry_over(session, mette, source, NOVEMBER)
    async with sessions.begin() as session:
        mette = await actor_of(session, jammerbugt, "mette")
        again = await goals.carry_over(session, mette, source, NOVEMBER)
        shown = await goals.goal_detail(session, mette, first.goal.id)
        copies = await session.scalar(select(func.count()).where(Goal.origin.like("carried:%")))

    assert (first.created, again.created, again.goal.id) == (True, False, first.goal.id)
    assert copies == 1
    assert (
        shown.state is GoalState.DRAFT and shown.period and shown.period.name == "Aftaleåret 2027"
    )
    assert shown.events[0].action is GoalAction.CARRIED_OVER
    assert shown.events[0].carried_from == "Aftaleåret 2026"
    assert "Videreført som kladde · fra Aftaleåret 2026" in str(goal_card(shown, T))


async def test_a_goal_cannot_be_carried_over_outside_the_drafting_window(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    async with sessions.begin() as session:
        source = await id_of(session, Goal, "boegeskov-skole-trivsel", jammerbugt)
        mette = await actor_of(session, jammerbugt, "mette")
        detail = await goals.goal_detail(session, mette, source)
        assert await goals.carry_target(session, mette, detail, SEPTEMBER.date()) is None
        target = await goals.carry_target(session, mette, detail, NOVEMBER.date())
        assert target is not None and target.name == "Aftaleåret 2027"
        with pytest.raises(Invalid) as refused:
            await goals.carry_over(session, mette, source, SEPTEMBER)
    assert refused.value.key == "maal.viderefoeres_ikke"


async def test_a_hvidovre_goal_adjusted_after_the_budget_is_a_new_version_that_keeps_its_history(
    sessions: Sessions, demo: OrgFile
) -> None:
    """In the election period the autumn window is the year's adjustment (000)."""
    adjusted_at = datetime(2027, 11, 1, 10, 0, tzinfo=UTC)
    async with sessions() as session:
        goal_id = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        bearings = await bearing_ids(session, demo, "buu-trivsel")
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        content = goal_content(bearings, title="Alle elever har en ven i frikvarteret",
                               deadline=date(2028, 6, 1))  # fmt: skip
        await goals.save(session, mette, await id_of(session, Unit, "boegeskov-skole", demo),
                         content, submit=True, now=adjusted_at, goal_id=goal_id)  # fmt: skip
        shown = await goals.goal_detail(session, mette, goal_id)

    revised = [e for e in shown.events if e.action is GoalAction.REVISED]
    assert shown.version == 2 and [e.budget_year for e in revised] == [2028]
    assert shown.period and shown.period.name == "Valgperioden 2026–2029"
    assert "Rettet – ny version · justeret efter budget 2028" in str(goal_card(shown, T))


def test_the_adjustment_window_is_that_of_a_year_the_period_continues_after() -> None:
    cycle = profile("hvidovre").cycle
    election = PeriodView("V", date(2026, 1, 1), date(2029, 12, 31))
    assert periods.adjusting(cycle, election, date(2027, 11, 1)) == 2028
    assert periods.adjusting(cycle, election, date(2027, 12, 20)) == 2028  # late, same budget
    assert periods.adjusting(cycle, election, date(2027, 9, 30)) is None  # before the budget
    assert periods.adjusting(cycle, election, date(2029, 11, 1)) is None  # the last year
    assert periods.drafting_window(profile("jammerbugt").cycle, date(2027, 1, 1)) == (
        date(2026, 10, 1), date(2026, 12, 31)
    )  # fmt: skip


# --- the organisation file -------------------------------------------------------------


def one_year(year: int) -> Callable[[dict[str, Any]], None]:
    """A file with one agreement year as its only period, as a municipality's file was
    before it held several."""

    def change(raw: dict[str, Any]) -> None:
        raw["period"] = {"key": f"aftaleaar-{year}", "name": f"Aftaleåret {year}",
                         "kind": "agreement", "starts": f"{year}-01-01",
                         "ends": f"{year}-12-31"}  # fmt: skip
        raw["periods"] = []
        for committee in raw["committees"]:
            committee["bearings"] = [b | {"period": None} for b in committee["bearings"]
                                     if not b["key"].endswith(("2027", "2028"))]  # fmt: skip
        for unit in raw["units"]:
            for goal in unit["goals"]:
                goal["period"] = None

    return change


async def test_importing_next_years_file_never_moves_this_years_goals_and_bearings(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    """The fault: a file for the 2027 period, with the goals and bearings still in it,
    moved them into the period that had not started, and `mine mål` went empty."""
    this_year = edited(as_profile(demo_org, "jammerbugt", date(2026, 12, 1)), one_year(2026))
    next_year = edited(this_year, one_year(2027))  # the period changed, the rest left as it was

    await imported(sessions, this_year)
    await imported(sessions, next_year)
    await imported(sessions, next_year)  # and once more

    async with sessions() as session:
        mette = await actor_of(session, this_year, "mette")
        mine = await goals.goals_of_leader(session, mette, date(2026, 12, 7))
        bearing_period = await session.scalar(
            select(Period.key).join(Bearing, Bearing.period_id == Period.id).where(
                Bearing.key == "buu-trivsel",
                Bearing.municipality_id == await municipality_id(session, this_year),
            )
        )  # fmt: skip
    assert [g.period.name for g in mine if g.period] == ["Aftaleåret 2026"] * 2
    assert bearing_period == "aftaleaar-2026"


async def test_a_file_that_puts_an_imported_goal_in_another_period_is_refused(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    def moved(raw: dict) -> None:  # type: ignore[type-arg]
        raw["units"][0]["goals"][0]["period"] = "aftaleaar-2027"

    with pytest.raises(OrgFileError) as refused:
        await imported(sessions, edited(jammerbugt, moved))
    assert refused.value.key == "org.period_moved"


def test_a_file_with_several_periods_says_which_one_each_goal_is_for(demo_org: OrgFile) -> None:
    jammerbugt = as_profile(demo_org, "jammerbugt", date(2026, 12, 1))

    def unnamed(raw: dict) -> None:  # type: ignore[type-arg]
        raw["units"][0]["goals"][0]["period"] = None

    def overlapping(raw: dict) -> None:  # type: ignore[type-arg]
        raw["periods"][1]["starts"] = "2026-12-01"

    with pytest.raises(OrgFileError) as unclear:
        edited(jammerbugt, unnamed)
    with pytest.raises(OrgFileError) as overlap:
        edited(jammerbugt, overlapping)
    assert unclear.value.key == "org.period_needed"
    assert overlap.value.key == "org.periods_overlap"
    assert [p.name for p in jammerbugt.all_periods] == [
        "Aftaleåret 2026", "Aftaleåret 2027", "Aftaleåret 2028"
    ]  # fmt: skip
