"""A goal's way to approval, and who may do what on it: the department head approves or
returns it, the administration records the committee's approval, the period's end closes
it. Who may see a goal, what waits for whom, and what the committee's digest shows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from store import goals, people
from store.enums import GoalAction, GoalState
from store.errors import DomainError, Invalid, NotAllowed
from store.goalviews import GoalDetail
from store.models import Goal, GoalEvent, Person, Unit
from store.orgfile import OrgFile
from store_helpers import (
    MEETING,
    NOW,
    TODAY,
    OrgDict,
    Sessions,
    actor_of,
    approve_as,
    by_key,
    committee_approves,
    committee_digest,
    detail_for,
    edited,
    events_of,
    goal_content,
    id_of,
    imported,
    new_period,
    reported_titles,
    return_as,
    save_goal,
    second_municipality,
    submit_goal,
    with_profile,
)

LATER = NOW + timedelta(hours=2)


@pytest.fixture
async def jammerbugt(sessions: Sessions, demo_org: OrgFile) -> OrgFile:
    """The demo municipality by Jammerbugt's profile: the department head's approval is
    the last step."""
    return await imported(sessions, with_profile(demo_org, "jammerbugt"))


@pytest.fixture
async def nordby(sessions: Sessions, demo: OrgFile) -> OrgFile:
    """A second municipality with the demo's keys, imported next to it."""
    return await imported(sessions, second_municipality(demo))


async def refusal(call: object) -> DomainError:
    """The domain error an awaitable raises."""
    with pytest.raises(DomainError) as refused:
        await call  # type: ignore[misc]
    return refused.value


async def stored(sessions: Sessions, goal_id: int) -> Goal:
    async with sessions() as session:
        return await session.get_one(Goal, goal_id)


async def person_id(sessions: Sessions, org: OrgFile, key: str) -> int:
    async with sessions() as session:
        return await id_of(session, Person, key, org)


async def department_approved(
    sessions: Sessions,
    org: OrgFile,
    person: str = "mette",
    unit: str = "boegeskov-skole",
    **changes: Any,
) -> GoalDetail:
    """A goal of `unit`, approved by Henrik and waiting for the committee (Hvidovre)."""
    goal = await submit_goal(sessions, org, person, unit, **changes)
    return await approve_as(sessions, org, "henrik", goal)  # fmt: skip


# --- the department head ----------------------------------------------------------------


async def test_in_hvidovre_the_department_heads_approval_sends_the_goal_to_the_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo, title="Mere læselyst i indskolingen")
    approved = await approve_as(sessions, demo, "henrik", goal)
    assert (approved.state, approved.reportable) == (GoalState.DEPARTMENT_APPROVED, False)
    assert (await stored(sessions, goal.id)).reportable_version is None
    assert "Mere læselyst i indskolingen" not in await reported_titles(sessions, demo, "mette")


async def test_in_jammerbugt_the_department_heads_approval_is_the_last_step(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    goal = await submit_goal(sessions, jammerbugt, title="Mere læselyst i indskolingen")
    approved = await approve_as(sessions, jammerbugt, "henrik", goal)
    assert (approved.state, approved.reportable) == (GoalState.APPROVED, True)
    assert (await stored(sessions, goal.id)).reportable_version == 1
    assert "Mere læselyst i indskolingen" in await reported_titles(sessions, jammerbugt, "mette")


async def test_the_approval_is_recorded_with_the_department_head(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo)
    await approve_as(sessions, demo, "henrik", goal, now=LATER)
    last = (await events_of(sessions, goal.id))[-1]
    assert (last.action, last.version, last.at) == (GoalAction.APPROVED_DEPARTMENT, 1, LATER)
    assert last.person_id == await person_id(sessions, demo, "henrik")


@pytest.mark.parametrize(
    "person",
    ["birgitte", "mette", "jonas", "camilla", "jens"],
    ids=["another-department-head", "the-leader", "another-leader", "administration", "politician"],
)
async def test_only_the_units_department_head_may_approve(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    goal = await submit_goal(sessions, demo)
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, person)
        refused = await refusal(goals.approve(session, actor, goal.id, goal.revision, NOW))
    assert (type(refused), refused.key) == (NotAllowed, "maal.ikke_din_afdeling")
    assert (await stored(sessions, goal.id)).state == GoalState.SUBMITTED


async def test_a_goal_changed_since_the_card_was_shown_cannot_be_approved(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Henrik's card shows version 1; Mette has since revised the approved goal, and
    version 2 waits for him."""
    (card,) = await committee_approves(sessions, demo, await department_approved(sessions, demo))
    await save_goal(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(card.content.bearing_ids, title="Ny udgave"), submit=True,
        goal_id=card.id, now=LATER,
    )  # fmt: skip
    refused = await refusal(approve_as(sessions, demo, "henrik", card))
    assert (type(refused), refused.key) == (Invalid, "maal.foraeldet")
    assert (await stored(sessions, card.id)).state == GoalState.SUBMITTED


async def test_a_goal_already_decided_cannot_be_approved_again(
    sessions: Sessions, demo: OrgFile
) -> None:
    """A second click on an old card."""
    goal = await submit_goal(sessions, demo)
    await approve_as(sessions, demo, "henrik", goal)
    refused = await refusal(approve_as(sessions, demo, "henrik", goal))
    assert refused.key == "maal.foraeldet"
    assert len(await events_of(sessions, goal.id)) == 2


async def test_a_returned_goal_keeps_the_comment_for_the_leader(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo)
    returned = await return_as(
        sessions, demo, "henrik", goal, "  Gør succeskriteriet mere konkret.  ", now=LATER
    )
    assert (returned.state, returned.return_comment) == (
        GoalState.RETURNED,
        "Gør succeskriteriet mere konkret.",
    )
    last = (await events_of(sessions, goal.id))[-1]
    assert (last.action, last.comment, last.at) == (
        GoalAction.RETURNED,
        "Gør succeskriteriet mere konkret.",
        LATER,
    )
    assert last.person_id == await person_id(sessions, demo, "henrik")


@pytest.mark.parametrize("comment", ["", "   \n"])
async def test_a_goal_cannot_be_returned_without_a_comment(
    sessions: Sessions, demo: OrgFile, comment: str
) -> None:
    goal = await submit_goal(sessions, demo)
    refused = await refusal(return_as(sessions, demo, "henrik", goal, comment))
    assert (type(refused), refused.key) == (Invalid, "maal.kommentar_mangler")
    assert (await stored(sessions, goal.id)).state == GoalState.SUBMITTED


async def test_another_department_head_cannot_return_the_goal(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo)
    refused = await refusal(return_as(sessions, demo, "birgitte", goal, "Nej tak."))
    assert refused.key == "maal.ikke_din_afdeling"


async def test_the_approval_clears_an_earlier_return_comment(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo)
    returned = await return_as(sessions, demo, "henrik", goal, "Tilføj en frist.")
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", returned.content, submit=True,
        goal_id=goal.id, now=LATER,
    )  # fmt: skip
    assert again.goal.return_comment == "Tilføj en frist."  # still shown while it waits
    approved = await approve_as(sessions, demo, "henrik", again.goal)
    assert approved.return_comment is None


# --- the committee, recorded by the administration --------------------------------------


async def test_the_administration_records_the_committees_approval(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await department_approved(sessions, demo, title="Mere læselyst i indskolingen")
    (approved,) = await committee_approves(sessions, demo, goal, now=LATER)
    assert (approved.state, approved.reportable) == (GoalState.APPROVED, True)
    assert (await stored(sessions, goal.id)).reportable_version == 1
    last = (await events_of(sessions, goal.id))[-1]
    assert (last.action, last.meeting_date, last.at) == (
        GoalAction.APPROVED_COMMITTEE,
        MEETING,
        LATER,
    )
    assert last.person_id == await person_id(sessions, demo, "camilla")
    assert "Mere læselyst i indskolingen" in await reported_titles(sessions, demo, "mette")


@pytest.mark.parametrize("person", ["henrik", "jens", "mette"])
async def test_only_the_administration_records_the_committees_approval(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    goal = await department_approved(sessions, demo)
    refused = await refusal(committee_approves(sessions, demo, goal, person=person))
    assert (type(refused), refused.key) == (NotAllowed, "maal.kun_administrationen")
    assert (await stored(sessions, goal.id)).state == GoalState.DEPARTMENT_APPROVED


async def test_a_goal_the_department_head_has_not_approved_cannot_go_to_the_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo, title="Mere læselyst")
    refused = await refusal(committee_approves(sessions, demo, goal))
    assert (type(refused), refused.key, refused.params) == (
        Invalid,
        "maal.ikke_klar_til_udvalg",
        {"title": "Mere læselyst"},
    )


async def test_one_goal_not_ready_leaves_the_whole_meeting_unrecorded(
    sessions: Sessions, demo: OrgFile
) -> None:
    """The refusal ends the turn's transaction, as the dialogue router does."""
    ready = await department_approved(sessions, demo)
    waiting = await submit_goal(sessions, demo, "sara", "solsikken")
    await refusal(committee_approves(sessions, demo, ready, waiting))
    assert (await stored(sessions, ready.id)).state == GoalState.DEPARTMENT_APPROVED


async def test_the_administration_may_return_a_goal_waiting_for_the_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await department_approved(sessions, demo)
    returned = await return_as(sessions, demo, "camilla", goal, "Udvalget vil se en frist.")
    assert returned.state == GoalState.RETURNED


async def test_the_administration_cannot_return_a_goal_changed_since_its_card(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Camilla's card is from the committee's first round; version 2 now waits for it."""
    (card,) = await committee_approves(sessions, demo, await department_approved(sessions, demo))
    revised = await save_goal(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(card.content.bearing_ids, title="Ny udgave"), submit=True,
        goal_id=card.id, now=LATER,
    )  # fmt: skip
    await approve_as(sessions, demo, "henrik", revised.goal)
    refused = await refusal(return_as(sessions, demo, "camilla", card, "For sent."))
    assert refused.key == "maal.foraeldet"
    assert (await stored(sessions, card.id)).state == GoalState.DEPARTMENT_APPROVED


async def test_the_department_head_cannot_return_a_goal_waiting_for_the_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await department_approved(sessions, demo)
    refused = await refusal(return_as(sessions, demo, "henrik", goal, "Fortrudt."))
    assert refused.key == "maal.kun_administrationen"


# --- what waits for whom ----------------------------------------------------------------


async def waiting_titles(sessions: Sessions, org: OrgFile, person: str) -> list[str]:
    async with sessions() as session:
        actor = await actor_of(session, org, person)
        return [g.content.title for g in await goals.waiting_for(session, actor)]


async def test_a_department_head_waits_for_the_submitted_goals_of_their_department(
    sessions: Sessions, demo: OrgFile
) -> None:
    await submit_goal(sessions, demo, title="Skolens mål")
    await submit_goal(sessions, demo, "sara", "solsikken", title="Vuggestuens mål", now=LATER)
    await submit_goal(
        sessions,
        demo,
        "ahmed",
        "borgerservice-boegeskov",
        bearings=("oeu-tilgaengelighed",),
        title="Borgerservice",
    )
    await department_approved(sessions, demo, title="Allerede godkendt")
    assert await waiting_titles(sessions, demo, "henrik") == ["Skolens mål", "Vuggestuens mål"]
    assert await waiting_titles(sessions, demo, "birgitte") == ["Borgerservice"]


async def test_the_administration_waits_for_goals_approved_by_the_department(
    sessions: Sessions, demo: OrgFile
) -> None:
    await submit_goal(sessions, demo, title="Indsendt")
    await department_approved(sessions, demo, title="Klar til udvalget")
    assert await waiting_titles(sessions, demo, "camilla") == ["Klar til udvalget"]


async def test_leaders_and_politicians_wait_for_nothing(sessions: Sessions, demo: OrgFile) -> None:
    await submit_goal(sessions, demo)
    await department_approved(sessions, demo)
    assert await waiting_titles(sessions, demo, "mette") == []
    assert await waiting_titles(sessions, demo, "jens") == []


async def test_waiting_goals_come_with_their_history(sessions: Sessions, demo: OrgFile) -> None:
    await submit_goal(sessions, demo)
    async with sessions() as session:
        henrik = await actor_of(session, demo, "henrik")
        (waiting,) = await goals.waiting_for(session, henrik)
    assert [(e.action, e.person) for e in waiting.events] == [
        (GoalAction.SUBMITTED, "Mette Kjærgaard")
    ]


async def test_who_decides_is_the_units_department_head(sessions: Sessions, demo: OrgFile) -> None:
    goal = await submit_goal(sessions, demo)
    async with sessions() as session:
        decides = {
            person: goals.decides(await actor_of(session, demo, person), goal)
            for person in ("henrik", "birgitte", "mette", "camilla")
        }
    assert decides == {"henrik": True, "birgitte": False, "mette": False, "camilla": False}


async def test_the_leaders_of_a_unit_are_told_of_decisions(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        school = await people.leaders(
            session, [await id_of(session, Unit, "boegeskov-skole", demo)]
        )
        day_care = await people.leaders(session, [await id_of(session, Unit, "solsikken", demo)])
    assert school == (await person_id(sessions, demo, "mette"),)
    assert day_care == (await person_id(sessions, demo, "sara"),)


async def test_a_person_is_named_by_their_id(sessions: Sessions, demo: OrgFile) -> None:
    henrik = await person_id(sessions, demo, "henrik")
    async with sessions() as session:
        assert await goals.person_name(session, henrik) == "Henrik Lund"


# --- the end of the period --------------------------------------------------------------


async def test_goals_of_an_ended_period_are_closed(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        old = await new_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 12, 31))
        school = await id_of(session, Unit, "boegeskov-skole", demo)
        goal = Goal(
            municipality_id=old.municipality_id,
            key="gammelt-maal",
            unit_id=school,
            period_id=old.id,
            title="Et mål fra sidste periode",
            state=GoalState.APPROVED,
            reportable_version=1,
        )
        session.add(goal)
        await session.flush()
        old_goal = goal.id
    async with sessions.begin() as session:
        closed = await goals.close_ended(session, TODAY, NOW)
    assert closed == 1
    assert (await stored(sessions, old_goal)).state == GoalState.CLOSED
    (event,) = await events_of(sessions, old_goal)
    assert (event.action, event.person_id, event.at) == (GoalAction.CLOSED, None, NOW)


async def test_goals_of_the_running_period_are_left_open(sessions: Sessions, demo: OrgFile) -> None:
    await submit_goal(sessions, demo)
    async with sessions.begin() as session:
        assert await goals.close_ended(session, TODAY, NOW) == 0
        states = set(await session.scalars(select(Goal.state)))
    assert states == {GoalState.APPROVED, GoalState.SUBMITTED}


async def test_closed_goals_leave_reporting_and_digests(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    """A yearly agreement that ended in October, before the next year's is set up: until
    the goals are closed, it is still the period a leader reports in."""

    def october(raw: OrgDict) -> None:
        raw["period"] |= {"starts": "2026-01-01", "ends": "2026-10-31"}

    org = await imported(sessions, edited(demo_org, october))
    before = await reported_titles(sessions, org, "mette")
    async with sessions.begin() as session:
        assert await goals.close_ended(session, TODAY, NOW) == 12
    assert len(before) == 2
    assert await reported_titles(sessions, org, "mette") == []
    assert (await committee_digest(sessions, org)).goals == ()


async def test_closing_twice_closes_nothing_more(sessions: Sessions, demo_org: OrgFile) -> None:
    def october(raw: OrgDict) -> None:
        raw["period"] |= {"starts": "2026-01-01", "ends": "2026-10-31"}

    await imported(sessions, edited(demo_org, october))
    async with sessions.begin() as session:
        await goals.close_ended(session, TODAY, NOW)
    async with sessions.begin() as session:
        assert await goals.close_ended(session, TODAY, NOW + timedelta(days=1)) == 0
        assert await session.scalar(select(func.count()).select_from(GoalEvent)) == 12


# --- who may see a goal -----------------------------------------------------------------


@pytest.mark.parametrize(
    "person",
    ["mette", "henrik", "camilla", "jens"],
    ids=["its-leader", "its-department-head", "administration", "its-committee"],
)
async def test_a_goal_is_seen_by_those_who_work_with_it(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    goal = await submit_goal(sessions, demo)
    seen = await detail_for(sessions, demo, person, goal.id)
    assert (seen.id, seen.unit_name) == (goal.id, "Bøgeskov Skole")


@pytest.mark.parametrize(
    "person",
    ["jonas", "sara", "birgitte", "inger"],
    ids=["another-leader", "another-leader-same-department", "another-head", "other-committee"],
)
async def test_a_goal_is_unknown_to_everyone_else(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    goal = await submit_goal(sessions, demo)
    refused = await refusal(detail_for(sessions, demo, person, goal.id))
    assert (type(refused), refused.key) == (NotAllowed, "maal.ukendt")


async def test_an_unknown_goal_id_is_unknown(sessions: Sessions, demo: OrgFile) -> None:
    refused = await refusal(detail_for(sessions, demo, "camilla", 999_999))
    assert refused.key == "maal.ukendt"


async def test_the_history_is_in_order_with_the_names_of_those_who_acted(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo)
    returned = await return_as(
        sessions, demo, "henrik", goal, "Tilføj en frist.", now=NOW + timedelta(hours=1)
    )
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", returned.content, submit=True,
        goal_id=goal.id, now=NOW + timedelta(hours=2),
    )  # fmt: skip
    approved = await approve_as(sessions, demo, "henrik", again.goal, NOW + timedelta(hours=3))
    await committee_approves(sessions, demo, approved, now=NOW + timedelta(days=11))
    seen = await detail_for(sessions, demo, "jens", goal.id)
    assert [(e.action, e.person, e.comment, e.meeting_date) for e in seen.events] == [
        (GoalAction.SUBMITTED, "Mette Kjærgaard", None, None),
        (GoalAction.RETURNED, "Henrik Lund", "Tilføj en frist.", None),
        (GoalAction.SUBMITTED, "Mette Kjærgaard", None, None),
        (GoalAction.APPROVED_DEPARTMENT, "Henrik Lund", None, None),
        (GoalAction.APPROVED_COMMITTEE, "Camilla Dahl", None, MEETING),
    ]
    assert [e.at for e in seen.events] == sorted(e.at for e in seen.events)


async def test_a_revision_comes_before_the_submission_made_at_the_same_moment(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        trivsel_id = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
    trivsel = await detail_for(sessions, demo, "mette", trivsel_id)
    await save_goal(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(trivsel.content.bearing_ids), submit=True, goal_id=trivsel.id,
    )  # fmt: skip
    seen = await detail_for(sessions, demo, "henrik", trivsel.id)
    assert [(e.action, e.version) for e in seen.events] == [
        (GoalAction.REVISED, 1),
        (GoalAction.SUBMITTED, 2),
    ]


# --- the committee's digest -------------------------------------------------------------


async def test_the_digest_shows_goals_waiting_for_the_committee_under_their_unit(
    sessions: Sessions, demo: OrgFile
) -> None:
    await department_approved(sessions, demo, title="Mere læselyst i indskolingen")
    await submit_goal(sessions, demo, title="Kun indsendt")
    digest = await committee_digest(sessions, demo)
    school = next(u for u in digest.units if u.name == "Bøgeskov Skole")
    assert school.awaiting == ("Mere læselyst i indskolingen",)
    assert [g.goal.title for g in school.goals] == [
        "Flere elever trives i frikvartererne",
        "Styrket læsning i indskolingen",
    ]
    assert all(not u.awaiting for u in digest.units if u.name != "Bøgeskov Skole")


async def test_the_digest_shows_a_unit_whose_only_goal_waits_for_the_committee(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    def no_goals_in_solsikken(raw: OrgDict) -> None:
        by_key(raw["units"], "solsikken")["goals"] = []

    org = await imported(sessions, edited(demo_org, no_goals_in_solsikken))
    await department_approved(sessions, org, person="sara", unit="solsikken", title="Sprogleg")
    digest = await committee_digest(sessions, org)
    solsikken = next(u for u in digest.units if u.name == "Vuggestuen Solsikken")
    assert (solsikken.goals, solsikken.awaiting) == ((), ("Sprogleg",))


async def test_once_the_committee_approves_a_goal_the_digest_shows_it_as_a_goal(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await department_approved(sessions, demo, title="Mere læselyst i indskolingen")
    await committee_approves(sessions, demo, goal)
    digest = await committee_digest(sessions, demo)
    school = next(u for u in digest.units if u.name == "Bøgeskov Skole")
    assert school.awaiting == ()
    assert "Mere læselyst i indskolingen" in [g.goal.title for g in school.goals]
    entry = next(g for g in school.goals if g.goal.id == goal.id)
    assert (entry.stale, entry.changed) == (True, False)


async def test_a_digest_shows_no_goal_waiting_for_another_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    await department_approved(sessions, demo)
    digest = await committee_digest(sessions, demo, "ssu")
    assert all(u.awaiting == () for u in digest.units)


# --- two municipalities -----------------------------------------------------------------


@pytest.mark.parametrize("person", ["henrik", "camilla"])
async def test_a_goal_of_another_municipality_cannot_be_approved(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile, person: str
) -> None:
    """Nordby's Henrik heads a department with the same key as Bøgeskov's."""
    goal = await submit_goal(sessions, demo)
    refused = await refusal(approve_as(sessions, nordby, person, goal))
    assert (type(refused), refused.key) == (NotAllowed, "maal.ukendt")
    assert (await stored(sessions, goal.id)).state == GoalState.SUBMITTED


async def test_a_goal_of_another_municipality_cannot_be_returned(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo)
    refused = await refusal(return_as(sessions, nordby, "henrik", goal, "Forkert kommune."))
    assert refused.key == "maal.ukendt"


async def test_a_goal_of_another_municipality_waiting_for_its_committee_cannot_be_returned(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    goal = await department_approved(sessions, demo)
    refused = await refusal(return_as(sessions, nordby, "camilla", goal, "Forkert kommune."))
    assert refused.key == "maal.ukendt"  # not "only the administration": she is one
    assert (await stored(sessions, goal.id)).state == GoalState.DEPARTMENT_APPROVED


async def test_another_municipalitys_administration_cannot_record_a_committee_approval(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    goal = await department_approved(sessions, demo)
    refused = await refusal(committee_approves(sessions, nordby, goal))
    assert refused.key == "maal.ukendt"
    assert (await stored(sessions, goal.id)).state == GoalState.DEPARTMENT_APPROVED


async def test_nothing_of_another_municipality_waits_for_anyone(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    await submit_goal(sessions, demo, title="Bøgeskov indsendt")
    await department_approved(sessions, demo, title="Bøgeskov godkendt")
    await submit_goal(sessions, nordby, title="Nordby indsendt")
    await department_approved(sessions, nordby, title="Nordby godkendt")
    assert await waiting_titles(sessions, nordby, "henrik") == ["Nordby indsendt"]
    assert await waiting_titles(sessions, nordby, "camilla") == ["Nordby godkendt"]


@pytest.mark.parametrize("person", ["mette", "henrik", "camilla", "jens"])
async def test_a_goal_is_unknown_in_another_municipality(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile, person: str
) -> None:
    goal = await submit_goal(sessions, demo)
    refused = await refusal(detail_for(sessions, nordby, person, goal.id))
    assert refused.key == "maal.ukendt"


async def test_a_digest_awaits_only_its_own_municipalitys_goals(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    await department_approved(sessions, nordby, title="Kun i Nordby")
    digest = await committee_digest(sessions, demo)
    assert all(u.awaiting == () for u in digest.units)
    nordby_digest = await committee_digest(sessions, nordby)
    assert [u.awaiting for u in nordby_digest.units if u.awaiting] == [("Kun i Nordby",)]
