"""`pejling import`: bring the database in line with an organisation file.

Everything is matched by its key, so importing the same file twice changes nothing, and
an edited file updates in place. A person's roles become exactly those the file lists.
Things missing from the file are left alone: an organisation file describes what exists,
it does not delete history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from store import roleversion
from store.audit import IMPORT, acting
from store.dates import LOCAL_TIME
from store.errors import OrgFileError
from store.models import (
    Base,
    Bearing,
    Committee,
    CommitteeMeeting,
    Department,
    DepartmentGoal,
    Goal,
    GoalBearing,
    GoalState,
    Municipality,
    Period,
    Person,
    Role,
    RoleAssignment,
    StatusUpdate,
    Unit,
)
from store.orgfile import OrgFile, OrgGoal, OrgPeriod, OrgPerson, OrgStatus, goals_allowed

# A status given in the file with a date only is taken as reported at noon, Danish time.
STATUS_TIME = time(12, 0)

Row = TypeVar("Row", bound=Base)


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class _Keys:
    """Ids of what has been written so far, by key, for the references that follow."""

    committees: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    bearings: dict[str, int] = field(default_factory=dict)
    periods: dict[str, int] = field(default_factory=dict)


class _Importer:
    def __init__(self, session: AsyncSession, org: OrgFile) -> None:
        self.session = session
        self.org = org
        self.report = ImportReport()
        self.keys = _Keys()
        self.municipality_id = 0

    async def run(self) -> ImportReport:
        await self._municipality()
        # The file may change anyone's roles: every instance reads identities afresh.
        await roleversion.roles_changed(self.session, self.municipality_id)
        for period in self.org.all_periods:
            await self._period(period)
        for committee in self.org.committees:
            await self._committee(committee)
        for department in self.org.departments:
            self.keys.departments[department.key] = await self._upsert(
                Department,
                department.key,
                name=department.name,
                committee_id=self.keys.committees[department.committee],
            )
            for goal in department.goals:
                await self._upsert(
                    DepartmentGoal,
                    goal.key,
                    department_id=self.keys.departments[department.key],
                    period_id=self.keys.periods[self.org.period_of(None).key],
                    title=goal.title,
                    expected_effect=goal.expected_effect,
                    success_criteria=list(goal.success_criteria),
                    agreed_on=goal.agreed_on,
                )
        for person in self.org.people:
            self.keys.people[person.key] = await self._upsert(
                Person,
                person.key,
                name=person.name,
                email=person.email,
                aad_object_id=person.aad_object_id,
            )
        for unit in self.org.units:
            self.keys.units[unit.key] = await self._upsert(
                Unit,
                unit.key,
                name=unit.name,
                unit_type=unit.type,
                area=unit.area,
                department_id=self.keys.departments[unit.department],
            )
            for unit_goal in unit.goals:
                await self._goal(unit_goal, self.keys.units[unit.key])
        for person in self.org.people:
            await self._roles(person)
        await self.session.flush()
        return self.report

    async def _municipality(self) -> None:
        m = self.org.municipality
        row = await self.session.scalar(select(Municipality).where(Municipality.key == m.key))
        values = {
            "name": m.name,
            "tenant_id": m.tenant_id,
            "profile": m.profile,
            "language": m.language,
            "midway": m.midway,
        }
        row = await self._write(row, Municipality, {"key": m.key}, values)
        self.municipality_id = row.id

    async def _period(self, p: OrgPeriod) -> None:
        self.keys.periods[p.key] = await self._upsert(
            Period, p.key, name=p.name, kind=p.kind.value, starts_on=p.starts, ends_on=p.ends
        )

    async def _period_for(
        self, model: type[Bearing] | type[Goal], key: str, named: str | None
    ) -> int:
        """The period a goal or bearing goes in. One already imported stays where it is:
        importing next year's file never moves this year's goals and bearings into a
        period that has not started. A file that names another period for it is refused."""
        wanted = self.keys.periods[self.org.period_of(named).key]
        have = await self.session.scalar(
            select(model.period_id).where(
                model.municipality_id == self.municipality_id, model.key == key
            )
        )
        if have is not None and have != wanted and named is not None:
            raise OrgFileError("org.period_moved", key=key, period=named)
        return wanted if have is None else have

    async def _committee(self, committee: Any) -> None:
        channel = committee.channel
        values: dict[str, Any] = {
            "name": committee.name,
            "digest_schedule": committee.digest.schedule if committee.digest else None,
        }
        if channel is not None:
            # A channel linked in Teams with `tilknyt` is kept unless the file names one.
            values |= {
                "channel_id": channel.id,
                "team_id": channel.team_id,
                "channel_service_url": channel.service_url,
            }
        committee_id = await self._upsert(Committee, committee.key, **values)
        self.keys.committees[committee.key] = committee_id
        await self._committee_meetings(committee_id, set(committee.meetings))
        for bearing in committee.bearings:
            words = {"title": bearing.title, "description": bearing.description}
            if await self._reworded_at_meeting(bearing.key):
                words = {}  # a dialogue meeting's approved summary has the last word
            period_id = await self._period_for(Bearing, bearing.key, bearing.period)
            self.keys.bearings[bearing.key] = await self._upsert(
                Bearing, bearing.key, committee_id=committee_id, period_id=period_id, **words
            )

    async def _committee_meetings(self, committee_id: int, wanted: set[date]) -> None:
        """Dates missing are added; a date not in the file is kept, as matters may be on it."""
        held = select(CommitteeMeeting.held_on).where(CommitteeMeeting.committee_id == committee_id)
        have = set(await self.session.scalars(held))
        for day in sorted(wanted - have):
            self.session.add(
                CommitteeMeeting(
                    municipality_id=self.municipality_id, committee_id=committee_id, held_on=day
                )
            )
            self.report.created["committee_meeting"] += 1

    async def _reworded_at_meeting(self, key: str) -> bool:
        meeting = await self.session.scalar(
            select(Bearing.meeting_id).where(
                Bearing.municipality_id == self.municipality_id, Bearing.key == key
            )
        )
        return meeting is not None

    async def _goal(self, goal: OrgGoal, unit_id: int) -> None:
        """A goal in the file is an agreed goal: approved, and reported on."""
        goal_id = await self._upsert(
            Goal,
            goal.key,
            unit_id=unit_id,
            period_id=await self._period_for(Goal, goal.key, goal.period),
            title=goal.title,
            expected_effect=goal.expected_effect,
            follow_up=goal.follow_up,
            state=GoalState.APPROVED.value,
            reportable_version=1,
        )
        await self._goal_bearings(goal_id, {self.keys.bearings[b] for b in goal.all_bearings})
        for status in goal.status:
            await self._status(status, goal_id)

    async def _goal_bearings(self, goal_id: int, wanted: set[int]) -> None:
        have = set(
            await self.session.scalars(
                select(GoalBearing.bearing_id).where(GoalBearing.goal_id == goal_id)
            )
        )
        if have == wanted:
            return
        await self.session.execute(
            delete(GoalBearing).where(
                GoalBearing.goal_id == goal_id, GoalBearing.bearing_id.not_in(wanted)
            )
        )
        self.session.add_all(GoalBearing(goal_id=goal_id, bearing_id=b) for b in wanted - have)
        self.report.created["goal_bearing"] += len(wanted - have)
        if have - wanted:
            self.report.updated["goal_bearing"] += len(have - wanted)

    async def _status(self, status: OrgStatus, goal_id: int) -> None:
        """History from the file; the same colour on the same day is the same report."""
        reported_at = datetime.combine(status.date, STATUS_TIME, LOCAL_TIME)
        exists = await self.session.scalar(
            select(StatusUpdate.id).where(
                StatusUpdate.goal_id == goal_id,
                StatusUpdate.reported_at == reported_at,
                StatusUpdate.color == status.color.value,
            )
        )
        if exists is not None:
            return
        self.session.add(
            StatusUpdate(
                municipality_id=self.municipality_id,
                goal_id=goal_id,
                color=status.color.value,
                narrative=status.narrative,
                evidence=status.evidence,
                reported_by=self.keys.people.get(status.by) if status.by else None,
                reported_at=reported_at,
            )
        )
        self.report.created["status_update"] += 1

    async def _roles(self, person: OrgPerson) -> None:
        person_id = self.keys.people[person.key]
        wanted = {self._scope(role.role, role.scope) for role in person.roles}
        rows = (
            await self.session.scalars(
                select(RoleAssignment).where(RoleAssignment.person_id == person_id)
            )
        ).all()
        have = {(Role(r.role), r.unit_id, r.department_id, r.committee_id): r for r in rows}
        for key, row in have.items():
            if key not in wanted:
                await self.session.execute(
                    delete(RoleAssignment).where(RoleAssignment.id == row.id)
                )
                self.report.updated["role"] += 1
        for role, unit_id, department_id, committee_id in wanted - have.keys():
            self.session.add(
                RoleAssignment(
                    municipality_id=self.municipality_id,
                    person_id=person_id,
                    role=role.value,
                    unit_id=unit_id,
                    department_id=department_id,
                    committee_id=committee_id,
                )
            )
            self.report.created["role"] += 1

    def _scope(
        self, role: Role, scope: str | None
    ) -> tuple[Role, int | None, int | None, int | None]:
        if role is Role.UNIT_LEADER:
            return role, self.keys.units[scope or ""], None, None
        if role is Role.DEPARTMENT_HEAD:
            return role, None, self.keys.departments[scope or ""], None
        if role is Role.POLITICIAN:
            return role, None, None, self.keys.committees[scope or ""]
        return role, None, None, None

    async def _upsert(self, model: type[Row], key: str, **values: Any) -> int:
        # Every model imported by key has municipality_id, key and id; Base declares none.
        found = await self.session.scalars(
            select(model).where(
                model.municipality_id == self.municipality_id,  # type: ignore[attr-defined]
                model.key == key,  # type: ignore[attr-defined]
            )
        )
        row = found.first()
        identity = {"municipality_id": self.municipality_id, "key": key}
        written = await self._write(row, model, identity, values)
        return written.id  # type: ignore[attr-defined,no-any-return]

    async def _write(
        self, row: Row | None, model: type[Row], identity: dict[str, Any], values: dict[str, Any]
    ) -> Row:
        kind = model.__tablename__
        if row is None:
            row = model(**identity, **values)
            self.session.add(row)
            await self.session.flush()
            self.report.created[kind] += 1
            return row
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            self.report.updated[kind] += 1
        return row


async def import_org(session: AsyncSession, org: OrgFile) -> ImportReport:
    """Create or update everything in `org`; safe to run again and again. A file with goals
    for a profile without them is refused as a whole, with the Danish reason."""
    goals_allowed(org)
    with acting(session, IMPORT):  # the audit trail names the file, not a person, as source
        return await _Importer(session, org).run()
