"""Plain, frozen views of dialogue meetings for dialogues and cards: the meeting and its
units, a leader's preparation, the summary and what it agreed, bearings traced to the
goals that follow them, matters for formal decision. No I/O here: cards import these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from store.enums import KnowledgeKind, MatterState, MeetingModel, MeetingState, SummaryState
from store.views import BearingView, GoalView, PeriodView, Scope, StatusView


@dataclass(frozen=True)
class UnitChoice:
    """A unit as the planning dialogue offers it."""

    id: int
    name: str
    unit_type: str
    area: str | None = None


@dataclass(frozen=True)
class PlanningCommittee:
    id: int
    name: str
    units: tuple[UnitChoice, ...]

    @property
    def unit_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u.unit_type for u in self.units))

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u.area for u in self.units if u.area))

    def unit(self, unit_id: Any) -> UnitChoice | None:
        return next((u for u in self.units if str(u.id) == str(unit_id)), None)


@dataclass(frozen=True)
class MeetingPlan:
    """What the administration fills in to plan (or change) a dialogue meeting."""

    committee_id: int
    starts_at: datetime
    model: MeetingModel
    unit_ids: tuple[int, ...]
    theme: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class MeetingUnitView:
    id: int
    name: str
    unit_type: str
    area: str | None = None
    prepared: bool = False


@dataclass(frozen=True)
class MeetingView:
    id: int
    committee_id: int
    committee_name: str
    model: MeetingModel
    starts_at: datetime
    units: tuple[MeetingUnitView, ...]
    state: MeetingState = MeetingState.PLANNED
    theme: str | None = None
    place: str | None = None
    revision: int = 1
    summary_state: SummaryState | None = None
    # Other committees taking part (a joint meeting): (id, name), in Danish order.
    joint: tuple[tuple[int, str], ...] = ()

    @property
    def committee_ids(self) -> frozenset[int]:
        """The meeting's own committee and those taking part with it."""
        return frozenset({self.committee_id, *(cid for cid, _ in self.joint)})

    def unit(self, unit_id: Any) -> MeetingUnitView | None:
        return next((u for u in self.units if str(u.id) == str(unit_id)), None)


@dataclass(frozen=True)
class MeetingChange:
    """What planning or changing a meeting means for the leaders to be told."""

    meeting: MeetingView
    invited: tuple[int, ...] = ()  # leaders (person ids) of units added
    uninvited: tuple[int, ...] = ()  # leaders of units taken off
    told_of_change: tuple[int, ...] = ()  # leaders of units kept, when time or place moved
    previous_start: datetime | None = None


@dataclass(frozen=True)
class PreparationContent:
    """A leader's preparation for a dialogue meeting, as the documents list it."""

    goal_follow_up: str | None = None  # follow-up on the current goals
    unit_status: str | None = None
    conditions: str | None = None
    challenges: str | None = None
    development_needs: str | None = None
    input_gathered: str | None = None  # from staff and board

    def filled(self) -> bool:
        return any(asdict(self).values())


PREPARATION_FIELDS = tuple(PreparationContent.__dataclass_fields__)


@dataclass(frozen=True)
class PreparationView:
    meeting_id: int
    unit_id: int
    unit_name: str
    content: PreparationContent
    written_by: str | None = None
    written_at: datetime | None = None


@dataclass(frozen=True)
class PackGoal:
    """A goal in the meeting pack: its newest status and its colours through the period."""

    goal: GoalView
    trend: tuple[StatusView, ...] = ()


@dataclass(frozen=True)
class PackUnit:
    unit: MeetingUnitView
    goals: tuple[PackGoal, ...] = ()
    preparation: PreparationView | None = None
    # Last period's goals with the status they ended on.
    earlier: tuple[PackGoal, ...] = ()


@dataclass(frozen=True)
class KnowledgeItemView:
    """One piece of a committee's knowledge pack: words, a link, or a key figure."""

    id: int
    kind: KnowledgeKind
    title: str
    text: str | None = None
    url: str | None = None
    value: float | None = None
    unit: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class KnowledgePackView:
    """What the committee should know before its dialogue meetings in a period: trends,
    satisfaction surveys, key figures and links, as the administration entered them."""

    committee_id: int
    committee_name: str
    period_id: int
    period_name: str
    items: tuple[KnowledgeItemView, ...] = ()


@dataclass(frozen=True)
class PackView:
    meeting: MeetingView
    municipality_name: str
    period: PeriodView | None
    units: tuple[PackUnit, ...]
    uses_goals: bool = True
    bearings: tuple[BearingView, ...] = ()
    knowledge: tuple[KnowledgeItemView, ...] = ()  # the committee's knowledge pack


@dataclass(frozen=True)
class UnitSummary:
    unit_id: int
    text: str
    goal_follow_up: str | None = None


@dataclass(frozen=True)
class AgreedBearing:
    """A bearing agreed at the meeting: a new one, or new words for one (`replaces`)."""

    title: str
    description: str | None = None
    scope: Scope = field(default_factory=Scope)
    replaces: int | None = None


@dataclass(frozen=True)
class AgreedMatter:
    """A matter for formal decision, with the consequences to describe first."""

    title: str
    legal: str | None = None
    economic: str | None = None
    staff: str | None = None
    other: str | None = None


@dataclass(frozen=True)
class FollowUpView:
    """Something agreed at a meeting for someone to do, by a date if one was set: as the
    summary holds it, and as the committee's documents show it."""

    text: str
    owner: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class SummaryContent:
    """What the facilitator writes after the meeting."""

    units: tuple[UnitSummary, ...] = ()
    general: str | None = None
    bearings: tuple[AgreedBearing, ...] = ()
    matters: tuple[AgreedMatter, ...] = ()
    follow_ups: tuple[FollowUpView, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "units": [asdict(u) for u in self.units],
            "general": self.general,
            "bearings": [{**asdict(b), "scope": b.scope.as_dict()} for b in self.bearings],
            "matters": [asdict(m) for m in self.matters],
            "follow_ups": [
                {**asdict(f), "due": f.due.isoformat() if f.due else None} for f in self.follow_ups
            ],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> SummaryContent:
        return cls(
            units=tuple(UnitSummary(**u) for u in raw.get("units", ())),
            general=raw.get("general"),
            bearings=tuple(
                AgreedBearing(**{**b, "scope": Scope.of(b.get("scope"))})
                for b in raw.get("bearings", ())
            ),
            matters=tuple(AgreedMatter(**m) for m in raw.get("matters", ())),
            follow_ups=tuple(
                FollowUpView(**{**f, "due": _date(f.get("due"))}) for f in raw.get("follow_ups", ())
            ),
        )

    def unit(self, unit_id: int) -> UnitSummary | None:
        return next((u for u in self.units if u.unit_id == unit_id), None)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class CommentView:
    person: str | None
    text: str
    at: datetime
    revision: int


@dataclass(frozen=True)
class SummaryView:
    id: int
    meeting: MeetingView
    state: SummaryState
    content: SummaryContent
    revision: int
    comment_deadline: date | None = None
    comments: tuple[CommentView, ...] = ()
    written_by: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    # What the bearings that the summary changes said before (id → title).
    replaced: Mapping[int, str] = field(default_factory=dict)
    unit_names: Mapping[int, str] = field(default_factory=dict)
    # Whether the profile sends a draft round for comments before it is approved.
    comment_round: bool = True


@dataclass(frozen=True)
class TracedBearing:
    """A bearing with the goals that follow it, each with its newest status."""

    bearing: BearingView
    goals: tuple[GoalView, ...] = ()


@dataclass(frozen=True)
class CommitteeBearings:
    committee_id: int
    committee_name: str
    period: PeriodView | None
    bearings: tuple[TracedBearing, ...]
    uses_goals: bool = True  # without goals, no bearing is traced to any


@dataclass(frozen=True)
class MatterView:
    id: int
    committee_name: str
    title: str
    state: MatterState
    meeting_date: datetime | None = None
    legal: str | None = None
    economic: str | None = None
    staff: str | None = None
    decided_on: date | None = None
    decision: str | None = None
    other: str | None = None
    # The committee meeting whose list the matter is on, if the committee has one after
    # the dialogue meeting.
    committee_meeting_id: int | None = None
    committee_meeting: date | None = None
    committee_id: int | None = None

    @property
    def described(self) -> bool:
        """The administration has described at least one kind of consequence."""
        return any((self.legal, self.economic, self.staff, self.other))


def unit_names(units: Sequence[MeetingUnitView]) -> dict[int, str]:
    return {unit.id: unit.name for unit in units}


@dataclass(frozen=True)
class CommitteeMeetingView:
    """A date on which a committee meets formally and decides the matters on its list."""

    id: int
    committee_id: int
    held_on: date
