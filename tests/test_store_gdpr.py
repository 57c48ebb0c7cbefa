"""GDPR: everything Pejling holds about one person (export), and erasure that pseudonymises
the person while the unit's history and the audit trail stay as they were.

Mette Kjærgaard leads Bøgeskov Skole in the demo. Before each test she has reported a
status, sent a goal for approval, written a preparation note, registered an absence with
Jonas as her deputy (and is Jonas' deputy in turn), has a chat with Pejling and a status
dialogue she did not finish, and the outbox holds one message to her that went out and
one that has not yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from meetingkit import HELD, NOTE, bearing, content_for, held_and_approved, plan_meeting, prepare
from store import absences as absences_store
from store import (
    audit,
    bearings,
    conversations,
    gdpr,
    knowledge,
    meetings,
    outbox,
    people,
    progress,
)
from store.enums import Color, DispatchState
from store.errors import DomainError
from store.gdpr import iso
from store.importer import import_org
from store.models import AuditEvent, Base, Bearing, Committee, Goal, Period, Person, Unit
from store.orgfile import OrgFile
from store.people import identify
from store.status import latest_statuses, record_status
from store_helpers import (
    NOW,
    TODAY,
    Sessions,
    actor_of,
    id_of,
    imported,
    second_municipality,
    submit_goal,
)

CHAT = "a:1mette-personal-chat"
TEAMS_ID = "29:1mette-teams-id"
MON, FRI, NEXT_MON, NEXT_FRI = (TODAY + timedelta(days=n) for n in (1, 5, 8, 12))


@dataclass(frozen=True)
class Mette:
    municipality_id: int
    person_id: int
    goal_id: int  # the goal she sent for approval
    meeting_id: int
    old: tuple[str, ...]  # what identified her: name, e-mail, Entra id, Teams id, chat


async def as_mette(sessions: Sessions, org: OrgFile, work: Any) -> Any:
    """`work(session, actor)` in a transaction recorded as Mette's, as her chat turns are."""
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "mette")
        with audit.acting(session, audit.CHAT, actor.person_id):
            return await work(session, actor)


@pytest.fixture
async def mette(sessions: Sessions, demo: OrgFile) -> Mette:
    async def status(session: AsyncSession, actor: Any) -> None:
        goal = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        await record_status(session, actor, goal, Color.YELLOW, "Flere voksne i gården.", None, NOW)

    async def absences(session: AsyncSession, actor: Any) -> None:
        jonas = await id_of(session, Person, "jonas", demo)
        await absences_store.register(session, actor, actor.person_id, MON, FRI, jonas, NOW)
        jonas_himself = await actor_of(session, demo, "jonas")
        await absences_store.register(
            session, jonas_himself, jonas, NEXT_MON, NEXT_FRI, actor.person_id, NOW
        )

    async def chat(session: AsyncSession, actor: Any) -> None:
        seen = conversations.ConversationSeen(
            CHAT, "personal", "https://smba.example/emea/", "28:pejling",
            user_id=TEAMS_ID, person_id=actor.person_id,
        )  # fmt: skip
        await conversations.remember(session, actor.municipality_id, seen, NOW)
        await people.remember_user_id(session, actor.person_id, TEAMS_ID)
        await progress.start(session, actor.municipality_id, actor.person_id, CHAT, "status",
                             "narrative", NOW, answers={"color": "red"})  # fmt: skip

    async def messages(session: AsyncSession, actor: Any) -> None:
        to_her = {"person": actor.person_id}
        planned = [
            outbox.Planned(
                actor.municipality_id,
                f"test:{n}",
                outbox.Kind.GOAL_REMINDER,
                NOW + timedelta(days=n),
                to_her,
            )
            for n in (0, 3)
        ]
        await outbox.plan(session, planned, NOW)
        await outbox.mark_sent(session, actor.municipality_id, "test:0", NOW)

    await as_mette(sessions, demo, status)
    goal = await submit_goal(sessions, demo, responsible="Skolelederen")
    meeting = (await plan_meeting(sessions, demo)).meeting
    await prepare(sessions, demo, "mette", meeting.id, "boegeskov-skole")
    for work in (absences, chat, messages):
        await as_mette(sessions, demo, work)
    async with sessions() as session:
        found = await gdpr.find(session, "mette")
    person = demo.find_person("mette")
    assert person is not None and person.email
    old = (person.name, person.email, person.aad_object_id, TEAMS_ID, CHAT)
    return Mette(found.municipality_id, found.person_id, goal.id, meeting.id, old)


async def export_of(sessions: Sessions, mette: Mette) -> dict[str, Any]:
    async with sessions() as session:
        return await gdpr.export(session, mette.municipality_id, mette.person_id, NOW)


async def erase(sessions: Sessions, mette: Mette) -> gdpr.Erased:
    async with sessions.begin() as session:
        with audit.acting(session, audit.CLI):
            return await gdpr.erase(session, mette.municipality_id, mette.person_id, NOW)


# --- export ---------------------------------------------------------------------------------


async def test_the_export_holds_who_she_is_and_how_pejling_reaches_her(
    sessions: Sessions, mette: Mette
) -> None:
    found = await export_of(sessions, mette)

    assert found["person"] == {
        "nøgle": "mette",
        "navn": "Mette Kjærgaard",
        "email": "mette.kjaergaard@boegeskov.dk",
        "entra_objekt_id": "5b0e6a1c-7d21-4f0a-9c3e-1a2b3c4d5e01",
        "teams_bruger_id": TEAMS_ID,
        "slettet": False,
    }
    assert found["udtræk"]["kommune"] == "Bøgeskov Kommune"
    assert found["roller"] == [{"rolle": "institutionsleder", "gælder": "Bøgeskov Skole"}]
    assert found["samtaler"] == [
        {"type": "personlig chat", "samtale_id": CHAT, "senest_set": "2026-11-22T10:00:00+01:00",
         "kan_ikke_nås_siden": None},
    ]  # fmt: skip
    (dialogue,) = found["dialoger"]
    assert dialogue["dialog"] == "status" and dialogue["tilstand"] == "active"
    assert dialogue["svar"] == {"color": "red"}


async def test_the_export_holds_what_she_reported_wrote_and_registered(
    sessions: Sessions, mette: Mette
) -> None:
    found = await export_of(sessions, mette)

    # Two statuses from the organisation file, then the one she reported herself.
    assert [s["farve"] for s in found["statusmeldinger"]] == ["gul", "grøn", "gul"]
    assert found["statusmeldinger"][-1] == {
        "mål": "Flere elever trives i frikvartererne",
        "enhed": "Bøgeskov Skole",
        "farve": "gul",
        "begrundelse": "Flere voksne i gården.",
        "dokumentation": None,
        "meldt": "2026-11-22T10:00:00+01:00",
    }
    assert [g["tilstand"] for g in found["mål_oprettet"]] == ["submitted"]
    assert [e["handling"] for e in found["målhændelser"]] == ["sendt til godkendelse"]
    (note,) = found["forberedelser"]
    assert note["enhed"] == "Bøgeskov Skole" and note["udfordringer"] == NOTE.challenges
    assert found["fravær"] == [{"fra": MON.isoformat(), "til": FRI.isoformat(),
                                "stedfortræder": "Jonas Bach",
                                "registreret": "2026-11-22T10:00:00+01:00"}]  # fmt: skip
    assert [a["fraværende"] for a in found["stedfortræder_for"]] == ["Jonas Bach"]
    assert [(m["besked"], m["tilstand"]) for m in found["beskeder"]] == [
        ("test:0", "sent"),
        ("test:3", "planned"),
    ]


async def test_the_export_has_every_section_and_reads_as_json(
    sessions: Sessions, mette: Mette
) -> None:
    found = await export_of(sessions, mette)

    assert list(found) == ["udtræk", "person", *(name for name, _ in gdpr.SECTIONS)]
    for empty in ("evalueringer", "dialogmøder_planlagt", "referater", "sager_afgjort"):
        assert found[empty] == []
    # Her own changes are in the audit trail, marked as hers.
    made = {(e["emne"], e["handling"]) for e in found["revisionsspor"] if e["af_personen"]}
    assert {("status_update", "create"), ("absence", "create")} <= made
    assert "Mette Kjærgaard" in json.dumps(found, ensure_ascii=False, indent=2)


async def test_the_export_holds_the_bearing_decisions_the_person_recorded(
    sessions: Sessions, demo: OrgFile
) -> None:
    approved = await held_and_approved(sessions, demo, lambda m: content_for(m, bearings=(
        bearing("Mere udeliv"),
    )))  # fmt: skip
    async with sessions.begin() as session:
        camilla = await actor_of(session, demo, "camilla")
        proposal = await id_of(session, Bearing, f"moede-{approved.summary.meeting.id}-1", demo)
        await bearings.decide(session, camilla, proposal, HELD.date(), None, HELD)
    async with sessions() as session:
        found = await gdpr.export(session, camilla.municipality_id, camilla.person_id, HELD)
    assert found["pejlemærker_besluttet"] == [
        {"pejlemærke": "Mere udeliv", "udvalg": "Børne- og Uddannelsesudvalget",
         "besluttet": "2026-12-11"},
    ]  # fmt: skip


async def test_the_export_holds_the_knowledge_the_person_entered(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        camilla = await actor_of(session, demo, "camilla")
        committee = await id_of(session, Committee, "buu", demo)
        period = await id_of(session, Period, "valgperiode-2026-2029", demo)
        figure = knowledge.entry({"kind": "nøgletal", "title": "Trivsel i indskolingen",
                                  "value": "82", "unit": "%", "year": "2026"})  # fmt: skip
        await knowledge.save(session, camilla, committee, period, figure, NOW)
    async with sessions() as session:
        found = await gdpr.export(session, camilla.municipality_id, camilla.person_id, NOW)
    assert found["viden_indtastet"] == [
        {"titel": "Trivsel i indskolingen", "art": "nøgletal",
         "udvalg": "Børne- og Uddannelsesudvalget", "periode": "Valgperioden 2026–2029",
         "indtastet": iso(NOW)},
    ]  # fmt: skip


# --- erasure --------------------------------------------------------------------------------


async def every_text(session: AsyncSession) -> str:
    """Every value in every table, as one text to search."""
    rows = []
    for table in Base.metadata.sorted_tables:
        for row in await session.execute(select(table)):
            rows.append(json.dumps(list(row), default=str, ensure_ascii=False))
    return "\n".join(rows)


async def audit_rows(sessions: Sessions) -> list[tuple[Any, ...]]:
    async with sessions() as session:
        found = await session.execute(select(AuditEvent.__table__).order_by(AuditEvent.id))
        return [tuple(row) for row in found]


async def test_after_erasure_nothing_in_the_database_names_her(
    sessions: Sessions, mette: Mette
) -> None:
    erased = await erase(sessions, mette)

    assert (erased.pseudonym, erased.key, erased.already) == (
        "Slettet person 1",
        "slettet-1",
        False,
    )
    async with sessions() as session:
        everything = await every_text(session)
    assert [old for old in mette.old if old in everything] == []


async def test_after_erasure_the_units_history_reads_with_the_pseudonym(
    sessions: Sessions, demo: OrgFile, mette: Mette
) -> None:
    await erase(sessions, mette)

    async with sessions() as session:
        trivsel = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        newest = await latest_statuses(session, [trivsel])
        unit = await id_of(session, Unit, "boegeskov-skole", demo)
        note = await meetings.preparation(session, mette.meeting_id, unit)
        goal = await session.get_one(Goal, mette.goal_id)
    assert newest[trivsel].narrative == "Flere voksne i gården."
    assert newest[trivsel].reported_by == "Slettet person 1"
    assert note is not None and note.written_by == "Slettet person 1"
    assert note.content.challenges == NOTE.challenges  # what she wrote is the unit's record
    assert goal.created_by == mette.person_id


async def test_erasure_forgets_how_to_reach_her_and_what_she_was_doing(
    sessions: Sessions, demo: OrgFile, mette: Mette
) -> None:
    erased = await erase(sessions, mette)

    assert (erased.conversations, erased.dialogues, erased.roles) == (1, 1, 1)
    assert (erased.absences, erased.deputy_for, erased.messages_skipped) == (1, 1, 1)
    found = await export_of(sessions, mette)
    for gone in ("roller", "samtaler", "dialoger", "fravær", "stedfortræder_for"):
        assert found[gone] == [], gone
    assert [(m["besked"], m["tilstand"]) for m in found["beskeder"]] == [
        ("test:0", DispatchState.SENT),
        ("test:3", DispatchState.SKIPPED),
    ]
    async with sessions() as session:
        signed_in = await identify(session, demo.municipality.tenant_id, mette.old[2])
    assert signed_in.actor is None


async def test_erasure_adds_to_the_audit_trail_and_changes_nothing_in_it(
    sessions: Sessions, mette: Mette
) -> None:
    before = await audit_rows(sessions)

    await erase(sessions, mette)

    after = await audit_rows(sessions)
    assert after[: len(before)] == before
    added = {(row.entity, row.action) for row in await new_events(sessions, len(before))}
    assert added == {("person", "erase"), ("role_assignment", "delete"),
                     ("absence", "delete"), ("absence", "update")}  # fmt: skip
    (erasure,) = [e for e in await new_events(sessions, len(before)) if e.action == "erase"]
    assert (erasure.entity_id, erasure.source) == (mette.person_id, audit.CLI)
    assert (erasure.before, erasure.after) == (None, {"name": "Slettet person 1"})


async def new_events(sessions: Sessions, skip: int) -> list[AuditEvent]:
    async with sessions() as session:
        found = await session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(skip))
        return list(found)


async def test_erasing_twice_changes_nothing_the_second_time(
    sessions: Sessions, mette: Mette
) -> None:
    await erase(sessions, mette)
    trail = await audit_rows(sessions)

    again = await erase(sessions, mette)

    assert again.already and again.pseudonym == "Slettet person 1"
    assert (again.conversations, again.roles, again.absences, again.messages_skipped) == (0,) * 4
    assert await audit_rows(sessions) == trail
    async with sessions() as session:
        assert (await gdpr.find(session, "slettet-1")).person_id == mette.person_id


async def test_an_unknown_person_is_refused_clearly(sessions: Sessions, mette: Mette) -> None:
    async with sessions.begin() as session:
        with pytest.raises(DomainError) as unknown_key:
            await gdpr.find(session, "ingen")
        with pytest.raises(DomainError) as unknown_id:
            await gdpr.erase(session, mette.municipality_id, mette.person_id + 1000, NOW)
        with pytest.raises(DomainError) as other_municipality:
            await gdpr.export(session, mette.municipality_id + 1, mette.person_id)
    assert (unknown_key.value.key, unknown_key.value.params) == ("gdpr.person_ukendt",
                                                                 {"key": "ingen"})  # fmt: skip
    assert unknown_id.value.key == other_municipality.value.key == "gdpr.person_id_ukendt"


async def test_with_the_key_in_two_municipalities_the_municipality_must_be_named(
    sessions: Sessions, demo: OrgFile
) -> None:
    await imported(sessions, second_municipality(demo))

    async with sessions() as session:
        with pytest.raises(DomainError) as both:
            await gdpr.find(session, "mette")
        chosen = await gdpr.find(session, "mette", "nordby")
    assert (both.value.key, both.value.params["names"]) == ("gdpr.person_flertydig",
                                                            "boegeskov, nordby")  # fmt: skip
    assert chosen.municipality == "Nordby Kommune"


async def test_importing_the_file_again_makes_a_new_person_without_her_history(
    sessions: Sessions, demo: OrgFile, mette: Mette
) -> None:
    """The administration should remove her from the file first; if it does not, the
    import finds no »mette« (the erased row has another key) and creates her anew. Her
    old statuses stay with the pseudonym: erasure is not undone."""
    await erase(sessions, mette)

    async with sessions.begin() as session:
        await import_org(session, demo)
    async with sessions() as session:
        again = await gdpr.find(session, "mette")
        trivsel = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        newest = await latest_statuses(session, [trivsel])
        pseudonym = await session.get_one(Person, mette.person_id)
        found = await gdpr.export(session, again.municipality_id, again.person_id, NOW)
    assert again.person_id != mette.person_id
    assert pseudonym.name == "Slettet person 1"
    assert newest[trivsel].reported_by == "Slettet person 1"
    assert found["statusmeldinger"] == []
