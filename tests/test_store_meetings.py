"""Dialogue meetings: the administration plans, changes and cancels them, who sees which
meeting, the leaders' preparation notes, and the pack the committee reads before."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from meetingkit import (
    NOTE,
    WHEN,
    a_plan,
    meeting_as,
    person_ids,
    plan_meeting,
    prepare,
    refusal,
    unit_ids,
)
from store import goals, meetings
from store.enums import Color, MeetingModel, MeetingState
from store.errors import DomainError, Invalid, NotAllowed
from store.meeting_pack import pack
from store.meetingviews import MeetingChange, PackView, PreparationContent
from store.models import Goal, Preparation
from store.orgfile import OrgFile
from store.status import record_status
from store_helpers import (
    NOW,
    TODAY,
    OrgDict,
    Sessions,
    actor_of,
    edited,
    goal_content,
    id_of,
    imported,
    new_period,
    save_goal,
    second_municipality,
    statements,
    with_profile,
)

LATER = WHEN + timedelta(days=7)


@pytest.fixture
async def nordby(sessions: Sessions, demo: OrgFile) -> OrgFile:
    """A second municipality with the demo's keys, imported next to it."""
    return await imported(sessions, second_municipality(demo))


async def plan_refused(
    sessions: Sessions, org: OrgFile, *units: str, person: str = "camilla", **plan: object
) -> DomainError:
    """Why planning this meeting (see `plan_meeting`) is refused."""
    return await refusal(plan_meeting(sessions, org, *units, person=person, **plan))


async def change_as(
    sessions: Sessions,
    org: OrgFile,
    planned: MeetingChange,
    *units: str,
    person: str = "camilla",
    revision: int | None = None,
    **plan: object,
) -> MeetingChange:
    """`person` changes the meeting as `planned` shows it: to the units `units` (keys),
    with `plan` changing time, model, place or theme."""
    shown = planned.meeting
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        kept = {"starts_at": shown.starts_at, "model": shown.model}
        wanted = replace(
            await a_plan(session, org, *units, **kept),
            **({"theme": shown.theme, "place": shown.place} | plan),
        )
        at = shown.revision if revision is None else revision
        return await meetings.change(session, actor, shown.id, at, wanted, NOW)


async def cancel_as(
    sessions: Sessions, org: OrgFile, planned: MeetingChange, person: str = "camilla"
) -> MeetingChange:
    shown = planned.meeting
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        return await meetings.cancel(session, actor, shown.id, shown.revision, NOW)


async def seen_by(sessions: Sessions, org: OrgFile, person: str, now: datetime = NOW) -> list[int]:
    """The ids of the meetings `person` finds under `møder`, in the order shown."""
    async with sessions() as session:
        actor = await actor_of(session, org, person)
        return [m.id for m in await meetings.meetings_of(session, actor, now)]


# --- planning ---------------------------------------------------------------------------


async def test_the_administration_plans_with_every_committee_and_its_units(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        actor = await actor_of(session, demo, "camilla")
        offered = await meetings.planning_committees(session, actor)
    buu = next(c for c in offered if c.name == "Børne- og Uddannelsesudvalget")
    assert len(offered) == 3
    assert [u.name for u in buu.units] == [
        "Bøgeskov Skole",
        "Børnehaven Troldehøj",
        "Børnehuset Mælkebøtten",
        "Engholm Skole",
        "Vuggestuen Solsikken",
    ]
    assert (buu.unit_types, buu.areas) == (("skole", "dagtilbud"), ("Nord", "Syd"))


async def test_planning_a_meeting_invites_the_leaders_of_its_units(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(
        sessions, demo, "boegeskov-skole", "maelkeboetten", theme=" Trivsel ", place="Rådhuset"
    )
    shown = planned.meeting
    assert planned.invited == await person_ids(sessions, demo, "mette", "lise")
    assert [u.name for u in shown.units] == ["Bøgeskov Skole", "Børnehuset Mælkebøtten"]
    assert (shown.state, shown.revision, shown.theme, shown.place) == (
        MeetingState.PLANNED, 1, "Trivsel", "Rådhuset",
    )  # fmt: skip
    assert (shown.starts_at, shown.committee_name) == (WHEN, "Børne- og Uddannelsesudvalget")
    assert not any(u.prepared for u in shown.units)


async def test_a_leader_of_two_units_is_invited_once(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "solsikken", "troldehoej")
    assert planned.invited == await person_ids(sessions, demo, "sara")


async def test_a_unit_named_twice_takes_part_once(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "solsikken", "solsikken")
    assert [u.name for u in planned.meeting.units] == ["Vuggestuen Solsikken"]


async def test_a_meeting_in_the_past_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    refused = await plan_refused(sessions, demo, starts_at=NOW - timedelta(minutes=1))
    assert (type(refused), refused.key) == (Invalid, "moede.tid_forbi")


async def test_a_unit_of_another_committee_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    refused = await plan_refused(sessions, demo, "boegeskov-skole", "lindegaarden")
    assert (type(refused), refused.key) == (Invalid, "moede.enhed_udenfor")


async def test_a_meeting_without_units_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        wanted = replace(await a_plan(session, demo, "solsikken"), unit_ids=())
        refused = await refusal(meetings.plan(session, actor, wanted, NOW))
    assert refused.key == "moede.ingen_enheder"


async def test_model_1_gathers_units_of_one_type_only(sessions: Sessions, demo: OrgFile) -> None:
    one_type = MeetingModel.ONE_TYPE
    planned = await plan_meeting(sessions, demo, "solsikken", "troldehoej", model=one_type)
    assert planned.meeting.model is one_type
    refused = await plan_refused(sessions, demo, "boegeskov-skole", "solsikken", model=one_type)
    assert (type(refused), refused.key) == (Invalid, "moede.model1_en_type")


async def test_model_3_is_one_unit_alone(sessions: Sessions, demo: OrgFile) -> None:
    one_unit = MeetingModel.ONE_UNIT
    planned = await plan_meeting(sessions, demo, "engholm-skole", model=one_unit)
    assert len(planned.meeting.units) == 1
    refused = await plan_refused(sessions, demo, "engholm-skole", "solsikken", model=one_unit)
    assert (type(refused), refused.key) == (Invalid, "moede.model3_en_enhed")


async def test_a_place_too_long_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    refused = await plan_refused(sessions, demo, place="x" * 201)
    assert (refused.key, refused.params) == ("moede.for_lang", {"field": "place", "limit": 200})


async def test_a_meeting_belongs_to_the_period_of_its_danish_date(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Half past midnight on New Year's Day 2027 in Denmark is still 2026 in UTC, as the
    time may be given."""
    async with sessions.begin() as session:
        await new_period(session, demo, "aftaleaar-2027", date(2027, 1, 1), date(2027, 12, 31))
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Copenhagen")).astimezone(UTC)
    planned = await plan_meeting(sessions, demo, starts_at=new_year)
    made = await pack_of(sessions, planned.meeting.id)
    assert made.period is not None and made.period.name == "aftaleaar-2027"


@pytest.mark.parametrize("person", ["jens", "henrik", "mette"])
async def test_only_the_administration_plans_meetings(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    refused = await plan_refused(sessions, demo, person=person)
    assert (type(refused), refused.key) == (NotAllowed, "moede.kun_administration")


async def test_a_committee_of_another_municipality_cannot_be_planned_for(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions.begin() as session:
        nordby_admin = await actor_of(session, nordby, "camilla")
        theirs = await a_plan(session, demo, "boegeskov-skole")
        refused = await refusal(meetings.plan(session, nordby_admin, theirs, NOW))
    assert (type(refused), refused.key) == (NotAllowed, "moede.udvalg_ukendt")


async def test_a_meeting_of_another_municipality_is_neither_seen_nor_changed(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo)
    assert await seen_by(sessions, nordby, "camilla") == []
    refused = await refusal(meeting_as(sessions, nordby, "camilla", planned.meeting.id))
    assert (type(refused), refused.key) == (NotAllowed, "moede.ukendt")
    refused = await refusal(change_as(sessions, nordby, planned, "boegeskov-skole"))
    assert (type(refused), refused.key) == (NotAllowed, "moede.ukendt")
    assert (await refusal(cancel_as(sessions, nordby, planned))).key == "moede.ukendt"
    assert (await meeting_as(sessions, demo, "camilla", planned.meeting.id)).revision == 1


# --- changing and cancelling ------------------------------------------------------------


async def test_a_change_invites_added_leaders_and_uninvites_removed_ones(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", "maelkeboetten")
    changed = await change_as(sessions, demo, planned, "boegeskov-skole", "engholm-skole")
    assert changed.invited == await person_ids(sessions, demo, "jonas")
    assert changed.uninvited == await person_ids(sessions, demo, "lise")
    assert (changed.told_of_change, changed.previous_start) == ((), None)
    assert [u.name for u in changed.meeting.units] == ["Bøgeskov Skole", "Engholm Skole"]
    assert changed.meeting.revision == 2


async def test_leaders_kept_on_are_told_when_the_time_moves(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", "maelkeboetten")
    units = ("boegeskov-skole", "solsikken")
    changed = await change_as(sessions, demo, planned, *units, starts_at=LATER)
    assert changed.told_of_change == await person_ids(sessions, demo, "mette")
    assert (changed.invited, changed.previous_start) == (
        await person_ids(sessions, demo, "sara"), WHEN,
    )  # fmt: skip
    assert changed.meeting.starts_at == LATER


async def test_leaders_are_told_when_the_place_moves(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", place="Rådhuset")
    changed = await change_as(sessions, demo, planned, "boegeskov-skole", place="Skolen")
    assert changed.told_of_change == await person_ids(sessions, demo, "mette")
    assert (changed.previous_start, changed.meeting.place) == (None, "Skolen")


async def test_a_change_on_a_stale_card_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo)
    await change_as(sessions, demo, planned, "boegeskov-skole", starts_at=LATER)
    refused = await refusal(change_as(sessions, demo, planned, "maelkeboetten"))
    assert (type(refused), refused.key) == (Invalid, "moede.aendret_siden")
    shown = await meeting_as(sessions, demo, "camilla", planned.meeting.id)
    assert ([u.name for u in shown.units], shown.starts_at) == (["Bøgeskov Skole"], LATER)


async def test_a_change_follows_the_planning_rules(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo)
    refused = await refusal(change_as(sessions, demo, planned, "lindegaarden"))
    assert refused.key == "moede.enhed_udenfor"


async def test_only_the_administration_changes_a_meeting(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo)
    refused = await refusal(change_as(sessions, demo, planned, "solsikken", person="henrik"))
    assert (type(refused), refused.key) == (NotAllowed, "moede.kun_administration")


async def test_cancelling_tells_every_invited_leader(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", "solsikken", "troldehoej")
    cancelled = await cancel_as(sessions, demo, planned)
    assert cancelled.uninvited == await person_ids(sessions, demo, "mette", "sara")
    assert (cancelled.meeting.state, cancelled.meeting.revision) == (MeetingState.CANCELLED, 2)


async def test_a_cancelled_meeting_is_not_changed_or_prepared_for(
    sessions: Sessions, demo: OrgFile
) -> None:
    cancelled = await cancel_as(sessions, demo, await plan_meeting(sessions, demo))
    assert (await refusal(change_as(sessions, demo, cancelled, "solsikken"))).key == "moede.aflyst"
    assert (await refusal(cancel_as(sessions, demo, cancelled))).key == "moede.aflyst"
    meeting_id = cancelled.meeting.id
    refused = await refusal(prepare(sessions, demo, "mette", meeting_id, "boegeskov-skole"))
    assert refused.key == "moede.aflyst"


# --- who sees which meeting -------------------------------------------------------------


@pytest.fixture
async def three_meetings(sessions: Sessions, demo: OrgFile) -> dict[str, int]:
    """A daycare meeting and a school meeting of Børne- og Uddannelsesudvalget, and one of
    Social- og Sundhedsudvalget, on three days."""
    daycare = await plan_meeting(sessions, demo, "maelkeboetten", "solsikken", starts_at=WHEN)
    school = await plan_meeting(
        sessions, demo, "boegeskov-skole", "engholm-skole", starts_at=WHEN + timedelta(days=1)
    )
    care = await plan_meeting(
        sessions, demo, "lindegaarden", committee="ssu", starts_at=WHEN + timedelta(days=2)
    )
    return {"daycare": daycare.meeting.id, "school": school.meeting.id, "care": care.meeting.id}


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("camilla", ["daycare", "school", "care"]),
        ("jens", ["daycare", "school"]),
        ("inger", ["care"]),
        ("mette", ["school"]),
        ("lise", ["daycare"]),
        ("sara", ["daycare"]),
        ("henrik", ["daycare", "school"]),
        ("birgitte", ["care"]),
        ("ahmed", []),
    ],
    ids=[
        "administration",
        "buu-politician",
        "ssu-politician",
        "school-leader",
        "daycare-leader",
        "leader-of-two",
        "buu-department-head",
        "ssu-department-head",
        "leader-elsewhere",
    ],
)
async def test_who_sees_which_meeting(
    sessions: Sessions, demo: OrgFile, three_meetings: dict[str, int], person: str, sees: list[str]
) -> None:
    assert await seen_by(sessions, demo, person) == [three_meetings[name] for name in sees]


async def test_a_meeting_someone_may_not_see_is_refused_by_id(
    sessions: Sessions, demo: OrgFile, three_meetings: dict[str, int]
) -> None:
    school = await meeting_as(sessions, demo, "mette", three_meetings["school"])
    assert school.id == three_meetings["school"]
    refused = await refusal(meeting_as(sessions, demo, "mette", three_meetings["daycare"]))
    assert (type(refused), refused.key) == (NotAllowed, "moede.ukendt")
    refused = await refusal(meeting_as(sessions, demo, "jens", three_meetings["care"]))
    assert (type(refused), refused.key) == (NotAllowed, "moede.ukendt")


async def test_coming_meetings_come_first_then_those_held_newest_first(
    sessions: Sessions, demo: OrgFile, three_meetings: dict[str, int]
) -> None:
    """Three hours after the school meeting: the care meeting is to come; the school
    meeting was held today, the daycare meeting the day before."""
    after_school = WHEN + timedelta(days=1, hours=3)
    assert await seen_by(sessions, demo, "camilla", after_school) == [
        three_meetings["care"], three_meetings["school"], three_meetings["daycare"],
    ]  # fmt: skip


async def test_meetings_held_more_than_two_months_ago_are_no_longer_listed(
    sessions: Sessions, demo: OrgFile, three_meetings: dict[str, int]
) -> None:
    later = WHEN + timedelta(days=60, hours=12)
    assert await seen_by(sessions, demo, "camilla", later) == [
        three_meetings["care"], three_meetings["school"],
    ]  # fmt: skip


# --- preparation ------------------------------------------------------------------------


async def test_a_leader_prepares_for_their_unit(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", "maelkeboetten")
    note = await prepare(sessions, demo, "mette", planned.meeting.id, "boegeskov-skole")
    assert (note.unit_name, note.content, note.written_by, note.written_at) == (
        "Bøgeskov Skole", NOTE, "Mette Kjærgaard", NOW,
    )  # fmt: skip
    shown = await meeting_as(sessions, demo, "camilla", planned.meeting.id)
    assert {u.name: u.prepared for u in shown.units} == {
        "Bøgeskov Skole": True,
        "Børnehuset Mælkebøtten": False,
    }


async def test_the_note_is_trimmed_and_blank_fields_left_out(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo)
    written = PreparationContent(unit_status="  God energi.  ", conditions="   ")
    note = await prepare(sessions, demo, "lise", planned.meeting.id, "maelkeboetten", written)
    assert note.content == PreparationContent(unit_status="God energi.")


async def test_an_empty_preparation_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo)
    empty = PreparationContent(goal_follow_up="  ", challenges="")
    refused = await refusal(
        prepare(sessions, demo, "mette", planned.meeting.id, "boegeskov-skole", empty)
    )
    assert (type(refused), refused.key) == (Invalid, "forbered.tom")


async def test_rewriting_the_note_keeps_one_row(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo)
    meeting_id = planned.meeting.id
    await prepare(sessions, demo, "mette", meeting_id, "boegeskov-skole")
    again = PreparationContent(unit_status="Ny skoleleder på mellemtrinnet.")
    later = NOW + timedelta(days=2)
    await prepare(sessions, demo, "mette", meeting_id, "boegeskov-skole", again, later)
    async with sessions() as session:
        actor = await actor_of(session, demo, "mette")
        (unit_id,) = await unit_ids(session, demo, "boegeskov-skole")
        _, _, note = await meetings.preparing(session, actor, meeting_id, unit_id)
        rows = await session.scalar(select(func.count()).select_from(Preparation))
    assert rows == 1
    assert note is not None
    assert (note.content, note.written_at) == (again, later)


@pytest.mark.parametrize(
    ("person", "key"),
    [
        ("lise", "forbered.ikke_din_enhed"),  # takes part with another unit
        ("jens", "forbered.ikke_din_enhed"),  # sees the meeting, leads no unit
        ("henrik", "forbered.ikke_din_enhed"),  # the unit's department head
        ("jonas", "moede.ukendt"),  # his unit does not take part
    ],
)
async def test_only_the_units_own_leader_prepares_it(
    sessions: Sessions, demo: OrgFile, person: str, key: str
) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", "maelkeboetten")
    refused = await refusal(prepare(sessions, demo, person, planned.meeting.id, "boegeskov-skole"))
    assert (type(refused), refused.key) == (NotAllowed, key)


async def test_a_leader_is_asked_for_the_unprepared_units_first(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Sara leads Solsikken and Troldehøj; Solsikken is ready for the first meeting."""
    first = await plan_meeting(sessions, demo, "solsikken", "troldehoej", starts_at=WHEN)
    second = await plan_meeting(sessions, demo, "solsikken", starts_at=LATER)
    await plan_meeting(sessions, demo, "boegeskov-skole")
    await prepare(sessions, demo, "sara", first.meeting.id, "solsikken")
    async with sessions() as session:
        actor = await actor_of(session, demo, "sara")
        asked = await meetings.to_prepare(session, actor, NOW)
    assert [(m.id, u.name, u.prepared) for m, u in asked] == [
        (first.meeting.id, "Børnehaven Troldehøj", False),
        (second.meeting.id, "Vuggestuen Solsikken", False),
        (first.meeting.id, "Vuggestuen Solsikken", True),
    ]


async def test_cancelled_and_past_meetings_are_not_to_be_prepared(
    sessions: Sessions, demo: OrgFile
) -> None:
    await cancel_as(sessions, demo, await plan_meeting(sessions, demo, "solsikken"))
    await plan_meeting(sessions, demo, "troldehoej", starts_at=WHEN)
    async with sessions() as session:
        actor = await actor_of(session, demo, "sara")
        asked = await meetings.to_prepare(session, actor, WHEN + timedelta(hours=1))
    assert asked == []


# --- the meeting pack -------------------------------------------------------------------


async def pack_of(sessions: Sessions, meeting_id: int) -> PackView:
    async with sessions() as session:
        return await pack(session, meeting_id)


async def report(
    sessions: Sessions, org: OrgFile, person: str, goal_key: str, color: Color, at: datetime
) -> None:
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        goal_id = await id_of(session, Goal, goal_key, org)
        await record_status(session, actor, goal_id, color, f"{color} den {at:%d/%m}", None, at)


async def test_the_pack_holds_each_units_goals_with_their_newest_status(
    sessions: Sessions, demo: OrgFile
) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", "maelkeboetten")
    made = await pack_of(sessions, planned.meeting.id)
    school = next(u for u in made.units if u.unit.name == "Bøgeskov Skole")
    assert (made.uses_goals, made.municipality_name) == (True, "Bøgeskov Kommune")
    assert made.period is not None and made.period.name == "Valgperioden 2026–2029"
    assert {g.goal.title: g.goal.latest and g.goal.latest.color for g in school.goals} == {
        "Flere elever trives i frikvartererne": Color.YELLOW,
        "Styrket læsning i indskolingen": Color.GREEN,
    }
    assert [b.title for b in made.bearings] == [
        "Alle børn skal trives og høre til i et fællesskab",
        "Tidlig indsats for sprog og læsning",
        "Sammenhængende overgange fra dagtilbud til skole",
    ]


async def test_the_trend_runs_oldest_first(sessions: Sessions, demo: OrgFile) -> None:
    goal = "boegeskov-skole-trivsel"
    await report(sessions, demo, "mette", goal, Color.RED, NOW - timedelta(days=10))
    await report(sessions, demo, "mette", goal, Color.GREEN, NOW)
    planned = await plan_meeting(sessions, demo, "boegeskov-skole")
    (school,) = (await pack_of(sessions, planned.meeting.id)).units
    trivsel = next(g for g in school.goals if g.goal.title.startswith("Flere elever"))
    assert [s.color for s in trivsel.trend] == [Color.YELLOW, Color.RED, Color.GREEN]
    assert trivsel.goal.latest is not None and trivsel.goal.latest.color is Color.GREEN


async def test_the_pack_holds_the_preparation_notes(sessions: Sessions, demo: OrgFile) -> None:
    planned = await plan_meeting(sessions, demo, "boegeskov-skole", "maelkeboetten")
    await prepare(sessions, demo, "lise", planned.meeting.id, "maelkeboetten")
    made = await pack_of(sessions, planned.meeting.id)
    notes = {u.unit.name: u.preparation and u.preparation.content for u in made.units}
    assert notes == {"Børnehuset Mælkebøtten": NOTE, "Bøgeskov Skole": None}


async def test_the_pack_shows_last_periods_results(sessions: Sessions, demo: OrgFile) -> None:
    """Engholm's agreed goal and a draft never sent are moved to the last period, which has
    ended and closed them: the pack shows how the agreed one ended, not the draft."""
    draft = await save_goal(sessions, demo, "jonas", "engholm-skole", goal_content(), submit=False)
    async with sessions.begin() as session:
        earlier = await new_period(session, demo, "2022-2025", date(2022, 1, 1), date(2025, 12, 31))
        agreed = await id_of(session, Goal, "engholm-skole-fravaer", demo)
        for goal_id in (agreed, draft.goal.id):
            (await session.get_one(Goal, goal_id)).period_id = earlier.id
        assert await goals.close_ended(session, TODAY, NOW) == 2
    planned = await plan_meeting(sessions, demo, "engholm-skole")
    (engholm,) = (await pack_of(sessions, planned.meeting.id)).units
    assert engholm.goals == ()
    assert [(g.goal.title, g.goal.latest and g.goal.latest.color) for g in engholm.earlier] == [
        ("Mindre fravær i udskolingen", Color.RED)
    ]


def with_many_schools(count: int) -> Callable[[OrgDict], None]:
    """An edit of the organisation file: `count` more schools, each with one goal."""

    def add(raw: OrgDict) -> None:
        for n in range(count):
            raw["units"].append({
                "key": f"skole-{n}", "name": f"Skole {n:02}", "type": "skole",
                "department": "dagtilbud-skole",
                "goals": [{"key": f"skole-{n}-maal", "title": "Trivsel", "bearing": "buu-trivsel",
                           "status": [{"color": "green", "date": "2026-10-01",
                                       "narrative": "Godt."}]}],
            })  # fmt: skip

    return add


async def test_a_pack_for_thirty_units_takes_as_many_statements_as_one_for_two(
    engine: AsyncEngine, sessions: Sessions, demo: OrgFile
) -> None:
    org = await imported(sessions, edited(demo, with_many_schools(30)))
    small = await plan_meeting(sessions, org, "skole-0", "skole-1")
    large = await plan_meeting(sessions, org, *(f"skole-{n}" for n in range(30)))
    with statements(engine) as two:
        await pack_of(sessions, small.meeting.id)
    with statements(engine) as thirty:
        made = await pack_of(sessions, large.meeting.id)
    assert len(made.units) == 30
    assert all(len(u.goals) == 1 and len(u.goals[0].trend) == 1 for u in made.units)
    assert len(thirty) == len(two)


async def test_without_goals_the_pack_has_the_notes_and_bearings_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    dragoer = await imported(sessions, with_profile(demo, "dragoer"))
    planned = await plan_meeting(sessions, dragoer, "boegeskov-skole")
    await prepare(sessions, dragoer, "mette", planned.meeting.id, "boegeskov-skole")
    made = await pack_of(sessions, planned.meeting.id)
    (school,) = made.units
    assert made.uses_goals is False
    assert (school.goals, school.earlier) == ((), ())
    assert school.preparation is not None and len(made.bearings) == 3
