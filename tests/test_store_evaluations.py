"""Midway evaluations and final reports in the store, on SQLite and PostgreSQL: who may
give them, on which goals and for which year, saving again, closing the goal, and who
reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from store import evaluations, goals, status
from store.enums import Color, EvaluationKind, GoalAction, GoalState
from store.errors import Invalid, NotAllowed
from store.goalviews import EvaluationContent
from store.models import Evaluation, Goal
from store.orgfile import OrgFile
from store_helpers import (
    NOW,
    TODAY,
    Sessions,
    actor_of,
    detail_for,
    events_of,
    id_of,
    imported,
    row_counts,
    second_municipality,
)

MIDWAY, FINAL = EvaluationKind.MIDWAY, EvaluationKind.FINAL
TRIVSEL = "boegeskov-skole-trivsel"
LAESNING = "boegeskov-skole-laesning"
WRITTEN = EvaluationContent(
    color=Color.YELLOW,
    criteria="Halvdelen af kriterierne er nået: legepatruljen kører, målingen mangler 9 point.",
    effect="Færre konflikter i 4.–6. klasse, ifølge gårdvagterne.",
    evidence="Frikvartersmåling 9/2026: 71 % svarer »ofte god« (mål 80 %).",
)
FINAL_WRITTEN = replace(
    WRITTEN, color=Color.GREEN, effect_assessment="Effekten er som forventet for mellemtrinnet."
)
# The last year of the demo's election period 2026–2029, and the first quarter after it.
LAST_YEAR = datetime(2029, 11, 1, 9, 0, tzinfo=UTC)
AFTER = datetime(2030, 2, 15, 9, 0, tzinfo=UTC)


async def record_as(
    sessions: Sessions,
    org: OrgFile,
    person: str,
    kind: EvaluationKind,
    goal_key: str,
    content: EvaluationContent = WRITTEN,
    now: datetime = NOW,
) -> evaluations.Recorded:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        goal_id = await id_of(session, Goal, goal_key, org)
        return await evaluations.record(session, actor, kind, goal_id, content, now)


async def pending_titles(
    sessions: Sessions, org: OrgFile, person: str, kind: EvaluationKind, year: int
) -> list[str]:
    async with sessions() as session:
        actor = await actor_of(session, org, person)
        return [g.title for g in await evaluations.pending(session, actor, kind, year)]


async def test_a_leader_gives_a_midway_evaluation_and_the_department_head_is_to_be_told(
    sessions: Sessions, demo: OrgFile
) -> None:
    assert await pending_titles(sessions, demo, "mette", MIDWAY, 2026) == [
        "Flere elever trives i frikvartererne",
        "Styrket læsning i indskolingen",
    ]

    saved = await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL)

    assert (saved.goal.year, saved.updated, saved.closed) == (2026, False, False)
    assert saved.evaluation.content == WRITTEN
    async with sessions() as session:
        henrik = (await actor_of(session, demo, "henrik")).person_id
        trivsel = await id_of(session, Goal, TRIVSEL, demo)
        laesning = await id_of(session, Goal, LAESNING, demo)
        both = [trivsel, laesning]
        assert await evaluations.evaluated(session, both, MIDWAY, 2026) == {trivsel}
        assert await evaluations.evaluated(session, both, MIDWAY, 2027) == set()
        assert await evaluations.evaluated(session, both, FINAL, 2026) == set()
        assert await evaluations.evaluated(session, [], MIDWAY, 2026) == set()
    assert saved.tell == (henrik,)
    assert await pending_titles(sessions, demo, "mette", MIDWAY, 2026) == [
        "Styrket læsning i indskolingen"
    ]


async def test_an_evaluation_is_not_a_status_update(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        before = await row_counts(session)
    await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL)
    async with sessions() as session:
        after = await row_counts(session)
        actor = await actor_of(session, demo, "mette")
        listed = await status.goals_of_leader(session, actor, TODAY)
    assert after["status_update"] == before["status_update"]
    assert after["evaluation"] == before["evaluation"] + 1
    # The goal's latest status is still the one reported as a status update.
    assert listed[0].latest is not None and listed[0].latest.color is Color.YELLOW


async def test_saving_again_overwrites_and_keeps_the_earlier_text_in_the_history(
    sessions: Sessions, demo: OrgFile
) -> None:
    await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL)
    changed = replace(WRITTEN, color=Color.GREEN, effect="Nu også i indskolingen.")
    again = await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL, changed)

    assert again.updated
    async with sessions() as session:
        [row] = await session.scalars(select(Evaluation))
        goal_id = await id_of(session, Goal, TRIVSEL, demo)
    assert (row.color, row.effect) == ("green", "Nu også i indskolingen.")
    history = [e for e in await events_of(sessions, goal_id) if e.snapshot]
    assert [e.action for e in history] == [GoalAction.EVALUATED_MIDWAY] * 2
    assert history[0].snapshot["effect"] == WRITTEN.effect  # nothing written is lost
    assert history[0].snapshot["year"] == 2026 and history[1].snapshot["color"] == "green"


async def test_only_the_units_leader_may_evaluate_and_nothing_is_written_otherwise(
    sessions: Sessions, demo: OrgFile
) -> None:
    other = await imported(sessions, second_municipality(demo))
    async with sessions() as session:
        before = await row_counts(session)
        foreign = await id_of(session, Goal, TRIVSEL, other)
    with pytest.raises(NotAllowed) as jonas:
        await record_as(sessions, demo, "jonas", MIDWAY, TRIVSEL)
    with pytest.raises(NotAllowed) as henrik:
        await record_as(sessions, demo, "henrik", MIDWAY, TRIVSEL)
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        with pytest.raises(NotAllowed) as elsewhere:
            await evaluations.record(session, mette, MIDWAY, foreign, WRITTEN, NOW)
        with pytest.raises(NotAllowed) as unknown:
            await evaluations.record(session, mette, MIDWAY, 999_999, WRITTEN, NOW)
    assert jonas.value.key == henrik.value.key == "evaluering.ikke_dit_maal"
    assert elsewhere.value.key == unknown.value.key == "evaluering.ukendt_maal"
    async with sessions() as session:
        assert await row_counts(session) == before
    assert await pending_titles(sessions, demo, "henrik", MIDWAY, 2026) == []


async def test_every_answer_is_required_and_kept_within_its_length(
    sessions: Sessions, demo: OrgFile
) -> None:
    cases = [
        (MIDWAY, replace(WRITTEN, criteria="  "), "evaluering.mangler.criteria"),
        (MIDWAY, replace(WRITTEN, evidence=""), "evaluering.mangler.evidence"),
        (MIDWAY, replace(WRITTEN, effect="x" * 2001), "evaluering.for_lang"),
        (FINAL, WRITTEN, "evaluering.mangler.effect_assessment"),
    ]
    for kind, content, key in cases:
        with pytest.raises(Invalid) as refused:
            await record_as(sessions, demo, "mette", kind, TRIVSEL, content, LAST_YEAR)
        assert refused.value.key == key
    # A midway evaluation has no assessment against the expected effect; one sent is dropped.
    saved = await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL, FINAL_WRITTEN)
    assert saved.evaluation.content.effect_assessment is None


async def test_the_final_report_waits_for_the_periods_last_year(
    sessions: Sessions, demo: OrgFile
) -> None:
    with pytest.raises(Invalid) as early:
        await record_as(sessions, demo, "mette", FINAL, TRIVSEL, FINAL_WRITTEN)
    assert early.value.key == "evaluering.ikke_aaben.final"
    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
        assert await evaluations.evaluable(session, mette, FINAL, TODAY) == []
        in_2029 = await evaluations.evaluable(session, mette, FINAL, LAST_YEAR.date())
    assert [g.year for g in in_2029] == [2029, 2029]


async def test_the_final_report_closes_the_goal_for_the_period(
    sessions: Sessions, demo: OrgFile
) -> None:
    saved = await record_as(sessions, demo, "mette", FINAL, TRIVSEL, FINAL_WRITTEN, LAST_YEAR)

    assert (saved.goal.year, saved.closed, saved.tell) == (2029, True, ())
    async with sessions() as session:
        goal = await session.get_one(Goal, await id_of(session, Goal, TRIVSEL, demo))
        mette = await actor_of(session, demo, "mette")
        still_reported = await status.goals_of_leader(session, mette, LAST_YEAR.date())
    assert goal.state == GoalState.CLOSED
    actions = [e.action for e in await events_of(sessions, goal.id)]
    assert actions[-2:] == [GoalAction.FINAL_REPORTED, GoalAction.CLOSED]
    assert [g.title for g in still_reported] == ["Styrket læsning i indskolingen"]
    # Correcting the report is still possible, and closes nothing twice.
    again = await record_as(sessions, demo, "mette", FINAL, TRIVSEL, FINAL_WRITTEN, LAST_YEAR)
    assert (again.updated, again.closed) == (True, False)
    assert [e.action for e in await events_of(sessions, goal.id)].count(GoalAction.CLOSED) == 1


async def test_a_goal_closed_when_its_period_ended_still_gets_its_final_report(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        assert await goals.close_ended(session, AFTER.date(), AFTER) > 0
    assert await pending_titles(sessions, demo, "mette", FINAL, 2029) == [
        "Flere elever trives i frikvartererne",
        "Styrket læsning i indskolingen",
    ]

    saved = await record_as(sessions, demo, "mette", FINAL, LAESNING, FINAL_WRITTEN, AFTER)

    assert (saved.goal.year, saved.closed) == (2029, False)
    assert await pending_titles(sessions, demo, "mette", FINAL, 2029) == [
        "Flere elever trives i frikvartererne"
    ]
    # The period is over: no midway evaluation any more, for this year or the last.
    with pytest.raises(Invalid) as late:
        await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL, WRITTEN, AFTER)
    assert late.value.key == "evaluering.ikke_aaben.midway"
    assert await pending_titles(sessions, demo, "mette", MIDWAY, 2029) == []


async def test_department_heads_politicians_and_administration_read_them_on_the_goal(
    sessions: Sessions, demo: OrgFile
) -> None:
    await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL)
    async with sessions() as session:
        goal_id = await id_of(session, Goal, TRIVSEL, demo)
    for reader in ("mette", "henrik", "jens", "camilla"):
        detail = await detail_for(sessions, demo, reader, goal_id)
        [shown] = detail.evaluations
        assert (shown.kind, shown.year, shown.reported_by) == (MIDWAY, 2026, "Mette Kjærgaard")
    with pytest.raises(NotAllowed):  # the other department's head sees no goal at all
        await detail_for(sessions, demo, "birgitte", goal_id)


async def test_a_goal_being_changed_is_evaluated_as_it_was_approved(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        goal = await session.get_one(Goal, await id_of(session, Goal, TRIVSEL, demo))
        mette = await actor_of(session, demo, "mette")
        content = replace(goals.content_of(goal, ()), title="Et helt nyt mål")
        await goals.save(session, mette, goal.unit_id, content, submit=False, now=NOW,
                         goal_id=goal.id)  # fmt: skip
    async with sessions() as session:
        found = await evaluations.evaluable(session, mette, MIDWAY, TODAY)
    assert (found[0].title, found[0].version) == ("Flere elever trives i frikvartererne", 1)
    saved = await record_as(sessions, demo, "mette", MIDWAY, TRIVSEL)
    assert saved.evaluation.goal_version == 1


def test_the_years_an_evaluation_can_be_given_for() -> None:
    assert evaluations.open_years(MIDWAY, date(2027, 6, 30)) == (2027,)
    assert evaluations.open_years(FINAL, date(2028, 3, 1)) == (2027, 2028)
