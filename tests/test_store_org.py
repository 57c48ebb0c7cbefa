"""Importing an organisation file, and who the store says a Teams user is.

`import_org` matches everything by key: the same file twice changes nothing, an edited
file updates in place, and a person's roles become exactly those the file lists."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import cli
from bot.settings import from_environment
from kort.catalogue import texts
from store import committees
from store.enums import Role
from store.errors import OrgFileError
from store.importer import ImportReport, import_org
from store.models import (
    Committee,
    CommitteeMeeting,
    Department,
    Goal,
    Person,
    RoleAssignment,
    StatusUpdate,
    Unit,
)
from store.orgfile import OrgFile, without_goals
from store.people import identify, remember_teams_user_id
from store.views import RoleView
from store_helpers import (
    NOW,
    OrgDict,
    Sessions,
    actor_of,
    by_key,
    edited,
    id_of,
    municipality_id,
    row_counts,
)


def expected_rows(org: OrgFile) -> dict[str, int]:
    """The rows an import of `org` into an empty database creates, per table, counted from
    the file."""
    return {
        "municipality": 1,
        "period": 1,
        "committee": len(org.committees),
        "bearing": sum(len(c.bearings) for c in org.committees),
        "committee_meeting": sum(len(c.meetings) for c in org.committees),
        "department": len(org.departments),
        "unit": len(org.units),
        "goal": sum(len(u.goals) for u in org.units),
        "goal_bearing": sum(len(g.all_bearings) for u in org.units for g in u.goals),
        "status_update": sum(len(g.status) for u in org.units for g in u.goals),
        "person": len(org.people),
        "role_assignment": sum(len(p.roles) for p in org.people),
    }


async def import_(sessions: Sessions, org: OrgFile) -> ImportReport:
    async with sessions.begin() as session:
        return await import_org(session, org)


async def roles_of(sessions: Sessions, org: OrgFile, person_key: str) -> set[RoleView]:
    async with sessions() as session:
        return set((await actor_of(session, org, person_key)).roles)


# Import


async def test_importing_the_demo_creates_a_row_for_everything_in_the_file(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    await import_(sessions, demo_org)

    expected = expected_rows(demo_org)
    async with sessions() as session:
        counts = await row_counts(session)
    assert {table: counts[table] for table in expected} == expected


async def test_the_import_report_counts_what_was_created(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    report = await import_(sessions, demo_org)

    expected = expected_rows(demo_org)
    roles = expected.pop("role_assignment")  # reported as "role", as `pejling import` prints it
    assert dict(report.created) == expected | {"role": roles}
    assert not report.updated


async def test_the_demo_has_eight_units_twelve_goals_and_eight_statuses(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        counts = await row_counts(session)
    assert (counts["unit"], counts["goal"], counts["status_update"]) == (8, 12, 8)


async def test_importing_the_same_file_again_changes_nothing(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        before = await row_counts(session)

    report = await import_(sessions, demo)

    assert report.changed is False
    async with sessions() as session:
        assert await row_counts(session) == before


async def test_a_committee_meeting_date_added_to_the_file_is_added_and_none_removed(
    sessions: Sessions, demo: OrgFile
) -> None:
    def moved(raw: OrgDict) -> None:
        by_key(raw["committees"], "buu")["meetings"] = ["2027-01-14", "2027-08-19"]

    report = await import_(sessions, edited(demo, moved))

    assert dict(report.created) == {"committee_meeting": 1}
    async with sessions() as session:
        buu = await id_of(session, Committee, "buu", demo)
        held = await session.scalars(
            select(CommitteeMeeting.held_on)
            .where(CommitteeMeeting.committee_id == buu)
            .order_by(CommitteeMeeting.held_on)
        )
        assert [str(day) for day in held] == [
            "2027-01-14", "2027-02-11", "2027-03-11", "2027-04-15", "2027-05-20", "2027-06-17",
            "2027-08-19",
        ]  # fmt: skip


async def test_a_renamed_unit_is_updated_in_place(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        unit_id = await id_of(session, Unit, "solsikken", demo)

    def rename(raw: OrgDict) -> None:
        by_key(raw["units"], "solsikken")["name"] = "Vuggestuen Solsikken og Mariehønen"

    report = await import_(sessions, edited(demo, rename))

    assert dict(report.updated) == {"unit": 1}
    assert not report.created
    async with sessions() as session:
        unit = await session.get_one(Unit, unit_id)
    assert unit.name == "Vuggestuen Solsikken og Mariehønen"


async def test_a_changed_goal_title_keeps_the_goal_and_its_status_history(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        goal_id = await id_of(session, Goal, "engholm-skole-fravaer", demo)

    def retitle(raw: OrgDict) -> None:
        by_key(raw["units"], "engholm-skole")["goals"][0]["title"] = "Færre elever med fravær"

    report = await import_(sessions, edited(demo, retitle))

    assert dict(report.updated) == {"goal": 1}
    async with sessions() as session:
        goal = await session.get_one(Goal, goal_id)
        history = (
            await session.scalars(select(StatusUpdate).where(StatusUpdate.goal_id == goal_id))
        ).all()
    assert goal.title == "Færre elever med fravær"
    assert len(history) == 1


async def test_a_role_removed_from_the_file_is_removed(sessions: Sessions, demo: OrgFile) -> None:
    def drop(raw: OrgDict) -> None:
        by_key(raw["people"], "sara")["roles"] = [{"unit_leader": "solsikken"}]

    report = await import_(sessions, edited(demo, drop))

    assert dict(report.updated) == {"role": 1}
    async with sessions() as session:
        solsikken = await id_of(session, Unit, "solsikken", demo)
    assert await roles_of(sessions, demo, "sara") == {RoleView(Role.UNIT_LEADER, solsikken)}


async def test_a_role_added_to_the_file_is_added(sessions: Sessions, demo: OrgFile) -> None:
    def add(raw: OrgDict) -> None:
        by_key(raw["people"], "jens")["roles"].append({"politician": "oeu"})

    report = await import_(sessions, edited(demo, add))

    assert dict(report.created) == {"role": 1}
    async with sessions() as session:
        buu = await id_of(session, Committee, "buu", demo)
        oeu = await id_of(session, Committee, "oeu", demo)
    assert await roles_of(sessions, demo, "jens") == {
        RoleView(Role.POLITICIAN, committee_id=buu),
        RoleView(Role.POLITICIAN, committee_id=oeu),
    }


async def test_a_persons_roles_become_exactly_those_the_file_lists(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Henrik moves from heading Dagtilbud og Skole to heading Borgerservice and joins the
    administration: the old role goes, the new ones come, nothing else remains."""

    def move(raw: OrgDict) -> None:
        by_key(raw["people"], "henrik")["roles"] = [
            {"department_head": "borgerservice"},
            "administration",
        ]

    await import_(sessions, edited(demo, move))

    async with sessions() as session:
        borgerservice = await id_of(session, Department, "borgerservice", demo)
    assert await roles_of(sessions, demo, "henrik") == {
        RoleView(Role.DEPARTMENT_HEAD, department_id=borgerservice),
        RoleView(Role.ADMINISTRATION),
    }


async def test_status_history_from_the_file_is_not_duplicated_on_reimport(
    sessions: Sessions, demo: OrgFile
) -> None:
    """A status in the file is the same report when its goal, day and colour are the same;
    only a new line in the history is added."""

    def report_more(raw: OrgDict) -> None:
        goal = by_key(raw["units"], "solsikken")["goals"][0]
        goal["status"] = [
            {"color": "yellow", "date": "2026-11-02", "narrative": "Sprogkufferter er købt."}
        ]

    once = edited(demo, report_more)
    first = await import_(sessions, once)
    second = await import_(sessions, once)

    assert dict(first.created) == {"status_update": 1}
    assert second.changed is False
    async with sessions() as session:
        assert (await row_counts(session))["status_update"] == 9


async def test_a_channel_linked_in_teams_survives_a_reimport_without_channel(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        camilla = await actor_of(session, demo, "camilla")
        buu = await id_of(session, Committee, "buu", demo)
        await committees.link_channel(
            session, camilla, buu, "19:buu@thread.tacv2", "team-1", "https://smba.example/", NOW
        )

    report = await import_(sessions, demo)

    assert report.changed is False
    async with sessions() as session:
        committee = await session.get_one(Committee, buu)
    assert (committee.channel_id, committee.channel_service_url) == (
        "19:buu@thread.tacv2",
        "https://smba.example/",
    )


async def test_a_channel_named_in_the_file_is_set_on_import(
    sessions: Sessions, demo: OrgFile
) -> None:
    def channel(raw: OrgDict) -> None:
        by_key(raw["committees"], "ssu")["channel"] = {
            "id": "19:ssu@thread.tacv2",
            "team_id": "team-2",
            "service_url": "https://smba.example/emea/",
        }

    report = await import_(sessions, edited(demo, channel))

    assert dict(report.updated) == {"committee": 1}
    async with sessions() as session:
        committee = await session.get_one(Committee, await id_of(session, Committee, "ssu", demo))
    assert (committee.channel_id, committee.team_id) == ("19:ssu@thread.tacv2", "team-2")


async def test_a_unit_left_out_of_the_file_is_kept(sessions: Sessions, demo: OrgFile) -> None:
    """An organisation file describes what exists; it does not delete history."""

    def leave_out(raw: OrgDict) -> None:
        raw["units"] = [u for u in raw["units"] if u["key"] != "hjemmeplejen-syd"]
        raw["people"] = [p for p in raw["people"] if p["key"] != "peter"]

    report = await import_(sessions, edited(demo, leave_out))

    assert report.changed is False
    async with sessions() as session:
        assert await id_of(session, Unit, "hjemmeplejen-syd", demo)
        assert await id_of(session, Person, "peter", demo)


# Who is writing


async def test_an_unknown_tenant_is_no_municipality(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        identity = await identify(session, "another-tenant", "5b0e6a1c-7d21-4f0a-9c3e-1a2b3c4d5e01")
    assert (identity.municipality_id, identity.actor) == (None, None)
    assert identity.language == "da"


async def test_an_unknown_person_of_a_known_tenant_gives_the_municipality_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        identity = await identify(session, demo.municipality.tenant_id, "unknown-object-id")
        expected = await municipality_id(session, demo)
    assert (identity.municipality_id, identity.actor) == (expected, None)


async def test_a_message_without_an_object_id_gives_the_municipality_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        identity = await identify(session, demo.municipality.tenant_id, None)
    assert identity.municipality_id is not None
    assert identity.actor is None


async def test_a_known_person_is_an_actor_of_their_municipality(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
        expected_person = await id_of(session, Person, "mette", demo)
        expected_municipality = await municipality_id(session, demo)
    assert (mette.person_id, mette.person_name) == (expected_person, "Mette Kjærgaard")
    assert (mette.municipality_id, mette.municipality_name) == (
        expected_municipality,
        "Bøgeskov Kommune",
    )
    assert (mette.profile, mette.language) == ("hvidovre", "da")


async def test_a_leader_of_two_units_leads_both(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        sara = await actor_of(session, demo, "sara")
        units = {await id_of(session, Unit, key, demo) for key in ("solsikken", "troldehoej")}
    assert sara.led_unit_ids == units
    assert {r.role for r in sara.roles} == {Role.UNIT_LEADER}
    assert not sara.is_administration


async def test_roles_carry_their_department_or_committee(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        henrik = await actor_of(session, demo, "henrik")
        jens = await actor_of(session, demo, "jens")
        department = await id_of(session, Department, "dagtilbud-skole", demo)
        committee = await id_of(session, Committee, "buu", demo)
    assert henrik.roles == (RoleView(Role.DEPARTMENT_HEAD, department_id=department),)
    assert jens.roles == (RoleView(Role.POLITICIAN, committee_id=committee),)
    assert henrik.led_unit_ids == jens.led_unit_ids == frozenset()


async def test_the_administration_role_has_no_scope(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        camilla = await actor_of(session, demo, "camilla")
    assert camilla.roles == (RoleView(Role.ADMINISTRATION),)
    assert camilla.is_administration


async def test_the_teams_user_id_is_remembered(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        await remember_teams_user_id(session, mette, "29:mette")
    async with sessions() as session:
        person = await session.get_one(Person, mette.person_id)
    assert person.teams_user_id == "29:mette"


async def test_role_rows_carry_the_municipality(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        expected = await municipality_id(session, demo)
        tenants = set(await session.scalars(select(RoleAssignment.municipality_id)))
    assert tenants == {expected}


async def test_goals_for_a_profile_without_goals_are_refused_even_after_the_file_was_read(
    sessions: Sessions, demo_org: OrgFile
) -> None:
    """A file read as Hvidovre's and switched to Dragør's profile afterwards (as `pejling
    demo --profil` does) still holds goals: the importer refuses it as a whole, in Danish,
    so Dragør's committee never sees a goal."""
    municipality = demo_org.municipality.model_copy(update={"profile": "dragoer"})
    switched = demo_org.model_copy(update={"municipality": municipality})

    with pytest.raises(OrgFileError) as refused:
        async with sessions.begin() as session:
            await import_org(session, switched)

    assert refused.value.key == "org.profile_without_goals"
    assert texts("da")(refused.value.key, **refused.value.params).endswith(
        "som ikke bruger mål. Fjern målene fra filen."
    )
    async with sessions() as session:
        assert (await row_counts(session)).get("goal", 0) == 0
        assert (await row_counts(session)).get("municipality", 0) == 0
    async with sessions.begin() as session:
        await import_org(session, without_goals(switched))
    async with sessions() as session:
        assert (await row_counts(session)).get("goal", 0) == 0


TABLES = ("goal", "bearing", "unit")


def test_the_demo_tried_as_dragoer_is_imported_without_its_goals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pejling demo --profil dragoer`: the demo's goals stay out of a municipality that
    decided against result contracts; its bearings and meetings are there as before."""
    database = tmp_path / "pejling.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")

    assert cli._import_file(from_environment(), cli.DEMO_FILE, "dragoer") == 0

    with sqlite3.connect(database) as db:
        counted = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
    assert dict(zip(TABLES, counted, strict=True)) == {"goal": 0, "bearing": 7, "unit": 8}
