"""Plain, frozen views of goals for dialogues and cards: what a leader writes, what a
goal looks like with its history, and what a leader needs to draft one. No I/O here:
cards import these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from store.enums import Color, EvaluationKind, GoalAction, GoalState
from store.goalfields import EXTRA_FIELDS
from store.profiles import Profile, Template
from store.views import BearingView, PeriodView, StatusView

__all__ = ["BearingView"]


@dataclass(frozen=True)
class GoalContent:
    """What a leader writes: the fields of a goal, as far as they are answered."""

    title: str = ""
    bearing_ids: tuple[int, ...] = ()
    no_bearing_reason: str | None = None
    goal_type: str | None = None
    perspective: str | None = None
    expected_effect: str | None = None
    success_criteria: tuple[str, ...] = ()
    evaluation_method: str | None = None
    data_source: str | None = None
    sub_goals: tuple[str, ...] = ()
    deadline: date | None = None
    responsible: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        """A field's answer by its template name (`bearings`, `national_goal`, …)."""
        if name == "bearings":
            return self.bearing_ids
        if name in EXTRA_FIELDS:
            return self.extra.get(name)
        return getattr(self, name)


@dataclass(frozen=True)
class DraftingUnit:
    id: int
    name: str
    unit_type: str
    template: str
    committee_id: int
    active_goals: int
    area: str | None = None


@dataclass(frozen=True)
class DraftingContext:
    """What a leader needs to draft a goal: the profile, the period, their units (each
    with its template and how many active goals it has) and, per unit, the bearings for it."""

    profile: Profile
    period_id: int | None
    period: PeriodView | None
    units: tuple[DraftingUnit, ...]
    bearings: Mapping[int, tuple[BearingView, ...]]
    # Every period goals can be written for today: the current one, and the next while
    # its drafting window is open.
    periods: tuple[PeriodView, ...] = ()

    def unit(self, unit_id: Any) -> DraftingUnit | None:
        return next((u for u in self.units if str(u.id) == str(unit_id)), None)

    def bearings_for(self, unit_id: Any) -> tuple[BearingView, ...]:
        """The bearings of the unit's committee that are for this unit."""
        unit = self.unit(unit_id)
        return self.bearings.get(unit.id, ()) if unit else ()

    def template(self, unit_id: Any) -> Template | None:
        unit = self.unit(unit_id)
        return self.template_of(unit) if unit else None

    def template_of(self, unit: DraftingUnit) -> Template:
        """The template of one of these units: the one its type has in the profile."""
        return self.profile.template(unit.template) or self.profile.template_for(unit.unit_type)


@dataclass(frozen=True)
class GoalEventView:
    action: GoalAction
    version: int
    at: datetime
    person: str | None = None
    comment: str | None = None
    meeting_date: date | None = None
    budget_year: int | None = None  # a new version adjusting the goal after that budget
    carried_from: str | None = None  # the period the goal was carried over from


@dataclass(frozen=True)
class GoalDetail:
    id: int
    unit_id: int
    unit_name: str
    state: GoalState
    version: int
    template: str | None
    content: GoalContent
    revision: int = 0
    bearings: tuple[BearingView, ...] = ()
    follow_up: str | None = None
    flags: tuple[str, ...] = ()
    return_comment: str | None = None
    reportable: bool = False
    latest: StatusView | None = None
    events: tuple[GoalEventView, ...] = ()
    period: PeriodView | None = None
    department_id: int | None = None
    # Midway evaluations and final reports, oldest first; apart from the status updates.
    evaluations: tuple[EvaluationView, ...] = ()
    # Who in the administration wrote the goal for the unit, as pen-holder.
    pen_holder: str | None = None


@dataclass(frozen=True)
class EvaluationContent:
    """What a leader writes in a midway evaluation or a final report."""

    color: Color
    criteria: str  # how the success criteria are met
    effect: str  # the effect observed
    evidence: str  # data source, figures, survey results
    effect_assessment: str | None = None  # final report: the effect against the expected one


@dataclass(frozen=True)
class HeadAnswer:
    """The department head's answer to a midway evaluation: whether they agree, their
    comment, and who signed it off when."""

    agrees: bool
    comment: str | None
    signed_off_by: str | None
    signed_off_at: datetime


@dataclass(frozen=True)
class EvaluationView:
    """A saved midway evaluation or final report of one goal for one year."""

    goal_id: int
    kind: EvaluationKind
    year: int
    content: EvaluationContent
    reported_at: datetime
    reported_by: str | None = None
    goal_version: int = 1
    answer: HeadAnswer | None = None  # midway: the department head's, once signed off


@dataclass(frozen=True)
class EvaluationGoal:
    """A goal as its evaluation shows it: what it promised as approved (a change waiting
    for approval is not what is evaluated), whose it is, the year the evaluation concerns,
    and the evaluation given so far, if any."""

    id: int
    title: str
    unit_id: int
    unit_name: str
    version: int
    year: int
    expected_effect: str | None = None
    success_criteria: tuple[str, ...] = ()
    data_source: str | None = None
    follow_up: str | None = None
    done: EvaluationView | None = None


@dataclass(frozen=True)
class DepartmentGoalView:
    title: str
    expected_effect: str | None = None
    success_criteria: tuple[str, ...] = ()
    agreed_on: date | None = None


@dataclass(frozen=True)
class DepartmentAgreement:
    """One department's agreement with its committee for the period."""

    department: str
    committee: str
    goals: tuple[DepartmentGoalView, ...]
