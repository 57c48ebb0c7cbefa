"""A person's rights under GDPR: everything Pejling holds about them (`export`, the right
of access), and erasure (`erase`) that keeps the unit's history readable.

Erasure pseudonymises rather than deletes. What the person reported, wrote and decided —
statuses, goals, evaluations, preparation notes, summaries and the audit trail — is the
municipality's record of its governance (and subject to aktindsigt), so it stays, shown
as written by »Slettet person N«. What only served to reach and recognise the person —
name, e-mail, Entra and Teams ids, chats, unfinished dialogues, roles, absences and
messages still waiting to go to them — goes. Free text the person typed in the unit's
history stays as typed; docs/privatliv.md says so.

The export is a document for the person, so its section and field names are Danish and
fixed, like the organisation file's: this is its format, not text of the user interface.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from store import audit, roleversion
from store.dates import LOCAL_TIME
from store.db import rowcount
from store.enums import DispatchState
from store.errors import DomainError
from store.models import (
    Absence,
    AuditEvent,
    Bearing,
    Committee,
    ConversationRef,
    Department,
    DialogueProgress,
    Dispatch,
    Evaluation,
    Goal,
    GoalEvent,
    KnowledgeItem,
    Matter,
    Meeting,
    Municipality,
    Period,
    Person,
    Preparation,
    RoleAssignment,
    SeenActivity,
    StatusRevision,
    StatusUpdate,
    Summary,
    SummaryComment,
    Unit,
)

# An erased person's Entra object id: never a GUID, so no sign-in can ever match it.
ERASED_PREFIX = "slettet:"
ERASED_KEY = "slettet-{n}"
PSEUDONYM = "Slettet person {n}"
ERASE = "erase"  # the audit event of an erasure
SKIP_REASON = "the person was erased (GDPR)"
OPEN = (DispatchState.PLANNED, DispatchState.CLAIMED, DispatchState.FAILED)

ROLES = {
    "unit_leader": "institutionsleder",
    "department_head": "fagchef",
    "administration": "administration",
    "politician": "politiker",
}
COLORS = {"red": "rød", "yellow": "gul", "green": "grøn"}
ACTIONS = {
    "created": "oprettet",
    "saved": "gemt",
    "submitted": "sendt til godkendelse",
    "returned": "sendt tilbage",
    "approved_department": "godkendt af fagchefen",
    "approved_committee": "godkendt af udvalget",
    "revised": "ændret",
    "closed": "lukket",
    "evaluated_midway": "midtvejsevaluering",
    "final_reported": "slutrapport",
    "midway_answered": "fagchefens svar på midtvejsevaluering",
    "commented": "kommentar",
}
EVALUATIONS = {"midway": "midtvejsevaluering", "final": "slutrapport"}
KNOWLEDGE = {"text": "tekst", "link": "link", "figure": "nøgletal"}

Section = list[dict[str, Any]]


def iso(value: date | datetime | None) -> str | None:
    """A date as ÅÅÅÅ-MM-DD, a moment in Danish time with its offset."""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TIME).isoformat(timespec="seconds")
    return value.isoformat() if value else None


def is_erased(person: Person) -> bool:
    return person.aad_object_id.startswith(ERASED_PREFIX)


# --- finding the person ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """The person an administrator named by their organisation-file key."""

    municipality_id: int
    municipality: str
    person_id: int
    name: str


async def find(session: AsyncSession, key: str, municipality_key: str | None = None) -> Found:
    """The person with the organisation file's `key`; with the same key in two
    municipalities, the municipality must be named."""
    query = (
        select(Municipality.id, Municipality.key, Municipality.name, Person.id, Person.name)
        .join(Person, Person.municipality_id == Municipality.id)
        .where(Person.key == key)
        .order_by(Municipality.key)
    )
    if municipality_key:
        query = query.where(Municipality.key == municipality_key)
    rows = (await session.execute(query)).all()
    if not rows:
        raise DomainError("gdpr.person_ukendt", key=key)
    if len(rows) > 1:
        raise DomainError("gdpr.person_flertydig", key=key, names=", ".join(r[1] for r in rows))
    municipality_id, _, municipality, person_id, name = rows[0]
    return Found(municipality_id, municipality, person_id, name)


async def _person(session: AsyncSession, municipality_id: int, person_id: int) -> Person:
    person = await session.scalar(
        select(Person).where(Person.id == person_id, Person.municipality_id == municipality_id)
    )
    if person is None:
        raise DomainError("gdpr.person_id_ukendt", person=person_id)
    return person


# --- export -------------------------------------------------------------------------------


async def export(
    session: AsyncSession, municipality_id: int, person_id: int, now: datetime | None = None
) -> dict[str, Any]:
    """Everything Pejling holds about the person, section by section, as JSON-ready data."""
    person = await _person(session, municipality_id, person_id)
    municipality = await session.get_one(Municipality, municipality_id)
    found: dict[str, Any] = {
        "udtræk": {
            "kommune": municipality.name,
            "dataansvarlig": municipality.name,
            "udtrukket": iso(now or datetime.now(UTC)),
        },
        "person": _person_section(person),
    }
    for name, build in SECTIONS:
        found[name] = await build(session, person)
    return found


def _person_section(person: Person) -> dict[str, Any]:
    erased = is_erased(person)
    return {
        "nøgle": person.key,
        "navn": person.name,
        "email": person.email,
        "entra_objekt_id": None if erased else person.aad_object_id,
        "teams_bruger_id": person.teams_user_id,
        "slettet": erased,
    }


async def _roles(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(RoleAssignment.role, Unit.name, Department.name, Committee.name)
        .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
        .outerjoin(Department, Department.id == RoleAssignment.department_id)
        .outerjoin(Committee, Committee.id == RoleAssignment.committee_id)
        .where(RoleAssignment.person_id == person.id)
        .order_by(RoleAssignment.id)
    )
    return [
        {"rolle": ROLES.get(role, role), "gælder": unit or department or committee or "kommunen"}
        for role, unit, department, committee in rows
    ]


def _own_conversations(person: Person) -> ColumnElement[bool]:
    """The person's chats: by person, and by their Teams id for a chat Teams refused to
    open before they were recognised (`conversations.remember_refused`)."""
    by_user = ConversationRef.user_id == person.teams_user_id if person.teams_user_id else false()
    return and_(
        ConversationRef.municipality_id == person.municipality_id,
        or_(ConversationRef.person_id == person.id, by_user),
    )


async def _conversations(session: AsyncSession, person: Person) -> Section:
    rows = await session.scalars(
        select(ConversationRef).where(_own_conversations(person)).order_by(ConversationRef.id)
    )
    return [
        {
            "type": "personlig chat" if r.conversation_type == "personal" else r.conversation_type,
            "samtale_id": r.conversation_id,
            "senest_set": iso(r.updated_at),
            "kan_ikke_nås_siden": iso(r.unreachable_at),
        }
        for r in rows
    ]


async def _dialogues(session: AsyncSession, person: Person) -> Section:
    rows = await session.scalars(
        select(DialogueProgress)
        .where(DialogueProgress.person_id == person.id)
        .order_by(DialogueProgress.created_at)
    )
    return [
        {
            "dialog": r.flow,
            "trin": r.step,
            "tilstand": r.state,
            "svar": r.answers,
            "startet": iso(r.created_at),
            "senest_ændret": iso(r.updated_at),
        }
        for r in rows
    ]


async def _statuses(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(StatusUpdate, Goal.title, Unit.name)
        .join(Goal, Goal.id == StatusUpdate.goal_id)
        .join(Unit, Unit.id == Goal.unit_id)
        .where(StatusUpdate.reported_by == person.id)
        .order_by(StatusUpdate.reported_at, StatusUpdate.id)
    )
    return [
        {
            "mål": goal,
            "enhed": unit,
            "farve": COLORS.get(s.color, s.color),
            "begrundelse": s.narrative,
            "dokumentation": s.evidence,
            "meldt": iso(s.reported_at),
        }
        for s, goal, unit in rows
    ]


async def _status_revisions(session: AsyncSession, person: Person) -> Section:
    """Earlier versions of statuses the person reported, or corrected or withdrew."""
    rows = await session.execute(
        select(StatusRevision, Goal.title)
        .join(Goal, Goal.id == StatusRevision.goal_id)
        .where(or_(StatusRevision.reported_by == person.id, StatusRevision.changed_by == person.id))
        .order_by(StatusRevision.changed_at, StatusRevision.id)
    )
    return [
        {
            "mål": goal,
            "ændring": "rettet" if r.kind == "corrected" else "trukket tilbage",
            "farve": COLORS.get(r.color, r.color),
            "begrundelse": r.narrative,
            "dokumentation": r.evidence,
            "meldt": iso(r.reported_at),
            "ændret": iso(r.changed_at),
        }
        for r, goal in rows
    ]


async def _goals(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(Goal, Unit.name)
        .join(Unit, Unit.id == Goal.unit_id)
        .where(Goal.created_by == person.id)
        .order_by(Goal.created_at, Goal.id)
    )
    return [
        {"mål": g.title, "enhed": unit, "tilstand": g.state, "oprettet": iso(g.created_at)}
        for g, unit in rows
    ]


async def _goal_events(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(GoalEvent, Goal.title, Unit.name)
        .join(Goal, Goal.id == GoalEvent.goal_id)
        .join(Unit, Unit.id == Goal.unit_id)
        .where(GoalEvent.person_id == person.id)
        .order_by(GoalEvent.at, GoalEvent.id)
    )
    return [
        {
            "mål": goal,
            "enhed": unit,
            "handling": ACTIONS.get(e.action, e.action),
            "version": e.version,
            "tidspunkt": iso(e.at),
            "kommentar": e.comment,
            "mødedato": iso(e.meeting_date),
            "indhold": e.snapshot,
        }
        for e, goal, unit in rows
    ]


async def _evaluations(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(Evaluation, Goal.title, Unit.name)
        .join(Goal, Goal.id == Evaluation.goal_id)
        .join(Unit, Unit.id == Goal.unit_id)
        .where(Evaluation.reported_by == person.id)
        .order_by(Evaluation.reported_at, Evaluation.id)
    )
    return [
        {
            "mål": goal,
            "enhed": unit,
            "slags": EVALUATIONS.get(e.kind, e.kind),
            "år": e.year,
            "farve": COLORS.get(e.color, e.color),
            "succeskriterier": e.criteria,
            "effekt": e.effect,
            "dokumentation": e.evidence,
            "effekt_mod_forventet": e.effect_assessment,
            "givet": iso(e.reported_at),
        }
        for e, goal, unit in rows
    ]


async def _preparations(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(Preparation, Meeting.starts_at, Committee.name, Unit.name)
        .join(Meeting, Meeting.id == Preparation.meeting_id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .join(Unit, Unit.id == Preparation.unit_id)
        .where(Preparation.written_by == person.id)
        .order_by(Meeting.starts_at, Preparation.id)
    )
    return [
        {
            "dialogmøde": iso(starts_at),
            "udvalg": committee,
            "enhed": unit,
            "opfølgning_på_mål": p.goal_follow_up,
            "enhedens_status": p.unit_status,
            "rammer": p.conditions,
            "udfordringer": p.challenges,
            "udviklingsbehov": p.development_needs,
            "input_fra_medarbejdere_og_bestyrelse": p.input_gathered,
            "skrevet": iso(p.written_at),
        }
        for p, starts_at, committee, unit in rows
    ]


async def _meetings(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(Meeting, Committee.name)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(Meeting.created_by == person.id)
        .order_by(Meeting.starts_at)
    )
    return [
        {
            "dialogmøde": iso(m.starts_at),
            "udvalg": committee,
            "tema": m.theme,
            "sted": m.place,
            "planlagt": iso(m.created_at),
        }
        for m, committee in rows
    ]


async def _summaries(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(Summary, Meeting.starts_at, Committee.name)
        .join(Meeting, Meeting.id == Summary.meeting_id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(or_(Summary.written_by == person.id, Summary.approved_by == person.id))
        .order_by(Meeting.starts_at)
    )
    return [
        {
            "dialogmøde": iso(starts_at),
            "udvalg": committee,
            "skrevet_af_personen": s.written_by == person.id,
            "godkendt_af_personen": s.approved_by == person.id,
            "godkendt": iso(s.approved_at),
            "indhold": s.content,
        }
        for s, starts_at, committee in rows
    ]


async def _comments(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(SummaryComment, Meeting.starts_at, Committee.name)
        .join(Summary, Summary.id == SummaryComment.summary_id)
        .join(Meeting, Meeting.id == Summary.meeting_id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(SummaryComment.person_id == person.id)
        .order_by(SummaryComment.at)
    )
    return [
        {"dialogmøde": iso(starts_at), "udvalg": committee, "kommentar": c.text, "givet": iso(c.at)}
        for c, starts_at, committee in rows
    ]


async def _matters(session: AsyncSession, person: Person) -> Section:
    rows = await session.execute(
        select(Matter, Committee.name)
        .join(Committee, Committee.id == Matter.committee_id)
        .where(Matter.decided_by == person.id)
        .order_by(Matter.decided_on, Matter.id)
    )
    return [
        {"sag": m.title, "udvalg": committee, "afgørelse": m.decision, "afgjort": iso(m.decided_on)}
        for m, committee in rows
    ]


async def _bearings_decided(session: AsyncSession, person: Person) -> Section:
    """The committees' decisions on bearings the person recorded."""
    rows = await session.execute(
        select(Bearing, Committee.name)
        .join(Committee, Committee.id == Bearing.committee_id)
        .where(Bearing.decided_by == person.id)
        .order_by(Bearing.decided_on, Bearing.id)
    )
    return [
        {"pejlemærke": b.title, "udvalg": committee, "besluttet": iso(b.decided_on)}
        for b, committee in rows
    ]


async def _knowledge(session: AsyncSession, person: Person) -> Section:
    """The pieces of committees' knowledge packs the person entered last (an import from
    a file names no one)."""
    rows = await session.execute(
        select(KnowledgeItem, Committee.name, Period.name)
        .join(Committee, Committee.id == KnowledgeItem.committee_id)
        .join(Period, Period.id == KnowledgeItem.period_id)
        .where(KnowledgeItem.entered_by == person.id)
        .order_by(KnowledgeItem.updated_at, KnowledgeItem.id)
    )
    return [
        {"titel": k.title, "art": KNOWLEDGE.get(k.kind, k.kind), "udvalg": committee,
         "periode": period, "indtastet": iso(k.updated_at)}
        for k, committee, period in rows
    ]  # fmt: skip


async def _channels(session: AsyncSession, person: Person) -> Section:
    rows = await session.scalars(
        select(Committee).where(Committee.channel_linked_by == person.id).order_by(Committee.name)
    )
    return [{"udvalg": c.name, "tilknyttet": iso(c.channel_linked_at)} for c in rows]


async def _absences(
    session: AsyncSession, mine: ColumnElement[bool], other: Any, label: str
) -> Section:
    """Absences chosen by `mine`, each with the name of the other person in it (the
    column `other`) under `label`."""
    someone = aliased(Person)
    rows = await session.execute(
        select(Absence, someone.name)
        .outerjoin(someone, someone.id == other)
        .where(mine)
        .order_by(Absence.starts_on, Absence.id)
    )
    return [_absence(absence, {label: name}) for absence, name in rows]


def _absence(absence: Absence, who: dict[str, str | None]) -> dict[str, Any]:
    days = {"fra": iso(absence.starts_on), "til": iso(absence.ends_on)}
    return days | who | {"registreret": iso(absence.created_at)}


async def _away(session: AsyncSession, person: Person) -> Section:
    mine = Absence.person_id == person.id
    return await _absences(session, mine, Absence.deputy_id, "stedfortræder")


async def _deputy(session: AsyncSession, person: Person) -> Section:
    mine = Absence.deputy_id == person.id
    return await _absences(session, mine, Absence.person_id, "fraværende")


async def _registered(session: AsyncSession, person: Person) -> Section:
    others = and_(Absence.created_by == person.id, Absence.person_id != person.id)
    return await _absences(session, others, Absence.person_id, "fraværende")


def _to_person(person: Person) -> ColumnElement[bool]:
    return and_(
        Dispatch.municipality_id == person.municipality_id,
        Dispatch.payload["person"].as_integer() == person.id,
    )


async def _dispatches(session: AsyncSession, person: Person) -> Section:
    rows = await session.scalars(
        select(Dispatch).where(_to_person(person)).order_by(Dispatch.due_at, Dispatch.id)
    )
    return [
        {
            "besked": r.key,
            "slags": r.kind,
            "tilstand": r.state,
            "skulle_sendes": iso(r.due_at),
            "sendt": iso(r.sent_at),
        }
        for r in rows
    ]


async def _audit(session: AsyncSession, person: Person) -> Section:
    about = and_(AuditEvent.entity == "person", AuditEvent.entity_id == person.id)
    rows = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.municipality_id == person.municipality_id)
        .where(or_(AuditEvent.person_id == person.id, about))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        {
            "tidspunkt": iso(e.at),
            "af_personen": e.person_id == person.id,
            "kilde": e.source,
            "emne": e.entity,
            "emne_id": e.entity_id,
            "handling": e.action,
            "før": e.before,
            "efter": e.after,
        }
        for e in rows
    ]


SECTIONS: Sequence[tuple[str, Callable[[AsyncSession, Person], Awaitable[Section]]]] = (
    ("roller", _roles),
    ("samtaler", _conversations),
    ("dialoger", _dialogues),
    ("statusmeldinger", _statuses),
    ("statusmeldinger_rettet", _status_revisions),
    ("mål_oprettet", _goals),
    ("målhændelser", _goal_events),
    ("evalueringer", _evaluations),
    ("forberedelser", _preparations),
    ("dialogmøder_planlagt", _meetings),
    ("referater", _summaries),
    ("kommentarer_til_referater", _comments),
    ("sager_afgjort", _matters),
    ("pejlemærker_besluttet", _bearings_decided),
    ("viden_indtastet", _knowledge),
    ("kanaler_tilknyttet", _channels),
    ("fravær", _away),
    ("stedfortræder_for", _deputy),
    ("fravær_registreret_for_andre", _registered),
    ("beskeder", _dispatches),
    ("revisionsspor", _audit),
)


# --- erasure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erased:
    """What an erasure did. `already`: the person had been erased before; nothing about
    them changed this time."""

    person_id: int
    pseudonym: str
    key: str
    at: datetime
    already: bool
    conversations: int = 0
    dialogues: int = 0
    roles: int = 0
    absences: int = 0
    deputy_for: int = 0
    messages_skipped: int = 0


async def erase(
    session: AsyncSession, municipality_id: int, person_id: int, now: datetime
) -> Erased:
    """Pseudonymise the person and forget what only served to reach them; see the module.
    Safe to run again: a second run finds nothing left and records nothing."""
    person = await _person(session, municipality_id, person_id)
    already = is_erased(person)
    removed = await _forget(session, person)
    if not already:
        await _pseudonymise(session, person)
        await _record_erasure(session, person)
    await session.flush()
    return Erased(person.id, person.name, person.key, now, already, **removed)


async def _forget(session: AsyncSession, person: Person) -> dict[str, int]:
    """Delete what only served to reach the person or what they were doing; how many of
    each. Roles and absences go through the session, so the audit trail records them."""
    mine = person.id
    await roleversion.roles_changed(session, person.municipality_id)  # roles go below
    unsent = and_(_to_person(person), Dispatch.state.in_(OPEN))
    skip = {"state": DispatchState.SKIPPED, "error": SKIP_REASON, "next_at": None}
    return {
        "conversations": await _forget_conversations(session, person),
        "dialogues": await _count(
            session, delete(DialogueProgress).where(DialogueProgress.person_id == mine)
        ),
        "roles": await _count(
            session, delete(RoleAssignment).where(RoleAssignment.person_id == mine)
        ),
        "absences": await _count(session, delete(Absence).where(Absence.person_id == mine)),
        "deputy_for": await _count(
            session, update(Absence).where(Absence.deputy_id == mine).values(deputy_id=None)
        ),
        "messages_skipped": await _count(session, update(Dispatch).where(unsent).values(**skip)),
    }


async def _count(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement)
    return max(rowcount(result), 0)


async def _forget_conversations(session: AsyncSession, person: Person) -> int:
    """Delete the person's chats, and the record of activities seen in them (it names
    the chat for a day)."""
    chats = select(ConversationRef.conversation_id).where(_own_conversations(person))
    await session.execute(
        delete(SeenActivity).where(
            SeenActivity.municipality_id == person.municipality_id,
            SeenActivity.conversation_id.in_(chats),
        )
    )
    return await _count(session, delete(ConversationRef).where(_own_conversations(person)))


async def _pseudonymise(session: AsyncSession, person: Person) -> None:
    """Name and key become »Slettet person N« / slettet-N, numbered in order of erasure
    within the municipality: stable, and saying nothing of who it was. The ids that
    could match a sign-in are replaced by values no sign-in can have."""
    n = await _erased_count(session, person.municipality_id) + 1
    while await _key_taken(session, person.municipality_id, ERASED_KEY.format(n=n)):
        n += 1
    person.key = ERASED_KEY.format(n=n)
    person.name = PSEUDONYM.format(n=n)
    person.email = None
    person.teams_user_id = None
    person.aad_object_id = ERASED_PREFIX + uuid.uuid4().hex


async def _erased_count(session: AsyncSession, municipality_id: int) -> int:
    return (
        await session.scalar(
            select(func.count()).where(
                Person.municipality_id == municipality_id,
                Person.aad_object_id.startswith(ERASED_PREFIX),
            )
        )
        or 0
    )


async def _key_taken(session: AsyncSession, municipality_id: int, key: str) -> bool:
    found = await session.scalar(
        select(Person.id).where(Person.municipality_id == municipality_id, Person.key == key)
    )
    return found is not None


async def _record_erasure(session: AsyncSession, person: Person) -> None:
    """The audit trail keeps that the person was erased, naming them only by id. Who
    erased them and through what is the session's (`audit.acting`)."""
    after = {"name": person.name}  # the pseudonym: says which »Slettet person« this is
    erased = audit.Change("person", person.id, ERASE, None, after,
                          {"municipality_id": person.municipality_id})  # fmt: skip
    await session.run_sync(lambda sync: audit.record(sync, [erased]))
