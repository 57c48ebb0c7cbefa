"""`midtvejsevaluering` and `slutrapport`, typed or from a card's button (a reminder's, or
the receipt's "next goal"): start the evaluation dialogue on the leader's goals, or on one.

A goal id on a card is checked by the store against who presses it before anything is
opened; a forged or foreign one is refused in Danish and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialoger import runner
from dialoger.context import Context, card_id
from dialoger.flows import FLOWS
from dialoger.flows.evaluations import GOAL, REVIEW, EvaluationData, answers_from, flow_name
from dialoger.turn import Target, TurnResult, say, show
from kort import evaluations as cards
from store import evaluations
from store.enums import EvaluationKind
from store.errors import Invalid
from store.views import ProgressView


async def midway(ctx: Context, current: ProgressView | None) -> TurnResult:
    return await runner.start(ctx, FLOWS[flow_name(EvaluationKind.MIDWAY)], current)


async def final_report(ctx: Context, current: ProgressView | None) -> TurnResult:
    return await runner.start(ctx, FLOWS[flow_name(EvaluationKind.FINAL)], current)


async def from_card(ctx: Context) -> TurnResult:
    """START_EVALUATION: `kind`, and optionally the `goal` to evaluate."""
    kind = _kind(ctx.turn.data.get("kind"))
    goal = ctx.turn.data.get("goal")
    if goal in (None, ""):
        return await runner.start(ctx, FLOWS[flow_name(kind)], await runner.active(ctx))
    return await on_goal(ctx, kind, card_id(goal, "evaluering.ukendt_maal"))


async def on_goal(ctx: Context, kind: EvaluationKind, goal_id: int) -> TurnResult:
    """The dialogue on one goal; one evaluated already opens at the review, to be changed."""
    flow = FLOWS[flow_name(kind)]
    data: EvaluationData = await flow.load(ctx)
    refusal = flow.refuse(data, ctx.texts)
    if refusal:
        return TurnResult((say(refusal),))
    actor = ctx.require_actor()
    goal = await evaluations.evaluable_goal(ctx.session, actor, kind, goal_id, ctx.today)
    if goal.done is None:
        return await runner.start_at(ctx, flow, "color", {GOAL: goal.id}, data)
    return await runner.start_at(ctx, flow, REVIEW, {GOAL: goal.id, **answers_from(goal.done)},
                                 data)  # fmt: skip


def _kind(value: Any) -> EvaluationKind:
    try:
        return EvaluationKind(str(value))
    except ValueError:
        raise Invalid("evaluering.ukendt_slags") from None


async def answer_midway(ctx: Context) -> TurnResult:
    """ANSWER_MIDWAY: the department head agrees or not, comments and signs off a leader's
    midway evaluation; the leaders are told and see the answer on the goal. An evaluation
    the leader changed after the card was sent is shown again, to be read and answered."""
    actor, data = ctx.require_actor(), ctx.turn.data
    goal_id = card_id(data.get("goal"), "evaluering.ukendt_maal")
    agrees = str(data.get("head_agrees") or "")
    if agrees not in ("yes", "no"):
        raise Invalid("evaluering.svar.mangler_svar")
    comment = data.get("head_comment")
    try:
        answered = await evaluations.answer_midway(
            ctx.session, actor, goal_id, _moment(data.get("read_at")), agrees == "yes",
            comment if isinstance(comment, str) else None, ctx.turn.now,
        )  # fmt: skip
    except Invalid as problem:
        if problem.key != "evaluering.svar.aendret":
            raise
        goal, now = await evaluations.midway_to_answer(ctx.session, actor, goal_id)
        fresh = cards.evaluation_card(goal, now, ctx.texts, show_goal=True, answerable=True)
        return TurnResult((say(ctx.texts(problem.key)), show(fresh, _where(ctx))))
    _tell_leaders(ctx, answered)
    return TurnResult((say(_signed_line(ctx, answered)), show(_signed_card(ctx, answered),
                                                               _where(ctx))))  # fmt: skip


def _moment(value: Any) -> datetime:
    """The saved time of the evaluation a card showed; anything else matches none."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise Invalid("evaluering.svar.aendret") from None
    if moment.tzinfo is None:
        raise Invalid("evaluering.svar.aendret")
    return moment


def _where(ctx: Context) -> Target:
    return Target.REPLACE if ctx.turn.from_card else Target.NEW


def _tell_leaders(ctx: Context, answered: evaluations.Answered) -> None:
    """The leaders hear the answer, with the evaluation and the answer on one card."""
    agreed = "enig" if answered.evaluation.answer and answered.evaluation.answer.agrees else "uenig"
    told = ctx.texts(f"evaluering.svar.til_leder_{agreed}",
                     head=ctx.require_actor().person_name, goal=answered.goal.title)  # fmt: skip
    card = cards.evaluation_card(answered.goal, answered.evaluation, ctx.texts, show_goal=True)
    for leader in answered.tell:
        ctx.notify(leader, told, card)


def _signed_line(ctx: Context, answered: evaluations.Answered) -> str:
    agreed = "enig" if answered.evaluation.answer and answered.evaluation.answer.agrees else "uenig"
    leaders = ", ".join(answered.leader_names) or ctx.texts("evaluering.svar.ingen_leder")
    return ctx.texts(f"evaluering.svar.gemt_{agreed}", goal=answered.goal.title, leaders=leaders)


def _signed_card(ctx: Context, answered: evaluations.Answered) -> dict[str, Any]:
    """The head's card after signing: the evaluation with the answer, still answerable (an
    answer can be changed; the newest counts)."""
    return cards.evaluation_card(
        answered.goal, answered.evaluation, ctx.texts, show_goal=True, answerable=True
    )
