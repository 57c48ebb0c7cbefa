"""The audit trail (revisionsspor): every change to goals, status updates, meetings,
summaries, bearings, roles and channel links is recorded once, in the store, with who,
when, through what, and the columns before and after; and nothing can change it after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from meetingkit import HELD, a_plan, bearing, content_for, send_for_comments
from store import audit, bearings, committees, goals, meetings, status, summaries
from store.audit_export import committee_trail
from store.enums import Color
from store.errors import Invalid
from store.goalviews import GoalDetail
from store.models import AuditEvent, Bearing, Committee, Goal, Person, Unit
from store.orgfile import OrgFile
from store.views import Actor
from store_helpers import (
    NOW,
    OrgDict,
    Sessions,
    actor_of,
    bearing_ids,
    by_key,
    edited,
    goal_content,
    id_of,
    imported,
    second_municipality,
)

CHANNEL = "19:buu@thread.tacv2"
SERVICE = "https://smba.trafficmanager.net/emea/"
PERIOD = "valgperiode-2026-2029"


@asynccontextmanager
async def turn(
    sessions: Sessions, org: OrgFile, person: str
) -> AsyncIterator[tuple[AsyncSession, Actor]]:
    """One turn of `person` in Teams: a transaction whose changes are theirs, as
    dialoger/router.py marks every turn."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        with audit.acting(session, audit.CHAT, actor.person_id):
            yield session, actor


async def last_id(sessions: Sessions) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.max(AuditEvent.id))) or 0


async def events_after(sessions: Sessions, mark: int) -> list[AuditEvent]:
    """The audit events recorded since `mark` (see `last_id`), oldest first."""
    async with sessions() as session:
        found = await session.scalars(
            select(AuditEvent).where(AuditEvent.id > mark).order_by(AuditEvent.id)
        )
        return list(found)


def what(events: list[AuditEvent]) -> list[tuple[str, str]]:
    return [(e.entity, e.action) for e in events]


async def person_id(sessions: Sessions, org: OrgFile, key: str) -> int:
    async with sessions() as session:
        return await id_of(session, Person, key, org)


async def submitted_goal(sessions: Sessions, org: OrgFile) -> GoalDetail:
    async with turn(sessions, org, "mette") as (session, mette):
        ids = await bearing_ids(session, org, "buu-trivsel")
        unit = await id_of(session, Unit, "boegeskov-skole", org)
        saved = await goals.save(session, mette, unit, goal_content(ids), submit=True, now=NOW)
    return saved.goal


async def approved_goal(sessions: Sessions, org: OrgFile) -> GoalDetail:
    goal = await submitted_goal(sessions, org)
    async with turn(sessions, org, "henrik") as (session, henrik):
        goal = await goals.approve(session, henrik, goal.id, goal.revision, NOW)
    async with turn(sessions, org, "camilla") as (session, camilla):
        (goal,) = await goals.approve_in_committee(session, camilla, [goal.id], NOW.date(), NOW)
    return goal


# --- goals ------------------------------------------------------------------------------


async def test_a_new_goal_is_recorded_as_its_leaders_with_all_it_says(
    sessions: Sessions, demo: OrgFile
) -> None:
    mark = await last_id(sessions)
    goal = await submitted_goal(sessions, demo)

    events = await events_after(sessions, mark)
    assert what(events) == [("goal", "create"), ("goal_bearing", "create"), ("goal", "update")]
    created, link, submitted = events
    assert created.entity_id == goal.id and created.before is None
    assert created.after is not None
    assert created.after["title"] == goal.content.title and created.after["state"] == "draft"
    assert link.after == {"goal_id": goal.id, "bearing_id": goal.content.bearing_ids[0]}
    assert (submitted.before, submitted.after) == ({"state": "draft"}, {"state": "submitted"})
    mette = await person_id(sessions, demo, "mette")
    assert {(e.person_id, e.source) for e in events} == {(mette, "chat")}
    async with sessions() as session:
        buu = await id_of(session, Committee, "buu", demo)
    assert {(e.committee_id, e.period_id) for e in events} == {(buu, created.after["period_id"])}


async def test_each_approval_records_the_state_before_and_after_and_who_decided(
    sessions: Sessions, demo: OrgFile
) -> None:
    submitted = await submitted_goal(sessions, demo)
    mark = await last_id(sessions)

    await approved_goal_from(sessions, demo, submitted)

    henrik, camilla = (
        await person_id(sessions, demo, "henrik"),
        await person_id(sessions, demo, "camilla"),
    )
    assert [(e.person_id, e.before, e.after) for e in await events_after(sessions, mark)] == [
        (henrik, {"state": "submitted"}, {"state": "department_approved"}),
        (
            camilla,
            {"state": "department_approved", "reportable_version": None},
            {"state": "approved", "reportable_version": 1},
        ),
    ]


async def approved_goal_from(sessions: Sessions, org: OrgFile, goal: GoalDetail) -> None:
    async with turn(sessions, org, "henrik") as (session, henrik):
        goal = await goals.approve(session, henrik, goal.id, goal.revision, NOW)
    async with turn(sessions, org, "camilla") as (session, camilla):
        await goals.approve_in_committee(session, camilla, [goal.id], NOW.date(), NOW)


async def test_revising_an_approved_goal_keeps_what_it_said_before(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await approved_goal(sessions, demo)
    mark = await last_id(sessions)

    async with turn(sessions, demo, "mette") as (session, mette):
        ids = await bearing_ids(session, demo, "buu-sprog")
        unit = await id_of(session, Unit, "boegeskov-skole", demo)
        revised = goal_content(ids, title="Alle elever har en at lege med")
        await goals.save(session, mette, unit, revised, submit=True, now=NOW, goal_id=goal.id)

    events = await events_after(sessions, mark)
    changed = events[0]
    # Only the columns that changed, with their old and new values.
    assert (changed.entity, changed.action) == ("goal", "update")
    assert changed.before == {"title": goal.content.title, "version": 1, "revision": goal.revision}
    assert changed.after == {
        "title": "Alle elever har en at lege med",
        "version": 2,
        "revision": goal.revision + 1,
    }
    links = {(e.action, (e.before or e.after or {})["bearing_id"]) for e in events[1:]
             if e.entity == "goal_bearing"}  # fmt: skip
    assert links == {("create", ids[0]), ("delete", goal.content.bearing_ids[0])}


# --- status, meetings, summaries, channels ---------------------------------------------


async def test_a_status_report_is_recorded_with_who_reported_what(
    sessions: Sessions, demo: OrgFile
) -> None:
    goal = await approved_goal(sessions, demo)
    mark = await last_id(sessions)

    async with turn(sessions, demo, "mette") as (session, mette):
        await status.record_status(session, mette, goal.id, Color.YELLOW, "Vi er i gang", None, NOW)

    (reported,) = await events_after(sessions, mark)
    assert (reported.entity, reported.action, reported.before) == ("status_update", "create", None)
    assert reported.after is not None
    assert reported.after["color"] == "yellow" and reported.after["narrative"] == "Vi er i gang"
    assert reported.after["reported_at"] == NOW.isoformat()
    assert reported.person_id == reported.after["reported_by"]


async def test_planning_changing_and_cancelling_a_meeting_are_recorded(
    sessions: Sessions, demo: OrgFile
) -> None:
    mark = await last_id(sessions)
    async with turn(sessions, demo, "camilla") as (session, camilla):
        wanted = await a_plan(session, demo, "boegeskov-skole", "maelkeboetten")
        planned = (await meetings.plan(session, camilla, wanted, NOW)).meeting
    planning = await events_after(sessions, mark)
    async with turn(sessions, demo, "camilla") as (session, camilla):
        wanted = await a_plan(session, demo, "boegeskov-skole", place="Rådhuset")
        moved = await meetings.change(session, camilla, planned.id, planned.revision, wanted, NOW)
    changing = await events_after(sessions, planning[-1].id)
    async with turn(sessions, demo, "camilla") as (session, camilla):
        await meetings.cancel(session, camilla, planned.id, moved.meeting.revision, NOW)
    (cancelling,) = await events_after(sessions, changing[-1].id)

    assert what(planning) == [("meeting", "create"), *[("meeting_unit", "create")] * 2]
    changes = [(e.entity, e.action, e.before, e.after) for e in changing]
    assert ("meeting", "update", {"place": None}, {"place": "Rådhuset"}) in changes
    # The unit taken off the meeting goes by a bulk DELETE, and is recorded all the same.
    taken_off = next(u.id for u in planned.units if u.id not in wanted.unit_ids)
    gone = {"meeting_id": planned.id, "unit_id": taken_off}
    assert ("meeting_unit", "delete", gone, None) in changes
    assert cancelling.before is not None and cancelling.after is not None
    assert (cancelling.before["state"], cancelling.after["state"]) == ("planned", "cancelled")


async def test_an_approved_summary_records_the_bearings_it_creates(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with turn(sessions, demo, "camilla") as (session, camilla):
        wanted = await a_plan(session, demo, "boegeskov-skole")
        meeting = (await meetings.plan(session, camilla, wanted, NOW)).meeting
        agreed = content_for(meeting, bearings=(bearing("Mere udeliv"), bearing("Ro i gården")))
        written = await summaries.save_draft(session, camilla, meeting.id, agreed, NOW)
    written = await send_for_comments(sessions, demo, written)
    mark = await last_id(sessions)

    async with turn(sessions, demo, "camilla") as (session, camilla):
        shown = written.summary
        await summaries.approve(session, camilla, shown.id, shown.revision, HELD)

    events = await events_after(sessions, mark)
    bearings = [e.after for e in events if (e.entity, e.action) == ("bearing", "create")]
    assert sorted(b["title"] for b in bearings if b) == ["Mere udeliv", "Ro i gården"]
    (approval,) = [e for e in events if e.entity == "summary"]
    assert approval.before is not None and approval.after is not None
    assert (approval.before["state"], approval.after["state"]) == ("comments", "approved")
    assert {e.committee_id for e in events} == {meeting.committee_id}


async def test_the_committees_decision_on_a_bearing_is_recorded(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Proposed at the dialogue meeting, amended by the committee: the trail shows who
    recorded it, and the words before and after."""
    async with turn(sessions, demo, "camilla") as (session, camilla):
        wanted = await a_plan(session, demo, "boegeskov-skole")
        meeting = (await meetings.plan(session, camilla, wanted, NOW)).meeting
        agreed = content_for(meeting, bearings=(bearing("Mere udeliv"),))
        written = await summaries.save_draft(session, camilla, meeting.id, agreed, NOW)
    written = await send_for_comments(sessions, demo, written)
    async with turn(sessions, demo, "camilla") as (session, camilla):
        shown = written.summary
        await summaries.approve(session, camilla, shown.id, shown.revision, HELD)
        (proposal,) = await session.scalars(
            select(Bearing.id).where(Bearing.meeting_id.is_not(None))
        )
    mark = await last_id(sessions)

    async with turn(sessions, demo, "camilla") as (session, camilla):
        await bearings.decide(session, camilla, proposal, HELD.date(), "Udeliv hver dag", HELD)

    (event,) = await events_after(sessions, mark)
    assert (event.entity, event.entity_id, event.action, event.source) == (
        "bearing", proposal, "update", "chat",
    )  # fmt: skip
    assert event.person_id == await person_id(sessions, demo, "camilla")
    assert event.before is not None and event.after is not None
    assert (event.before["proposed"], event.before["title"]) == (True, "Mere udeliv")
    assert (event.after["proposed"], event.after["title"]) == (False, "Udeliv hver dag")
    assert event.committee_id == meeting.committee_id


async def test_linking_a_channel_records_the_link_and_nothing_else_of_the_committee(
    sessions: Sessions, demo: OrgFile
) -> None:
    mark = await last_id(sessions)
    async with turn(sessions, demo, "camilla") as (session, camilla):
        buu = await id_of(session, Committee, "buu", demo)
        await committees.link_channel(session, camilla, buu, CHANNEL, "team-buu", SERVICE, NOW)

    (linked,) = await events_after(sessions, mark)
    assert (linked.entity, linked.entity_id, linked.committee_id) == ("committee", buu, buu)
    assert linked.after == {
        "channel_id": CHANNEL,
        "team_id": "team-buu",
        "channel_service_url": SERVICE,
        "channel_linked_by": linked.person_id,
        "channel_linked_at": NOW.isoformat(),
    }
    assert linked.before == dict.fromkeys(linked.after)


async def test_a_bulk_update_statement_is_recorded_like_any_other_change(
    sessions: Sessions, demo: OrgFile
) -> None:
    """As when Teams moves a channel to another service URL (store/conversations.py)."""
    async with turn(sessions, demo, "camilla") as (session, camilla):
        buu = await id_of(session, Committee, "buu", demo)
        await committees.link_channel(session, camilla, buu, CHANNEL, None, SERVICE, NOW)
    mark = await last_id(sessions)

    async with sessions.begin() as session:
        moved = update(Committee).where(Committee.id == buu)
        await session.execute(moved.values(channel_service_url="https://smba.example/"))

    (event,) = await events_after(sessions, mark)
    assert (event.action, event.source, event.person_id) == ("update", "system", None)
    assert (event.before, event.after) == (
        {"channel_service_url": SERVICE},
        {"channel_service_url": "https://smba.example/"},
    )


async def test_an_import_records_the_roles_it_changes_as_the_files_doing(
    sessions: Sessions, demo: OrgFile
) -> None:
    def mette_moves(raw: OrgDict) -> None:
        mette = by_key(raw["people"], "mette")
        mette["roles"] = [{"role": "unit_leader", "scope": "maelkeboetten"}]

    mark = await last_id(sessions)
    await imported(sessions, edited(demo, mette_moves))

    events = await events_after(sessions, mark)
    async with sessions() as session:
        school = await id_of(session, Unit, "boegeskov-skole", demo)
        maelkeboetten = await id_of(session, Unit, "maelkeboetten", demo)
    assert [(e.entity, e.action, e.source, e.person_id) for e in events] == [
        ("role_assignment", "delete", "import", None),
        ("role_assignment", "create", "import", None),
    ]
    assert events[0].before is not None and events[0].before["unit_id"] == school
    assert events[1].after is not None and events[1].after["unit_id"] == maelkeboetten


# --- append-only, and one municipality's trail only -------------------------------------


@pytest.mark.parametrize(
    "statement",
    [update(AuditEvent).values(source="changed"), delete(AuditEvent)],
    ids=["update", "delete"],
)
async def test_an_audit_event_can_be_neither_changed_nor_deleted(
    sessions: Sessions, demo: OrgFile, statement: object
) -> None:
    before = await last_id(sessions)
    assert before > 0  # the import left events

    with pytest.raises(DBAPIError, match="append-only"):
        async with sessions.begin() as session:
            await session.execute(statement)  # type: ignore[call-overload]

    async with sessions() as session:
        assert await session.scalar(select(func.count()).where(AuditEvent.source == "changed")) == 0
    assert await last_id(sessions) == before


async def test_not_even_plain_sql_can_change_the_trail(sessions: Sessions, demo: OrgFile) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with sessions.begin() as session:
            await session.execute(text("UPDATE audit_event SET after = NULL"))


async def test_a_municipalitys_export_holds_none_of_anothers(
    sessions: Sessions, demo: OrgFile
) -> None:
    nordby = await imported(sessions, second_municipality(demo))
    for org, narrative in ((demo, "Bøgeskov går godt"), (nordby, "Nordby går godt")):
        async with turn(sessions, org, "mette") as (session, mette):
            goal = await session.scalar(
                select(Goal.id).where(
                    Goal.municipality_id == mette.municipality_id,
                    Goal.key == "boegeskov-skole-trivsel",
                )
            )
            assert goal is not None
            await status.record_status(session, mette, goal, Color.GREEN, narrative, None, NOW)

    async with sessions() as session:
        ours = await committee_trail(session, "boegeskov/buu", PERIOD)
        theirs = await committee_trail(session, "nordby/buu", "Valgperioden 2026–2029")

    def narratives(lines: tuple[object, ...]) -> set[str]:
        return {line.after["narrative"] for line in lines  # type: ignore[attr-defined]
                if line.entity == "status_update" and line.after}  # type: ignore[attr-defined]  # fmt: skip

    assert "Bøgeskov går godt" in narratives(ours.lines)
    assert "Nordby går godt" not in narratives(ours.lines)
    assert "Nordby går godt" in narratives(theirs.lines)
    assert "Bøgeskov går godt" not in narratives(theirs.lines)
    assert [line.at for line in ours.lines] == sorted(line.at for line in ours.lines)


async def test_the_export_names_who_acted_and_refuses_an_unknown_period(
    sessions: Sessions, demo: OrgFile
) -> None:
    await submitted_goal(sessions, demo)
    async with sessions() as session:
        trail = await committee_trail(session, "buu", PERIOD)
        with pytest.raises(Invalid) as refused:
            await committee_trail(session, "buu", "valgperiode-1066")

    assert (trail.committee, trail.period) == (
        "Børne- og Uddannelsesudvalget",
        "Valgperioden 2026–2029",
    )
    assert "Mette Kjærgaard" in {line.person_name for line in trail.lines}
    assert refused.value.key == "cli.periode_ukendt"
