"""Plain, frozen views of stored data, handed to dialogues and cards instead of ORM rows,
so nothing can lazy-load outside the session that read it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from store.enums import BearingScope, Color, ColorScale, GoalState, Role


@dataclass(frozen=True)
class RoleView:
    role: Role
    unit_id: int | None = None
    department_id: int | None = None
    committee_id: int | None = None
    # Set on a unit leader's role held only for the day, as deputy (stedfortræder) for the
    # absent leader with this person id. Rules about the person themselves (their own
    # absence, approving goals) look at `Actor.own_roles`, which leaves these out.
    deputy_for: int | None = None


@dataclass(frozen=True)
class Actor:
    """A person of a municipality, as the store knows them: who is acting, and in what roles."""

    municipality_id: int
    municipality_name: str
    profile: str
    language: str
    person_id: int
    person_name: str
    roles: tuple[RoleView, ...] = ()
    midway: str | None = None  # the municipality's own midway day (`profiles.municipal`)

    @property
    def led_unit_ids(self) -> frozenset[int]:
        return frozenset(
            r.unit_id for r in self.roles if r.role is Role.UNIT_LEADER and r.unit_id is not None
        )

    @property
    def own_roles(self) -> tuple[RoleView, ...]:
        """The roles the person holds themselves, without those held as a deputy."""
        return tuple(r for r in self.roles if r.deputy_for is None)

    def deputy_for(self, unit_id: int) -> int | None:
        """The absent leader this person stands in for in `unit_id`; None when they lead it
        themselves (or not at all)."""
        if any(r.unit_id == unit_id for r in self.own_roles if r.role is Role.UNIT_LEADER):
            return None
        return next((r.deputy_for for r in self.roles if r.unit_id == unit_id), None)

    @property
    def is_administration(self) -> bool:
        return any(r.role is Role.ADMINISTRATION for r in self.roles)

    @property
    def approves_goals(self) -> bool:
        """Goals wait for them: a department head approves, the administration records
        the committee's approval."""
        return self.is_administration or any(r.role is Role.DEPARTMENT_HEAD for r in self.roles)


@dataclass(frozen=True)
class Scope:
    """Whom a bearing is for. `value` is the unit type or the area; `unit_id` one unit."""

    kind: BearingScope = BearingScope.COMMITTEE
    value: str | None = None
    unit_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "value": self.value, "unit_id": self.unit_id}

    @classmethod
    def of(cls, raw: Mapping[str, Any] | None) -> Scope:
        raw = raw or {}
        unit = raw.get("unit_id")
        return cls(
            BearingScope(raw.get("kind") or BearingScope.COMMITTEE),
            raw.get("value"),
            int(unit) if unit is not None else None,
        )


@dataclass(frozen=True)
class BearingView:
    """A political bearing as shown: title, description, and whom it is for (with the
    unit's name when it is for one unit)."""

    id: int
    title: str
    description: str | None = None
    scope: Scope = field(default_factory=Scope)
    unit_name: str | None = None
    proposed: bool = False  # agreed at a dialogue meeting, not yet decided by the committee
    decided_on: date | None = None


@dataclass(frozen=True)
class StatusView:
    color: Color
    narrative: str
    evidence: str | None
    reported_at: datetime
    reported_by: str | None = None
    # The absent leader the reporter stood in for, when they reported as deputy.
    deputy_for: str | None = None
    # When its leader corrected it (`ret status`); digests mark it "rettet".
    corrected_at: datetime | None = None


@dataclass(frozen=True)
class GoalView:
    id: int
    title: str
    unit_id: int
    unit_name: str
    expected_effect: str | None = None
    follow_up: str | None = None
    latest: StatusView | None = None
    # Where a changed version is on its way to approval; the fields above are the approved one's.
    newer_state: GoalState | None = None


@dataclass(frozen=True)
class PeriodView:
    name: str
    starts_on: date
    ends_on: date
    id: int | None = None


@dataclass(frozen=True)
class DigestWindow:
    """One digest period of a committee's schedule: [start, end), named by its start."""

    key: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class DigestGoal:
    goal: GoalView
    previous: StatusView | None  # the latest status before the changes being reported
    changed: bool  # a status was reported since the last digest
    stale: bool  # no status since the last status day that was due (or in the period)
    red_twice: bool = False  # red on the last two status days


@dataclass(frozen=True)
class DigestUnit:
    name: str
    goals: tuple[DigestGoal, ...]
    # Goals approved by the department head, waiting for the committee's own approval.
    awaiting: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestBearing:
    """A bearing in the digest: whom it is for, and the colours of the goals following it."""

    bearing: BearingView
    colors: tuple[Color | None, ...] = ()  # one per following goal (None: no status yet)


@dataclass(frozen=True)
class MeetingChange:
    """A goal whose colour now differs from its colour at the committee's last meeting."""

    unit_name: str
    title: str
    before: Color | None
    after: Color | None


@dataclass(frozen=True)
class SinceMeeting:
    meeting_at: datetime
    changes: tuple[MeetingChange, ...] = ()


@dataclass(frozen=True)
class DigestSummary:
    """An approved summary of one of the committee's dialogue meetings, as the digest of a
    municipality without goals shows it: what was said, in general and per unit."""

    meeting_at: datetime
    general: str | None
    units: tuple[tuple[str, str], ...] = ()  # (unit name, what was said)


@dataclass(frozen=True)
class DigestView:
    committee_key: str
    committee_name: str
    municipality_name: str
    period: PeriodView | None
    window: DigestWindow
    since: datetime
    units: tuple[DigestUnit, ...]
    bearings: tuple[DigestBearing, ...] = ()
    open_matters: tuple[str, ...] = ()  # titles of matters waiting for a formal decision
    # Without goals (a profile like Dragør's) the digest is the dialogue meetings'
    # summaries, the bearings and the matters: no goal, no colour.
    uses_goals: bool = True
    summaries: tuple[DigestSummary, ...] = ()  # newest meeting first; only without goals
    # What a status colour means in this profile: expected fulfilment, not fulfilment.
    status_scale: ColorScale = ColorScale.EXPECTED
    # The last status day that was due: a goal with no status for it is missing (None:
    # none was due yet in the period, and missing means no status in the period).
    status_day: date | None = None
    since_meeting: SinceMeeting | None = None  # colours changed since the last meeting

    @property
    def goals(self) -> tuple[DigestGoal, ...]:
        return tuple(g for unit in self.units for g in unit.goals)

    def count(self, color: Color | None) -> int:
        """How many goals stand at `color` (None: no status yet)."""
        return sum(1 for g in self.goals if (g.goal.latest and g.goal.latest.color) == color)


@dataclass(frozen=True)
class ProgressView:
    """A dialogue in progress: which flow, which step, and the answers so far."""

    id: str
    flow: str
    step: str
    answers: dict[str, Any] = field(default_factory=dict)
    card_activity_id: str | None = None
    version: int = 0
    last_activity_id: str | None = None


@dataclass(frozen=True)
class CommitteeView:
    id: int
    key: str
    name: str
    digest_schedule: str | None
    channel_id: str | None


@dataclass(frozen=True)
class ChannelTarget:
    """Where to post in a committee's channel: the channel id and the service it lives on."""

    channel_id: str
    service_url: str
    tenant_id: str
    bot_id: str | None = None


class ItemKind(enum.StrEnum):
    DRAFTING = "drafting"  # goals are written (a window)
    STATUS = "status"  # a status update on every goal
    MIDWAY = "midway"  # the midway evaluation with the department head
    FINAL_REPORT = "final_report"  # the period's final report, with the effect achieved
    PREPARATION = "preparation"  # prepare for a dialogue meeting
    MEETING = "meeting"  # a dialogue meeting
    DIGEST = "digest"  # a committee's digest


@dataclass(frozen=True)
class CycleItem:
    on: date
    kind: ItemKind
    until: date | None = None  # the last day of a window (drafting)
    at: datetime | None = None  # the moment, for a meeting or a digest
    about: str | None = None  # the committee, or the units, it concerns


@dataclass(frozen=True)
class AbsenceView:
    """A person out of office from `starts_on` to `ends_on` (both included), and who
    stands in for them, if anyone."""

    id: int
    person_id: int
    person_name: str
    starts_on: date
    ends_on: date
    deputy_id: int | None = None
    deputy_name: str | None = None

    def covers(self, on: date) -> bool:
        return self.starts_on <= on <= self.ends_on


@dataclass(frozen=True)
class Colleague:
    """A person as a possible deputy, or as someone an absence is registered for: the units
    they lead and the departments they head, by name and by department id."""

    id: int
    name: str
    units: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    departments: frozenset[int] = frozenset()  # of the units they lead
    head_of: frozenset[int] = frozenset()

    @property
    def belongs_to(self) -> frozenset[int]:
        return self.departments | self.head_of


# How a status in a goal's history was changed by its leader (store/status_history.py).
CORRECTED, WITHDRAWN = "corrected", "withdrawn"


@dataclass(frozen=True)
class StatusEntry:
    """One status in a goal's history. `change`: None for a status as it stands;
    CORRECTED for the earlier version of a corrected one; WITHDRAWN for a withdrawn one."""

    color: Color
    narrative: str
    evidence: str | None
    reported_at: datetime
    reported_by: str | None
    corrected_at: datetime | None = None
    change: str | None = None
    changed_at: datetime | None = None
    changed_by: str | None = None
