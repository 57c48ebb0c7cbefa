"""The flow engine on a small made-up flow: order, skipping, going back, card forms,
and that nothing typed is lost when an answer is refused."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dialoger.engine import (
    PENDING,
    Ask,
    Flow,
    Ok,
    Parsed,
    Problem,
    Step,
    advance,
    first_step,
    next_step,
    written,
)
from dialoger.flows import FLOWS
from dialoger.turn import Reply, say
from flowkit import pressed, progress, texts_of, typed
from kort.catalogue import texts

T = texts("da")


def asking(name: str) -> Any:
    def ask(a: Ask) -> list[Reply]:
        return [say(f"{'igen: ' if a.repeat else ''}{name}?")]

    return ask


def number(raw: Any, data: Any, answers: Any) -> Parsed:
    return Ok(int(raw)) if str(raw).isdigit() else Problem("status.farve_ugyldig", {"answer": raw})


def words(raw: Any, data: Any, answers: Any) -> Parsed:
    return Ok(str(raw).strip())


async def nothing(*_: Any) -> list[Reply]:
    return []


PLAN = Flow(
    name="plan",
    steps=(
        Step("count", asking("count"), number),
        Step("reason", asking("reason"), words, applies=lambda a: a.get("count", 0) > 3),
        Step("note", asking("note"), words, optional=True),
        Step("owner", asking("owner"), words),
    ),
    load=nothing,
    finish=nothing,
)


def run(turn_text: str, at: str, **answers: Any) -> Any:
    return advance(PLAN, progress(at, **answers), typed(turn_text), None, T)


def test_an_answer_moves_to_the_next_applicable_step() -> None:
    small = run("2", "count")
    assert small.progress.step == "note"  # "reason" applies only to counts above 3
    assert small.progress.answers["count"] == 2
    assert texts_of(small.replies) == ["note?"]
    large = run("5", "count")
    assert large.progress.step == "reason"


def test_a_refused_answer_explains_and_asks_the_same_question_again() -> None:
    result = run("mange", "count")
    assert result.progress.step == "count"
    assert texts_of(result.replies) == [T("status.farve_ugyldig", answer="mange"), "igen: count?"]


def test_a_refused_answer_is_kept_so_nothing_typed_is_lost() -> None:
    result = run("mange", "count")
    assert result.progress.answers[PENDING] == {"count": "mange"}
    assert "count" not in result.progress.answers
    fixed = advance(PLAN, result.progress, typed("4"), None, T)
    assert fixed.progress.answers[PENDING] == {}
    assert fixed.progress.answers["count"] == 4


def test_an_optional_step_can_be_skipped_in_words() -> None:
    result = run("spring over", "note", count=1)
    assert result.progress.answers["note"] is None
    assert result.progress.step == "owner"


def test_a_required_step_cannot_be_skipped() -> None:
    result = run("spring over", "owner", count=1, note=None)
    assert result.progress.step == "owner"
    assert texts_of(result.replies)[0] == T("dialog.kan_ikke_springes_over")


def test_an_empty_answer_is_asked_again() -> None:
    result = run("   ", "owner", count=1, note=None)
    assert texts_of(result.replies)[0] == T("dialog.tomt_svar")


def test_the_last_answer_completes_the_flow() -> None:
    result = run("Lise", "owner", count=1, note=None)
    assert result.complete
    assert result.progress.answers["owner"] == "Lise"
    assert result.replies == ()


def test_back_returns_to_the_previous_applicable_step_and_keeps_the_answers() -> None:
    result = run("tilbage", "note", count=2)
    assert result.progress.step == "count"
    assert result.progress.answers["count"] == 2
    assert texts_of(result.replies) == ["count?"]


def test_back_at_the_first_question_says_so() -> None:
    result = run("tilbage", "count")
    assert texts_of(result.replies) == [T("dialog.ingen_tilbage"), "igen: count?"]


def test_after_changing_an_earlier_answer_the_flow_skips_what_is_already_answered() -> None:
    result = run("1", "count", count=5, reason="Mange børn", note=None)
    assert result.progress.step == "owner"


def test_a_card_can_answer_several_steps_at_once() -> None:
    result = advance(
        PLAN, progress("count"), pressed({"count": "7", "reason": "Travlt", "note": ""}), None, T
    )
    assert result.progress.answers | {PENDING: {}} == {
        "count": 7,
        "reason": "Travlt",
        "note": None,
        PENDING: {},
    }
    assert result.progress.step == "owner"


def test_a_card_with_one_bad_field_keeps_the_good_ones_and_the_bad_text() -> None:
    result = advance(PLAN, progress("count"), pressed({"count": "syv", "owner": "Lise"}), None, T)
    assert result.progress.step == "count"
    assert result.progress.answers["owner"] == "Lise"
    assert result.progress.answers[PENDING] == {"count": "syv"}


def test_the_persons_own_words_are_given_back_with_the_turns_and_the_refused_ones() -> None:
    """What a dialogue ending unsaved gives back: the steps named as the person's own
    words, labelled where a label is given; the answer this turn brings, and one refused
    on the way, count; a skipped step and the other answers do not."""
    noted = replace(PLAN, own_words={"reason": None, "note": "maal.felt.title.label"})
    at_note = progress("note", count=5, reason="Flere børn", **{PENDING: {}})
    assert written(noted, at_note, T) == ["Flere børn"]
    assert written(noted, at_note, T, typed("Husk madpakken")) == [
        "Flere børn", f"**{T('maal.felt.title.label')}:** Husk madpakken",
    ]  # fmt: skip
    assert written(noted, at_note, T, typed("spring over")) == ["Flere børn"]
    refused = progress("owner", count=5, **{PENDING: {"reason": "x" * 5}})
    assert written(noted, refused, T) == ["x" * 5]
    assert written(PLAN, at_note, T, typed("Husk madpakken")) == []


def test_next_step_wraps_round_to_unanswered_earlier_steps() -> None:
    assert next_step(PLAN, {"owner": "Lise", "note": None}, "owner").name == "count"
    assert next_step(PLAN, {"count": 1, "note": None, "owner": "x"}, None) is None
    assert first_step(PLAN).name == "count"


def test_flows_refuse_duplicate_or_reserved_step_names() -> None:
    step = Step("same", asking("x"), words)
    with pytest.raises(ValueError):
        Flow("broken", (step, step), nothing, nothing)
    with pytest.raises(ValueError):
        Flow("broken", (Step("_secret", asking("x"), words),), nothing, nothing)


@pytest.mark.parametrize("flow", list(FLOWS.values()), ids=list(FLOWS))
def test_every_flow_starts_somewhere_and_names_its_redo_steps(flow: Flow) -> None:
    assert first_step(flow).name in {s.name for s in flow.steps}
    assert set(flow.redo_on.values()) <= {s.name for s in flow.steps}
