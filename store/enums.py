"""The words of the domain that have a fixed set of values. Pure: cards import these."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    UNIT_LEADER = "unit_leader"
    DEPARTMENT_HEAD = "department_head"
    ADMINISTRATION = "administration"
    POLITICIAN = "politician"


class Color(enum.StrEnum):
    """Red / yellow / green: not, partly or fully met."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


class GoalState(enum.StrEnum):
    """draft → submitted → (department_approved →) approved → closed; or returned."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"  # sent back with a comment; the leader works on it again
    DEPARTMENT_APPROVED = "department_approved"  # waiting for the committee
    APPROVED = "approved"
    CLOSED = "closed"  # the period has ended


class ApprovalStep(enum.StrEnum):
    DEPARTMENT = "department"  # the department head (fagchef/centerchef)
    COMMITTEE = "committee"  # the committee, recorded by the administration


class GoalAction(enum.StrEnum):
    """What happened to a goal; the goal's history is a list of these."""

    CREATED = "created"
    SAVED = "saved"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED_DEPARTMENT = "approved_department"
    APPROVED_COMMITTEE = "approved_committee"
    REVISED = "revised"  # an approved goal was changed: a new version
    CARRIED_OVER = "carried_over"  # a draft in the next period, copied from this goal
    CLOSED = "closed"
    # A midway evaluation or a final report was saved; its text is in the event's snapshot.
    EVALUATED_MIDWAY = "evaluated_midway"
    FINAL_REPORTED = "final_reported"
    # The department head answered a midway evaluation (comment, agreement, sign-off).
    MIDWAY_ANSWERED = "midway_answered"
    # A leader commented on a goal (one the administration wrote as pen-holder).
    COMMENTED = "commented"


class AgreementLevel(enum.StrEnum):
    """Who agrees goals with whom (004 has both levels; 000 only the second)."""

    DEPARTMENT = "department"  # the committee with the department's management
    UNIT = "unit"  # the department head with the unit's leader


class GoalType(enum.StrEnum):
    DEVELOPMENT = "development"  # udviklingsmål
    SERVICE = "service"  # servicemål


class Perspective(enum.StrEnum):
    """The balanced-scorecard perspectives of Jammerbugt's agreement template."""

    ECONOMY = "economy"  # økonomi/effekt
    QUALITY = "quality"  # kvalitet/brugere
    EXPERTISE = "expertise"  # intern ekspertise/læring
    STAFF = "staff"  # medarbejdere/personale
    ORGANISATION = "organisation"  # organisering og proces


class EvaluationMethod(enum.StrEnum):
    SURVEY = "survey"  # tilfredshedsundersøgelse
    KEY_FIGURES = "key_figures"  # nøgletal
    SICK_LEAVE = "sick_leave"  # sygefraværsstatistik
    COURSE_ACTIVITY = "course_activity"  # kursusaktivitet
    STAFF_CONVERSATIONS = "staff_conversations"  # samtaler med medarbejdere
    OTHER = "other"


class NationalGoal(enum.StrEnum):
    """The national goals for the Danish folkeskole, which a school's goals support."""

    SKILLED = "skilled"  # alle elever skal blive så dygtige, de kan
    BACKGROUND = "background"  # betydningen af social baggrund skal mindskes
    WELLBEING = "wellbeing"  # tillid og trivsel skal styrkes


class Grades(enum.StrEnum):
    EARLY = "early"  # indskoling
    MIDDLE = "middle"  # mellemtrin
    UPPER = "upper"  # udskoling
    WHOLE = "whole"  # hele skolen


class PeriodKind(enum.StrEnum):
    ELECTION = "election"  # valgperiode
    AGREEMENT = "agreement"  # aftaleperiode


class MeetingModel(enum.IntEnum):
    """The three meeting models of the dialogue meetings (Hvidovre's mødemodeller)."""

    ONE_TYPE = 1  # all units of one type together
    ACROSS = 2  # several types, by area or a cross-cutting theme
    ONE_UNIT = 3  # one unit alone


class MeetingState(enum.StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class SummaryState(enum.StrEnum):
    """draft → comments (sent to the participants) → approved (posted and in force)."""

    DRAFT = "draft"
    COMMENTS = "comments"
    APPROVED = "approved"


class BearingScope(enum.StrEnum):
    """Whom a political bearing is for: the committee's units, or some of them."""

    COMMITTEE = "committee"
    UNIT_TYPE = "unit_type"
    AREA = "area"
    UNIT = "unit"


class MatterState(enum.StrEnum):
    """A matter for formal decision at a later committee meeting."""

    OPEN = "open"
    DECIDED = "decided"


class DispatchState(enum.StrEnum):
    """A message planned to go out once: claimed by one sender, then sent or failed; or
    skipped, when it was no longer needed by the time it could go out."""

    PLANNED = "planned"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"

    @classmethod
    def open(cls) -> tuple[DispatchState, ...]:
        """The states a sender may still take a row in."""
        return (cls.PLANNED, cls.CLAIMED, cls.FAILED)


class EvaluationKind(enum.StrEnum):
    """The two evaluations of a goal, kept apart from ordinary status updates."""

    MIDWAY = "midway"  # midtvejsevaluering, with the department head
    FINAL = "final"  # slutrapport, after the period; it closes the goal


class ColorScale(enum.StrEnum):
    """What red, yellow and green mean at a moment of the year."""

    EXPECTED = "expected"  # during the period: is the goal expected to be met?
    FULFILMENT = "fulfilment"  # the final report: not, partly or fully met (Hvidovre 000)


class KnowledgeKind(enum.StrEnum):
    """What a piece of a committee's knowledge pack is."""

    TEXT = "text"  # a trend, a survey's result, a status in words
    LINK = "link"  # a report or a dashboard elsewhere
    FIGURE = "figure"  # a key figure: a value with its unit and year
