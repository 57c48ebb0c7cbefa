"""The organisation file: a municipality's committees, departments, units, people and roles.

Read and checked here, without touching the database, so `pejling chat` can use it to
pick a person and `pejling import` can refuse a broken file before changing anything.
The format is documented in README.md; `examples/demokommune.yaml` is a full example.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml
from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from store.errors import OrgFileError
from store.models import Color, PeriodKind, Role
from store.profiles import MONTH_DAY, profile
from store.text import fold

TIMEZONE = "Europe/Copenhagen"
PROFILES = ("hvidovre", "jammerbugt", "dragoer")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OrgMunicipality(_Model):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    tenant_id: str = Field(min_length=1, max_length=64)
    profile: Literal["hvidovre", "jammerbugt", "dragoer"] = "hvidovre"
    language: Literal["da", "en"] = "da"
    # The day of a yearly midway evaluation with the department head ("06-30"), where the
    # profile has none or another; left out: the profile's.
    midway: str | None = Field(default=None, pattern=MONTH_DAY)


class OrgPeriod(_Model):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: PeriodKind
    starts: date
    ends: date


class OrgChannel(_Model):
    id: str = Field(min_length=1)
    team_id: str | None = None
    service_url: str = Field(min_length=1)


class OrgDigest(_Model):
    schedule: str

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        CronTrigger.from_crontab(value, timezone=TIMEZONE)  # raises ValueError when malformed
        return value


class OrgBearing(_Model):
    key: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    description: str | None = None
    period: str | None = None  # the period's key; needed when the file has several


class OrgCommittee(_Model):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    digest: OrgDigest | None = None
    channel: OrgChannel | None = None
    bearings: tuple[OrgBearing, ...] = ()
    # The committee's own meetings (udvalgsmøder), where matters for decision go.
    meetings: tuple[date, ...] = ()


class OrgDepartmentGoal(_Model):
    """A goal the committee agrees with the department's management (Jammerbugt's upper
    agreement level)."""

    key: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    expected_effect: str | None = None
    success_criteria: tuple[str, ...] = ()
    agreed_on: date | None = None  # the committee meeting that agreed it


class OrgDepartment(_Model):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    committee: str
    goals: tuple[OrgDepartmentGoal, ...] = ()


class OrgStatus(_Model):
    color: Color
    date: date
    by: str | None = None
    narrative: str = Field(min_length=1)
    evidence: str | None = None


class OrgGoal(_Model):
    key: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    bearing: str | None = None  # one bearing, or several under `bearings`
    bearings: tuple[str, ...] = ()
    expected_effect: str | None = None
    follow_up: str | None = None
    status: tuple[OrgStatus, ...] = ()
    period: str | None = None  # the period's key; needed when the file has several

    @property
    def all_bearings(self) -> tuple[str, ...]:
        return (*([self.bearing] if self.bearing else []), *self.bearings)


class OrgUnit(_Model):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=64)
    area: str | None = None
    department: str
    goals: tuple[OrgGoal, ...] = ()


class OrgRole(_Model):
    role: Role
    scope: str | None = None


class OrgPerson(_Model):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    aad_object_id: str = Field(min_length=1, max_length=64)
    roles: tuple[OrgRole, ...] = ()

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> Any:
        # In the file a role is `administration` or `unit_leader: <unit key>`.
        if not isinstance(value, list):
            return value
        return [_role_entry(item) for item in value]


def _role_entry(item: Any) -> Any:
    if isinstance(item, str):
        return {"role": item}
    if isinstance(item, dict) and len(item) == 1:
        ((role, scope),) = item.items()
        return {"role": role, "scope": scope}
    return item


class OrgFile(_Model):
    municipality: OrgMunicipality
    # One period (`period`), or past, current and next ones (`periods`), or both.
    period: OrgPeriod | None = None
    periods: tuple[OrgPeriod, ...] = ()
    committees: tuple[OrgCommittee, ...] = ()
    departments: tuple[OrgDepartment, ...] = ()
    units: tuple[OrgUnit, ...] = ()
    people: tuple[OrgPerson, ...] = ()

    @property
    def all_periods(self) -> tuple[OrgPeriod, ...]:
        return (*([self.period] if self.period else []), *self.periods)

    def period_of(self, key: str | None) -> OrgPeriod:
        """The period a goal or bearing names; the file's only one when it names none."""
        return next(p for p in self.all_periods if p.key == (key or self.all_periods[0].key))

    def find_person(self, query: str) -> OrgPerson | None:
        """The person whose key, name or e-mail is `query` (case and accents ignored)."""
        wanted = fold(query)
        for person in self.people:
            if wanted in (fold(person.key), fold(person.name), fold(person.email or "")):
                return person
        return None

    def find_committee(self, query: str) -> OrgCommittee | None:
        wanted = fold(query)
        for committee in self.committees:
            if wanted in (fold(committee.key), fold(committee.name)):
                return committee
        return None


def read_org_file(path: str | Path) -> OrgFile:
    """Read, parse and check an organisation file; `OrgFileError` says what is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise OrgFileError("org.unreadable", path=str(path), reason=error.strerror) from error
    except yaml.YAMLError as error:
        raise OrgFileError("org.not_yaml", path=str(path), reason=str(error)) from error
    return parse_org(raw)


def parse_org(raw: Any) -> OrgFile:
    if not isinstance(raw, dict):
        raise OrgFileError("org.not_mapping")
    try:
        org = OrgFile.model_validate(raw)
    except ValidationError as error:
        raise _first_problem(error) from error
    _check_references(org)
    for committee in org.committees:
        _unique(f"committees.{committee.key}.meetings", (str(d) for d in committee.meetings))
    return org


def _first_problem(error: ValidationError) -> OrgFileError:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    if problem["type"] == "missing":
        return OrgFileError("org.field_missing", field=where)
    if problem["type"] == "extra_forbidden":
        return OrgFileError("org.field_unknown", field=where)
    return OrgFileError("org.field_invalid", field=where, value=str(problem.get("input"))[:80])


def _check_references(org: OrgFile) -> None:
    committees = _unique("committees", (c.key for c in org.committees))
    departments = _unique("departments", (d.key for d in org.departments))
    units = _unique("units", (u.key for u in org.units))
    people = _unique("people", (p.key for p in org.people))
    _unique("people", (p.aad_object_id for p in org.people))
    bearings = _unique("bearings", (b.key for c in org.committees for b in c.bearings))
    _unique("goals", (g.key for u in org.units for g in u.goals))
    _unique("departments.goals", (g.key for d in org.departments for g in d.goals))
    _check_periods(org)
    goals_allowed(org)
    for department in org.departments:
        _known(committees, department.committee, f"departments.{department.key}.committee")
    for unit in org.units:
        _known(departments, unit.department, f"units.{unit.key}.department")
        for goal in unit.goals:
            for bearing in goal.all_bearings:
                _known(bearings, bearing, f"goals.{goal.key}.bearing")
            for status in goal.status:
                if status.by:
                    _known(people, status.by, f"goals.{goal.key}.status.by")
    scopes = {
        Role.UNIT_LEADER: units,
        Role.DEPARTMENT_HEAD: departments,
        Role.POLITICIAN: committees,
    }
    for person in org.people:
        for role in person.roles:
            _check_role(person, role, scopes)


def _check_periods(org: OrgFile) -> None:
    """At least one period, each forwards, none overlapping another; with several, every
    goal and bearing says which it belongs to, so an import never guesses."""
    periods = sorted(org.all_periods, key=lambda p: p.starts)
    if not periods:
        raise OrgFileError("org.field_missing", field="periods")
    keys = _unique("periods", (p.key for p in periods))
    for period in periods:
        if period.ends < period.starts:
            raise OrgFileError("org.period_backwards")
    for earlier, later in pairwise(periods):
        if later.starts <= earlier.ends:
            raise OrgFileError("org.periods_overlap", first=earlier.key, second=later.key)
    named = [(f"bearings.{b.key}", b.period) for c in org.committees for b in c.bearings]
    named += [(f"goals.{g.key}", g.period) for u in org.units for g in u.goals]
    for where, key in named:
        if key is None and len(periods) > 1:
            raise OrgFileError("org.period_needed", field=where)
        if key is not None:
            _known(keys, key, f"{where}.period")


def goals_allowed(org: OrgFile) -> None:
    """A municipality whose profile has no goals (Dragør's) keeps none: importing one
    would show it to a committee that decided against result contracts. The importer asks
    again, for a file whose profile was changed after it was read. Goals agreed between
    the committee and a department need a profile with that level (Jammerbugt's)."""
    chosen = profile(org.municipality.profile)
    if not chosen.department_agreements:
        for department in org.departments:
            if department.goals:
                raise OrgFileError(
                    "org.profile_without_department_goals",
                    field=f"departments.{department.key}.goals",
                    profile=org.municipality.profile,
                )
    if chosen.uses_goals:
        return
    for unit in org.units:
        if unit.goals:
            raise OrgFileError(
                "org.profile_without_goals",
                field=f"units.{unit.key}.goals",
                profile=org.municipality.profile,
            )


def without_goals(org: OrgFile) -> OrgFile:
    """`org` with no unit's goals: the demo tried as a municipality without goals."""
    units = [unit.model_copy(update={"goals": []}) for unit in org.units]
    return org.model_copy(update={"units": units})


def _check_role(person: OrgPerson, role: OrgRole, scopes: dict[Role, set[str]]) -> None:
    where = f"people.{person.key}.roles.{role.role.value}"
    if role.role is Role.ADMINISTRATION:
        if role.scope is not None:
            raise OrgFileError("org.role_takes_no_scope", field=where)
        return
    if role.scope is None:
        raise OrgFileError("org.role_needs_scope", field=where)
    _known(scopes[role.role], role.scope, where)


def _unique(kind: str, keys: Iterable[str]) -> set[str]:
    counts = Counter(keys)
    for key, count in counts.items():
        if count > 1:
            raise OrgFileError("org.duplicate_key", kind=kind, key=key)
    return set(counts)


def _known(keys: set[str], key: str, where: str) -> None:
    if key not in keys:
        raise OrgFileError("org.unknown_reference", field=where, key=key)
