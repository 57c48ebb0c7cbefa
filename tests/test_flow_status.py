"""The status dialogue as plain function calls: every step typed or on the card."""

from __future__ import annotations

from dialoger.engine import PENDING, advance, ask, first_step
from dialoger.flows.evaluations import EvaluationData
from dialoger.flows.evaluations import refuse as refuse_evaluation
from dialoger.flows.status import FLOW, StatusData, parse_color, parse_goal, refuse
from dialoger.turn import Target
from flowkit import cards_of, goal, pressed, progress, texts_of, typed
from kort import actions
from kort.catalogue import texts
from store.enums import Color, EvaluationKind

T = texts("da")
DATA = StatusData(
    goals=(
        goal(11, "Flere elever trives i frikvartererne", latest=Color.YELLOW),
        goal(12, "Styrket læsning i indskolingen"),
    ),
    leads_units=True,
)


def test_the_first_question_lists_the_goals_on_a_card() -> None:
    start = progress(first_step(FLOW).name)
    replies = ask(FLOW, start, typed("status"), DATA, T)
    assert texts_of(replies) == [T("status.vaelg_maal")]
    [card] = cards_of(replies, Target.NEW)
    assert "Styrket læsning i indskolingen" in str(card)


def test_a_goal_is_chosen_by_its_number_or_a_word_of_its_title() -> None:
    assert parse_goal("2", DATA, {}).value == 12
    assert parse_goal("2.", DATA, {}).value == 12
    assert parse_goal("læsning", DATA, {}).value == 12


def test_an_unknown_or_ambiguous_goal_is_refused_with_the_valid_range() -> None:
    for answer in ("3", "0", "i", "svømning"):
        problem = parse_goal(answer, DATA, {})
        assert problem.key == "status.vaelg_maal_ugyldig"
        assert problem.params["count"] == 2


def test_choosing_a_goal_by_typing_asks_for_the_colour_and_shows_the_form() -> None:
    result = advance(FLOW, progress("goal"), typed("1"), DATA, T)
    assert result.progress.step == "color"
    question, *_ = texts_of(result.replies)
    assert "»Flere elever trives i frikvartererne«" in question
    # A quarterly status asks what is expected; "opfyldt" is for the final report.
    assert "Rød: ikke på vej · Gul: i risiko · Grøn: på vej" in question
    assert "opfyldt" not in question
    [form] = cards_of(result.replies, Target.NEW)
    assert {"color", "narrative", "evidence"} <= {n.get("id") for n in form["body"]}
    assert "Gul – i risiko" in str(form) and "opfyldt" not in str(form)


def test_choosing_a_goal_on_the_card_replaces_the_list_with_the_form() -> None:
    chosen = {"action": actions.CHOOSE_GOAL, "progress": "p-1", "step": "goal", "goal": 12}
    result = advance(FLOW, progress("goal"), pressed(chosen), DATA, T)
    assert result.progress.answers["goal"] == 12
    assert texts_of(result.replies) == []
    [form] = cards_of(result.replies, Target.REPLACE)
    assert "Styrket læsning i indskolingen" in str(form)


def test_a_card_naming_a_goal_that_is_not_the_leaders_is_refused() -> None:
    forged = {"action": actions.CHOOSE_GOAL, "progress": "p-1", "step": "goal", "goal": 99}
    result = advance(FLOW, progress("goal"), pressed(forged), DATA, T)
    assert "goal" not in result.progress.answers
    assert texts_of(result.replies)[0] == T("status.not_your_goal")


def test_colours_are_understood_in_danish_english_and_without_special_letters() -> None:
    for word, color in [("Rød", "red"), ("roed", "red"), ("GUL", "yellow"), ("grøn!", "green"),
                        ("groen", "green"), ("green", "green")]:  # fmt: skip
        assert parse_color(word, DATA, {}).value == color


def test_an_unknown_colour_is_explained_and_asked_again() -> None:
    result = advance(FLOW, progress("color", goal=11), typed("lilla"), DATA, T)
    assert result.progress.step == "color"
    explanation, again = texts_of(result.replies)
    assert explanation == T("status.farve_ugyldig", answer="lilla")
    assert "Hvordan går det med" in again
    assert cards_of(result.replies) == []  # the form is already in the chat; no second copy


def test_typing_through_colour_narrative_and_evidence_completes() -> None:
    state = progress("color", goal=11)
    for answer in ("gul", "Legepatruljen er i gang.", "Måling: 71 %"):
        result = advance(FLOW, state, typed(answer), DATA, T)
        state = result.progress
    assert result.complete
    assert state.answers | {PENDING: {}} == {
        "goal": 11,
        "color": "yellow",
        "narrative": "Legepatruljen er i gang.",
        "evidence": "Måling: 71 %",
        PENDING: {},
    }


def test_evidence_is_optional() -> None:
    state = progress("evidence", goal=11, color="green", narrative="Godt.")
    result = advance(FLOW, state, typed("spring over"), DATA, T)
    assert result.complete
    assert result.progress.answers["evidence"] is None


def test_an_empty_narrative_gets_a_friendly_explanation() -> None:
    result = advance(FLOW, progress("narrative", goal=11, color="red"), typed(" "), DATA, T)
    assert result.progress.step == "narrative"
    assert texts_of(result.replies)[0] == T("dialog.tomt_svar")


def test_a_too_long_narrative_is_refused_but_kept() -> None:
    long = "x" * 2500
    result = advance(FLOW, progress("narrative", goal=11, color="red"), typed(long), DATA, T)
    assert texts_of(result.replies)[0] == T("status.too_long", limit=2000, length=2500)
    assert result.progress.answers[PENDING]["narrative"] == long


def test_the_form_answers_everything_at_once() -> None:
    form = {"action": actions.ANSWER, "progress": "p-1", "step": "color", "goal": 11,
            "color": "green", "narrative": "Det går godt.", "evidence": ""}  # fmt: skip
    result = advance(FLOW, progress("color", goal=11), pressed(form), DATA, T)
    assert result.complete
    assert result.progress.answers["color"] == "green"
    assert result.progress.answers["evidence"] is None


def test_a_form_with_a_bad_narrative_comes_back_filled_in() -> None:
    form = {"action": actions.ANSWER, "progress": "p-1", "step": "color", "goal": 11,
            "color": "green", "narrative": "y" * 2100}  # fmt: skip
    result = advance(FLOW, progress("color", goal=11), pressed(form), DATA, T)
    assert result.progress.step == "narrative"
    assert result.progress.answers["color"] == "green"
    [again] = cards_of(result.replies, Target.REPLACE)
    narrative = next(n for n in again["body"] if n.get("id") == "narrative")
    assert narrative["value"] == "y" * 2100


def test_someone_who_leads_no_unit_or_has_no_goals_is_told_why() -> None:
    assert refuse(StatusData((), leads_units=False), T) == T("status.ingen_enheder")
    assert refuse(StatusData((), leads_units=True), T) == T("status.ingen_maal")
    assert refuse(DATA, T) is None


def test_an_empty_optional_input_left_out_of_the_form_data_counts_as_skipped() -> None:
    """Teams leaves empty inputs out of a card's data; the form names its inputs."""
    form = {"action": actions.ANSWER, "progress": "p-1", "step": "color", "goal": 11,
            "fields": ["color", "narrative", "evidence"],
            "color": "yellow", "narrative": "Det går."}  # fmt: skip
    result = advance(FLOW, progress("color", goal=11), pressed(form), DATA, T)
    assert result.complete
    assert result.progress.answers["evidence"] is None


def test_a_stale_form_for_another_goal_reports_on_the_goal_it_shows() -> None:
    """A leader went back and chose goal 12, then sent the old form of goal 11."""
    form = {"action": actions.ANSWER, "progress": "p-1", "step": "color", "goal": 11,
            "fields": ["color", "narrative", "evidence"],
            "color": "red", "narrative": "Om mål 11."}  # fmt: skip
    result = advance(FLOW, progress("color", goal=12), pressed(form), DATA, T)
    assert result.complete
    assert result.progress.answers["goal"] == 11


def test_a_municipality_without_a_midway_evaluation_is_told_so_in_danish() -> None:
    """The evaluation flow shares the status flow's colours; its refusal is checked here."""
    data = EvaluationData(EvaluationKind.MIDWAY, (), leads=True, held=False)
    assert refuse_evaluation(data, T) == T("evaluering.holdes_ikke")
    assert "midtvejsevaluering" in T("evaluering.holdes_ikke")
