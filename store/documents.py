"""What goes into the committee's documents (committee report, meeting pack, approved
summary, a unit's agreement): read in a fixed number of statements per document, whatever
the committee's size, and handed to kort/documents as plain views with names, not ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from store import knowledge
from store.dates import LOCAL_TIME
from store.documentviews import (
    ApprovalLine,
    CommitteeReport,
    DocumentRequest,
    EvaluationLine,
    ReportBearing,
    ReportDepartmentGoal,
    ReportGoal,
    ReportMatter,
    ReportSummary,
    ReportUnit,
    StatusPoint,
)
from store.enums import Color, EvaluationKind, GoalAction, MatterState, Role, SummaryState
from store.errors import DomainError
from store.meetingviews import FollowUpView, SummaryContent
from store.models import (
    Bearing,
    Committee,
    Department,
    DepartmentGoal,
    Evaluation,
    Goal,
    GoalBearing,
    GoalEvent,
    Matter,
    Meeting,
    MeetingUnit,
    Municipality,
    Period,
    Person,
    Preparation,
    RoleAssignment,
    StatusUpdate,
    Summary,
    Unit,
)
from store.text import danish_order
from store.views import Actor

_APPROVALS = (GoalAction.APPROVED_DEPARTMENT, GoalAction.APPROVED_COMMITTEE)


class UnknownDocument(DomainError):
    """The committee, period, meeting or unit a document was asked for does not exist."""


async def committee_by_key(session: AsyncSession, municipality_id: int, key: str) -> Committee:
    found = await session.scalar(
        select(Committee).where(Committee.municipality_id == municipality_id, Committee.key == key)
    )
    if found is None:
        raise UnknownDocument("dokument.ukendt_udvalg")
    return found


async def period_for(
    session: AsyncSession, municipality_id: int, key: str | None, today: date
) -> Period:
    """The period named `key`, or the one `today` falls in (else the latest that began)."""
    query = select(Period).where(Period.municipality_id == municipality_id)
    if key:
        query = query.where(Period.key == key)
    else:
        query = query.where(Period.starts_on <= today).order_by(Period.starts_on.desc())
    found = await session.scalar(query.limit(1))
    if found is None:
        raise UnknownDocument("dokument.ukendt_periode")
    return found


async def report_request(
    session: AsyncSession, committee: Committee, at: datetime
) -> DocumentRequest | None:
    """The committee report for the period `at` falls in, as a button asks for it."""
    today = at.astimezone(LOCAL_TIME).date()
    period = await session.scalar(
        select(Period.id).where(
            Period.municipality_id == committee.municipality_id,
            Period.starts_on <= today,
            Period.ends_on >= today,
        )
    )
    if period is None:
        return None
    return DocumentRequest("rapport", committee_id=committee.id, period_id=period)


async def agreement_request(session: AsyncSession, goal_id: int) -> DocumentRequest | None:
    """The agreement of the goal's unit for the goal's period, as a button asks for it."""
    row = (
        await session.execute(select(Goal.unit_id, Goal.period_id).where(Goal.id == goal_id))
    ).first()
    if row is None:
        return None
    return DocumentRequest("aftale", period_id=row.period_id, unit_id=row.unit_id)


async def committee_report(
    session: AsyncSession,
    committee: Committee,
    period: Period,
    now: datetime,
    meeting: Meeting | None = None,
    unit_ids: Sequence[int] | None = None,
) -> CommitteeReport:
    """The committee's goals, bearings, matters and approved summaries of the period; for a
    meeting, the statuses up to it. `unit_ids` narrows it to some units (the meeting pack)."""
    municipality = await session.get_one(Municipality, committee.municipality_id)
    units = await _units(session, committee, unit_ids)
    goals = await _goals(session, period, [u.id for u, _ in units], meeting)
    leaders = await _leaders(session, [u.id for u, _ in units])
    by_unit: dict[int, list[ReportGoal]] = {}
    for unit_id, goal in goals:
        by_unit.setdefault(unit_id, []).append(goal)
    shown = tuple(
        ReportUnit(u.name, dept, tuple(leaders.get(u.id, ())), tuple(by_unit.get(u.id, ())))
        for u, dept in units
    )
    return CommitteeReport(
        municipality=municipality.name,
        committee=committee.name,
        period=period.name,
        period_starts=period.starts_on,
        period_ends=period.ends_on,
        made_at=now,
        meeting_at=meeting.starts_at if meeting else None,
        units=shown,
        bearings=await _bearings(session, committee, period, goals),
        matters=await _matters(session, committee),
        summaries=await _summaries(session, committee, period, meeting),
        knowledge=await knowledge.items_for(session, committee.id, period.id),
    )


async def meeting_report(session: AsyncSession, meeting_id: int, now: datetime) -> CommitteeReport:
    """The meeting pack as a document: the report for the meeting's own units."""
    held = await session.get(Meeting, meeting_id)
    if held is None:
        raise UnknownDocument("dokument.ukendt_moede")
    committee = await session.get_one(Committee, held.committee_id)
    period = await session.get_one(Period, held.period_id)
    unit_ids = list(
        await session.scalars(select(MeetingUnit.unit_id).where(MeetingUnit.meeting_id == held.id))
    )
    report = await committee_report(session, committee, period, now, held, unit_ids)
    notes = await _preparations(session, held.id)
    units = tuple(replace(u, preparation=notes.get(u.name, ())) for u in report.units)
    return replace(report, units=units)


PREPARATION_FIELDS = (
    "goal_follow_up", "unit_status", "conditions", "challenges", "development_needs",
    "input_gathered",
)  # fmt: skip


async def _preparations(
    session: AsyncSession, meeting_id: int
) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each unit's preparation note for the meeting, by unit name, the fields written."""
    rows = await session.execute(
        select(Unit.name, Preparation)
        .join(Preparation, Preparation.unit_id == Unit.id)
        .where(Preparation.meeting_id == meeting_id)
    )
    return {
        name: tuple(
            (field, value) for field in PREPARATION_FIELDS if (value := getattr(note, field))
        )
        for name, note in rows
    }


async def approved_summary(session: AsyncSession, meeting_id: int) -> ReportSummary:
    held = await session.get(Meeting, meeting_id)
    summary = await session.scalar(select(Summary).where(Summary.meeting_id == meeting_id))
    if held is None or summary is None or summary.state != SummaryState.APPROVED:
        raise UnknownDocument("dokument.intet_referat")
    return (await _summary_views(session, [(summary, held)]))[0]


async def unit_agreement(
    session: AsyncSession, unit_id: int, period: Period, now: datetime
) -> CommitteeReport:
    """A unit's agreement for the period: its goals with every field and who approved them."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise UnknownDocument("dokument.ukendt_enhed")
    department = await session.get_one(Department, unit.department_id)
    committee = await session.get_one(Committee, department.committee_id)
    report = await committee_report(session, committee, period, now, unit_ids=[unit.id])
    above = await session.scalars(
        select(DepartmentGoal)
        .where(DepartmentGoal.department_id == department.id, DepartmentGoal.period_id == period.id)
        .order_by(DepartmentGoal.id)
    )
    goals = tuple(
        ReportDepartmentGoal(
            g.title, g.expected_effect, tuple(g.success_criteria or ()), g.agreed_on
        )
        for g in above
    )
    return replace(report, department_goals=goals)


async def _units(
    session: AsyncSession, committee: Committee, unit_ids: Sequence[int] | None
) -> list[tuple[Unit, str]]:
    """The committee's units (or some of them) in Danish order, with their department."""
    query = (
        select(Unit, Department.name)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.committee_id == committee.id)
    )
    if unit_ids is not None:
        query = query.where(Unit.id.in_(list(unit_ids)))
    rows = [(unit, name) for unit, name in await session.execute(query)]
    return sorted(rows, key=lambda row: danish_order(row[0].name))


async def _leaders(session: AsyncSession, unit_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(RoleAssignment.unit_id, Person.name)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(RoleAssignment.unit_id.in_(unit_ids), RoleAssignment.role == Role.UNIT_LEADER)
        .order_by(Person.name)
    )
    found: dict[int, list[str]] = {}
    for unit_id, name in rows:
        if unit_id is not None:  # always: the query asks for units
            found.setdefault(unit_id, []).append(name)
    return found


async def _goals(
    session: AsyncSession, period: Period, unit_ids: list[int], meeting: Meeting | None
) -> list[tuple[int, ReportGoal]]:
    """The units' agreed goals of the period (approved as far as the profile asks, closed
    ones too: their final report belongs in the report), in unit order then id."""
    rows = list(
        await session.scalars(
            select(Goal)
            .where(
                Goal.unit_id.in_(unit_ids),
                Goal.period_id == period.id,
                Goal.reportable_version.is_not(None),
            )
            .order_by(Goal.unit_id, Goal.id)
        )
    )
    ids = [g.id for g in rows]
    until = meeting.starts_at if meeting else None
    statuses = await _statuses(session, ids, until)
    evaluations = await _evaluations(session, ids)
    approvals = await _approvals(session, ids)
    bearings = await _goal_bearings(session, ids)
    names = await _unit_names(session, unit_ids)
    return [
        (
            g.unit_id,
            ReportGoal(
                goal_id=g.id,
                title=g.title,
                unit_name=names[g.unit_id],
                bearings=tuple(bearings.get(g.id, ())),
                expected_effect=g.expected_effect,
                success_criteria=tuple(g.success_criteria or ()),
                follow_up=g.follow_up,
                sub_goals=tuple(g.sub_goals or ()),
                deadline=g.deadline,
                responsible=g.responsible,
                evaluation_method=g.evaluation_method,
                data_source=g.data_source,
                perspective=g.perspective,
                state=str(g.state),
                statuses=tuple(statuses.get(g.id, ())),
                evaluations=tuple(evaluations.get(g.id, ())),
                approvals=tuple(approvals.get(g.id, ())),
            ),
        )
        for g in rows
    ]


async def _unit_names(session: AsyncSession, unit_ids: list[int]) -> dict[int, str]:
    rows = await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids)))
    return {unit_id: name for unit_id, name in rows}


async def _statuses(
    session: AsyncSession, goal_ids: list[int], until: datetime | None
) -> dict[int, list[StatusPoint]]:
    query = (
        select(StatusUpdate, Person.name)
        .outerjoin(Person, Person.id == StatusUpdate.reported_by)
        .where(StatusUpdate.goal_id.in_(goal_ids))
        .order_by(StatusUpdate.goal_id, StatusUpdate.reported_at, StatusUpdate.id)
    )
    if until is not None:
        query = query.where(StatusUpdate.reported_at <= until)
    found: dict[int, list[StatusPoint]] = {}
    for s, name in await session.execute(query):
        point = StatusPoint(Color(s.color), s.reported_at, s.narrative, s.evidence, name)
        found.setdefault(s.goal_id, []).append(point)
    return found


async def _evaluations(
    session: AsyncSession, goal_ids: list[int]
) -> dict[int, list[EvaluationLine]]:
    signer = aliased(Person)
    rows = await session.execute(
        select(Evaluation, Person.name, signer.name)
        .outerjoin(Person, Person.id == Evaluation.reported_by)
        .outerjoin(signer, signer.id == Evaluation.signed_off_by)
        .where(Evaluation.goal_id.in_(goal_ids))
        .order_by(Evaluation.goal_id, Evaluation.reported_at, Evaluation.id)
    )
    found: dict[int, list[EvaluationLine]] = {}
    for e, name, signed_by in rows:
        signed = e.signed_off_at is not None
        line = EvaluationLine(
            EvaluationKind(e.kind),
            e.year,
            Color(e.color),
            e.criteria,
            e.effect,
            e.evidence,
            e.effect_assessment,
            e.reported_at,
            name,
            e.head_agrees if signed else None,
            e.head_comment if signed else None,
            signed_by if signed else None,
            e.signed_off_at,
        )
        found.setdefault(e.goal_id, []).append(line)
    return found


async def _approvals(session: AsyncSession, goal_ids: list[int]) -> dict[int, list[ApprovalLine]]:
    rows = await session.execute(
        select(GoalEvent, Person.name)
        .outerjoin(Person, Person.id == GoalEvent.person_id)
        .where(GoalEvent.goal_id.in_(goal_ids), GoalEvent.action.in_(list(_APPROVALS)))
        .order_by(GoalEvent.goal_id, GoalEvent.at, GoalEvent.id)
    )
    found: dict[int, list[ApprovalLine]] = {}
    for event, name in rows:
        line = ApprovalLine(str(event.action), event.version, name, event.at, event.meeting_date)
        found.setdefault(event.goal_id, []).append(line)
    return found


async def _goal_bearings(session: AsyncSession, goal_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(GoalBearing.goal_id, Bearing.title)
        .join(Bearing, Bearing.id == GoalBearing.bearing_id)
        .where(GoalBearing.goal_id.in_(goal_ids))
        .order_by(GoalBearing.goal_id, Bearing.id)
    )
    found: dict[int, list[str]] = {}
    for goal_id, title in rows:
        found.setdefault(goal_id, []).append(title)
    return found


async def _bearings(
    session: AsyncSession,
    committee: Committee,
    period: Period,
    goals: Iterable[tuple[int, ReportGoal]],
) -> tuple[ReportBearing, ...]:
    """The committee's bearings, each with the newest colour of the goals that follow it."""
    colors: dict[str, list[Color | None]] = {}
    for _, goal in goals:
        for title in goal.bearings:
            colors.setdefault(title, []).append(goal.latest.color if goal.latest else None)
    rows = await session.scalars(
        select(Bearing)
        .where(Bearing.committee_id == committee.id, Bearing.period_id == period.id)
        .order_by(Bearing.id)
    )
    return tuple(
        ReportBearing(b.title, b.description, tuple(colors.get(b.title, ())), b.proposed)
        for b in rows
    )


async def _matters(session: AsyncSession, committee: Committee) -> tuple[ReportMatter, ...]:
    rows = await session.scalars(
        select(Matter).where(Matter.committee_id == committee.id).order_by(Matter.id)
    )
    return tuple(_matter(m) for m in rows)


def _matter(m: Matter) -> ReportMatter:
    return ReportMatter(
        m.title,
        m.state == MatterState.DECIDED,
        m.legal,
        m.economic,
        m.staff,
        m.decided_on,
        m.decision,
        m.other,
    )


async def _summaries(
    session: AsyncSession, committee: Committee, period: Period, meeting: Meeting | None
) -> tuple[ReportSummary, ...]:
    """The approved summaries of the period's dialogue meetings (up to `meeting`)."""
    query = (
        select(Summary, Meeting)
        .join(Meeting, Meeting.id == Summary.meeting_id)
        .where(
            Meeting.committee_id == committee.id,
            Meeting.period_id == period.id,
            Summary.state == SummaryState.APPROVED,
        )
        .order_by(Meeting.starts_at)
    )
    if meeting is not None:
        query = query.where(Meeting.starts_at <= meeting.starts_at)
    return tuple(await _summary_views(session, [(s, m) for s, m in await session.execute(query)]))


async def _summary_views(
    session: AsyncSession, rows: list[tuple[Summary, Meeting]]
) -> list[ReportSummary]:
    unit_ids = {u.get("unit_id") for s, _ in rows for u in s.content.get("units", ())}
    units = await _unit_names(session, [i for i in unit_ids if i is not None])
    people = await _people(session, rows)
    proposed: dict[int, set[str]] = {}
    for meeting_id, title in await session.execute(
        select(Bearing.meeting_id, Bearing.title).where(
            Bearing.meeting_id.in_([m.id for _, m in rows]), Bearing.proposed
        )
    ):
        if meeting_id is not None:  # always, by the filter; the column may be empty
            proposed.setdefault(meeting_id, set()).add(title)
    return [
        replace(_summary(s, m, units, people), proposed=frozenset(proposed.get(m.id, ())))
        for s, m in rows
    ]


async def _people(session: AsyncSession, rows: list[tuple[Summary, Meeting]]) -> dict[Any, str]:
    """Names by person id (who wrote and approved) and by person key (follow-up owners,
    written as a key or a name: "Ansvarlig: lise" must read as her name)."""
    if not rows:
        return {}
    municipality = rows[0][0].municipality_id
    found: dict[Any, str] = {}
    for person_id, key, name in await session.execute(
        select(Person.id, Person.key, Person.name).where(Person.municipality_id == municipality)
    ):
        found[person_id] = name
        found[key] = name
    return found


def _summary(
    summary: Summary, held: Meeting, units: dict[int, str], people: dict[Any, str]
) -> ReportSummary:
    content = SummaryContent.from_json(summary.content)
    return ReportSummary(
        meeting_at=held.starts_at,
        theme=held.theme,
        place=held.place,
        general=content.general,
        units=tuple((units.get(u.unit_id, ""), u.text) for u in content.units),
        bearings=tuple(b.title for b in content.bearings),
        matters=tuple(
            ReportMatter(m.title, False, m.legal, m.economic, m.staff, other=m.other)
            for m in content.matters
        ),
        follow_ups=tuple(
            FollowUpView(f.text, people.get(f.owner, f.owner) if f.owner else None, f.due)
            for f in content.follow_ups
        ),
        written_by=people.get(summary.written_by),
        approved_by=people.get(summary.approved_by),
        approved_at=summary.approved_at,
    )


def person_name(people: dict[Any, str], key: str | None) -> str | None:
    """A person's name from their key, or the text itself if it names nobody."""
    return people.get(key, key) if key else None


async def committee_of(session: AsyncSession, request: DocumentRequest) -> int | None:
    """The committee a document belongs to: named, or the meeting's, or the unit's."""
    if request.kind in ("pakke", "referat"):
        held = await session.get(Meeting, request.meeting_id) if request.meeting_id else None
        return held.committee_id if held else None
    if request.kind == "aftale":
        return await session.scalar(
            select(Department.committee_id)
            .join(Unit, Unit.department_id == Department.id)
            .where(Unit.id == request.unit_id)
        )
    return request.committee_id


async def may_see(session: AsyncSession, actor: Actor, request: DocumentRequest) -> bool:
    """Who may have a document: the administration any of its municipality; the audit trail
    only them. A politician their committee's; a department head those of the committee
    their department reports to; a unit leader their unit's agreement and the packs and
    summaries of meetings their unit takes part in."""
    committee = await committee_of(session, request)
    if committee is None or not await _in_municipality(session, committee, actor):
        return False
    if actor.is_administration:
        return True
    if request.kind == "revision":
        return False
    if committee in await _committees_of(session, actor):
        return True
    return await _leader_may_see(session, actor, request)


async def _in_municipality(session: AsyncSession, committee_id: int, actor: Actor) -> bool:
    found = await session.get(Committee, committee_id)
    return found is not None and found.municipality_id == actor.municipality_id


async def _committees_of(session: AsyncSession, actor: Actor) -> set[int]:
    found = {r.committee_id for r in actor.roles if r.role is Role.POLITICIAN and r.committee_id}
    departments = [r.department_id for r in actor.roles if r.role is Role.DEPARTMENT_HEAD]
    if departments:
        rows = await session.scalars(
            select(Department.committee_id).where(Department.id.in_(departments))
        )
        found |= set(rows)
    return {c for c in found if c is not None}


async def _leader_may_see(session: AsyncSession, actor: Actor, request: DocumentRequest) -> bool:
    led = actor.led_unit_ids
    if request.kind == "aftale":
        return request.unit_id in led
    if request.kind in ("pakke", "referat") and led:
        taking_part = await session.scalar(
            select(MeetingUnit.unit_id)
            .where(MeetingUnit.meeting_id == request.meeting_id, MeetingUnit.unit_id.in_(led))
            .limit(1)
        )
        return taking_part is not None
    return False


async def overview_scope(
    session: AsyncSession, actor: Actor
) -> tuple[list[int], frozenset[int] | None]:
    """Whose overview a person gets when they ask for it: the committees (ids) and, for a
    department head, only their departments' units (None: every unit of the committee).
    The administration gets every committee, to choose from."""
    if actor.is_administration:
        rows = await session.scalars(
            select(Committee.id)
            .where(Committee.municipality_id == actor.municipality_id)
            .order_by(Committee.name)
        )
        return list(rows), None
    politician = [r.committee_id for r in actor.roles if r.role is Role.POLITICIAN]
    if politician:
        return [c for c in politician if c is not None], None
    departments = [r.department_id for r in actor.roles if r.role is Role.DEPARTMENT_HEAD]
    if departments:
        pairs = list(
            await session.execute(
                select(Unit.id, Department.committee_id)
                .join(Department, Department.id == Unit.department_id)
                .where(Department.id.in_(departments))
            )
        )
        return sorted({c for _, c in pairs}), frozenset(u for u, _ in pairs)
    return [], None


async def unit_page(
    session: AsyncSession, actor: Actor, unit_id: int, now: datetime
) -> CommitteeReport:
    """A unit with its goals of the current period, every status, evaluation and approval,
    for those who may see it: its leader, its department head, the administration and the
    committee's politicians."""
    unit = await session.get(Unit, unit_id)
    if unit is None or unit.municipality_id != actor.municipality_id:
        raise UnknownDocument("dokument.ukendt_enhed")
    department = await session.get_one(Department, unit.department_id)
    allowed = actor.is_administration or any(
        (r.role is Role.UNIT_LEADER and r.unit_id == unit.id)
        or (r.role is Role.DEPARTMENT_HEAD and r.department_id == department.id)
        or (r.role is Role.POLITICIAN and r.committee_id == department.committee_id)
        for r in actor.roles
    )
    if not allowed:
        raise UnknownDocument("dokument.ukendt_enhed")
    period = await period_for(
        session, actor.municipality_id, None, now.astimezone(LOCAL_TIME).date()
    )
    return await unit_agreement(session, unit.id, period, now)


async def period_of_goal(session: AsyncSession, goal_id: int) -> tuple[date, date] | None:
    row = (
        await session.execute(
            select(Period.starts_on, Period.ends_on)
            .join(Goal, Goal.period_id == Period.id)
            .where(Goal.id == goal_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def goal_course(session: AsyncSession, goal_id: int, now: datetime) -> ReportGoal | None:
    """One goal as the documents show it: every status, evaluation and approval. The caller
    has checked that the person may see the goal (store.goals.goal_detail)."""
    goal = await session.get(Goal, goal_id)
    if goal is None:
        return None
    period = await session.get_one(Period, goal.period_id)
    found = await _goals(session, period, [goal.unit_id], None)
    return next((g for _, g in found if g.goal_id == goal_id), None)
