"""The evaluation cards on representative data, in Danish and English: valid Adaptive
Cards 1.5, colour never without its word, and always named as an evaluation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from cardcheck import schema_errors
from harness import button_data, buttons, card_text, walk
from kort import actions
from kort.catalogue import texts
from kort.common import card
from kort.evaluations import (
    evaluation_blocks,
    evaluation_card,
    evaluation_form_card,
    goal_choice_card,
    review_card,
    start_button,
)
from store.enums import Color, ColorScale, EvaluationKind
from store.goalviews import EvaluationContent, EvaluationGoal, EvaluationView, HeadAnswer

T, EN = texts("da"), texts("en")
WHEN = datetime(2027, 3, 3, 13, 5, tzinfo=UTC)
MIDWAY, FINAL = EvaluationKind.MIDWAY, EvaluationKind.FINAL
CONTENT = EvaluationContent(
    Color.YELLOW, "To af tre kriterier er nået.", "Færre konflikter.", "Måling 2/2027: 76 %",
    "Lidt under det forventede.",
)  # fmt: skip
DONE = EvaluationView(11, FINAL, 2027, CONTENT, WHEN, "Mette Kjærgaard", 2)
MIDWAY_DONE = EvaluationView(11, MIDWAY, 2027, CONTENT, WHEN, "Mette Kjærgaard", 2)
SIGNED = datetime(2027, 3, 10, 9, 30, tzinfo=UTC)
ANSWERED = replace(
    MIDWAY_DONE,
    answer=HeadAnswer(False, "Vi mangler målingen fra 4. klasse.", "Henrik Holm", SIGNED),
)
GOAL = EvaluationGoal(
    11, "Flere elever trives i frikvartererne", 1, "Bøgeskov Skole", version=2, year=2027,
    expected_effect="Færre konflikter i frikvartererne.",
    success_criteria=("Mindst 80 % svarer »ofte god«", "Legepatrulje i alle frikvarterer"),
    data_source="Skolens frikvartersmåling",
)  # fmt: skip
OTHER = EvaluationGoal(12, "Styrket læsning", 1, "Bøgeskov Skole", version=1, year=2027, done=DONE)
ANSWERS = {"color": "yellow", "criteria": "To af tre.", "effect": "Færre konflikter."}


def cards(language: Any) -> dict[str, dict[str, Any]]:
    return {
        "choice": goal_choice_card([GOAL, OTHER], FINAL, "p-1", language),
        "form_final": evaluation_form_card(GOAL, FINAL, "p-1", "color", {}, language),
        "form_midway": evaluation_form_card(OTHER, MIDWAY, "p-1", "color", ANSWERS, language),
        "review": review_card(GOAL, FINAL, ANSWERS, "p-1", language),
        "saved": evaluation_card(GOAL, DONE, language, next_goal=OTHER),
        "to_department_head": evaluation_card(GOAL, DONE, language, show_goal=True),
        "midway_to_answer": evaluation_card(
            GOAL, MIDWAY_DONE, language, show_goal=True, answerable=True
        ),
        "midway_answered": evaluation_card(GOAL, ANSWERED, language, show_goal=True),
        "on_goal_card": card(evaluation_blocks([DONE], language), fallback_text="x"),
        "reminder_button": card([start_button(MIDWAY, language, 11)], fallback_text="x"),
    }


CARDS = {
    f"{name}_{lang}": built
    for lang, t in (("da", T), ("en", EN))
    for name, built in cards(t).items()
}


@pytest.mark.parametrize("name", list(CARDS))
def test_every_evaluation_card_is_a_valid_adaptive_card_1_5(name: str) -> None:
    assert schema_errors(CARDS[name]) == []


def test_colour_comes_with_its_word_and_every_card_names_the_evaluation() -> None:
    words = {"attention": ("Rød", "Red"), "warning": ("Gul", "Yellow"), "good": ("Grøn", "Green")}
    for name, built in CARDS.items():
        for node in walk(built):
            if node.get("type") == "TextBlock" and node.get("color") in words:
                assert any(w in node["text"] for w in words[node["color"]]), (name, node["text"])
    assert "Slutrapport 2027" in card_text(CARDS["on_goal_card_da"])
    assert "Final report 2027" in card_text(CARDS["saved_en"])


def test_the_form_shows_the_criteria_and_the_data_source_as_a_hint() -> None:
    form = CARDS["form_final_da"]
    shown = card_text(form)
    assert "- Mindst 80 % svarer »ofte god«" in shown
    evidence = next(n for n in walk(form) if n.get("id") == "evidence")
    assert evidence["placeholder"] == "Målets datakilde: Skolens frikvartersmåling"
    assert {n.get("id") for n in walk(form)} >= {"color", "criteria", "effect", "evidence",
                                                  "effect_assessment"}  # fmt: skip
    # A midway form asks no assessment against the expected effect; a given one is filled in.
    midway = CARDS["form_midway_da"]
    assert "effect_assessment" not in {n.get("id") for n in walk(midway)}
    assert next(n for n in walk(midway) if n.get("id") == "effect")["value"] == "Færre konflikter."


def test_the_review_has_a_ret_button_per_answer_and_the_buttons_carry_their_actions() -> None:
    assert buttons(CARDS["review_da"]) == ["Ret"] * 5 + ["Gem", "Annullér"]
    assert button_data(CARDS["saved_da"], "Næste mål") == {
        "action": actions.START_EVALUATION, "kind": "final", "goal": 12,
    }  # fmt: skip
    assert button_data(CARDS["to_department_head_da"], "Vis målet")["goal"] == 11
    assert button_data(CARDS["reminder_button_da"], "Lav midtvejsevaluering") == {
        "action": actions.START_EVALUATION, "kind": "midway", "goal": 11,
    }  # fmt: skip
    assert "Givet 3. marts 2027 · Gul" in card_text(CARDS["choice_da"])


def test_the_final_report_asks_what_was_met_and_midway_what_is_expected() -> None:
    """Hvidovre (000): the report's red/yellow/green is not, partly or fully met; halfway a
    goal on track is not yet met, so the midway evaluation asks what is expected."""
    final = str(evaluation_form_card(GOAL, FINAL, "p-1", "color", {}, T))
    midway = str(evaluation_form_card(GOAL, MIDWAY, "p-1", "color", {}, T))
    assert "Gul – delvist opfyldt" in final and "i risiko" not in final
    assert "Gul – i risiko" in midway and "opfyldt" not in midway


def test_a_profile_may_ask_the_midway_evaluation_on_the_scale_of_the_report() -> None:
    asked = evaluation_form_card(GOAL, MIDWAY, "p-1", "color", {}, T, ColorScale.FULFILMENT)
    assert "Rød – ikke opfyldt" in str(asked)


def test_the_department_head_answers_a_midway_evaluation_on_its_card() -> None:
    """Agree or not, a comment, and Underskriv, which names the evaluation it showed."""
    built = CARDS["midway_to_answer_da"]
    inputs = {n.get("id"): n for n in walk(built) if str(n.get("type")).startswith("Input.")}

    assert {"head_agrees", "head_comment"} <= set(inputs)
    assert [c["title"] for c in inputs["head_agrees"]["choices"]] == ["Enig", "Ikke enig"]
    sign = button_data(built, "Underskriv")
    assert sign["action"] == actions.ANSWER_MIDWAY and sign["goal"] == GOAL.id
    assert datetime.fromisoformat(sign["read_at"]) == WHEN


def test_the_answer_stands_under_the_evaluation_with_who_signed_it_off() -> None:
    shown = card_text(CARDS["midway_answered_da"])

    assert "Fagchefens svar" in shown and "Ikke enig" in shown
    assert "Vi mangler målingen fra 4. klasse." in shown
    assert "Underskrevet af Henrik Holm, onsdag 10. marts 2027 kl. 10.30" in shown
    assert "Underskriv" not in buttons(CARDS["midway_answered_da"])


def test_a_final_report_is_never_answerable() -> None:
    final = evaluation_card(GOAL, DONE, T, show_goal=True, answerable=True)
    assert "Underskriv" not in buttons(final)
