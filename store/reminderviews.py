"""What a reminder of the year is, as the outbox carries it and a card shows it. Pure
dataclasses: `store.reminders` works them out, `kort.reminders` draws them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from store.views import ItemKind


def item_key(subject: ItemKind, deadline: date) -> str:
    """What every outbox key of one item of the year begins with."""
    return f"goal:{subject}:{deadline.isoformat()}"


class Stage(enum.StrEnum):
    REMIND = "remind"  # before the deadline
    NUDGE = "nudge"  # after it, still not done
    ESCALATE = "escalate"  # to the department head
    AGAIN = "again"  # the day a leader snoozed it to


@dataclass(frozen=True)
class Reminder:
    """What a reminder row carries: enough to ask again, at sending, what is missing."""

    subject: ItemKind
    deadline: date
    period_id: int
    year: int
    stage: Stage
    person_id: int  # who gets it
    unit_ids: tuple[int, ...]  # the units it is about
    on_behalf_of: tuple[int, ...] = ()  # the absent leaders a deputy stands in for

    @property
    def key(self) -> str:
        """Its outbox key: one per item, stage and person (a snooze adds its day)."""
        return f"{item_key(self.subject, self.deadline)}:{self.stage}:{self.person_id}"

    def payload(self) -> dict[str, Any]:
        return {
            "subject": str(self.subject), "deadline": self.deadline.isoformat(),
            "period": self.period_id, "year": self.year, "stage": str(self.stage),
            "person": self.person_id, "units": list(self.unit_ids),
            "on_behalf_of": list(self.on_behalf_of),
        }  # fmt: skip

    @classmethod
    def of(cls, payload: Mapping[str, Any]) -> Reminder:
        return cls(
            ItemKind(payload["subject"]), date.fromisoformat(payload["deadline"]),
            int(payload["period"]), int(payload["year"]), Stage(payload["stage"]),
            int(payload["person"]), tuple(payload["units"]), tuple(payload["on_behalf_of"]),
        )  # fmt: skip


@dataclass(frozen=True)
class Owing:
    """A reminder as it is sent: what is still missing, from whom."""

    key: str  # the outbox row, which `udsæt` names
    reminder: Reminder
    units: tuple[tuple[int, str], ...]  # (id, name) of the units that still owe it
    leaders: tuple[str, ...] = ()  # for the department head: who is late
    on_behalf_of: tuple[str, ...] = ()  # the absent leaders' names, for a deputy
    snooze_days: tuple[int, ...] = ()
