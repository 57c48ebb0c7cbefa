"""The fields a goal can have, and what kind of answer each takes. A municipality's
profile picks which of them its templates ask, in which order, and which are required."""

from __future__ import annotations

import enum

from store.enums import EvaluationMethod, GoalType, Grades, NationalGoal, Perspective


class Kind(enum.StrEnum):
    TEXT = "text"  # a line or a paragraph
    CHOICE = "choice"  # one of a fixed set
    MULTI = "multi"  # several of a fixed set
    LINES = "lines"  # one or more items, one per line
    DATE = "date"
    BEARINGS = "bearings"  # the committee's political bearings, or none with a reason


FIELDS: dict[str, Kind] = {
    "title": Kind.TEXT,
    "bearings": Kind.BEARINGS,
    "goal_type": Kind.CHOICE,
    "perspective": Kind.CHOICE,
    "national_goal": Kind.CHOICE,
    "grades": Kind.MULTI,
    "expected_effect": Kind.TEXT,
    "sub_goals": Kind.LINES,
    "success_criteria": Kind.LINES,
    "evaluation_method": Kind.CHOICE,
    "data_source": Kind.TEXT,
    "deadline": Kind.DATE,
    "responsible": Kind.TEXT,
}

CHOICES: dict[str, type[enum.StrEnum]] = {
    "goal_type": GoalType,
    "perspective": Perspective,
    "national_goal": NationalGoal,
    "grades": Grades,
    "evaluation_method": EvaluationMethod,
}

# How long each text may be (characters); a list's limit is per item.
LENGTHS: dict[str, int] = {
    "title": 200,
    "expected_effect": 2000,
    "sub_goals": 500,
    "success_criteria": 500,
    "data_source": 500,
    "responsible": 200,
    "no_bearing_reason": 1000,
}
MAX_ITEMS = 10  # success criteria or sub-goals in one goal

# Goals whose extra, template-specific answers are kept together with the goal.
EXTRA_FIELDS = ("national_goal", "grades")
