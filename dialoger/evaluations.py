"""`midtvejsevaluering` and `slutrapport`, typed or from a card's button (a reminder's, or
the receipt's "next goal"): start the evaluation dialogue on the leader's goals, or on one.

A goal id on a card is checked by the store against who presses it before anything is
opened; a forged or foreign one is refused in Danish and changes nothing.
"""

from __future__ import annotations

from typing import Any

from dialoger import runner
from dialoger.context import Context, card_id
from dialoger.flows import FLOWS
from dialoger.flows.evaluations import GOAL, REVIEW, EvaluationData, answers_from, flow_name
from dialoger.turn import TurnResult, say
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
