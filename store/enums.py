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
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CLOSED = "closed"


class PeriodKind(enum.StrEnum):
    ELECTION = "election"  # valgperiode
    AGREEMENT = "agreement"  # aftaleperiode
