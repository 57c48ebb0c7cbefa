"""Every card Pejling can build, on demo data, by name: the cards of the card tests plus
those only the dialogues build (the meeting forms, roles, absences, the year, reminders).

tests/test_card_routes.py walks them for verbs, tests/ui/test_card_renderer.py renders
them, and `python -m tests.ui.gallery` draws them under docs/kort/.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import test_cards
import test_cards_evaluering
import test_cards_maal
import test_cards_moede
from dialoger.flows.referat import PARTS
from kort.aarshjul import year_card
from kort.fravaer import absence_form_card, absence_review_card, absences_card
from kort.moede_form import (
    choice_card,
    goals_follow_up_card,
    planning_form_card,
    planning_review_card,
    preparation_form_card,
    summary_review_card,
)
from kort.paamindelse import reminder_card, unreached_card
from kort.roller import roles_card
from kort.tekster import texts
from store.aarshjul import goal_items, window_from
from store.enums import MeetingModel, Role
from store.fravaer import AbsenceView, Colleague
from store.meetingviews import MeetingPlan, PlanningCommittee, UnitChoice
from store.profiles import profile
from store.reminderviews import Owing, Reminder, Stage
from store.roleviews import Choices, Holding
from store.views import ItemKind

T = texts("da")
MON, FRI = date(2026, 11, 23), date(2026, 11, 27)
SCHOOLS = PlanningCommittee(
    2, "Børne- og Skoleudvalget",
    (UnitChoice(1, "Bøgeskov Skole", "skole"), UnitChoice(2, "Ådalens Skole", "skole"),
     UnitChoice(3, "Toftegård Skole", "skole", "Nord")),
)  # fmt: skip
PLAN = MeetingPlan(
    2, datetime(2027, 3, 3, 13, 0, tzinfo=UTC), MeetingModel.ONE_TYPE, (1, 2),
    "Trivsel i skolen", "Rådhuset, mødelokale 2",
)  # fmt: skip


REMINDED = (ItemKind.DRAFTING, ItemKind.STATUS, ItemKind.MIDWAY, ItemKind.FINAL_REPORT)


def _reminder(subject: ItemKind, stage: Stage) -> Owing:
    status = Reminder(subject, date(2027, 3, 15), 1, 0, stage, 7, (3,))
    late = ("Mette Kjærgaard",) if stage is Stage.ESCALATE else ()
    return Owing(f"goal:{subject}:{stage}", status, ((3, "Bøgeskov Skole"),), late,
                 snooze_days=(1, 3, 7))  # fmt: skip


def _dialogue_cards() -> dict[str, dict[str, Any]]:
    """The cards built only inside the dialogues, which the card tests meet through them."""
    meeting = test_cards_moede.meeting()
    summary = test_cards_moede.SUMMARY.content
    mette = Colleague(1, "Mette Kjærgaard", ("Bøgeskov Skole",), departments=frozenset({1}))
    henrik = Colleague(2, "Henrik Lund", heads=("Center for Dagtilbud og Skole",))
    absence = AbsenceView(5, 1, "Mette Kjærgaard", MON, FRI, 2, "Henrik Lund")
    held = [
        Holding(1, "Mette Kjærgaard", Role.UNIT_LEADER, 1, "Bøgeskov Skole"),
        Holding(2, "Henrik Lund", Role.DEPARTMENT_HEAD, 1, "Center for Dagtilbud og Skole"),
        Holding(3, "Camilla Holm", Role.ADMINISTRATION, None, None),
    ]
    offered = Choices(
        ((1, "Mette Kjærgaard"), (2, "Henrik Lund")),
        {Role.UNIT_LEADER: ((1, "Bøgeskov Skole"),), Role.POLITICIAN: ((2, "BSU"),)},
    )
    cycle, window = profile("hvidovre").cycle, window_from(date(2027, 1, 1))
    year = goal_items(cycle, test_cards_maal.PERIOD, window)
    return {
        "meeting_choice": choice_card(
            "Hvilket møde?", [("Børne- og Skoleudvalget, 3. marts 2027", "7")], "p-1", "meeting", T
        ),
        "planning_form": planning_form_card(SCHOOLS, {"units": [1, 2]}, "p-1", T),
        "planning_review": planning_review_card(SCHOOLS, PLAN, "p-1", "review", False, T),
        "preparation_form": preparation_form_card((meeting, meeting.units[0]), {}, "p-1", T),
        "goals_follow_up": goals_follow_up_card(
            [test_cards_moede.READING, test_cards_moede.BREAKS], T
        ),
        "summary_review": summary_review_card(
            meeting, summary, (), "p-1", "review", {p: p for p in PARTS}, T
        ),
        "roles": roles_card(T, held, offered),
        "absence_form": absence_form_card(mette, [henrik], {}, "p-1", T),
        "absence_review": absence_review_card(mette, (MON, FRI), henrik, "p-1", T),
        "absences": absences_card([absence], [absence], T),
        "year": year_card(year, T("aarshjul.titel", name="Mette"), T),
        "unreached": unreached_card([_Lost("Jonas Bach")], T),
        **{
            f"reminder_{subject.value}_{stage.value}": reminder_card(_reminder(subject, stage), T)
            for subject in REMINDED
            for stage in Stage
        },
    }


class _Lost:
    def __init__(self, name: str) -> None:
        self.name, self.since, self.channel = name, None, False


@cache
def zoo() -> dict[str, dict[str, Any]]:
    """Every card by name, Danish and English."""
    built: dict[str, dict[str, Any]] = {}
    for module in (test_cards, test_cards_maal, test_cards_moede, test_cards_evaluering):
        group = module.__name__.removeprefix("test_cards").lstrip("_") or "status"
        built.update({f"{group}.{k}": v for k, v in module.CARDS.items()})
    built.update({f"dialog.{k}": v for k, v in _dialogue_cards().items()})
    return built


def danish() -> dict[str, dict[str, Any]]:
    """The cards a Danish municipality sees."""
    return {k: v for k, v in zoo().items() if not k.endswith("_en")}
