"""Out of office commands: `fravær` (register, after showing what is registered),
`fravær slut` (back early) and `mit fravær` (show)."""

from __future__ import annotations

from dialoger import runner
from dialoger.absence_notices import ended
from dialoger.context import Context
from dialoger.flows import FLOWS
from dialoger.flows import absences as flow
from dialoger.turn import Reply, TurnResult, say, show
from kort.absences import absences_card
from store import absences as absences_store
from store.views import ProgressView


async def register(ctx: Context, current: ProgressView | None) -> TurnResult:
    """Start the dialogue; what is registered already is shown first, so nobody registers
    the same days twice without knowing."""
    shown = await _overview(ctx, quiet=True)
    started = await runner.start(ctx, FLOWS[flow.NAME], current)
    return TurnResult((*shown, *started.replies), started.card_owner)


async def show_absences(ctx: Context, current: ProgressView | None) -> TurnResult:
    return await _after(ctx, current, await _overview(ctx, quiet=False))


async def end(ctx: Context, current: ProgressView | None) -> TurnResult:
    """`fravær slut`: the current absence ends (yesterday), or the next one is cancelled."""
    done = await absences_store.end_own(ctx.session, ctx.require_actor(), ctx.turn.now)
    said = ended(ctx, done) if done else ctx.texts("fravaer.slut.intet")
    return await _after(ctx, current, [say(said)])


async def _overview(ctx: Context, *, quiet: bool) -> list[Reply]:
    """The person's current and coming absences and whom they stand in for; `quiet`:
    nothing at all when there are none."""
    found = await absences_store.absences_of(ctx.session, ctx.require_actor(), ctx.today)
    if quiet and not found.own and not found.standing_in:
        return []
    return [show(absences_card(found.own, found.standing_in, ctx.texts))]


async def _after(ctx: Context, current: ProgressView | None, replies: list[Reply]) -> TurnResult:
    """The replies, then the question of a dialogue under way, so it is not forgotten."""
    if current is None:
        return TurnResult(tuple(replies))
    again = await runner.resume(ctx, current, "hjaelp.i_gang")
    return TurnResult((*replies, *again.replies), again.card_owner)
