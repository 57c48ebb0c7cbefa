"""Data-entry faults found by typing as busy leaders do, each kept fixed here."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.devtools.chat.shell import read_pasted
from dialoger.engine import Ok, Problem, advance
from dialoger.flows import FLOWS
from dialoger.flows.goals import flow_name
from dialoger.flows.status import CANDIDATES, StatusData, offered, parse_color, parse_goal
from dialoger.status_line import read
from flowkit import goal, texts_of, typed
from goalkit import SCHOOL, at, drafting, unit_answer
from kort.catalogue import texts

T = texts("da")
HVIDOVRE = FLOWS[flow_name("hvidovre")]
TODAY = date(2026, 12, 7)
METTE = replace(drafting(), today=TODAY)
GIVEN = {"unit": unit_answer(SCHOOL), "_unit_fixed": True, "title": "Trivsel"}


def answered(step: str, text: str, **answers: Any) -> Any:
    return advance(HVIDOVRE, at(step, **GIVEN, **answers), typed(text), METTE, T)


def test_a_success_criterion_with_a_comma_stays_one_criterion() -> None:
    criterion = "Mindst 90 % af eleverne har en ven i klassen, inden 1. juni 2027"

    result = answered("success_criteria", criterion)

    assert result.progress.answers["success_criteria"] == [criterion]


def test_semicolons_on_one_line_still_part_criteria() -> None:
    result = answered("success_criteria", "Mindst 90 % trives; færre end 5 konflikter om ugen")

    assert result.progress.answers["success_criteria"] == [
        "Mindst 90 % trives",
        "færre end 5 konflikter om ugen",
    ]


def test_a_deadline_in_the_past_is_refused_with_the_reason() -> None:
    result = answered("deadline", "1. marts 2026")

    assert "deadline" not in result.progress.answers
    assert texts_of(result.replies)[0] == T("maal.frist_forbi", when="1. marts 2026")


def test_a_deadline_without_a_year_is_the_next_such_day() -> None:
    result = answered("deadline", "30. juni")

    assert result.progress.answers["deadline"] == "2027-06-30"


def test_the_department_head_has_one_danish_name() -> None:
    """The seed documents call the role "fagchef"; "centerchef" was used for it too."""
    catalogue = Path(__file__).resolve().parents[1] / "kort" / "catalogue" / "da"
    for file in catalogue.glob("*.yaml"):
        assert "centerchef" not in file.read_text(encoding="utf-8").casefold(), file.name


def test_the_department_head_is_told_of_a_midway_evaluation_in_whole_danish() -> None:
    told = T("evaluering.til_fagchef", leader="Mette Kjærgaard", goal="Trivsel", unit="Skolen")

    assert told.startswith("Mette Kjærgaard har lavet en midtvejsevaluering af »Trivsel«")


@pytest.mark.parametrize(
    ("text", "color"),
    [
        ("gult", "yellow"),
        ("grønt", "green"),
        ("rødt", "red"),
        ("det er gult", "yellow"),
        ("grønt lys", "green"),
        ("Røde", "red"),
        ("🟢", "green"),
        ("yellow", "yellow"),
        ("gront", "green"),
    ],
)
def test_the_status_dialogue_takes_a_colour_in_any_form(text: str, color: str) -> None:
    assert parse_color(text, None, {}) == Ok(color)  # type: ignore[arg-type]


def test_two_colours_at_the_colour_step_are_asked_again() -> None:
    assert isinstance(parse_color("gul eller grøn", None, {}), Problem)  # type: ignore[arg-type]


def test_a_multi_line_paste_in_pejling_chat_is_one_answer() -> None:
    """A pasted narrative arrives as several lines at once; typed lines come one by one."""
    pasted = ["Legepatruljen er i gang.", "Indskolingen mangler voksne.", "Vi følger op i maj."]
    waiting = list(pasted)

    answer = read_pasted(lambda prompt: waiting.pop(0), "Mette › ", lambda: bool(waiting))

    assert answer == "\n".join(pasted)


def test_a_typed_line_in_pejling_chat_is_its_own_answer() -> None:
    answer = read_pasted(lambda prompt: "gul", "Mette › ", lambda: False)

    assert answer == "gul"


def test_the_absence_card_promises_word_to_the_deputy_only_if_pejling_can_write() -> None:
    """It said "Jonas … får besked, når du gemmer", and then "Jonas har ikke åbnet Pejling"."""
    said = T("fravaer.kort.stedfortraeder_forklaring", name="Jonas Bach")

    assert "hvis Jonas Bach har åbnet Pejling i Teams" in said


def test_an_ambiguous_one_line_status_offers_only_the_goals_it_could_mean() -> None:
    """ "borgerne" fits two of three goals: those two are the choices, numbered 1 and 2."""
    goals = (
        goal(1, "Kortere ventetid i telefonen"),
        goal(2, "Flere borgere bruger selvbetjening"),
        goal(3, "Bedre hjælp til borgere uden MitID"),
    )
    data = StatusData(goals, leads_units=True)
    line = read("borgerne gul, travlt i december", goals)
    assert line is not None and [g.id for g in line.goals] == [2, 3]
    answers = {CANDIDATES: [g.id for g in line.goals]}

    assert [g.id for g in offered(data, answers)] == [2, 3]
    assert parse_goal("2", data, answers) == Ok(3)  # the second of the two offered
    assert isinstance(parse_goal("telefonen", data, answers), Problem)  # not offered
