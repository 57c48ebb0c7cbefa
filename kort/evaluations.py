"""Cards of the midway evaluation and the final report: the goals to choose from, the form,
the review with a Ret button per answer, the saved evaluation, and the block that shows a
goal's evaluations on its card, apart from its status updates.

Every input is named after the dialogue step it answers, and the form's button lists them
under `fields` (Teams leaves an empty input out of the data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import (
    button,
    buttons,
    card,
    color_meaning,
    color_text,
    color_word,
    edit_row,
    facts,
    numbered,
    text,
    title,
)
from kort.goal_fields import SEP, bullets, cancel_button
from store.enums import Color, ColorScale, EvaluationKind
from store.goalviews import EvaluationGoal, EvaluationView, HeadAnswer
from store.limits import EVIDENCE_MAX, NARRATIVE_MAX
from store.profiles import ColorSettings

GOAL_STEP = "goal"
REVIEW_STEP = "review"
TEXT_PARTS = ("criteria", "effect", "evidence", "effect_assessment")


def parts(kind: EvaluationKind) -> tuple[str, ...]:
    """The answers an evaluation of `kind` has, in the order they are asked."""
    asked = ("color", *TEXT_PARTS)
    return asked if kind is EvaluationKind.FINAL else asked[:-1]


def heading(kind: EvaluationKind, year: int, texts: Texts) -> str:
    """ "Midtvejsevaluering 2027" or "Slutrapport 2027": always named, so an evaluation is
    never taken for a status update."""
    return texts(f"evaluering.titel.{kind.value}", year=year)


def _answer(progress_id: str, step: str, **extra: Any) -> dict[str, Any]:
    return {"action": actions.ANSWER, "progress": progress_id, "step": step, **extra}


# --- choosing a goal ----------------------------------------------------------------------


def goal_choice_card(
    goals: Sequence[EvaluationGoal], kind: EvaluationKind, progress_id: str, texts: Texts
) -> dict[str, Any]:
    """The leader's goals, numbered, each saying whether its evaluation is still missing."""
    body: list[Any] = [title(texts("evalueringkort.vaelg_titel"))]
    for number, goal in enumerate(goals, start=1):
        chosen = _answer(progress_id, GOAL_STEP, goal=goal.id)
        where = f"{goal.unit_name}{SEP}{heading(kind, goal.year, texts)}"
        body.append(
            ac.Container(
                separator=True,
                items=[
                    text(numbered(number, goal.title), bold=True),
                    text(where, subtle=True, small=True),
                    _done_line(goal.done, texts),
                    buttons(button(texts("evalueringkort.knap_vaelg"), chosen)),
                ],
            )
        )
    body.append(buttons(cancel_button(progress_id, texts)))
    return card(body, fallback_text=texts("evaluering.vaelg_maal"))


def _done_line(done: EvaluationView | None, texts: Texts) -> ac.TextBlock | ac.RichTextBlock:
    if done is None:
        return text(texts("evalueringkort.mangler"), bold=True, small=True)
    said = texts(
        "evalueringkort.givet",
        date=texts.date(done.reported_at),
        color=color_word(done.content.color, texts),
    )
    return color_text(done.content.color, texts, said, small=True)


# --- the goal, as the questions show it ---------------------------------------------------


def goal_facts(goal: EvaluationGoal, texts: Texts) -> list[Any]:
    """What the goal promised: the success criteria above all, then the expected effect and
    how it was to be followed up."""
    shown: list[Any] = [
        text(goal.title, bold=True),
        facts(
            [
                (texts("evalueringkort.enhed"), goal.unit_name),
                (texts("evalueringkort.forventet"), goal.expected_effect),
                (texts("evalueringkort.opfoelgning"), goal.follow_up),
            ]
        ),
    ]
    if goal.success_criteria:  # a list does not fit a fact's value: a block of its own
        shown += [
            text(texts("evalueringkort.kriterier"), bold=True, small=True),
            text(bullets(goal.success_criteria)),
        ]
    return shown


def evaluation_form_card(
    goal: EvaluationGoal,
    kind: EvaluationKind,
    progress_id: str,
    step: str,
    answers: Mapping[str, Any],
    texts: Texts,
    scale: ColorScale | None = None,
) -> dict[str, Any]:
    """Every answer of the evaluation on one form; what is answered already (or was given
    before) is filled in. `scale`: what the colours mean (by default, midway whether the
    goal is expected to be met, in the final report whether it was)."""
    scale = scale or ColorSettings().of_evaluation(kind)
    names = parts(kind)
    shown = {**_given(goal), **answers}
    review = _answer(progress_id, step, goal=goal.id, fields=list(names))
    body: list[Any] = [
        title(heading(kind, goal.year, texts)),
        *goal_facts(goal, texts),
        _color_input(shown.get("color"), scale, texts),
        *(_text_input(name, goal, shown.get(name), texts) for name in names[1:]),
        buttons(
            button(texts("evalueringkort.knap_gennemse"), review, positive=True),
            cancel_button(progress_id, texts),
        ),
    ]
    return card(body, fallback_text=heading(kind, goal.year, texts))


def _given(goal: EvaluationGoal) -> dict[str, Any]:
    """The evaluation the goal has already, as answers: saving again overwrites it."""
    if goal.done is None:
        return {}
    content = goal.done.content
    return {"color": content.color.value, **{n: getattr(content, n) for n in TEXT_PARTS}}


def _color_input(value: Any, scale: ColorScale, texts: Texts) -> ac.InputChoiceSet:
    choices = [
        ac.InputChoice(
            title=texts("status.kort.valg", color=color_word(color, texts),
                        meaning=color_meaning(color, scale, texts)),
            value=color.value,
        )
        for color in Color
    ]  # fmt: skip
    return ac.InputChoiceSet(
        id="color",
        label=texts("evalueringkort.farve_label"),
        style=t.ChoiceInputStyle.EXPANDED,
        is_required=True,
        error_message=texts("evalueringkort.farve_fejl"),
        value=value if isinstance(value, str) else None,
        choices=choices,
    )


def _text_input(name: str, goal: EvaluationGoal, value: Any, texts: Texts) -> ac.InputText:
    hint = texts(f"evalueringkort.pladsholder.{name}")
    if name == "evidence" and (goal.data_source or goal.follow_up):
        hint = texts("evaluering.datakilde", text=goal.data_source or goal.follow_up)
    return ac.InputText(
        id=name,
        label=texts(f"evalueringkort.label.{name}"),
        placeholder=hint,
        is_multiline=True,
        is_required=True,
        max_length=EVIDENCE_MAX if name == "evidence" else NARRATIVE_MAX,
        error_message=texts("evalueringkort.fejl"),
        value=value if isinstance(value, str) else None,
    )


# --- the review --------------------------------------------------------------------------


def review_card(
    goal: EvaluationGoal,
    kind: EvaluationKind,
    answers: Mapping[str, Any],
    progress_id: str,
    texts: Texts,
) -> dict[str, Any]:
    """The evaluation as it will be saved, each answer with its own Ret button."""
    body: list[Any] = [
        title(texts("evalueringkort.gennemse_titel", title=heading(kind, goal.year, texts))),
        text(f"{goal.title}{SEP}{goal.unit_name}", subtle=True),
        text(texts("evalueringkort.gennemse_intro")),
    ]
    for name in parts(kind):
        edit = {"action": actions.EDIT_FIELD, "progress": progress_id, "field": name}
        body.append(
            edit_row(texts(f"evaluering.del.{name}"), _shown(name, answers.get(name), texts), edit,
                     texts("evalueringkort.knap_ret"), validate=False)
        )  # fmt: skip
    save = _answer(progress_id, REVIEW_STEP, review="save")
    body.append(
        buttons(
            button(texts("evalueringkort.knap_gem"), save, positive=True),
            cancel_button(progress_id, texts),
        )
    )
    return card(body, fallback_text=heading(kind, goal.year, texts))


def _shown(name: str, value: Any, texts: Texts) -> ac.TextBlock | ac.RichTextBlock:
    if not value:
        return text(texts("evalueringkort.ikke_udfyldt"), subtle=True)
    if name == "color":
        return color_text(Color(value), texts)
    return text(str(value))


# --- the saved evaluation --------------------------------------------------------------------


def evaluation_card(
    goal: EvaluationGoal,
    saved: EvaluationView,
    texts: Texts,
    *,
    next_goal: EvaluationGoal | None = None,
    show_goal: bool = False,
    answerable: bool = False,
) -> dict[str, Any]:
    """A saved evaluation: the receipt that replaces the form (with a button to the next
    goal that still misses one), and what the department head gets (with the goal; for a
    midway evaluation, `answerable`, the form to answer and sign it off)."""
    body: list[Any] = [
        title(heading(saved.kind, saved.year, texts)),
        text(f"{goal.title}{SEP}{goal.unit_name}", bold=True),
        *evaluation_body(saved, texts),
    ]
    if answerable and saved.kind is EvaluationKind.MIDWAY:
        body += answer_form(goal, saved, texts)
    shown: list[ac.ActionExecute] = []
    if next_goal is not None:
        start = {"action": actions.START_EVALUATION, "kind": saved.kind.value, "goal": next_goal.id}
        shown.append(button(texts("evalueringkort.knap_naeste"), start, positive=True))
    if show_goal:
        shown.append(button(texts("evalueringkort.knap_vis_maal"),
                            {"action": actions.SHOW_GOAL, "goal": goal.id}))  # fmt: skip
    if shown:
        body.append(buttons(*shown))
    return card(body, fallback_text=heading(saved.kind, saved.year, texts))


def evaluation_body(saved: EvaluationView, texts: Texts) -> list[Any]:
    """The colour as a word in its colour, each answer under its heading, and who gave it."""
    body: list[Any] = [color_text(saved.content.color, texts)]
    for name in TEXT_PARTS:
        value = getattr(saved.content, name)
        if value:
            body += [text(texts(f"evaluering.del.{name}"), bold=True, small=True), text(value)]
    body.append(
        facts(
            [
                (texts("evalueringkort.gemt_af"), saved.reported_by),
                (texts("evalueringkort.tidspunkt"), texts.day_time(saved.reported_at)),
                (texts("evalueringkort.version"), str(saved.goal_version)),
            ]
        )
    )
    if saved.answer is not None:
        body += answer_blocks(saved.answer, texts)
    return body


def answer_blocks(answer: HeadAnswer, texts: Texts) -> list[Any]:
    """The department head's answer under the evaluation: agreed or not, the comment, and
    who signed it off when."""
    verdict = texts("evalueringkort.svar.enig" if answer.agrees else "evalueringkort.svar.uenig")
    signed = texts(
        "evalueringkort.svar.underskrevet",
        name=answer.signed_off_by or texts("evalueringkort.svar.ukendt"),
        when=texts.day_time(answer.signed_off_at),
    )
    blocks: list[Any] = [
        text(texts("evalueringkort.svar.titel"), bold=True, small=True),
        text(verdict, bold=True),
    ]
    if answer.comment:
        blocks.append(text(answer.comment))
    blocks.append(text(signed, small=True))
    return blocks


def answer_form(goal: EvaluationGoal, saved: EvaluationView, texts: Texts) -> list[Any]:
    """What the department head answers: agree or not, a comment (needed when not), and
    the button that signs it off. The button names the evaluation it was shown, so a
    sign-off of one the leader has changed since is refused."""
    agreed = None if saved.answer is None else ("yes" if saved.answer.agrees else "no")
    choice = ac.InputChoiceSet(
        id="head_agrees",
        label=texts("evalueringkort.svar.enig_label"),
        style=t.ChoiceInputStyle.EXPANDED,
        is_required=True,
        error_message=texts("evalueringkort.svar.enig_fejl"),
        value=agreed,
        choices=[
            ac.InputChoice(title=texts("evalueringkort.svar.enig"), value="yes"),
            ac.InputChoice(title=texts("evalueringkort.svar.uenig"), value="no"),
        ],
    )
    comment = ac.InputText(
        id="head_comment",
        label=texts("evalueringkort.svar.kommentar_label"),
        placeholder=texts("evalueringkort.svar.kommentar_hint"),
        is_multiline=True,
        max_length=NARRATIVE_MAX,
        value=saved.answer.comment if saved.answer else None,
    )
    data = {
        "action": actions.ANSWER_MIDWAY,
        "goal": goal.id,
        "read_at": saved.reported_at.isoformat(),
    }
    sign = button(texts("evalueringkort.svar.knap"), data, positive=True)
    return [
        ac.Container(separator=True, items=[text(texts("evalueringkort.svar.spoergsmaal"))]),
        choice,
        comment,
        buttons(sign),
    ]


def evaluation_blocks(evaluations: Sequence[EvaluationView], texts: Texts) -> list[Any]:
    """A goal's evaluations on its card, each set apart under its name and year, so they
    are never read as status updates."""
    return [
        ac.Container(
            separator=True,
            style=t.ContainerStyle.EMPHASIS,
            items=[text(heading(e.kind, e.year, texts), bold=True), *evaluation_body(e, texts)],
        )
        for e in evaluations
    ]


def start_button(
    kind: EvaluationKind, texts: Texts, goal_id: int | None = None
) -> ac.ActionSet | ac.Container:
    """A button that starts the dialogue (for a reminder card): on one goal, or on the
    leader's goals that still miss it."""
    data: dict[str, Any] = {"action": actions.START_EVALUATION, "kind": kind.value}
    if goal_id is not None:
        data["goal"] = goal_id
    return buttons(button(texts(f"evalueringkort.start_{kind.value}"), data, positive=True))
