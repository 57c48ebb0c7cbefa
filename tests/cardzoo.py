"""Every card Pejling can build, on demo data, by name: the cards of the card tests plus
those only the dialogues build (the meeting forms, roles, absences, the year, reminders).

tests/test_card_routes.py walks them for verbs, tests/ui/test_card_renderer.py renders
them, and `python -m tests.ui.gallery` draws them under docs/kort/.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import test_cards
import test_cards_evaluations
import test_cards_goals
import test_cards_joint_meetings
import test_cards_knowledge
import test_cards_meetings
from dialoger.flows.summaries import PARTS
from kort.absences import absence_form_card, absence_review_card, absences_card
from kort.annual_cycle import year_card
from kort.catalogue import texts
from kort.digest_on_demand import committee_choice_card, open_card, unit_card, with_course
from kort.digests import digest_cards
from kort.documents.buttons import with_documents
from kort.goal_lists import my_goals_card
from kort.goal_view import goal_card
from kort.meeting_forms import (
    choice_card,
    goals_follow_up_card,
    planning_form_card,
    planning_review_card,
    preparation_form_card,
    summary_review_card,
)
from kort.meeting_pack import pack_cards
from kort.reminders import reminder_card, unreached_card
from kort.roles import roles_card
from kort.status import status_confirm_card, status_saved_card, withdraw_offer_card
from kort.summaries import summary_cards
from store.absences import AbsenceView, Colleague
from store.annual_cycle import goal_items, window_from
from store.documentviews import (
    CommitteeReport,
    DocumentRequest,
    EvaluationLine,
    ReportGoal,
    ReportUnit,
    StatusPoint,
)
from store.enums import Color, EvaluationKind, MeetingModel, Role
from store.meetingviews import MeetingPlan, PlanningCommittee, UnitChoice
from store.profiles import profile
from store.reminderviews import Owing, Reminder, Stage
from store.roleviews import Choices, Holding
from store.views import (
    CORRECTED,
    WITHDRAWN,
    CommitteeView,
    ItemKind,
    PeriodView,
    StatusEntry,
    StatusView,
)

T, EN = texts("da"), texts("en")
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
    meeting = test_cards_meetings.meeting()
    summary = test_cards_meetings.SUMMARY.content
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
    year = goal_items(cycle, test_cards_goals.PERIOD, window)
    return {
        "meeting_choice": choice_card(
            "Hvilket møde?", [("Børne- og Skoleudvalget, 3. marts 2027", "7")], "p-1", "meeting", T
        ),
        "planning_form": planning_form_card(SCHOOLS, {"units": [1, 2]}, "p-1", T),
        "planning_review": planning_review_card(SCHOOLS, PLAN, "p-1", "review", False, T),
        "preparation_form": preparation_form_card((meeting, meeting.units[0]), {}, "p-1", T),
        "goals_follow_up": goals_follow_up_card(
            [test_cards_meetings.READING, test_cards_meetings.BREAKS], T
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


def _at(day: date, hour: int = 13) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 5, tzinfo=UTC)


# Bøgeskov Skole's goal (test_cards_goals.APPROVED, approved in December 2026) through 2027,
# oldest first: a red spring, a yellow status in June corrected to green the next day, one
# in September withdrawn as sent too early, and the autumn's yellow.
MARCH, JUNE, SEPTEMBER, NOVEMBER = (date(2027, 3, 15), date(2027, 6, 14), date(2027, 9, 13),
                                    date(2027, 11, 15))  # fmt: skip
SPRING = "Flere konflikter efter vinterferien. Vi mangler voksne i gården."
SUMMER = "Legepatruljen er i gang, og konflikterne i gården er halveret."
AUTUMN = "Legepatruljen hjælper. Indskolingen mangler stadig voksne."
MEASURED = "Trivselsmåling 9/2027: 74 % svarer »ofte god«."
HISTORY = (
    StatusEntry(Color.RED, SPRING, None, _at(MARCH), "Mette Kjærgaard"),
    StatusEntry(Color.YELLOW, SUMMER, None, _at(JUNE), "Mette Kjærgaard", change=CORRECTED,
                changed_at=_at(JUNE + timedelta(days=1)), changed_by="Mette Kjærgaard"),
    StatusEntry(Color.GREEN, SUMMER, None, _at(JUNE), "Mette Kjærgaard",
                corrected_at=_at(JUNE + timedelta(days=1))),
    StatusEntry(Color.YELLOW, "Sendt for tidligt.", None, _at(SEPTEMBER), "Mette Kjærgaard",
                change=WITHDRAWN, changed_at=_at(SEPTEMBER, 14), changed_by="Mette Kjærgaard"),
    StatusEntry(Color.YELLOW, AUTUMN, MEASURED, _at(NOVEMBER), "Mette Kjærgaard"),
)  # fmt: skip
COURSE = ReportGoal(
    "Flere elever trives i frikvartererne", "Bøgeskov Skole",
    expected_effect=test_cards_goals.APPROVED.content.expected_effect,
    statuses=(StatusPoint(Color.RED, _at(MARCH), SPRING),
              StatusPoint(Color.GREEN, _at(JUNE), SUMMER),
              StatusPoint(Color.YELLOW, _at(NOVEMBER), AUTUMN, MEASURED)),
    goal_id=41,
)  # fmt: skip
LATEST = StatusView(Color.YELLOW, AUTUMN, MEASURED, _at(NOVEMBER), "Mette Kjærgaard")
SO_FAR = (date(2026, 1, 1), date(2027, 12, 6))
FINAL_DAY = date(2029, 11, 19)
# At the period's end, the final report's effect is read against the expected one.
FINAL = EvaluationLine(
    EvaluationKind.FINAL, 2029, Color.GREEN, "Alle kriterier er nået.",
    "Færre konflikter i alle årgange.", "Trivselsmåling 2029: 84 % svarer »ofte god«.",
    "Effekten er som forventet, også på mellemtrinnet.", _at(FINAL_DAY),
    "Mette Kjærgaard",
)  # fmt: skip
REPORT = CommitteeReport(
    "Bøgeskov Kommune", "Børne- og Uddannelsesudvalget", "Valgperioden 2026–2029",
    date(2026, 1, 1), date(2029, 12, 31), _at(date(2027, 12, 6)),
    units=(ReportUnit("Bøgeskov Skole", "Center for Dagtilbud og Skole", ("Mette Kjærgaard",),
                      (COURSE, ReportGoal("Styrket læsning i indskolingen", "Bøgeskov Skole",
                                          goal_id=45))),),
)  # fmt: skip
COMMITTEES = [
    CommitteeView(i, key, name, None, None)
    for i, (key, name) in enumerate((
        ("oeu", "Økonomiudvalget"), ("buu", "Børne- og Uddannelsesudvalget"),
        ("ssu", "Social- og Sundhedsudvalget"), ("tmu", "Teknik- og Miljøudvalget"),
        ("kfu", "Kultur- og Fritidsudvalget"),
        ("bieu", "Beskæftigelses-, Integrations- og Erhvervsudvalget"),
    ), start=1)
]  # fmt: skip
REPORT_REQUEST = DocumentRequest("rapport", committee_id=2, period_id=1)
AGREEMENT_REQUEST = DocumentRequest("aftale", period_id=1, unit_id=1)


def _status_cards() -> dict[str, dict[str, Any]]:
    """A status saved with *Ret*, corrected, offered for withdrawal, and read from one line."""
    goal = test_cards.GOALS[0]
    saved = test_cards.status(Color.GREEN)
    corrected = replace(saved, corrected_at=saved.reported_at + timedelta(hours=2))
    line = {"_line": "trivsel gul, legepatruljen hjælper", "goal": goal.id, "color": "yellow",
            "narrative": "Legepatruljen hjælper, men indskolingen mangler voksne."}  # fmt: skip
    return {
        "saved_correctable": status_saved_card(goal, saved, T, status_id=301),
        "saved_corrected": status_saved_card(goal, corrected, T, status_id=301),
        "withdraw_offer": withdraw_offer_card(goal, test_cards.status(Color.YELLOW), 301, T),
        "confirm": status_confirm_card(goal, line, "p-1", "confirm", T),
        "withdraw_offer_en": withdraw_offer_card(goal, saved, 301, EN),
    }


def _whole_goal(
    t: Any, can_edit: bool = False, course: ReportGoal = COURSE, span: tuple[date, date] = SO_FAR
) -> dict[str, Any]:
    """As `åbn mål` shows it: statuses, course and the agreement's document buttons."""
    goal = replace(test_cards_goals.APPROVED, latest=LATEST)
    shown = goal_card(goal, t, can_edit=can_edit, statuses=HISTORY)
    return with_documents(with_course(shown, course, t, span), AGREEMENT_REQUEST, t)


YEAR_2028 = PeriodView("Aftaleåret 2028", date(2028, 1, 1), date(2028, 12, 31), 3)


def _goal_cards() -> dict[str, dict[str, Any]]:
    """The goal with its history and course, and `mine mål` with each goal's trend."""
    approved = test_cards_goals.APPROVED
    reading = replace(
        approved, id=45, content=replace(approved.content, title="Styrket læsning i indskolingen")
    )
    trends = {41: (Color.RED, Color.GREEN, Color.YELLOW), 45: (Color.GREEN,)}
    return {
        "goal_whole": _whole_goal(T),
        "goal_whole_leader": _whole_goal(T, can_edit=True),
        # In the autumn, while next year's agreements are drafted: carry the goal over.
        "goal_carry_over": goal_card(approved, T, can_edit=True, carry_to=YEAR_2028),
        "goal_whole_final": _whole_goal(
            T, course=replace(COURSE, evaluations=(FINAL,)), span=(date(2026, 1, 1), FINAL_DAY)
        ),
        "mine_trends": my_goals_card([approved, reading], [], T, can_draft=True, trends=trends),
        "goal_whole_en": _whole_goal(EN),
        "mine_trends_en": my_goals_card([approved], [], EN, can_draft=False, trends=trends),
    }


def _overview_cards() -> dict[str, dict[str, Any]]:
    """`overblik` on demand, and the committee documents' buttons under their cards."""
    digest = test_cards.digest()
    pack = pack_cards(test_cards_meetings.PACK, T)[-1]
    summary = summary_cards(test_cards_meetings.APPROVED, T)[-1]
    meeting = test_cards_meetings.meeting().id
    opener = open_card(digest, T)
    assert opener is not None
    return {
        "committee_choice": committee_choice_card(COMMITTEES, T),
        "open": opener,
        "unit": unit_card(REPORT, T),
        "digest_documents": with_documents(digest_cards(digest, T)[-1], REPORT_REQUEST, T),
        "pack_documents": with_documents(pack, DocumentRequest("pakke", meeting_id=meeting), T),
        "summary_documents": with_documents(
            summary, DocumentRequest("referat", meeting_id=meeting), T, excel=False
        ),
        "unit_en": unit_card(REPORT, EN),
    }


class _Lost:
    def __init__(self, name: str) -> None:
        self.name, self.since, self.channel = name, None, False


@cache
def zoo() -> dict[str, dict[str, Any]]:
    """Every card by name, Danish and English."""
    built: dict[str, dict[str, Any]] = {}
    for module in (
        test_cards, test_cards_goals, test_cards_meetings, test_cards_evaluations,
        test_cards_knowledge, test_cards_joint_meetings,
    ):  # fmt: skip
        group = module.__name__.removeprefix("test_cards").lstrip("_") or "status"
        built.update({f"{group}.{k}": v for k, v in module.CARDS.items()})
    built.update({f"dialog.{k}": v for k, v in _dialogue_cards().items()})
    built.update({f"status.{k}": v for k, v in _status_cards().items()})
    built.update({f"goals.{k}": v for k, v in _goal_cards().items()})
    built.update({f"overblik.{k}": v for k, v in _overview_cards().items()})
    return built


def danish() -> dict[str, dict[str, Any]]:
    """The cards a Danish municipality sees."""
    return {k: v for k, v in zoo().items() if not k.endswith("_en")}
