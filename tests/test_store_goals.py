"""Goals as a leader drafts them: what they are offered, what a save or a submit checks,
what it writes, and how an approved goal gets a new version while it stays reportable."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from store import goals
from store.enums import GoalAction, GoalState
from store.errors import DomainError, Invalid, NotAllowed
from store.goals import FLAG_OVER_LIMIT, FLAG_STATUTORY
from store.goalviews import DraftingContext, GoalContent, GoalDetail
from store.models import Bearing, Committee, Goal, GoalBearing, GoalEvent, Person, Unit
from store.orgfile import OrgFile
from store_helpers import (
    NOW,
    TODAY,
    OrgDict,
    Sessions,
    actor_of,
    approve_as,
    bearing_ids,
    committee_approves,
    committee_digest,
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

TRIVSEL = "Flere elever trives i frikvartererne"  # an approved goal of Bøgeskov Skole


async def context_of(sessions: Sessions, org: OrgFile, person: str) -> DraftingContext:
    async with sessions() as session:
        return await goals.drafting_context(session, await actor_of(session, org, person), TODAY)


async def goal_count(sessions: Sessions) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(Goal)) or 0


async def trivsel_id(sessions: Sessions, org: OrgFile) -> int:
    async with sessions() as session:
        return await id_of(session, Goal, "boegeskov-skole-trivsel", org)


async def refused_save(
    sessions: Sessions, org: OrgFile, person: str, unit: str, content: GoalContent, **kw: Any
) -> DomainError:
    """Save as the dialogue does (in a savepoint, the rest of the turn committed) and return
    the refusal."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        unit_id = await id_of(session, Unit, unit, org)
        with pytest.raises((Invalid, NotAllowed)) as refused:
            async with session.begin_nested():
                await goals.save(session, actor, unit_id, content, now=NOW, **kw)
    return refused.value


def edited_period(org: OrgFile, starts: date, ends: date) -> OrgFile:
    """`org` with its period moved to run from `starts` to `ends`."""
    return edited(org, lambda raw: raw["period"].update(starts=str(starts), ends=str(ends)))


@pytest.fixture
async def jammerbugt(sessions: Sessions, demo_org: OrgFile) -> OrgFile:
    """The demo municipality working by Jammerbugt's profile: schools have a template of
    their own, and the department head's approval is the last step."""
    return await imported(sessions, with_profile(demo_org, "jammerbugt"))


@pytest.fixture
async def nordby(sessions: Sessions, demo: OrgFile) -> OrgFile:
    """A second municipality with the demo's keys, imported next to it."""
    return await imported(sessions, second_municipality(demo))


# --- what a leader is offered -----------------------------------------------------------


async def test_a_leader_is_offered_their_unit_with_the_profiles_template(
    sessions: Sessions, demo: OrgFile
) -> None:
    context = await context_of(sessions, demo, "mette")
    assert [(u.name, u.unit_type, u.template) for u in context.units] == [
        ("Bøgeskov Skole", "skole", "standard")
    ]
    assert context.profile.key == "hvidovre"
    assert context.period is not None
    assert (context.period.starts_on, context.period.ends_on) == (
        date(2026, 1, 1),
        date(2029, 12, 31),
    )


async def test_jammerbugt_gives_schools_the_school_template(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    context = await context_of(sessions, jammerbugt, "mette")
    assert [(u.name, u.template) for u in context.units] == [("Bøgeskov Skole", "skole")]


async def test_jammerbugt_gives_day_care_the_institution_template_in_danish_order(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    context = await context_of(sessions, jammerbugt, "sara")
    assert [(u.name, u.template) for u in context.units] == [
        ("Børnehaven Troldehøj", "institution"),
        ("Vuggestuen Solsikken", "institution"),
    ]


async def test_each_unit_comes_with_its_count_of_active_goals(
    sessions: Sessions, demo: OrgFile
) -> None:
    await save_goal(sessions, demo, "sara", "solsikken", GoalContent("Kladde"), submit=False)
    context = await context_of(sessions, demo, "sara")
    assert {u.name: u.active_goals for u in context.units} == {
        "Børnehaven Troldehøj": 1,
        "Vuggestuen Solsikken": 2,
    }


async def test_closed_goals_and_goals_of_another_period_are_not_counted(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        old = await new_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 12, 31))
        laesning = await id_of(session, Goal, "boegeskov-skole-laesning", demo)
        trivsel = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        await session.execute(update(Goal).where(Goal.id == laesning).values(period_id=old.id))
        await session.execute(update(Goal).where(Goal.id == trivsel).values(state=GoalState.CLOSED))
    (school,) = (await context_of(sessions, demo, "mette")).units
    assert school.active_goals == 0


async def test_the_committees_bearings_of_the_current_period_are_offered(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        old = await new_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 12, 31))
        session.add(
            Bearing(
                municipality_id=old.municipality_id,
                key="buu-gammel",
                committee_id=await id_of(session, Committee, "buu", demo),
                period_id=old.id,
                title="Et pejlemærke fra sidste valgperiode",
            )
        )
    context = await context_of(sessions, demo, "mette")
    (school,) = context.units
    assert [b.title for b in context.bearings_for(school.id)] == [
        "Alle børn skal trives og høre til i et fællesskab",
        "Tidlig indsats for sprog og læsning",
        "Sammenhængende overgange fra dagtilbud til skole",
    ]
    assert list(context.bearings) == [school.committee_id]  # not the other committees'


async def test_someone_who_leads_no_unit_is_offered_no_units(
    sessions: Sessions, demo: OrgFile
) -> None:
    context = await context_of(sessions, demo, "henrik")
    assert (context.units, dict(context.bearings)) == ((), {})


async def test_a_municipality_without_goals_offers_no_units(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    """Dragør's profile keeps only the dialogue meetings and the bearings."""
    dragoer = await imported(sessions, with_profile(demo_org, "dragoer"))
    context = await context_of(sessions, dragoer, "mette")
    assert context.profile.uses_goals is False
    assert context.units == ()


async def test_a_leader_is_offered_only_their_own_municipalitys_unit_and_bearings(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    context = await context_of(sessions, nordby, "mette")
    async with sessions() as session:
        unit = await id_of(session, Unit, "boegeskov-skole", nordby)
        own = await bearing_ids(session, nordby, "buu-trivsel", "buu-sprog", "buu-overgange")
    assert [u.id for u in context.units] == [unit]
    assert tuple(b.id for b in context.bearings_for(unit)) == own


# --- saving and submitting --------------------------------------------------------------


async def test_a_draft_needs_only_a_title(sessions: Sessions, demo: OrgFile) -> None:
    saved = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("Mere læselyst"), submit=False
    )
    assert saved.created is True
    assert (saved.goal.state, saved.goal.version, saved.goal.content.title) == (
        GoalState.DRAFT,
        1,
        "Mere læselyst",
    )
    assert saved.goal.reportable is False
    assert saved.approvers == ()


async def test_a_draft_without_a_title_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("   "), submit=False
    )
    assert (refused.key, refused.params) == ("maal.felt_mangler", {"field": "title"})
    assert await goal_count(sessions) == 12


@pytest.mark.parametrize(
    "field",
    ["goal_type", "expected_effect", "success_criteria", "evaluation_method", "data_source",
     "deadline", "responsible"],
)  # fmt: skip
async def test_submitting_refuses_a_goal_without_a_required_field(
    sessions: Sessions, demo: OrgFile, field: str
) -> None:
    empty = () if field == "success_criteria" else None
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole", goal_content(**{field: empty}), submit=True
    )
    assert (refused.key, refused.params) == ("maal.felt_mangler", {"field": field})
    assert await goal_count(sessions) == 12


async def test_an_optional_field_may_be_left_out_when_submitting(
    sessions: Sessions, demo: OrgFile
) -> None:
    saved = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(sub_goals=()), submit=True
    )
    assert saved.goal.state is GoalState.SUBMITTED


async def test_a_schools_template_requires_its_own_fields(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    """Jammerbugt's schools say which grades a goal concerns; it is kept with the goal."""
    refused = await refused_save(
        sessions, jammerbugt, "mette", "boegeskov-skole",
        goal_content(extra={"national_goal": "wellbeing"}), submit=True,
    )  # fmt: skip
    assert (refused.key, refused.params) == ("maal.felt_mangler", {"field": "grades"})


async def test_a_day_care_goal_in_jammerbugt_needs_no_school_fields(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    saved = await save_goal(
        sessions, jammerbugt, "sara", "solsikken", goal_content(extra={}), submit=True
    )
    assert (saved.goal.template, saved.goal.state) == ("institution", GoalState.SUBMITTED)


async def test_a_deadline_outside_the_period_is_refused_with_the_periods_dates(
    sessions: Sessions, demo: OrgFile
) -> None:
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(deadline=date(2030, 6, 1)), submit=True,
    )  # fmt: skip
    assert refused.key == "maal.frist_udenfor"
    assert refused.params == {"start": date(2026, 1, 1), "end": date(2029, 12, 31)}


async def test_a_goal_without_bearings_needs_a_reason(sessions: Sessions, demo: OrgFile) -> None:
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(no_bearing_reason=None), submit=True,
    )  # fmt: skip
    assert (refused.key, refused.params) == ("maal.felt_mangler", {"field": "no_bearing_reason"})


async def test_a_goal_without_bearings_keeps_its_reason(sessions: Sessions, demo: OrgFile) -> None:
    saved = await save_goal(sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=True)
    assert saved.goal.bearings == ()
    assert saved.goal.content.no_bearing_reason == "Målet kommer fra skolebestyrelsen."


async def test_a_goal_following_bearings_keeps_them_and_drops_the_reason(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        chosen = await bearing_ids(session, demo, "buu-trivsel", "buu-sprog")
    content = goal_content(chosen, no_bearing_reason="Glemt fra før")
    saved = await save_goal(sessions, demo, "mette", "boegeskov-skole", content, submit=True)
    assert saved.goal.content.bearing_ids == chosen
    assert [b.title for b in saved.goal.bearings] == [
        "Alle børn skal trives og høre til i et fællesskab",
        "Tidlig indsats for sprog og læsning",
    ]
    assert saved.goal.content.no_bearing_reason is None


async def test_a_text_longer_than_its_limit_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    """The dialogue checks lengths step by step; a card can send anything, so the save
    checks again (a draft too), rather than leaving it to the database column."""
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(responsible="x" * 201), submit=False,
    )  # fmt: skip
    assert (refused.key, refused.params) == ("maal.for_lang", {"limit": 200, "length": 201})


async def test_more_success_criteria_than_the_limit_are_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    criteria = tuple(f"Mindst {n} elever deltager" for n in range(1, 12))
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(success_criteria=criteria), submit=True,
    )  # fmt: skip
    assert (refused.key, refused.params) == ("maal.for_mange", {"limit": 10})


@pytest.mark.parametrize(
    "content",
    [
        goal_content(goal_type="produktivitetsmål-med-en-meget-lang-værdi"),
        goal_content(evaluation_method="spåkone"),
        goal_content(extra={"national_goal": "wellbeing", "grades": ["middle", "gymnasium"]}),
    ],
    ids=["goal-type", "evaluation-method", "one-of-several-grades"],
)
async def test_a_choice_outside_its_set_is_refused_and_nothing_is_written(
    sessions: Sessions, demo: OrgFile, content: GoalContent
) -> None:
    """A forged card's choice would be stored on SQLite and break the column on PostgreSQL."""
    before = await goal_count(sessions)
    refused = await refused_save(sessions, demo, "mette", "boegeskov-skole", content, submit=False)
    assert refused.key == "maal.ugyldigt_valg"
    assert await goal_count(sessions) == before


@pytest.mark.parametrize(
    ("org_of", "bearing"),
    [("demo", "ssu-hverdag"), ("nordby", "buu-trivsel")],
    ids=["another-committee", "another-municipality"],
)
async def test_a_bearing_the_unit_was_not_offered_is_refused_and_nothing_is_written(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile, org_of: str, bearing: str
) -> None:
    """Only the unit's own committee's bearings, as the dialogue offered them."""
    async with sessions() as session:
        foreign = await bearing_ids(session, {"demo": demo, "nordby": nordby}[org_of], bearing)
    before = await goal_count(sessions)
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole", goal_content(foreign), submit=True
    )
    assert refused.key == "maal.ukendt_pejlemaerke"
    assert await goal_count(sessions) == before
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(GoalEvent)) == 0


async def test_a_bearing_of_an_earlier_period_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        old = await new_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 12, 31))
        bearing = Bearing(
            municipality_id=old.municipality_id,
            key="buu-gammel",
            committee_id=await id_of(session, Committee, "buu", demo),
            period_id=old.id,
            title="Et pejlemærke fra sidste valgperiode",
        )
        session.add(bearing)
        await session.flush()
        old_bearing = bearing.id
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole", goal_content((old_bearing,)), submit=False
    )
    assert refused.key == "maal.ukendt_pejlemaerke"


async def test_a_goal_for_a_unit_the_leader_does_not_lead_is_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    refused = await refused_save(
        sessions, demo, "mette", "engholm-skole", goal_content(), submit=False
    )
    assert refused.key == "maal.ikke_din_enhed"
    assert await goal_count(sessions) == 12


async def test_another_units_goal_cannot_be_saved_over(sessions: Sessions, demo: OrgFile) -> None:
    """Sara leads both day-care units; a goal of one cannot be rewritten as the other's."""
    async with sessions() as session:
        overgang = await id_of(session, Goal, "troldehoej-overgang", demo)
    refused = await refused_save(
        sessions, demo, "sara", "solsikken", goal_content(), submit=False, goal_id=overgang
    )
    assert refused.key == "maal.ikke_din_enhed"


async def test_saving_the_same_dialogue_twice_updates_one_draft(
    sessions: Sessions, demo: OrgFile
) -> None:
    first = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("Læsning"), submit=False,
        origin="dialog-1",
    )  # fmt: skip
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("Mere læselyst"), submit=False,
        origin="dialog-1", now=NOW + timedelta(minutes=5),
    )  # fmt: skip
    assert (first.created, again.created) == (True, False)
    assert again.goal.id == first.goal.id
    assert again.goal.content.title == "Mere læselyst"
    assert await goal_count(sessions) == 13


async def test_a_dialogue_submitted_twice_makes_one_goal_and_changes_nothing(
    sessions: Sessions, demo: OrgFile
) -> None:
    """A retry or a second device sends the same dialogue again after it was submitted."""
    first = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=True, origin="d-2"
    )
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(title="Noget andet"),
        submit=True, origin="d-2", now=NOW + timedelta(minutes=1),
    )  # fmt: skip
    assert again.created is False
    assert again.goal == first.goal
    assert again.approvers == ()  # the department head was told the first time
    assert [e.action for e in await events_of(sessions, first.goal.id)] == [GoalAction.SUBMITTED]


@pytest.mark.parametrize("submit", [True, False], ids=["sent", "saved"])
async def test_one_dialogue_saved_at_the_same_moment_twice_makes_one_goal(
    sessions: Sessions, demo: OrgFile, submit: bool
) -> None:
    """Two devices finish the same dialogue at once. On PostgreSQL both transactions find
    no goal and insert one; the second insert meets the first and writes onto it."""
    both = await asyncio.gather(*(
        save_goal(sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=submit,
                  origin="d-3")
        for _ in range(2)
    ))  # fmt: skip
    assert sorted(saved.created for saved in both) == [False, True]
    assert both[0].goal.id == both[1].goal.id
    async with sessions() as session:
        made = await session.scalar(select(func.count()).where(Goal.origin == "d-3"))
    assert made == 1
    saved = [e.action for e in await events_of(sessions, both[0].goal.id)]
    assert saved == ([GoalAction.SUBMITTED] if submit else [GoalAction.SAVED] * 2)


async def test_a_submitted_goal_names_its_units_department_heads_as_approvers(
    sessions: Sessions, demo: OrgFile
) -> None:
    school = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=True
    )
    service = await save_goal(
        sessions, demo, "ahmed", "borgerservice-boegeskov", goal_content(), submit=True
    )
    async with sessions() as session:
        henrik = await id_of(session, Person, "henrik", demo)
        birgitte = await id_of(session, Person, "birgitte", demo)
    assert (school.approvers, service.approvers) == ((henrik,), (birgitte,))


async def test_saves_and_submits_are_recorded_with_the_person(
    sessions: Sessions, demo: OrgFile
) -> None:
    draft = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=False
    )
    await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=True,
        goal_id=draft.goal.id, now=NOW + timedelta(hours=1),
    )  # fmt: skip
    async with sessions() as session:
        mette = await id_of(session, Person, "mette", demo)
    history = await events_of(sessions, draft.goal.id)
    assert [(e.action, e.version, e.person_id, e.at) for e in history] == [
        (GoalAction.SAVED, 1, mette, NOW),
        (GoalAction.SUBMITTED, 1, mette, NOW + timedelta(hours=1)),
    ]


async def test_a_goal_is_saved_in_the_period_running_in_danish_time(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    """At 00.30 on 1 January in Denmark it is still 31 December in UTC; the dialogue offered
    the new year's period, and the goal belongs to it."""
    yearly = edited_period(demo_org, date(2026, 1, 1), date(2026, 12, 31))
    await imported(sessions, yearly)
    async with sessions.begin() as session:
        await new_period(session, yearly, "aftaleaar-2027", date(2027, 1, 1), date(2027, 12, 31))
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    saved = await save_goal(
        sessions, yearly, "mette", "boegeskov-skole", GoalContent("Mål for 2027"),
        submit=False, now=new_year,
    )  # fmt: skip
    assert saved.goal.period is not None
    assert saved.goal.period.name == "aftaleaar-2027"


# --- warnings for whoever approves ------------------------------------------------------


async def test_a_goal_beyond_the_profiles_limit_is_flagged(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Bøgeskov Skole has 2 goals; the 3rd to 5th reach Hvidovre's limit of 5, the 6th
    goes beyond it."""
    flags = []
    for number in range(3, 7):
        saved = await save_goal(
            sessions, demo, "mette", "boegeskov-skole", GoalContent(f"Mål {number}"),
            submit=False,
        )  # fmt: skip
        flags.append(saved.goal.flags)
    assert flags == [(), (), (), (FLAG_OVER_LIMIT,)]


async def test_editing_a_goal_within_the_limit_does_not_count_it_twice(
    sessions: Sessions, demo: OrgFile
) -> None:
    for number in range(3, 5):
        await save_goal(
            sessions, demo, "mette", "boegeskov-skole", GoalContent(f"Mål {number}"), submit=False
        )
    fifth = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("Mål 5"), submit=False
    )
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(title="Mål 5"), submit=True,
        goal_id=fifth.goal.id,
    )  # fmt: skip
    assert again.goal.flags == ()


async def test_the_limit_counts_imported_goals_too(sessions: Sessions, demo_org: OrgFile) -> None:
    """A unit whose organisation file already lists five agreed goals is at the limit."""

    def five_goals(raw: OrgDict) -> None:
        school = next(u for u in raw["units"] if u["key"] == "boegeskov-skole")
        school["goals"] += [
            {"key": f"boegeskov-ekstra-{n}", "title": f"Aftalt mål {n}"} for n in (3, 4, 5)
        ]

    org = await imported(sessions, edited(demo_org, five_goals))
    saved = await save_goal(
        sessions, org, "mette", "boegeskov-skole", GoalContent("Et sjette mål"), submit=False
    )
    assert saved.goal.flags == (FLAG_OVER_LIMIT,)


async def test_a_goal_reading_like_a_statutory_requirement_is_flagged(
    sessions: Sessions, demo: OrgFile
) -> None:
    saved = await save_goal(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(title="Overholde lovkravet om elevplaner"), submit=True,
    )  # fmt: skip
    assert saved.goal.flags == (FLAG_STATUTORY,)


async def test_a_flag_is_dropped_when_the_wording_changes(
    sessions: Sessions, demo: OrgFile
) -> None:
    first = await save_goal(
        sessions, demo, "mette", "boegeskov-skole",
        GoalContent("Kortere sagsbehandlingstid på visitationer"), submit=False,
    )  # fmt: skip
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("Flere elever læser dagligt"),
        submit=False, goal_id=first.goal.id,
    )  # fmt: skip
    assert (first.goal.flags, again.goal.flags) == ((FLAG_STATUTORY,), ())


# --- editing ----------------------------------------------------------------------------


async def test_a_draft_is_edited_in_place(sessions: Sessions, demo: OrgFile) -> None:
    first = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("Læsning"), submit=False
    )
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=True,
        goal_id=first.goal.id,
    )  # fmt: skip
    assert (again.created, again.goal.id, again.goal.version) == (False, first.goal.id, 1)
    assert again.goal.content == goal_content()
    assert await goal_count(sessions) == 13


async def test_a_returned_goal_is_edited_in_place_and_sent_again(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await submit_goal(sessions, demo)
    await return_as(sessions, demo, "henrik", goal, "Gør effekten mere konkret.")
    again = await save_goal(
        sessions, demo, "mette", "boegeskov-skole",
        goal_content(goal.content.bearing_ids, expected_effect="Færre konflikter i gården."),
        submit=True, goal_id=goal.id,
    )  # fmt: skip
    assert (again.goal.id, again.goal.version, again.goal.state) == (
        goal.id,
        1,
        GoalState.SUBMITTED,
    )
    assert again.goal.content.expected_effect == "Færre konflikter i gården."
    assert not any(e.action is GoalAction.REVISED for e in await events_of(sessions, goal.id))


async def test_a_submitted_goal_cannot_be_edited(sessions: Sessions, demo: OrgFile) -> None:
    """It waits for the department head, who decides on what they were sent."""
    goal = await submit_goal(sessions, demo)
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=True, goal_id=goal.id
    )
    assert (refused.key, refused.params) == ("maal.kan_ikke_rettes", {"state": "submitted"})


async def test_a_closed_goal_cannot_be_edited(sessions: Sessions, demo: OrgFile) -> None:
    goal_id = await trivsel_id(sessions, demo)
    async with sessions.begin() as session:
        await session.execute(update(Goal).where(Goal.id == goal_id).values(state="closed"))
    refused = await refused_save(
        sessions, demo, "mette", "boegeskov-skole", goal_content(), submit=True, goal_id=goal_id
    )
    assert (refused.key, refused.params) == ("maal.kan_ikke_rettes", {"state": "closed"})


async def revise_trivsel(
    sessions: Sessions, org: OrgFile, title: str = "Flere elever trives"
) -> GoalDetail:
    """Mette changes the approved, imported goal and sends it for approval again."""
    goal_id = await trivsel_id(sessions, org)
    async with sessions() as session:
        bearings = await bearing_ids(session, org, "buu-trivsel")
    saved = await save_goal(
        sessions, org, "mette", "boegeskov-skole", goal_content(bearings, title=title),
        submit=True, goal_id=goal_id, now=NOW + timedelta(days=1),
    )  # fmt: skip
    return saved.goal


async def test_changing_an_approved_goal_makes_a_new_version_sent_for_approval(
    sessions: Sessions, demo: OrgFile
) -> None:
    revised = await revise_trivsel(sessions, demo)
    assert (revised.id, revised.version, revised.state) == (
        await trivsel_id(sessions, demo),
        2,
        GoalState.SUBMITTED,
    )


async def test_a_revision_keeps_what_the_approved_version_said(
    sessions: Sessions, demo: OrgFile
) -> None:
    revised = await revise_trivsel(sessions, demo)
    revision, submitted = await events_of(sessions, revised.id)
    assert (revision.action, revision.version) == (GoalAction.REVISED, 1)
    assert (submitted.action, submitted.version) == (GoalAction.SUBMITTED, 2)
    assert revision.snapshot is not None
    assert revision.snapshot["title"] == TRIVSEL
    assert revision.snapshot["state"] == "approved"
    assert revision.snapshot["expected_effect"].startswith("Færre konflikter i frikvartererne")


async def test_a_goal_being_revised_is_still_reported_on_its_approved_version(
    sessions: Sessions, demo: OrgFile
) -> None:
    revised = await revise_trivsel(sessions, demo)
    async with sessions() as session:
        row = await session.get_one(Goal, revised.id)
    assert (row.version, row.reportable_version) == (2, 1)
    assert revised.reportable is True
    # As approved, not as changed: the committee has not seen the change yet.
    titles = await reported_titles(sessions, demo, "mette")
    assert TRIVSEL in titles and "Flere elever trives" not in titles
    digest = await committee_digest(sessions, demo)
    [entry] = [g for g in digest.goals if g.goal.id == revised.id]
    assert (entry.goal.title, entry.goal.newer_state) == (TRIVSEL, GoalState.SUBMITTED)
    assert entry.goal.expected_effect is not None
    assert entry.goal.expected_effect.startswith("Færre konflikter i frikvartererne")


async def test_a_revision_waiting_for_the_committee_is_marked_on_the_goal_not_listed_as_new(
    sessions: Sessions, demo: OrgFile
) -> None:
    revised = await revise_trivsel(sessions, demo)
    await approve_as(sessions, demo, "henrik", revised)
    digest = await committee_digest(sessions, demo)
    [entry] = [g for g in digest.goals if g.goal.id == revised.id]
    assert (entry.goal.title, entry.goal.newer_state) == (TRIVSEL, GoalState.DEPARTMENT_APPROVED)
    assert all(unit.awaiting == () for unit in digest.units)


async def test_once_approved_the_revision_is_what_is_reported(
    sessions: Sessions, demo: OrgFile
) -> None:
    revised = await revise_trivsel(sessions, demo)
    await committee_approves(sessions, demo, await approve_as(sessions, demo, "henrik", revised))
    assert "Flere elever trives" in await reported_titles(sessions, demo, "mette")
    [entry] = [g for g in (await committee_digest(sessions, demo)).goals if g.goal.id == revised.id]
    assert (entry.goal.title, entry.goal.newer_state) == ("Flere elever trives", None)


async def test_a_revision_becomes_reportable_once_the_committee_approves_it(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Hvidovre: the department head's approval is not enough; the committee's is."""
    revised = await revise_trivsel(sessions, demo)
    approved = await approve_as(sessions, demo, "henrik", revised)
    async with sessions() as session:
        assert (await session.get_one(Goal, revised.id)).reportable_version == 1
    await committee_approves(sessions, demo, approved)
    async with sessions() as session:
        row = await session.get_one(Goal, revised.id)
    assert (row.state, row.version, row.reportable_version) == (GoalState.APPROVED, 2, 2)


async def test_in_jammerbugt_a_revision_is_reportable_once_the_department_approves_it(
    sessions: Sessions, jammerbugt: OrgFile
) -> None:
    revised = await revise_trivsel(sessions, jammerbugt)
    await approve_as(sessions, jammerbugt, "henrik", revised)
    async with sessions() as session:
        row = await session.get_one(Goal, revised.id)
    assert (row.state, row.reportable_version) == (GoalState.APPROVED, 2)


async def test_a_revision_keeps_the_bearings_it_is_given(sessions: Sessions, demo: OrgFile) -> None:
    revised = await revise_trivsel(sessions, demo)
    async with sessions() as session:
        linked = list(
            await session.scalars(
                select(GoalBearing.bearing_id).where(GoalBearing.goal_id == revised.id)
            )
        )
        assert linked == list(await bearing_ids(session, demo, "buu-trivsel"))


# --- two municipalities -----------------------------------------------------------------


async def test_a_leader_cannot_save_for_a_unit_of_another_municipality(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    """Nordby's Mette leads a unit with the same key as Bøgeskov's; Bøgeskov's unit id,
    forged into a card, is not hers."""
    async with sessions.begin() as session:
        b_mette = await actor_of(session, nordby, "mette")
        a_school = await id_of(session, Unit, "boegeskov-skole", demo)
        with pytest.raises(NotAllowed) as refused:
            await goals.save(session, b_mette, a_school, goal_content(), submit=False, now=NOW)
    assert refused.value.key == "maal.ikke_din_enhed"


async def test_a_leader_cannot_save_over_another_municipalitys_goal(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    a_goal = await trivsel_id(sessions, demo)
    refused = await refused_save(
        sessions, nordby, "mette", "boegeskov-skole", goal_content(), submit=False, goal_id=a_goal
    )
    assert refused.key == "maal.ikke_din_enhed"
    async with sessions() as session:
        assert (await session.get_one(Goal, a_goal)).title == TRIVSEL


async def test_a_leaders_own_list_holds_drafts_that_status_reporting_leaves_out(
    sessions: Sessions, demo: OrgFile
) -> None:
    await save_goal(
        sessions, demo, "mette", "boegeskov-skole", GoalContent("Mere læselyst"), submit=False
    )
    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
        listed = await goals.goals_of_leader(session, mette, TODAY)
    assert [(g.content.title, g.state) for g in listed] == [
        (TRIVSEL, GoalState.APPROVED),
        ("Styrket læsning i indskolingen", GoalState.APPROVED),
        ("Mere læselyst", GoalState.DRAFT),
    ]
    assert "Mere læselyst" not in await reported_titles(sessions, demo, "mette")


async def test_someone_who_leads_no_unit_has_no_goals_of_their_own(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        henrik = await actor_of(session, demo, "henrik")
        assert await goals.goals_of_leader(session, henrik, TODAY) == []


async def test_goals_of_leader_lists_only_the_leaders_own_municipality(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    await save_goal(sessions, demo, "mette", "boegeskov-skole", GoalContent("Kun i Bøgeskov"),
                    submit=False)  # fmt: skip
    async with sessions() as session:
        b_mette = await actor_of(session, nordby, "mette")
        listed = await goals.goals_of_leader(session, b_mette, TODAY)
    assert [g.content.title for g in listed] == [TRIVSEL, "Styrket læsning i indskolingen"]
    assert {g.unit_id for g in listed} == b_mette.led_unit_ids
