"""Card buttons in a personal chat. The ids a card carries are never trusted: the
dialogue must be the person's own and still open, or the card is closed with a note."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from dialoger import evaluering, maal, moeder, overblik, paamindelser, rettelser, roller, runner
from dialoger.context import Context
from dialoger.flows import FLOWS, status
from dialoger.turn import TurnResult, say
from kort import actions
from store import progress


async def handle(ctx: Context) -> TurnResult:
    route = ROUTES.get(ctx.turn.action or "")
    if route is None:
        return TurnResult((say(ctx.texts("dialog.kort_ukendt_handling")),))
    return await route(ctx)


Route = Callable[[Context], Awaitable[TurnResult]]


def _dialogue(action: str) -> Route:
    """A button inside an open dialogue (choose, answer, cancel, edit, resume)."""
    return lambda ctx: _in_dialogue(ctx, action, ctx.turn.data.get("progress"))


async def _start_status(ctx: Context) -> TurnResult:
    return await runner.start(ctx, FLOWS[status.NAME], await runner.active(ctx))


_GOAL_ACTIONS: dict[str, Callable[[Context], Awaitable[TurnResult]]] = {
    actions.NEW_GOAL: lambda ctx: maal.new_goal(ctx, None),
    actions.MY_GOALS: lambda ctx: maal.my_goals(ctx),
    actions.GOAL_FORM: lambda ctx: maal.show_form(ctx, ctx.turn.data.get("progress")),
    actions.SHOW_GOAL: lambda ctx: maal.show_goal(ctx, ctx.turn.data.get("goal")),
    actions.EDIT_GOAL: lambda ctx: maal.edit_goal(ctx, ctx.turn.data.get("goal")),
    actions.CARRY_GOAL: maal.carry_over,
    actions.APPROVE_GOAL: lambda ctx: maal.decide(ctx, "approve"),
    actions.RETURN_GOAL: lambda ctx: maal.decide(ctx, "return"),
    actions.COMMITTEE_APPROVAL: maal.record_committee,
    actions.START_EVALUATION: evaluering.from_card,
    actions.CORRECT_STATUS: rettelser.correct,
    actions.WITHDRAW_STATUS: rettelser.withdraw,
}


_MEETING_ACTIONS: dict[str, Callable[[Context], Awaitable[TurnResult]]] = {
    actions.PLAN_MEETING: lambda ctx: moeder.plan(ctx, None),
    actions.SHOW_MEETING: moeder.show_meeting,
    actions.EDIT_MEETING: moeder.edit_meeting,
    actions.CANCEL_MEETING: moeder.cancel_meeting,
    actions.PREPARE: moeder.prepare_for,
    actions.SEND_PACK: moeder.send_pack,
    actions.WRITE_SUMMARY: moeder.edit_summary,
    actions.SEND_SUMMARY: moeder.send_summary,
    actions.COMMENT_SUMMARY: moeder.comment_summary,
    actions.APPROVE_SUMMARY: moeder.approve_summary,
    actions.DECIDE_MATTER: moeder.decide_matter,
    actions.EDIT_MATTER: moeder.edit_matter,
    actions.SAVE_MATTER: moeder.save_matter,
    actions.DECIDE_BEARING: moeder.decide_bearing,
    actions.SNOOZE: paamindelser.snooze_from_card,
    actions.GRANT_ROLE: roller.grant_from_card,
    actions.REMOVE_ROLE: roller.remove_from_card,
    actions.SHOW_OVERVIEW: overblik.from_card,
    actions.SHOW_UNIT: overblik.show_unit,
    actions.OPEN_GOAL: overblik.open_goal,
}


# The one table from verb to handler. Every card builder names its buttons with the
# constants of `kort.actions`; tests/test_card_routes.py proves each verb on every card
# is here and each entry is reachable from some card.
ROUTES: dict[str, Route] = {
    actions.START_STATUS: _start_status,
    **{a: _dialogue(a) for a in (actions.CHOOSE_GOAL, actions.ANSWER, actions.CANCEL,
                                 actions.EDIT_FIELD, actions.RESUME)},
    **_GOAL_ACTIONS,
    **_MEETING_ACTIONS,
}  # fmt: skip


async def _in_dialogue(ctx: Context, action: str, progress_id: Any) -> TurnResult:
    actor = ctx.require_actor()
    found = None
    if isinstance(progress_id, str) and progress_id:
        found = await progress.find(
            ctx.session, actor.municipality_id, actor.person_id, progress_id[:36]
        )
    if found is None or found[1] in (progress.DONE, progress.CANCELLED):
        return _stale(ctx)
    current, state = ctx.memory.with_card(found[0]), found[1]
    if action == actions.CANCEL:
        return await runner.cancel(ctx, current)
    if state == progress.PAUSED:
        current = await runner.reopen(ctx, current)
    if action == actions.EDIT_FIELD:
        return await runner.go_to(ctx, current, str(ctx.turn.data.get("field") or ""))
    if action == actions.RESUME:
        return await runner.resume(ctx, current, "dialog.fortsaetter")
    if _left_behind(current, ctx.turn.data):
        return await runner.resume(ctx, current, "tale.kort_forladt")
    return await runner.answer(ctx, current)


def _left_behind(current: Any, data: Any) -> bool:
    """A form for a step the dialogue has not reached: the person went `tilbage` from it,
    so what it holds was not meant to be saved as it stands."""
    flow = FLOWS.get(current.flow)
    names = [step.name for step in flow.steps] if flow else []
    pressed = data.get("step") if isinstance(data, dict) else None
    if pressed not in names or current.step not in names:
        return False
    return names.index(pressed) > names.index(current.step)


def _stale(ctx: Context) -> TurnResult:
    """A card from a finished, cancelled or foreign dialogue: change nothing, and say so.

    The card itself is left alone: after a saved update it shows the receipt, and a
    replayed click must not wipe that.
    """
    return TurnResult((say(ctx.texts("dialog.kort_ikke_aktivt")),))
