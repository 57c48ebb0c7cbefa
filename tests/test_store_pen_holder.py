"""The administration as pen-holder of a unit's goals (000: "For nogle fagområder vil
administrationen være den primære pennefører"), in the store on SQLite and PostgreSQL:
the administration drafts for any unit, the leader is the one to tell and may comment,
and the department head approves as usual."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from store import gdpr, goals, pen_holder
from store.enums import GoalAction, GoalState
from store.errors import Invalid, NotAllowed
from store.models import GoalEvent
from store.orgfile import OrgFile
from store_helpers import (
    NOW,
    TODAY,
    Sessions,
    actor_of,
    approve_as,
    bearing_ids,
    goal_content,
    save_goal,
)

LATER = NOW + timedelta(hours=2)


async def drafted_by_camilla(
    sessions: Sessions, org: OrgFile, *, submit: bool = False
) -> goals.Saved:
    async with sessions() as session:
        ids = await bearing_ids(session, org, "buu-trivsel")
    return await save_goal(
        sessions, org, "camilla", "boegeskov-skole", goal_content(ids), submit=submit
    )


async def comment_as(
    sessions: Sessions, org: OrgFile, person: str, goal_id: int, text: str | None
) -> pen_holder.Commented:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await pen_holder.comment(session, actor, goal_id, text, LATER)


async def test_the_administration_may_draft_for_every_unit_a_leader_only_for_their_own(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        camilla = await actor_of(session, demo, "camilla")
        mette = await actor_of(session, demo, "mette")
        for_all = await goals.drafting_context(session, camilla, TODAY)
        for_one = await goals.drafting_context(session, mette, TODAY)
    assert len(for_all.units) == len(demo.units)
    assert [u.name for u in for_one.units] == ["Bøgeskov Skole"]


async def test_a_goal_the_administration_drafts_names_its_pen_holder_and_the_leader_to_tell(
    sessions: Sessions, demo: OrgFile
) -> None:
    saved = await drafted_by_camilla(sessions, demo)

    async with sessions() as session:
        mette = (await actor_of(session, demo, "mette")).person_id
    assert saved.goal.state is GoalState.DRAFT
    assert saved.goal.pen_holder == "Camilla Dahl"
    assert (saved.leaders, saved.leader_names) == ((mette,), ("Mette Kjærgaard",))
    own = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", saved.goal.content, submit=False
    )
    assert own.goal.pen_holder is None and own.leaders == ()  # her own: nobody to tell


async def test_the_leader_comments_and_the_pen_holder_and_department_head_are_told(
    sessions: Sessions, demo: OrgFile
) -> None:
    draft = await drafted_by_camilla(sessions, demo)
    commented = await comment_as(sessions, demo, "mette", draft.goal.id, " Tag bestyrelsen med. ")

    async with sessions() as session:
        camilla = (await actor_of(session, demo, "camilla")).person_id
        henrik = (await actor_of(session, demo, "henrik")).person_id
    assert commented.tell == (camilla,) and commented.names == ("Camilla Dahl",)
    [event] = [e for e in commented.goal.events if e.action is GoalAction.COMMENTED]
    assert (event.person, event.comment) == ("Mette Kjærgaard", "Tag bestyrelsen med.")

    sent = await drafted_by_camilla(sessions, demo, submit=True)
    assert sent.approvers == (henrik,)  # approval as usual
    again = await comment_as(sessions, demo, "mette", sent.goal.id, "Fristen er for tidlig.")
    assert set(again.tell) == {camilla, henrik}
    approved = await approve_as(sessions, demo, "henrik", again.goal)
    assert approved.state is GoalState.DEPARTMENT_APPROVED


async def test_only_the_units_leader_comments_and_never_an_empty_comment(
    sessions: Sessions, demo: OrgFile
) -> None:
    draft = await drafted_by_camilla(sessions, demo)

    for person in ("jonas", "henrik", "jens"):  # another unit's leader, head, politician
        with pytest.raises(NotAllowed):
            await comment_as(sessions, demo, person, draft.goal.id, "Godt.")
    with pytest.raises(Invalid, match=r"maal\.kommentar\.mangler"):
        await comment_as(sessions, demo, "mette", draft.goal.id, "   ")
    with pytest.raises(Invalid, match=r"maal\.kommentar\.for_lang"):
        await comment_as(sessions, demo, "mette", draft.goal.id, "x" * 5000)
    async with sessions() as session:
        found = await session.scalars(
            select(GoalEvent).where(GoalEvent.action == GoalAction.COMMENTED)
        )
        assert list(found) == []


async def test_a_leaders_comment_is_in_her_gdpr_export(sessions: Sessions, demo: OrgFile) -> None:
    draft = await drafted_by_camilla(sessions, demo)
    await comment_as(sessions, demo, "mette", draft.goal.id, "Tag bestyrelsen med.")

    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
        found = await gdpr.export(session, mette.municipality_id, mette.person_id, NOW)
    [said] = [e for e in found["målhændelser"] if e["handling"] == "kommentar"]
    assert (said["mål"], said["kommentar"]) == (draft.goal.content.title, "Tag bestyrelsen med.")
