"""`ret status` and `fortryd`: a leader corrects or withdraws her own latest status on a
goal, typed or from the *Ret* button on its receipt. The correction runs in the status
dialogue, with the form filled in; the store keeps the earlier version."""

from __future__ import annotations

from typing import Any

from dialoger import runner
from dialoger.context import Context
from dialoger.flows import FLOWS
from dialoger.flows import status as status_flow
from dialoger.turn import TurnResult, card_reply, say, show
from kort.common import notice_card
from kort.status import withdraw_offer_card
from store import status_history
from store.enums import Color
from store.models import StatusUpdate
from store.views import ProgressView, StatusView


async def _own_latest(ctx: Context, status_id: Any = None) -> StatusUpdate | None:
    """The status to change: the one a button names, if it is still her latest on its
    goal in the period; typed, her most recent such one."""
    actor = ctx.require_actor()
    if status_id is None:
        return await status_history.latest_own(ctx.session, actor, ctx.today)
    try:
        wanted = int(str(status_id)[:12])
    except ValueError:
        return None
    named = await ctx.session.get(StatusUpdate, wanted)
    if named is None or named.municipality_id != actor.municipality_id:
        return None
    found = await status_history.latest_own(ctx.session, actor, ctx.today, named.goal_id)
    return found if found is not None and found.id == wanted else None


def _none_to_change(ctx: Context) -> TurnResult:
    return TurnResult((say(ctx.texts("status.ingen_at_rette")),))


async def correct(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    """Open the latest own status in the status form; saving it corrects it."""
    update = await _own_latest(ctx, ctx.turn.data.get("status") if ctx.turn.from_card else None)
    if update is None:
        return _none_to_change(ctx)
    flow = FLOWS[status_flow.NAME]
    data = await flow.load(ctx)
    goal = data.goal(update.goal_id)
    if goal is None:
        return _none_to_change(ctx)
    answers = {
        "goal": update.goal_id,
        "color": Color(update.color).value,
        "narrative": update.narrative,
        "evidence": update.evidence,
        status_flow.CORRECTS: update.id,
        status_flow.LINE: True,
    }
    started = await runner.start_at(ctx, flow, "color", answers, data)
    intro = say(ctx.texts("status.ret_spoerg", goal=goal.title))
    return TurnResult((intro, *started.replies), started.card_owner)


async def offer_withdrawal(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    """`fortryd` with no dialogue under way: her latest status, to withdraw or correct."""
    update = await _own_latest(ctx)
    if update is None:
        return _none_to_change(ctx)
    data = await FLOWS[status_flow.NAME].load(ctx)
    goal = data.goal(update.goal_id)
    if goal is None:
        return _none_to_change(ctx)
    shown = StatusView(Color(update.color), update.narrative, update.evidence, update.reported_at)
    card = withdraw_offer_card(goal, shown, update.id, ctx.texts)
    return TurnResult((say(ctx.texts("status.fortryd_spoerg", goal=goal.title)), show(card)))


async def withdraw(ctx: Context) -> TurnResult:
    """The *Træk tilbage* button: take the status back, if it is still her latest."""
    update = await _own_latest(ctx, ctx.turn.data.get("status"))
    if update is None:
        return _none_to_change(ctx)
    data = await FLOWS[status_flow.NAME].load(ctx)
    goal = data.goal(update.goal_id)
    await status_history.withdraw(ctx.session, ctx.require_actor(), update, ctx.turn.now)
    done = ctx.texts("status.trukket_tilbage", goal=goal.title if goal else "")
    return TurnResult((card_reply(ctx.turn, notice_card(done)),))
