"""The midway evaluation and the final report: choose a goal → red / yellow / green against
its success criteria → how the criteria are met → the effect seen → the evidence → (final
report) the effect against the expected one → review → saved.

One flow per kind. Each question shows what the goal promised (its success criteria, its
data source as a hint for the evidence, its expected effect), and every answer can be
typed or given on the form. At the review, "ret effekt" or a Ret button goes back to one
answer. A goal id from a card is checked against the leader's own goals here for a
friendly answer, and again by the store when saving. Saved, the receipt offers the next
goal that still misses its evaluation: goal by goal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dialoger.context import Context
from dialoger.engine import (
    Ask,
    Asker,
    Flow,
    Navigator,
    Ok,
    Parsed,
    Parser,
    Problem,
    Step,
    named_part,
)
from dialoger.flows.status import choose_goal, parse_color
from dialoger.turn import Reply, Target, card_reply, say, show
from kort import evaluations as cards
from kort.catalogue import Texts
from kort.common import color_explanation
from store import evaluations
from store.enums import Color, ColorScale, EvaluationKind
from store.errors import DomainError
from store.goalviews import EvaluationContent, EvaluationGoal, EvaluationView
from store.profiles import ColorSettings, municipal, profile
from store.text import fold
from store.views import ProgressView

GOAL = cards.GOAL_STEP
REVIEW = cards.REVIEW_STEP
SAVE_WORDS = frozenset({"gem", "gem den", "gem evalueringen", "ok", "ja", "save"})
# What a leader types to start each kind; the receipt names it for the next goal.
COMMANDS = {EvaluationKind.MIDWAY: "midtvejsevaluering", EvaluationKind.FINAL: "slutrapport"}


def flow_name(kind: EvaluationKind) -> str:
    return f"evaluering:{kind.value}"


@dataclass(frozen=True)
class EvaluationData:
    kind: EvaluationKind
    goals: tuple[EvaluationGoal, ...]  # those still missing the evaluation first
    leads: bool
    uses_goals: bool = True
    scale: ColorScale | None = None  # what the colours mean (None: the default for `kind`)
    held: bool = True  # False: the profile has no such evaluation (Hvidovre: no midway)

    def goal(self, goal_id: Any) -> EvaluationGoal | None:
        return next((g for g in self.goals if str(g.id) == str(goal_id)), None)

    def chosen(self, answers: Mapping[str, Any]) -> EvaluationGoal | None:
        return self.goal(answers.get(GOAL))

    def next_missing(self, after: int) -> EvaluationGoal | None:
        """The next goal without the evaluation, once `after` has got one."""
        return next((g for g in self.goals if g.done is None and g.id != after), None)


def _loader(kind: EvaluationKind) -> Callable[[Context], Awaitable[EvaluationData]]:
    async def load(ctx: Context) -> EvaluationData:
        actor = ctx.require_actor()
        leads = bool(actor.led_unit_ids)
        if not profile(actor.profile).uses_goals:
            return EvaluationData(kind, (), leads, uses_goals=False)
        if not municipal(actor.profile, actor.midway).evaluates(kind):
            return EvaluationData(kind, (), leads, held=False)
        found = await evaluations.evaluable(ctx.session, actor, kind, ctx.today)
        missing_first = sorted(found, key=lambda g: g.done is not None)  # stable
        scale = profile(actor.profile).colors.of_evaluation(kind)
        return EvaluationData(kind, tuple(missing_first), leads, scale=scale)

    return load


def refuse(data: EvaluationData, texts: Texts) -> str | None:
    if not data.uses_goals:
        return texts("maal.bruges_ikke")
    if not data.held:
        return texts("evaluering.holdes_ikke")
    if not data.leads:
        return texts("evaluering.ingen_enheder")
    if not data.goals:
        return texts(f"evaluering.ingen_maal.{data.kind.value}")
    return None


def prefill(data: EvaluationData) -> dict[str, Any]:
    """With one goal to evaluate, the leader is not asked which."""
    return {GOAL: data.goals[0].id} if len(data.goals) == 1 else {}


def answers_from(done: EvaluationView) -> dict[str, Any]:
    """A saved evaluation as the answers of a dialogue that changes it."""
    content = done.content
    given = {name: getattr(content, name) for name in cards.TEXT_PARTS}
    return {"color": content.color.value, **{k: v for k, v in given.items() if v}}


# --- choose a goal --------------------------------------------------------------------------


def _ask_goal(a: Ask[EvaluationData]) -> list[Reply]:
    question = say(a.texts("evaluering.vaelg_maal"))
    if a.repeat:
        return [] if a.turn.from_card else [question]
    data: EvaluationData = a.data
    listed = cards.goal_choice_card(list(data.goals), data.kind, a.progress.id, a.texts)
    intro = say(a.texts(f"evaluering.intro.{data.kind.value}"))
    return [intro, question, card_reply(a.turn, listed)]


def _parse_goal(raw: Any, data: EvaluationData, answers: Mapping[str, Any]) -> Parsed:
    return choose_goal(raw, data.goals, "evaluering.vaelg_maal_ugyldig")


def _parse_goal_id(raw: Any, data: EvaluationData, answers: Mapping[str, Any]) -> Parsed:
    """A goal id from card data. Anything but one of the leader's own goals is refused."""
    chosen = data.goal(raw)
    return Ok(chosen.id) if chosen else Problem("evaluering.ikke_dit_maal")


# --- the questions -------------------------------------------------------------------------


def _form(a: Ask[EvaluationData]) -> dict[str, Any]:
    data: EvaluationData = a.data
    goal = data.chosen(a.progress.answers)
    assert goal is not None  # `_ask` checked it
    shown = {**a.progress.answers, **a.progress.answers.get("_pending", {})}
    return cards.evaluation_form_card(goal, data.kind, a.progress.id, a.progress.step, shown,
                                      a.texts, data.scale)  # fmt: skip


def _context(name: str, goal: EvaluationGoal, texts: Texts) -> list[str]:
    """What the goal promised, beside the question it matters to."""
    if name in ("color", "criteria"):
        if goal.success_criteria:
            listed = "\n".join(f"- {c}" for c in goal.success_criteria)
            return [f"{texts('evaluering.kriterier')}\n{listed}"]
        shown = [texts("evaluering.ingen_kriterier")]
        if goal.expected_effect:
            shown.append(texts("evaluering.forventet", text=goal.expected_effect))
        return shown
    if name == "evidence" and (goal.data_source or goal.follow_up):
        return [texts("evaluering.datakilde", text=goal.data_source or goal.follow_up)]
    if name == "effect_assessment" and goal.expected_effect:
        return [texts("evaluering.forventet", text=goal.expected_effect)]
    return []


def _ask(name: str) -> Asker[EvaluationData]:
    def ask(a: Ask[EvaluationData]) -> list[Reply]:
        goal = a.data.chosen(a.progress.answers)
        if goal is None:  # closed or gone since it was chosen; saving will ask for another
            return [say(a.texts("evaluering.ukendt_maal"))]
        if a.turn.from_card:
            return [show(_form(a), Target.REPLACE)]
        lines = [a.texts(f"evaluering.spoerg.{name}", goal=goal.title)]
        lines += _context(name, goal, a.texts)
        if name == "color":
            scale = a.data.scale or ColorSettings().of_evaluation(a.data.kind)
            lines.append(color_explanation(scale, a.texts))
        question = say("\n\n".join(lines))
        # The form comes with the first question only; later ones are in the chat already.
        return [question, show(_form(a))] if name == "color" and not a.repeat else [question]

    return ask


def _parse_text(name: str) -> Parser[EvaluationData]:
    def parse(raw: Any, data: EvaluationData, answers: Mapping[str, Any]) -> Parsed:
        try:
            return Ok(evaluations.check_text(name, str(raw)))
        except DomainError as error:
            return Problem.of(error)

    return parse


# --- the review ----------------------------------------------------------------------------


def _ask_review(a: Ask[EvaluationData]) -> list[Reply]:
    data: EvaluationData = a.data
    name = a.texts(f"evaluering.navn.{data.kind.value}")
    question = say(a.texts("evaluering.spoerg.review", name=name))
    goal = data.chosen(a.progress.answers)
    if a.repeat or goal is None:
        return [question]
    review = cards.review_card(goal, data.kind, a.progress.answers, a.progress.id, a.texts)
    return [question, card_reply(a.turn, review)]


def _parse_review(raw: Any, data: EvaluationData, answers: Mapping[str, Any]) -> Parsed:
    if fold(str(raw)).strip(" .!") in SAVE_WORDS:
        return Ok("save")
    return Problem("evaluering.review_ugyldig")


def _navigator(kind: EvaluationKind) -> Navigator[EvaluationData]:
    def navigate(
        progress: ProgressView, text: str, data: EvaluationData, texts: Texts
    ) -> str | None:
        """At the review, "ret effekt" or just an answer's name goes back to it."""
        if progress.step != REVIEW:
            return None
        labels = {name: texts(f"evaluering.del.{name}") for name in cards.parts(kind)}
        return named_part(text, labels)

    return navigate


# --- saving ----------------------------------------------------------------------------------


async def gone(ctx: Context, progress: ProgressView, data: EvaluationData) -> DomainError | None:
    """The chosen goal can no longer get the evaluation from this leader (a new
    organisation file gave the unit another leader): the store says why."""
    chosen = progress.answers.get(GOAL)
    if chosen is None or data.goal(chosen) is not None:
        return None
    actor, kind = ctx.require_actor(), data.kind
    try:
        await evaluations.evaluable_goal(ctx.session, actor, kind, int(chosen), ctx.today)
    except DomainError as refused:
        return refused
    return None


async def finish(ctx: Context, progress: ProgressView, data: EvaluationData) -> list[Reply]:
    """Save the evaluation; a midway evaluation goes to the department head."""
    answers = progress.answers
    content = EvaluationContent(
        Color(answers["color"]), answers["criteria"], answers["effect"], answers["evidence"],
        answers.get("effect_assessment"),
    )  # fmt: skip
    saved = await evaluations.record(
        ctx.session, ctx.require_actor(), data.kind, int(answers[GOAL]), content, ctx.turn.now
    )
    _tell(ctx, saved)
    following = data.next_missing(saved.goal.id)
    receipt = cards.evaluation_card(saved.goal, saved.evaluation, ctx.texts, next_goal=following)
    thanks = say("\n\n".join(_receipt_lines(ctx.texts, data.kind, saved, following)))
    if ctx.turn.from_card:
        return [thanks, show(receipt, Target.REPLACE)]
    if progress.card_activity_id:
        # The form the leader did not use becomes the receipt, so it cannot be sent again.
        return [thanks, show(receipt, Target.UPDATE, progress.card_activity_id)]
    return [thanks, show(receipt)]


def _tell(ctx: Context, saved: evaluations.Recorded) -> None:
    """The department head gets the midway evaluation, to hold it with the leader."""
    goal = saved.goal
    told = ctx.texts("evaluering.til_fagchef", leader=ctx.require_actor().person_name,
                     goal=goal.title, unit=goal.unit_name)  # fmt: skip
    card = cards.evaluation_card(goal, saved.evaluation, ctx.texts, show_goal=True, answerable=True)
    for head in saved.tell:
        ctx.notify(head, told, card)


def _receipt_lines(
    texts: Texts,
    kind: EvaluationKind,
    saved: evaluations.Recorded,
    following: EvaluationGoal | None,
) -> list[str]:
    color = texts(f"farve.{saved.evaluation.content.color.value}")
    lines = [texts(f"evaluering.gemt.{kind.value}", goal=saved.goal.title, color=color)]
    if saved.tell:
        lines.append(texts("evaluering.fagchef_fik_den"))
    if saved.updated:
        lines.append(texts("evaluering.erstattet"))
    if following is not None:
        lines.append(texts("evaluering.naeste", goal=following.title, command=COMMANDS[kind]))
    else:
        name = texts(f"evaluering.navn.{kind.value}")
        lines.append(texts("evaluering.alle_klar", name=name, year=saved.goal.year))
    return lines


def build(kind: EvaluationKind) -> Flow[EvaluationData]:
    texts_steps = [Step(name, _ask(name), _parse_text(name)) for name in cards.parts(kind)[1:]]
    return Flow(
        name=flow_name(kind),
        steps=(
            Step(GOAL, _ask_goal, _parse_goal, parse_card=_parse_goal_id),
            Step("color", _ask("color"), parse_color),
            *texts_steps,
            Step(REVIEW, _ask_review, _parse_review),
        ),
        load=_loader(kind),
        finish=finish,
        refuse=refuse,
        navigate=_navigator(kind),
        prefill=prefill,
        gone=gone,
        own_words={name: f"evaluering.del.{name}" for name in cards.TEXT_PARTS},
        # The goal was closed, or the leader lost the unit, between the last turn and saving.
        redo_on={
            "evaluering.ukendt_maal": GOAL,
            "evaluering.ikke_dit_maal": GOAL,
            f"evaluering.ikke_aaben.{kind.value}": GOAL,
        },
    )


FLOWS = {flow_name(kind): build(kind) for kind in EvaluationKind}
