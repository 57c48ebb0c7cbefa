"""The goal dialogue (`nyt mål`) as plain function calls, with no database: every field
typed, the coaching hint, the dates, the review and its shortcuts, the whole form at
once, and each municipality profile's own questions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dialoger.engine import PENDING, advance, ask, first_step
from dialoger.flows import goals
from dialoger.flows.goals import (
    FLOWS,
    REVIEW,
    UNIT_FIXED,
    answers_from,
    content_from,
    flow_name,
    prefill,
    refuse,
)
from dialoger.turn import Target
from flowkit import cards_of, pressed, texts_of, typed
from goalkit import (
    ANSWERED,
    SCHOOL,
    SOLSIKKEN,
    TROLDEHOEJ,
    TYPED,
    YEAR,
    at,
    drafting,
    unit_answer,
)
from harness import button_data, card_text
from kort import actions
from kort.catalogue import texts
from kort.common import walk
from kort.goals import goal_form_card
from store.enums import GoalState
from store.goalviews import DraftingUnit, GoalContent, GoalDetail

T = texts("da")
HVIDOVRE = FLOWS[flow_name("hvidovre")]
JAMMERBUGT = FLOWS[flow_name("jammerbugt")]
METTE = drafting()
SARA = drafting(units=(TROLDEHOEJ, SOLSIKKEN), leader="Sara Nielsen")
SCHOOL_UNIT = unit_answer(SCHOOL)
# What a leader of one unit starts with, and everything answered but the review.
GIVEN = {"unit": SCHOOL_UNIT, UNIT_FIXED: True}
FILLED = {**GIVEN, **ANSWERED}
HVIDOVRE_ORDER = [
    "title",
    "bearings",
    "goal_type",
    "expected_effect",
    "success_criteria",
    "evaluation_method",
    "data_source",
    "sub_goals",
    "deadline",
    "responsible",
]


def step_with(step: str, **answers: Any) -> Any:
    """A Hvidovre goal dialogue for Bøgeskov Skole at `step`, with the earlier answers."""
    return at(step, **GIVEN, **answers)


def answered(step: str, text: str, data: Any = METTE, **answers: Any) -> Any:
    """Type `text` at `step`; the result of `advance`."""
    return advance(HVIDOVRE, step_with(step, **answers), typed(text), data, T)


# ---------------------------------------------------------------------------
# Which unit


def test_a_leader_of_one_unit_is_not_asked_which_unit() -> None:
    answers = prefill(METTE)

    assert answers == GIVEN
    assert first_step(HVIDOVRE, answers).name == "title"


def test_tilbage_at_the_title_does_not_ask_a_leader_of_one_unit_for_the_unit() -> None:
    result = advance(HVIDOVRE, step_with("title"), typed("tilbage"), METTE, T)

    assert result.progress.step == "title"
    assert texts_of(result.replies)[0] == T("dialog.ingen_tilbage")


def test_tilbage_at_the_title_lets_a_leader_of_two_units_choose_again() -> None:
    state = at("title", unit=unit_answer(SOLSIKKEN))

    result = advance(HVIDOVRE, state, typed("tilbage"), SARA, T)

    assert result.progress.step == "unit"


def test_a_saved_goal_opened_again_never_asks_for_its_unit() -> None:
    """A goal cannot move to another unit; the store would refuse it when saved."""
    content = GoalContent(title="Flere ord til de mindste")
    saved = GoalDetail(9, SOLSIKKEN.id, SOLSIKKEN.name, GoalState.RETURNED, 1, "standard", content)
    answers = answers_from(saved, SOLSIKKEN)

    result = advance(HVIDOVRE, at("title", **answers), typed("tilbage"), SARA, T)

    assert result.progress.step == "title"
    assert "unit" not in [s.name for s in HVIDOVRE.applicable(answers)]


def test_a_leader_of_two_units_is_asked_which_unit_first() -> None:
    answers = prefill(SARA)

    replies = ask(HVIDOVRE, at(first_step(HVIDOVRE, answers).name), typed("nyt mål"), SARA, T)

    assert answers == {}
    assert texts_of(replies) == [
        T("maal.vaelg_enhed") + "\n\n1. Børnehaven Troldehøj\n2. Vuggestuen Solsikken"
    ]


@pytest.mark.parametrize("text", ["2", "solsikken", "Vuggestuen Solsikken."])
def test_the_unit_is_chosen_by_its_number_or_part_of_its_name(text: str) -> None:

    result = advance(HVIDOVRE, at("unit"), typed(text), SARA, T)

    assert result.progress.answers["unit"] == unit_answer(SOLSIKKEN)
    assert result.progress.step == "title"


def test_a_card_naming_a_unit_the_leader_does_not_lead_is_refused() -> None:
    data = {"action": actions.ANSWER, "progress": "p-1", "step": "unit", "unit": "Engholm Skole"}

    result = advance(HVIDOVRE, at("unit"), pressed(data), METTE, T)

    assert "unit" not in result.progress.answers
    assert texts_of(result.replies)[0].startswith("Jeg kan ikke finde en enhed")


def test_an_unknown_unit_is_refused_with_the_range() -> None:
    result = advance(HVIDOVRE, at("unit"), typed("Bøgeskov"), SARA, T)

    assert result.progress.step == "unit"
    assert texts_of(result.replies)[0] == T("maal.enhed_ugyldig", answer="Bøgeskov", count=2)


# ---------------------------------------------------------------------------
# Every field, typed


def test_the_title_is_asked_with_a_line_of_coaching() -> None:
    replies = ask(HVIDOVRE, step_with("title"), typed("nyt mål"), METTE, T)

    assert texts_of(replies) == [f"{T('maal.felt.title.spoerg')}\n\n_{T('maal.felt.title.coach')}_"]
    assert cards_of(replies) == []  # a text is typed; it needs no card


def test_a_typed_title_is_kept_and_the_bearings_are_asked_as_a_numbered_list() -> None:
    result = answered("title", "  Flere elever trives i frikvartererne ")

    assert result.progress.answers["title"] == "Flere elever trives i frikvartererne"
    assert result.progress.step == "bearings"
    [question] = texts_of(result.replies)
    assert "1. Alle børn skal trives og høre til i et fællesskab\n" in question
    assert "3. Sammenhængende overgange fra dagtilbud til skole" in question
    assert "En meningsfuld hverdag" not in question  # another committee's bearing
    [card] = cards_of(result.replies, Target.NEW)
    [choices] = [n for n in card["body"] if n.get("id") == "bearings"]
    assert [c["value"] for c in choices["choices"]] == ["31", "32", "33", "none"]


@pytest.mark.parametrize("text", ["1, 3", "3 og 1", "1,3,3"])
def test_bearings_are_chosen_by_their_numbers(text: str) -> None:
    result = answered("bearings", text, title="Trivsel")

    assert result.progress.answers["bearings"] == [31, 33]
    assert result.progress.step == "goal_type"


def test_no_bearing_asks_why_before_going_on() -> None:
    result = answered("bearings", "ingen", title="Trivsel")

    assert result.progress.answers["bearings"] == []
    assert result.progress.step == "no_bearing_reason"
    assert texts_of(result.replies)[0].startswith(T("maal.felt.no_bearing_reason.spoerg"))
    reason = "Målet kommer fra skolebestyrelsen."
    then = answered("no_bearing_reason", reason, title="Trivsel", bearings=[])
    assert then.progress.answers["no_bearing_reason"] == reason
    assert then.progress.step == "goal_type"


def test_spring_over_at_the_bearings_is_refused_because_they_are_required() -> None:
    """Typing »ingen« answers the question; skipping it does not."""
    result = answered("bearings", "spring over", title="Trivsel")

    assert result.progress.step == "bearings"
    assert texts_of(result.replies)[0] == T("dialog.kan_ikke_springes_over")


def test_ingen_is_no_answer_to_a_required_text_question() -> None:
    result = answered("expected_effect", "ingen", title="Trivsel")

    assert texts_of(result.replies)[0] == T("dialog.kan_ikke_springes_over")


def test_a_bearing_number_off_the_list_is_refused_with_the_range() -> None:
    result = answered("bearings", "1, 4", title="Trivsel")

    assert result.progress.step == "bearings"
    explanation, again = texts_of(result.replies)
    assert explanation == T("maal.pejlemaerke_ugyldigt", answer="4", count=3)
    assert again.startswith(T("maal.felt.bearings.spoerg"))
    assert "bearings" not in result.progress.answers


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", "development"), ("2", "service"), ("udvikling", "development"),
     ("Servicemål", "service"), ("servicemaal", "service"), ("development", "development")],
)  # fmt: skip
def test_the_goal_type_is_chosen_by_number_or_by_word(text: str, value: str) -> None:
    result = answered("goal_type", text, title="Trivsel", bearings=[31])

    assert result.progress.answers["goal_type"] == value
    assert result.progress.step == "expected_effect"


def test_an_unknown_choice_is_explained_and_asked_again_keeping_what_was_typed() -> None:
    result = answered("goal_type", "produktivitet", title="Trivsel", bearings=[31])

    assert result.progress.step == "goal_type"
    explanation, again = texts_of(result.replies)
    assert explanation == T("maal.valg_ugyldigt", answer="produktivitet", count=2)
    assert again.startswith(T("maal.felt.goal_type.spoerg"))
    assert cards_of(result.replies) == []  # the choice card is already in the chat
    assert result.progress.answers[PENDING] == {"goal_type": "produktivitet"}
    assert result.progress.answers["title"] == "Trivsel"


def test_the_expected_effect_is_typed() -> None:
    effect = "Færre konflikter i frikvartererne."

    result = answered("expected_effect", effect, title="Trivsel", goal_type="development")

    assert result.progress.answers["expected_effect"] == effect
    assert result.progress.step == "success_criteria"


def test_success_criteria_are_one_per_line() -> None:
    text = "Mindst 80 % trives\n- Færre konflikter end i 2026\n\n"

    result = answered("success_criteria", text, title="Trivsel")

    assert result.progress.answers["success_criteria"] == [
        "Mindst 80 % trives",
        "Færre konflikter end i 2026",
    ]
    assert result.progress.step == "evaluation_method"


def test_a_vague_success_criterion_gets_a_hint_once() -> None:
    result = answered("success_criteria", "Bedre trivsel", title="Trivsel")

    assert result.progress.step == "success_criteria"
    hint, again = texts_of(result.replies)
    assert hint == T("maal.kriterie_hint", criterion="Bedre trivsel")
    assert again.startswith(T("maal.felt.success_criteria.spoerg"))
    assert result.progress.answers[PENDING] == {"success_criteria": "Bedre trivsel"}


def test_the_same_vague_criterion_again_is_kept_as_it_is() -> None:
    hinted = answered("success_criteria", "Bedre trivsel", title="Trivsel")

    again = advance(HVIDOVRE, hinted.progress, typed("Bedre trivsel"), METTE, T)

    assert again.progress.answers["success_criteria"] == ["Bedre trivsel"]
    assert again.progress.answers[PENDING] == {}
    assert again.progress.step == "evaluation_method"


def test_behold_after_the_hint_keeps_the_vague_criteria() -> None:
    hinted = answered("success_criteria", "Bedre trivsel\nMere ro", title="Trivsel")

    kept = advance(HVIDOVRE, hinted.progress, typed("behold"), METTE, T)

    assert kept.progress.answers["success_criteria"] == ["Bedre trivsel", "Mere ro"]
    assert kept.progress.step == "evaluation_method"


def test_a_criterion_rewritten_after_the_hint_replaces_the_vague_one() -> None:
    hinted = answered("success_criteria", "Bedre trivsel", title="Trivsel")

    better = advance(HVIDOVRE, hinted.progress, typed("Mindst 80 % trives"), METTE, T)

    assert better.progress.answers["success_criteria"] == ["Mindst 80 % trives"]


@pytest.mark.parametrize(("text", "value"), [("1", "survey"), ("nøgletal", "key_figures"),
                                             ("sygefravær", "sick_leave")])  # fmt: skip
def test_the_evaluation_method_is_chosen_by_number_or_by_word(text: str, value: str) -> None:
    result = answered("evaluation_method", text, title="Trivsel")

    assert result.progress.answers["evaluation_method"] == value
    assert result.progress.step == "data_source"


def test_the_data_source_is_typed() -> None:
    result = answered("data_source", "Den nationale trivselsmåling", title="Trivsel")

    assert result.progress.answers["data_source"] == "Den nationale trivselsmåling"
    assert result.progress.step == "sub_goals"


def test_sub_goals_can_be_skipped() -> None:
    result = answered("sub_goals", "spring over", title="Trivsel")

    assert result.progress.answers["sub_goals"] is None
    assert result.progress.step == "deadline"


def test_sub_goals_are_one_per_line() -> None:
    result = answered("sub_goals", "Legepatruljer\nNye aktiviteter i gården", title="Trivsel")

    assert list(result.progress.answers["sub_goals"]) == [
        "Legepatruljer",
        "Nye aktiviteter i gården",
    ]


@pytest.mark.parametrize("text", ["30. juni 2027", "30-06-2027", "30/6-2027", "2027-06-30"])
def test_the_deadline_is_read_in_danish_forms(text: str) -> None:
    result = answered("deadline", text, title="Trivsel")

    assert result.progress.answers["deadline"] == "2027-06-30"
    assert result.progress.step == "responsible"


def test_a_deadline_outside_the_period_is_refused_with_the_periods_dates() -> None:
    result = answered("deadline", "30. juni 2031", title="Trivsel")

    assert result.progress.step == "deadline"
    explanation, again = texts_of(result.replies)
    assert explanation == "Fristen skal ligge i perioden, fra 1. januar 2026 til 31. december 2029."
    assert again.startswith(T("maal.felt.deadline.spoerg"))
    assert result.progress.answers[PENDING] == {"deadline": "30. juni 2031"}


def test_a_deadline_that_is_not_a_date_is_explained_with_examples() -> None:
    result = answered("deadline", "til sommer", title="Trivsel")

    assert texts_of(result.replies)[0] == T("maal.dato_ugyldig", answer="til sommer")
    assert result.progress.step == "deadline"


def test_a_long_answer_is_quoted_back_shortened_and_kept_whole() -> None:
    typed = "Mindst 80 % af eleverne svarer, at de har nogen at lege med"
    result = answered("deadline", typed, title="Trivsel")

    quoted = "Mindst 80 % af eleverne svarer, at de h…"
    assert texts_of(result.replies)[0] == T("maal.dato_ugyldig", answer=quoted)
    assert result.progress.answers[PENDING] == {"deadline": typed}


@pytest.mark.parametrize("text", ["mig", "Mig selv", "jeg"])
def test_mig_as_responsible_is_the_leaders_name(text: str) -> None:
    result = answered("responsible", text, title="Trivsel")

    assert result.progress.answers["responsible"] == "Mette Kjærgaard"
    assert result.progress.step == REVIEW


def test_another_responsible_is_kept_as_typed() -> None:
    result = answered("responsible", "Lærerteamet i indskolingen", title="Trivsel")

    assert result.progress.answers["responsible"] == "Lærerteamet i indskolingen"


def test_typing_every_field_reaches_the_review_with_every_answer() -> None:
    state = step_with("title")
    for name in HVIDOVRE_ORDER:
        result = advance(HVIDOVRE, state, typed(TYPED[name]), METTE, T)
        assert texts_of(result.replies)[:1] != [], name
        state = result.progress

    assert state.step == REVIEW
    assert {k: v for k, v in state.answers.items() if k != PENDING} == FILLED
    text, review = result.replies
    assert text.text == T("maal.gennemse")
    assert "Gennemse målet" in str(review.card)


# ---------------------------------------------------------------------------
# Moving about


def test_tilbage_goes_back_one_question_and_keeps_the_answer() -> None:
    state = step_with("expected_effect", title="Trivsel", bearings=[31], goal_type="service")

    result = advance(HVIDOVRE, state, typed("tilbage"), METTE, T)

    assert result.progress.step == "goal_type"
    assert result.progress.answers["goal_type"] == "service"
    assert texts_of(result.replies)[0].startswith(T("maal.felt.goal_type.spoerg"))


def test_tilbage_after_no_bearing_reason_skips_nothing_that_applies() -> None:
    state = step_with("goal_type", title="Trivsel", bearings=[], no_bearing_reason="Fordi.")

    result = advance(HVIDOVRE, state, typed("tilbage"), METTE, T)

    assert result.progress.step == "no_bearing_reason"


def test_a_required_field_cannot_be_skipped() -> None:
    result = answered("expected_effect", "spring over", title="Trivsel")

    assert result.progress.step == "expected_effect"
    assert texts_of(result.replies)[0] == T("dialog.kan_ikke_springes_over")
    assert "expected_effect" not in result.progress.answers


def test_an_empty_answer_is_asked_again() -> None:
    result = answered("data_source", "   ", title="Trivsel")

    assert texts_of(result.replies)[0] == T("dialog.tomt_svar")
    assert result.progress.step == "data_source"


def test_a_fields_name_typed_before_the_review_is_an_answer_not_a_jump() -> None:
    result = answered("title", "effekt")

    assert result.progress.answers["title"] == "effekt"
    assert result.progress.step == "bearings"


# ---------------------------------------------------------------------------
# The review


@pytest.mark.parametrize(
    ("text", "decision"),
    [("send", "submit"), ("Send til godkendelse", "submit"), ("gem", "draft"),
     ("gem som kladde", "draft"), ("kladde!", "draft")],
)  # fmt: skip
def test_send_or_gem_at_the_review_completes_the_dialogue(text: str, decision: str) -> None:
    result = advance(HVIDOVRE, at(REVIEW, **FILLED), typed(text), METTE, T)

    assert result.complete
    assert result.progress.answers["review"] == decision


def test_the_review_buttons_complete_the_dialogue() -> None:
    data = {"action": actions.ANSWER, "progress": "p-1", "step": REVIEW, "review": "draft"}

    result = advance(HVIDOVRE, at(REVIEW, **FILLED), pressed(data), METTE, T)

    assert result.complete
    assert result.progress.answers["review"] == "draft"


def test_anything_else_at_the_review_says_what_can_be_typed() -> None:
    result = advance(HVIDOVRE, at(REVIEW, **FILLED), typed("hmm"), METTE, T)

    assert not result.complete
    assert result.progress.step == REVIEW
    assert texts_of(result.replies) == [T("maal.gennemse_ugyldigt"), T("maal.gennemse")]


@pytest.mark.parametrize(
    "text", ["ret effekt", "effekt", "Forventet effekt", "ret expected_effect"]
)
def test_a_fields_name_at_the_review_goes_back_to_that_field(text: str) -> None:
    result = advance(HVIDOVRE, at(REVIEW, **FILLED), typed(text), METTE, T)

    assert result.progress.step == "expected_effect"
    assert result.progress.answers["expected_effect"] == FILLED["expected_effect"]  # kept
    assert texts_of(result.replies)[0].startswith(T("maal.felt.expected_effect.spoerg"))


def test_a_field_answered_again_from_the_review_comes_back_to_the_review() -> None:
    jumped = advance(HVIDOVRE, at(REVIEW, **FILLED), typed("ret effekt"), METTE, T)

    result = advance(HVIDOVRE, jumped.progress, typed("Mere leg i gården."), METTE, T)

    assert result.progress.step == REVIEW
    assert result.progress.answers["expected_effect"] == "Mere leg i gården."
    assert "Mere leg i gården." in str(cards_of(result.replies)[0])


def test_ret_frist_ret_maal_and_type_reach_their_fields() -> None:
    for text, field in [("ret frist", "deadline"), ("ret mål", "title"), ("type", "goal_type")]:
        result = advance(HVIDOVRE, at(REVIEW, **FILLED), typed(text), METTE, T)
        assert result.progress.step == field, text


def test_the_review_shows_the_goal_with_a_ret_button_per_field() -> None:
    replies = ask(HVIDOVRE, at(REVIEW, **FILLED), typed("x"), METTE, T)

    [card] = cards_of(replies, Target.NEW)
    ret = [n for n in walk(card) if n.get("type") == "Action.Execute" and n["title"] == "Ret"]
    edits = [n["data"]["field"] for n in ret]
    assert edits == HVIDOVRE_ORDER


def review_text(data: Any = METTE, **answers: Any) -> str:
    """The review card's text for these answers, on top of the filled-in goal."""
    [card] = cards_of(ask(HVIDOVRE, at(REVIEW, **{**FILLED, **answers}), typed("x"), data, T))
    return card_text(card)


def test_the_review_warns_when_the_unit_has_more_goals_than_recommended() -> None:
    crowded = drafting(units=(replace(SCHOOL, active_goals=5),))

    assert "Bemærk:** Enheden har flere aktive mål end anbefalet." in review_text(crowded)
    assert "flere aktive mål" not in review_text()


def test_a_saved_goal_being_changed_does_not_count_itself_against_the_limit() -> None:
    crowded = drafting(units=(replace(SCHOOL, active_goals=5),))

    assert "flere aktive mål" not in review_text(crowded, _goal=9, _state="draft", _version=1)


def test_the_review_warns_about_a_goal_that_reads_like_a_statutory_requirement() -> None:
    shown = review_text(title="Overholde lovkrav om sagsbehandlingstid")

    assert "ligner et lovkrav eller et produktivitetsmål" in shown


def test_changing_an_approved_goal_says_it_becomes_a_new_version() -> None:
    shown = review_text(_goal=9, _state="approved", _version=1)

    assert "Dine ændringer bliver til version 2, når de er godkendt" in shown
    assert "version 2" not in review_text(_goal=9, _state="returned", _version=1)


def test_a_returned_goal_shows_its_comment_at_the_review() -> None:
    shown = review_text(_goal=9, _state="returned", _version=1, _comment="Gør det målbart.")

    assert "Sendt tilbage med denne kommentar:\nGør det målbart." in shown


# ---------------------------------------------------------------------------
# The whole form at once


def whole_form(**inputs: Any) -> dict[str, Any]:
    """What the form card's Gennemse button sends: its data, whose `fields` names every
    input of the form, and the inputs filled in (Teams leaves out the empty ones)."""
    template = METTE.context.template(SCHOOL.id)
    assert template is not None
    form = goal_form_card(template, METTE.context, SCHOOL.id, GoalContent(), "p-1", "title", T)
    return {**button_data(form, "Gennemse"), **{k: v for k, v in inputs.items() if v}}


FORM = {
    "title": "Flere elever trives i frikvartererne",
    "bearings": "31,33",
    "goal_type": "development",
    "expected_effect": "Færre konflikter.",
    "success_criteria": "Mindst 80 % trives\nFærre konflikter end i 2026",
    "evaluation_method": "survey",
    "data_source": "Trivselsmålingen",
    "deadline": "2027-06-30",
    "responsible": "Mette Kjærgaard",
}


def test_the_whole_form_goes_straight_to_the_review() -> None:
    result = advance(HVIDOVRE, step_with("title"), pressed(whole_form(**FORM)), METTE, T)

    assert result.progress.step == REVIEW
    answers = result.progress.answers
    assert answers["bearings"] == [31, 33]
    assert answers["success_criteria"] == ["Mindst 80 % trives", "Færre konflikter end i 2026"]
    assert answers["sub_goals"] is None  # the optional input left empty
    assert "no_bearing_reason" not in answers  # not asked: there are bearings
    assert texts_of(result.replies) == [T("maal.gennemse")]
    [review] = cards_of(result.replies, Target.REPLACE)
    assert "Gennemse målet" in str(review)


def test_a_form_with_no_bearing_and_no_reason_asks_for_the_reason() -> None:
    form = whole_form(**{**FORM, "bearings": "none"})

    result = advance(HVIDOVRE, step_with("title"), pressed(form), METTE, T)

    assert result.progress.step == "no_bearing_reason"
    assert texts_of(result.replies)[0] == T("dialog.tomt_svar")
    assert result.progress.answers["deadline"] == "2027-06-30"  # the rest is kept


def test_a_form_with_a_required_input_left_empty_asks_for_it_and_keeps_the_rest() -> None:
    form = whole_form(**{**FORM, "expected_effect": None})

    result = advance(HVIDOVRE, step_with("title"), pressed(form), METTE, T)

    assert result.progress.step == "expected_effect"
    assert result.progress.answers["title"] == FORM["title"]
    assert result.progress.answers["responsible"] == "Mette Kjærgaard"


def test_a_card_naming_a_bearing_of_another_committee_is_refused() -> None:
    form = whole_form(**{**FORM, "bearings": "31,41"})

    result = advance(HVIDOVRE, step_with("title"), pressed(form), METTE, T)

    assert result.progress.step == "bearings"
    assert texts_of(result.replies)[0] == T("maal.ukendt_pejlemaerke")
    assert "bearings" not in result.progress.answers


def test_a_card_choice_outside_its_set_is_refused() -> None:
    """A forged card cannot store a goal type the municipality does not have."""
    form = whole_form(**{**FORM, "goal_type": "productivity"})

    result = advance(HVIDOVRE, step_with("title"), pressed(form), METTE, T)

    assert result.progress.step == "goal_type"
    assert "goal_type" not in result.progress.answers
    assert texts_of(result.replies)[0].startswith("Jeg forstod ikke »productivity«")


def test_a_bearing_card_answers_by_id_not_by_number() -> None:
    data = {"action": actions.ANSWER, "progress": "p-1", "step": "bearings",
            "fields": ["bearings"], "bearings": "32"}  # fmt: skip

    result = advance(HVIDOVRE, step_with("bearings", title="T"), pressed(data), METTE, T)

    assert result.progress.answers["bearings"] == [32]


# ---------------------------------------------------------------------------
# Profiles


def jammerbugt(unit: DraftingUnit) -> Any:
    return drafting("jammerbugt", units=(unit,))


def test_a_jammerbugt_school_is_asked_the_national_goal_and_the_grades() -> None:
    data = jammerbugt(SCHOOL)
    state = at("bearings", "jammerbugt", unit=unit_answer(SCHOOL, "skole"), title="Trivsel")

    result = advance(JAMMERBUGT, state, typed("1"), data, T)

    assert result.progress.step == "national_goal"
    assert texts_of(result.replies)[0].startswith(T("maal.felt.national_goal.spoerg"))
    result = advance(JAMMERBUGT, result.progress, typed("3"), data, T)
    assert result.progress.answers["national_goal"] == "wellbeing"
    assert result.progress.step == "grades"
    result = advance(JAMMERBUGT, result.progress, typed("indskoling og mellemtrin"), data, T)
    assert result.progress.answers["grades"] == ["early", "middle"]
    assert result.progress.step == "goal_type"


def test_a_jammerbugt_dagtilbud_is_not_asked_the_schools_questions() -> None:
    data = jammerbugt(SOLSIKKEN)
    state = at("bearings", "jammerbugt", unit=unit_answer(SOLSIKKEN, "institution"), title="T")

    result = advance(JAMMERBUGT, state, typed("1"), data, T)

    assert result.progress.step == "goal_type"
    steps = [s.name for s in JAMMERBUGT.applicable(result.progress.answers)]
    assert "national_goal" not in steps and "grades" not in steps


def test_a_jammerbugt_goal_has_a_perspective_chosen_by_word() -> None:
    data = jammerbugt(SOLSIKKEN)
    unit = unit_answer(SOLSIKKEN, "institution")
    state = at("perspective", "jammerbugt", unit=unit, title="T", goal_type="service")

    result = advance(JAMMERBUGT, state, typed("kvalitet"), data, T)

    assert result.progress.answers["perspective"] == "quality"
    assert result.progress.step == "expected_effect"


def test_a_jammerbugt_deadline_must_fall_in_the_agreement_year() -> None:
    data = drafting("jammerbugt", units=(SOLSIKKEN,), period=YEAR)
    state = at("deadline", "jammerbugt", unit=unit_answer(SOLSIKKEN, "institution"), title="T")

    result = advance(JAMMERBUGT, state, typed("30-06-2028"), data, T)

    assert texts_of(result.replies)[0] == (
        "Fristen skal ligge i perioden, fra 1. januar 2027 til 31. december 2027."
    )


def test_a_hvidovre_goal_has_no_perspective() -> None:
    assert "perspective" not in [s.name for s in HVIDOVRE.applicable(FILLED)]


def test_jammerbugt_asks_its_sub_goals_before_the_success_criteria() -> None:
    unit = unit_answer(SOLSIKKEN, "institution")
    names = [s.name for s in JAMMERBUGT.applicable({"unit": unit})]

    assert names.index("sub_goals") < names.index("success_criteria")


def test_the_answers_become_the_goals_content() -> None:
    answers = {**FILLED, "national_goal": "wellbeing", "grades": ["early"]}

    content = content_from(answers, "Mette Kjærgaard")

    assert content.title == FILLED["title"]
    assert content.bearing_ids == (31, 33)
    assert content.deadline is not None and content.deadline.isoformat() == "2027-06-30"
    assert content.extra == {"national_goal": "wellbeing", "grades": ["early"]}


# ---------------------------------------------------------------------------
# Who can write a goal


def test_a_municipality_without_goals_has_no_goal_dialogue() -> None:
    assert flow_name("dragoer") not in FLOWS
    assert refuse(drafting("dragoer", units=()), T) == T("maal.bruges_ikke")


def test_someone_who_leads_no_unit_is_told_so() -> None:
    assert refuse(drafting(units=()), T) == T("maal.ingen_enheder")


def test_without_a_period_no_goal_can_be_written() -> None:
    assert refuse(drafting(period=None), T) == T("maal.ingen_periode")
    assert refuse(METTE, T) is None


def test_every_profile_that_uses_goals_has_a_flow_ending_at_the_review() -> None:
    """It begins with the period (asked only while the next one is drafted), then the unit."""
    assert set(FLOWS) == {flow_name("hvidovre"), flow_name("jammerbugt")}
    for flow in FLOWS.values():
        assert [step.name for step in flow.steps[:2]] == [goals.PERIOD, "unit"]
        assert flow.steps[-1].name == goals.REVIEW
