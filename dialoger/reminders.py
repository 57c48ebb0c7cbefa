"""`udsæt`: a leader puts off a reminder of the year, from its card or by typing
`udsæt` (the newest reminder, the shortest wait offered) or `udsæt 3`."""

from __future__ import annotations

from dialoger.context import Context
from dialoger.intents import snooze_days
from dialoger.turn import TurnResult, say
from store import reminders
from store.profiles import profile
from store.views import ProgressView


async def snooze_from_card(ctx: Context) -> TurnResult:
    key, days = ctx.turn.data.get("key"), ctx.turn.data.get("days")
    if not isinstance(key, str) or not isinstance(days, int) or isinstance(days, bool):
        return TurnResult((say(ctx.texts("paamindelse.udsat_forkert")),))
    return await _snooze(ctx, key[:200], days)


async def snooze_typed(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    actor = ctx.require_actor()
    key = await reminders.latest_for(ctx.session, actor)
    if key is None:
        return TurnResult((say(ctx.texts("paamindelse.udsat_ingen")),))
    choices = profile(actor.profile).reminders.snooze_days
    return await _snooze(ctx, key, snooze_days(ctx.turn.text) or min(choices))


async def _snooze(ctx: Context, key: str, days: int) -> TurnResult:
    actor = ctx.require_actor()
    # A refusal (not one's own reminder, a wait not offered) is explained by the router.
    day = await reminders.snooze(ctx.session, actor, key, days, ctx.turn.now)
    return TurnResult((say(ctx.texts("paamindelse.udsat", date=ctx.texts.date(day))),))
