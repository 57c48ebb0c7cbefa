"""What the committee's documents show: frozen views made by store/documents.py for the PDF,
Excel and journal renderers in kort/documents. Names and dates only, never internal ids:
the documents leave Pejling and are filed in the municipality's ESDH."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from store.enums import Color, EvaluationKind
from store.errors import Invalid
from store.meetingviews import FollowUpView, KnowledgeItemView

KINDS = ("rapport", "pakke", "referat", "aftale", "revision")
FORMATS = ("pdf", "xlsx")


@dataclass(frozen=True)
class StatusPoint:
    """One status update, as a point on the goal's course."""

    color: Color
    reported_at: datetime
    narrative: str
    evidence: str | None = None
    reporter: str | None = None


@dataclass(frozen=True)
class EvaluationLine:
    kind: EvaluationKind
    year: int
    color: Color
    criteria: str
    effect: str
    evidence: str
    effect_assessment: str | None
    reported_at: datetime
    reporter: str | None = None
    # Midway: the department head's answer, once signed off (agreed or not, a comment).
    head_agrees: bool | None = None
    head_comment: str | None = None
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None


@dataclass(frozen=True)
class ApprovalLine:
    """Who approved (department head or committee) which version, and when."""

    action: str  # GoalAction value: approved_department / approved_committee
    version: int
    person: str | None
    at: datetime
    meeting_date: date | None = None


@dataclass(frozen=True)
class ReportGoal:
    title: str
    unit_name: str
    bearings: tuple[str, ...] = ()
    expected_effect: str | None = None
    success_criteria: tuple[str, ...] = ()
    follow_up: str | None = None
    sub_goals: tuple[str, ...] = ()
    deadline: date | None = None
    responsible: str | None = None
    # The agreement template's fields (Jammerbugt): how the goal is evaluated, from what
    # data, and under which balanced-scorecard perspective. Choices are stored as values.
    evaluation_method: str | None = None
    data_source: str | None = None
    perspective: str | None = None
    state: str = "approved"
    statuses: tuple[StatusPoint, ...] = ()  # oldest first
    evaluations: tuple[EvaluationLine, ...] = ()
    approvals: tuple[ApprovalLine, ...] = ()
    goal_id: int | None = None  # for the cards' buttons; never printed in a document

    @property
    def latest(self) -> StatusPoint | None:
        return self.statuses[-1] if self.statuses else None

    @property
    def final(self) -> EvaluationLine | None:
        return next((e for e in reversed(self.evaluations) if e.kind == EvaluationKind.FINAL), None)


@dataclass(frozen=True)
class ReportUnit:
    name: str
    department: str
    leaders: tuple[str, ...] = ()
    goals: tuple[ReportGoal, ...] = ()
    # The leader's preparation note for the meeting (meeting pack): (field, text) pairs,
    # field named as Preparation's column (goal_follow_up, unit_status, …).
    preparation: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReportBearing:
    title: str
    description: str | None
    colors: tuple[Color | None, ...] = ()  # of the goals that follow it; None: no status
    proposed: bool = False  # agreed at a dialogue meeting, not yet decided by the committee


@dataclass(frozen=True)
class ReportMatter:
    title: str
    decided: bool
    legal: str | None = None
    economic: str | None = None
    staff: str | None = None
    decided_on: date | None = None
    decision: str | None = None
    other: str | None = None


@dataclass(frozen=True)
class ReportSummary:
    """An approved summary of a dialogue meeting."""

    meeting_at: datetime
    theme: str | None
    place: str | None
    general: str | None
    units: tuple[tuple[str, str], ...] = ()  # (unit name, what was said)
    bearings: tuple[str, ...] = ()
    matters: tuple[ReportMatter, ...] = ()
    # Of `bearings`, those still the committee's proposals (not yet decided by it).
    proposed: frozenset[str] = frozenset()
    follow_ups: tuple[FollowUpView, ...] = ()
    written_by: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class ReportDepartmentGoal:
    title: str
    expected_effect: str | None = None
    success_criteria: tuple[str, ...] = ()
    agreed_on: date | None = None


@dataclass(frozen=True)
class CommitteeReport:
    """The committee report for a meeting (`meeting_at`) or for the whole period."""

    municipality: str
    committee: str
    period: str
    period_starts: date
    period_ends: date
    made_at: datetime
    meeting_at: datetime | None = None
    units: tuple[ReportUnit, ...] = ()
    bearings: tuple[ReportBearing, ...] = ()
    matters: tuple[ReportMatter, ...] = ()
    summaries: tuple[ReportSummary, ...] = ()
    # The committee's knowledge pack for the period: trends, surveys, key figures, links.
    knowledge: tuple[KnowledgeItemView, ...] = ()
    # A unit's agreement: the level above it, its department's agreement with the
    # committee (Jammerbugt), as (title, expected effect, success criteria, agreed on).
    department_goals: tuple[ReportDepartmentGoal, ...] = ()

    @property
    def goals(self) -> tuple[ReportGoal, ...]:
        return tuple(goal for unit in self.units for goal in unit.goals)


@dataclass(frozen=True)
class JournalMeta:
    """What the ESDH files a document under (eDoc, Acadre, SBSYS, GetOrganized)."""

    title: str
    committee: str
    period: str
    author: str
    created: datetime
    file_name: str
    meeting_date: date | None = None
    case_number: str | None = None


@dataclass(frozen=True)
class DocumentRequest:
    """What to make. Ids, as the request travels inside a signed link and a card button; the
    document itself shows only names."""

    kind: str
    committee_id: int | None = None
    period_id: int | None = None
    meeting_id: int | None = None
    unit_id: int | None = None
    format: str = "pdf"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def of(cls, raw: dict[str, Any]) -> DocumentRequest:
        """From a link or a card's data; anything malformed is refused as Invalid."""
        try:
            made = cls(**{k: raw[k] for k in raw if k in cls.__dataclass_fields__})
        except TypeError:
            raise Invalid("dokument.ugyldig") from None
        ids = (made.committee_id, made.period_id, made.meeting_id, made.unit_id)
        if made.kind not in KINDS or made.format not in FORMATS:
            raise Invalid("dokument.ugyldig")
        if any(v is not None and (type(v) is not int) for v in ids):
            raise Invalid("dokument.ugyldig")
        return made

    def key(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True)
