"""Status updates: a unit leader reports red, yellow or green on their own units' goals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import Color, GoalState, PeriodKind
from store.errors import Invalid, NotAllowed
from store.limits import EVIDENCE_MAX, NARRATIVE_MAX
from store.models import Goal, Period, StatusUpdate
from store.orgfile import OrgFile
from store.status import (
    check_evidence,
    check_narrative,
    current_period,
    goals_of_leader,
    record_status,
)
from store_helpers import NOW, TODAY, Sessions, actor_of, id_of, municipality_id


async def goal(session: AsyncSession, org: OrgFile, key: str) -> int:
    return await id_of(session, Goal, key, org)


async def statuses(sessions: Sessions) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(StatusUpdate)) or 0


async def add_status(session: AsyncSession, goal_id: int, color: Color, at: datetime) -> None:
    """A status row written directly, for times and ties a person cannot produce."""
    row = await session.get_one(Goal, goal_id)
    session.add(
        StatusUpdate(
            municipality_id=row.municipality_id,
            goal_id=goal_id,
            color=color,
            narrative=f"{color} at {at.isoformat()}",
            reported_at=at,
        )
    )
    await session.flush()


async def add_period(
    session: AsyncSession, org: OrgFile, key: str, starts: date, ends: date
) -> Period:
    period = Period(
        municipality_id=await municipality_id(session, org),
        key=key,
        name=key,
        kind=PeriodKind.AGREEMENT,
        starts_on=starts,
        ends_on=ends,
    )
    session.add(period)
    await session.flush()
    return period


# Which goals a leader sees


async def test_a_leader_sees_the_goals_of_every_unit_they_lead(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        goals = await goals_of_leader(session, sara, TODAY)
    assert [(g.unit_name, g.title) for g in goals] == [
        ("Børnehaven Troldehøj", "Bedre overgang fra børnehave til skole"),
        ("Vuggestuen Solsikken", "Sprogindsats for de 0–3-årige"),
    ]
    assert {g.unit_id for g in goals} == sara.led_unit_ids


async def test_goals_come_with_their_unit_and_newest_status(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        overgang, sprog = await goals_of_leader(session, sara, TODAY)
    assert overgang.unit_name == "Børnehaven Troldehøj"
    assert overgang.latest is not None
    assert (overgang.latest.color, overgang.latest.reported_by) == (Color.YELLOW, "Sara Nielsen")
    assert sprog.latest is None


async def test_the_newest_status_is_the_latest(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        goal_id = await goal(session, demo, "troldehoej-overgang")
        await add_status(session, goal_id, Color.GREEN, NOW - timedelta(days=1))
        await add_status(session, goal_id, Color.RED, NOW - timedelta(days=2))
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        overgang, _ = await goals_of_leader(session, sara, TODAY)
    assert overgang.latest is not None
    assert overgang.latest.color is Color.GREEN


async def test_two_statuses_at_the_same_moment_are_ordered_by_id(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        goal_id = await goal(session, demo, "troldehoej-overgang")
        await add_status(session, goal_id, Color.RED, NOW)
        await add_status(session, goal_id, Color.GREEN, NOW)
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        overgang, _ = await goals_of_leader(session, sara, TODAY)
    assert overgang.latest is not None
    assert overgang.latest.color is Color.GREEN


async def test_goals_that_are_not_approved_are_left_out(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        goal_id = await goal(session, demo, "solsikken-sprog")
        await session.execute(
            update(Goal)
            .where(Goal.id == goal_id)
            .values(state=GoalState.DRAFT, reportable_version=None)
        )
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        goals = await goals_of_leader(session, sara, TODAY)
    assert [g.title for g in goals] == ["Bedre overgang fra børnehave til skole"]


async def test_goals_of_another_period_are_left_out(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        old = await add_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 12, 31))
        goal_id = await goal(session, demo, "solsikken-sprog")
        await session.execute(update(Goal).where(Goal.id == goal_id).values(period_id=old.id))
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        goals = await goals_of_leader(session, sara, TODAY)
    assert [g.title for g in goals] == ["Bedre overgang fra børnehave til skole"]


async def test_someone_who_leads_no_unit_has_no_goals(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        henrik = await actor_of(session, demo, "henrik")
        assert await goals_of_leader(session, henrik, TODAY) == []


async def test_before_the_first_period_starts_there_are_no_goals(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        assert await goals_of_leader(session, sara, date(2025, 12, 31)) == []


# The current period


async def test_the_current_period_is_the_one_running_today(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        await add_period(session, demo, "2030-2033", date(2030, 1, 1), date(2033, 12, 31))
        period = await current_period(session, await municipality_id(session, demo), TODAY)
    assert period is not None
    assert period.key == "valgperiode-2026-2029"


async def test_between_periods_the_latest_started_period_is_current(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        await add_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 6, 30))
        await add_period(session, demo, "2031-2034", date(2031, 1, 1), date(2034, 12, 31))
        mid = await municipality_id(session, demo)
        after_the_demo = await current_period(session, mid, date(2030, 3, 1))
        in_the_gap = await current_period(session, mid, date(2025, 9, 1))
    assert after_the_demo is not None and in_the_gap is not None
    assert (after_the_demo.key, in_the_gap.key) == ("valgperiode-2026-2029", "2022-2025")


async def test_before_any_period_has_started_there_is_no_current_period(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        mid = await municipality_id(session, demo)
        assert await current_period(session, mid, date(2025, 12, 31)) is None


# Recording a status


async def test_a_status_is_saved_and_returned(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await goal(session, demo, "boegeskov-skole-trivsel")
        goal_view, status = await record_status(
            session, mette, goal_id, Color.GREEN, "Alle klasser har legepatrulje.", "82 %", NOW
        )

    assert (goal_view.id, goal_view.title) == (goal_id, "Flere elever trives i frikvartererne")
    assert (status.color, status.narrative, status.evidence) == (
        Color.GREEN,
        "Alle klasser har legepatrulje.",
        "82 %",
    )
    assert (status.reported_at, status.reported_by) == (NOW, "Mette Kjærgaard")
    async with sessions() as session:
        row = await session.scalar(select(StatusUpdate).order_by(StatusUpdate.id.desc()))
    assert row is not None
    assert (row.goal_id, row.color, row.reported_by, row.reported_at) == (
        goal_id,
        "green",
        mette.person_id,
        NOW,
    )
    assert row.municipality_id == mette.municipality_id


async def test_the_saved_status_becomes_the_goals_latest(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await goal(session, demo, "boegeskov-skole-trivsel")
        await record_status(session, mette, goal_id, Color.RED, "Flere konflikter.", None, NOW)
    async with sessions() as session:
        goals = await goals_of_leader(session, mette, TODAY)
    latest = next(g.latest for g in goals if g.id == goal_id)
    assert latest is not None
    assert (latest.color, latest.narrative) == (Color.RED, "Flere konflikter.")


async def test_a_leader_cannot_report_on_another_units_goal(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        jonas_goal = await goal(session, demo, "engholm-skole-fravaer")
        with pytest.raises(NotAllowed) as refused:
            await record_status(session, mette, jonas_goal, Color.GREEN, "Alt er godt.", None, NOW)
    assert refused.value.key == "status.not_your_goal"
    assert await statuses(sessions) == 8


async def test_an_unknown_goal_id_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        with pytest.raises(NotAllowed) as refused:
            await record_status(session, mette, 987654, Color.GREEN, "Alt er godt.", None, NOW)
    assert refused.value.key == "status.unknown_goal"
    assert await statuses(sessions) == 8


async def test_a_goal_that_is_not_approved_cannot_be_reported_on(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await goal(session, demo, "boegeskov-skole-trivsel")
        await session.execute(
            update(Goal)
            .where(Goal.id == goal_id)
            .values(state=GoalState.DRAFT, reportable_version=None)
        )
        with pytest.raises(NotAllowed) as refused:
            await record_status(session, mette, goal_id, Color.GREEN, "Alt er godt.", None, NOW)
    assert refused.value.key == "status.unknown_goal"
    assert await statuses(sessions) == 8


# --- the texts' rules, pure (store.status.check_narrative, check_evidence) ---------------


@pytest.mark.parametrize("narrative", ["", "   \n\t "])
def test_a_status_needs_a_narrative(narrative: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_narrative(narrative)
    assert refused.value.key == "status.narrative_required"


def test_a_too_long_narrative_is_refused_with_limit_and_length() -> None:
    too_long = "x" * (NARRATIVE_MAX + 1)
    with pytest.raises(Invalid) as refused:
        check_narrative(too_long)
    assert (refused.value.key, refused.value.params) == (
        "status.too_long",
        {"limit": NARRATIVE_MAX, "length": NARRATIVE_MAX + 1},
    )


def test_a_too_long_evidence_is_refused_with_limit_and_length() -> None:
    too_long = "x" * (EVIDENCE_MAX + 5)
    with pytest.raises(Invalid) as refused:
        check_evidence(too_long)
    assert (refused.value.key, refused.value.params) == (
        "status.too_long",
        {"limit": EVIDENCE_MAX, "length": EVIDENCE_MAX + 5},
    )


def test_the_limit_applies_to_the_trimmed_text() -> None:
    padded = "  " + "n" * NARRATIVE_MAX + "\n"
    assert len(check_narrative(padded)) == NARRATIVE_MAX


@pytest.mark.parametrize("evidence", [None, "", "   "])
def test_empty_evidence_is_none(evidence: str | None) -> None:
    assert check_evidence(evidence) is None


# --- the rules applied when a status is recorded, on both databases ----------------------


@pytest.mark.parametrize(
    ("narrative", "evidence", "key"),
    [
        ("", "82 %", "status.narrative_required"),
        ("x" * (NARRATIVE_MAX + 1), None, "status.too_long"),
        ("Godt.", "x" * (EVIDENCE_MAX + 5), "status.too_long"),
    ],
    ids=["no narrative", "narrative too long", "evidence too long"],
)
async def test_a_refused_status_stores_nothing(
    sessions: Sessions, demo: OrgFile, narrative: str, evidence: str | None, key: str
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await goal(session, demo, "boegeskov-skole-trivsel")
        with pytest.raises(Invalid) as refused:
            await record_status(session, mette, goal_id, Color.GREEN, narrative, evidence, NOW)
    assert refused.value.key == key
    assert await statuses(sessions) == 8


async def test_texts_at_their_limits_are_accepted(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await goal(session, demo, "boegeskov-skole-trivsel")
        narrative, evidence = "n" * NARRATIVE_MAX, "e" * EVIDENCE_MAX
        _, status = await record_status(
            session, mette, goal_id, Color.YELLOW, narrative, evidence, NOW
        )
    assert (len(status.narrative), len(status.evidence or "")) == (NARRATIVE_MAX, EVIDENCE_MAX)


async def test_narrative_and_evidence_are_trimmed(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await goal(session, demo, "boegeskov-skole-trivsel")
        _, status = await record_status(
            session, mette, goal_id, Color.GREEN, "  Godt i gang.\n", "\t82 % ", NOW
        )
    assert (status.narrative, status.evidence) == ("Godt i gang.", "82 %")
    async with sessions() as session:
        row = await session.scalar(select(StatusUpdate).order_by(StatusUpdate.id.desc()))
    assert row is not None
    assert (row.narrative, row.evidence) == ("Godt i gang.", "82 %")


async def test_empty_evidence_is_saved_as_none(sessions: Sessions, demo: OrgFile) -> None:
    evidence = "   "  # each empty kind is test_empty_evidence_is_none
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        goal_id = await goal(session, demo, "boegeskov-skole-trivsel")
        _, status = await record_status(
            session, mette, goal_id, Color.GREEN, "Godt.", evidence, NOW
        )
    assert status.evidence is None
    async with sessions() as session:
        row = await session.scalar(select(StatusUpdate).order_by(StatusUpdate.id.desc()))
    assert row is not None
    assert row.evidence is None
