"""The out of office cards: valid Adaptive Cards 1.5, in Danish and English."""

from __future__ import annotations

from datetime import date

from cardcheck import schema_errors
from flowkit import NOW
from harness import card_text
from kort.absences import absence_form_card, absence_review_card, absences_card
from kort.catalogue import texts
from kort.status import goal_list_card, status_form_card, status_saved_card
from store.enums import Color
from store.views import AbsenceView, Colleague, GoalView, StatusView

T = texts("da")
MON, FRI = date(2026, 11, 23), date(2026, 11, 27)
GOAL = GoalView(11, "Flere elever trives i frikvartererne", 1, "Bøgeskov Skole")


def test_every_out_of_office_card_is_a_valid_adaptive_card() -> None:
    mette = Colleague(1, "Mette Kjærgaard", ("Bøgeskov Skole",), departments=frozenset({1}))
    henrik = Colleague(2, "Henrik Lund", heads=("Center for Dagtilbud og Skole",))
    absence = AbsenceView(5, 1, "Mette Kjærgaard", MON, FRI, 2, "Henrik Lund")
    alone = AbsenceView(6, 1, "Mette Kjærgaard", FRI, FRI)
    built = [
        absence_form_card(mette, [henrik], {}, "p-1", T),
        absence_form_card(mette, [henrik], {"starts": "2026-11-23", "deputy": None}, "p-1", T),
        absence_review_card(mette, (MON, FRI), henrik, "p-1", T, choose_person=True),
        absence_review_card(mette, (FRI, FRI), None, "p-1", T),
        absences_card([absence, alone], [absence], T),
        absences_card([], [], T),
        absences_card([], [], texts("en")),
    ]
    for card in built:
        assert schema_errors(card) == []
    assert "Ingen stedfortræder" in card_text(built[3])


def test_the_status_cards_say_that_a_deputy_reports() -> None:
    stood_in = StatusView(Color.GREEN, "Godt.", None, NOW, "Jonas Bach", "Mette Kjærgaard")
    built = [
        goal_list_card([GOAL], "p-1", "goal", T, {1: "Mette Kjærgaard"}),
        status_form_card(GOAL, "p-1", "color", {}, T, "Mette Kjærgaard"),
        status_saved_card(GOAL, stood_in, T),
    ]
    for card in built:
        assert schema_errors(card) == []
    assert "Du melder som stedfortræder for Mette Kjærgaard." in card_text(built[0])
    assert "Du melder som stedfortræder for Mette Kjærgaard." in card_text(built[1])
    assert "Meldt af: Jonas Bach, stedfortræder for Mette Kjærgaard" in card_text(built[2])
