"""The midway evaluation as the seed documents have it, in the store on SQLite and
PostgreSQL: Hvidovre's model holds none unless the municipality gives itself a day, and
where it is held (Jammerbugt: "mellem institutions-/afdelingsleder og fagchef") the
department head answers it — agrees or not, comments, signs off — and the leader is told."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from store import annual_cycle, evaluations
from store.enums import Color, EvaluationKind, GoalAction
from store.errors import Invalid, NotAllowed
from store.goalviews import EvaluationContent
from store.models import Evaluation, Goal, Municipality
from store.orgfile import OrgFile
from store.views import ItemKind
from store_helpers import NOW, TODAY, Sessions, actor_of, edited, events_of, id_of, imported

MIDWAY = EvaluationKind.MIDWAY
TRIVSEL = "boegeskov-skole-trivsel"
WRITTEN = EvaluationContent(
    color=Color.YELLOW,
    criteria="Legepatruljen kører; målingen mangler 9 point.",
    effect="Færre konflikter i 4.–6. klasse.",
    evidence="Frikvartersmåling 9/2026: 71 % (mål 80 %).",
)
LATER = NOW + timedelta(days=2)


def without_midway_day(org: OrgFile) -> OrgFile:
    """The demo municipality following Hvidovre's profile as it is: no midway day."""
    return edited(org, lambda raw: raw["municipality"].update(midway=None))


async def record(sessions: Sessions, org: OrgFile, content: EvaluationContent = WRITTEN,
                 now: datetime = NOW) -> evaluations.Recorded:  # fmt: skip
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "mette")
        goal_id = await id_of(session, Goal, TRIVSEL, org)
        return await evaluations.record(session, actor, MIDWAY, goal_id, content, now)


async def answer(
    sessions: Sessions,
    org: OrgFile,
    person: str,
    read_at: datetime,
    agrees: bool,
    comment: str | None = None,
) -> evaluations.Answered:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        goal_id = await id_of(session, Goal, TRIVSEL, org)
        return await evaluations.answer_midway(
            session, actor, goal_id, read_at, agrees, comment, LATER
        )


# --- Hvidovre: none unless configured ---------------------------------------------------------


async def test_hvidovres_model_holds_no_midway_evaluation_unless_the_municipality_sets_a_day(
    sessions: Sessions, demo: OrgFile
) -> None:
    plain = await imported(sessions, without_midway_day(demo))
    async with sessions() as session:
        mette = await actor_of(session, plain, "mette")
        henrik = await actor_of(session, plain, "henrik")
        assert await evaluations.evaluable(session, mette, MIDWAY, TODAY) == []
        assert await evaluations.pending(session, mette, MIDWAY, 2026) == []
        year = await annual_cycle.for_person(session, henrik, TODAY)
        assert ItemKind.MIDWAY not in {item.kind for item in year}
    with pytest.raises(Invalid, match=r"evaluering\.holdes_ikke"):
        await record(sessions, plain)

    await imported(sessions, demo)  # the demo file gives Bøgeskov a day: 30 June
    async with sessions() as session:
        row = await session.scalar(
            select(Municipality).where(Municipality.key == demo.municipality.key)
        )
        assert row is not None and row.midway == "06-30"
        mette = await actor_of(session, demo, "mette")
        assert len(await evaluations.evaluable(session, mette, MIDWAY, TODAY)) == 2
    assert (await record(sessions, demo)).tell


# --- the department head answers ---------------------------------------------------------------


async def test_the_department_head_agrees_comments_and_signs_off_and_the_leader_is_told(
    sessions: Sessions, demo: OrgFile
) -> None:
    saved = await record(sessions, demo)

    answered = await answer(
        sessions, demo, "henrik", saved.evaluation.reported_at, True, "Vi følger op i marts."
    )

    async with sessions() as session:
        mette = (await actor_of(session, demo, "mette")).person_id
        goal_id = await id_of(session, Goal, TRIVSEL, demo)
        [shown] = await evaluations.evaluations_of(session, goal_id)
    assert answered.tell == (mette,) and answered.leader_names == ("Mette Kjærgaard",)
    assert shown.answer is not None
    assert (shown.answer.agrees, shown.answer.comment) == (True, "Vi følger op i marts.")
    assert (shown.answer.signed_off_by, shown.answer.signed_off_at) == ("Henrik Lund", LATER)
    history = [e for e in await events_of(sessions, goal_id)]
    assert history[-1].action == GoalAction.MIDWAY_ANSWERED
    assert history[-1].comment == "Vi følger op i marts."


async def test_not_agreeing_needs_a_comment_and_nothing_is_signed_without_one(
    sessions: Sessions, demo: OrgFile
) -> None:
    saved = await record(sessions, demo)

    with pytest.raises(Invalid, match=r"evaluering\.svar\.mangler_kommentar"):
        await answer(sessions, demo, "henrik", saved.evaluation.reported_at, False, "  ")

    async with sessions() as session:
        [row] = await session.scalars(select(Evaluation))
    assert (row.head_agrees, row.signed_off_at) == (None, None)
    answered = await answer(
        sessions, demo, "henrik", saved.evaluation.reported_at, False, "Målingen mangler."
    )
    assert answered.evaluation.answer is not None and not answered.evaluation.answer.agrees


async def test_only_a_head_of_the_units_department_may_answer(
    sessions: Sessions, demo: OrgFile
) -> None:
    saved = await record(sessions, demo)
    read_at = saved.evaluation.reported_at

    for person in ("birgitte", "mette", "camilla"):  # another department, the leader, admin
        with pytest.raises(NotAllowed, match=r"evaluering\.svar\.ikke_din_afdeling"):
            await answer(sessions, demo, person, read_at, True, "Fint.")
    async with sessions() as session:
        [row] = await session.scalars(select(Evaluation))
    assert row.signed_off_by is None


async def test_a_goal_without_a_midway_evaluation_has_nothing_to_answer(
    sessions: Sessions, demo: OrgFile
) -> None:
    with pytest.raises(Invalid, match=r"evaluering\.svar\.ingen"):
        await answer(sessions, demo, "henrik", NOW, True)


async def test_a_sign_off_is_of_what_was_read_and_a_changed_evaluation_is_signed_again(
    sessions: Sessions, demo: OrgFile
) -> None:
    first = await record(sessions, demo)
    await answer(sessions, demo, "henrik", first.evaluation.reported_at, True)

    changed = replace(WRITTEN, color=Color.RED, effect="Konflikterne er steget igen.")
    second = await record(sessions, demo, changed, NOW + timedelta(days=1))

    async with sessions() as session:
        [row] = await session.scalars(select(Evaluation))
    assert (row.head_agrees, row.signed_off_by) == (None, None)  # not what was signed
    with pytest.raises(Invalid, match=r"evaluering\.svar\.aendret"):
        await answer(sessions, demo, "henrik", first.evaluation.reported_at, True)
    again = await answer(sessions, demo, "henrik", second.evaluation.reported_at, False, "Nej.")
    assert again.evaluation.content.color is Color.RED
    assert again.evaluation.answer is not None and again.evaluation.answer.comment == "Nej."


async def test_answering_again_replaces_the_answer(sessions: Sessions, demo: OrgFile) -> None:
    saved = await record(sessions, demo)
    read_at = saved.evaluation.reported_at
    await answer(sessions, demo, "henrik", read_at, False, "Vi taler igen.")

    final = await answer(sessions, demo, "henrik", read_at, True, "Nu er vi enige.")

    assert final.evaluation.answer is not None
    assert (final.evaluation.answer.agrees, final.evaluation.answer.comment) == (
        True,
        "Nu er vi enige.",
    )
    async with sessions() as session:
        assert len(list(await session.scalars(select(Evaluation)))) == 1
