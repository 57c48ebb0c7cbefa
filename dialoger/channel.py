"""Pejling in a team channel: linking the channel to a committee, and help."""

from __future__ import annotations

from dialoger import digests as digests_dialogue
from dialoger.context import Context
from dialoger.intents import Intent, recognise
from dialoger.turn import TurnResult, say, show
from kort import actions
from kort.help import channel_help_card
from store import committees, digests
from store.text import shorten


async def handle(ctx: Context) -> TurnResult:
    if ctx.turn.from_card:
        return await _card(ctx)
    intent = recognise(ctx.turn.text)
    if intent and intent[0] is Intent.OVERVIEW:
        return await digests_dialogue.in_channel(ctx)
    if intent and intent[0] is Intent.LINK:
        return await link(ctx, intent[1])
    if intent and intent[0] is Intent.HELP:
        return TurnResult((show(channel_help_card(ctx.texts)),))
    return TurnResult((say(ctx.texts("fejl.kanal_ukendt")),))


async def _card(ctx: Context) -> TurnResult:
    """The overview's drop-downs work in the channel too, for those who may see the goal."""
    opened = _CHANNEL_ACTIONS.get(ctx.turn.action or "")
    if opened is None:
        return TurnResult((say(ctx.texts("dialog.kort_ukendt_handling")),))
    if ctx.actor is None:
        return TurnResult((say(ctx.texts("fejl.person_ukendt")),))
    return await opened(ctx)


_CHANNEL_ACTIONS = {
    actions.SHOW_UNIT: digests_dialogue.show_unit,
    actions.OPEN_GOAL: digests_dialogue.open_goal,
}


async def link(ctx: Context, query: str) -> TurnResult:
    """`@Pejling tilknyt <udvalg>`: this channel gets the committee's digests."""
    t = ctx.texts
    if ctx.actor is None:
        return TurnResult((say(t("fejl.person_ukendt")),))
    if not ctx.actor.is_administration:
        return TurnResult((say(t("tilknyt.not_administration")),))
    every = await committees.committees(ctx.session, ctx.municipality_id)
    names = ", ".join(c.name for c in every)
    if not query:
        example = every[0].name if every else ""
        return TurnResult((say(t("tilknyt.mangler_navn", example=example, names=names)),))
    matches = await committees.match_committees(ctx.session, ctx.municipality_id, query)
    if not matches:
        return TurnResult(
            (say(t("tilknyt.ukendt_udvalg", answer=shorten(query, 80), names=names)),)
        )
    if len(matches) > 1:
        found = ", ".join(c.name for c in matches)
        return TurnResult((say(t("tilknyt.flere_udvalg", answer=shorten(query, 80), names=found)),))
    turn = ctx.turn
    linked = await committees.link_channel(
        ctx.session,
        ctx.actor,
        matches[0].id,
        turn.channel_id or turn.conversation_id.split(";")[0],
        turn.team_id,
        turn.service_url,
        turn.now,
    )
    if not linked.digest_schedule:
        return TurnResult((say(t("tilknyt.gjort_uden_plan", committee=linked.name)),))
    upcoming = digests.digest_window(linked.digest_schedule, turn.now).end
    return TurnResult((say(t("tilknyt.gjort", committee=linked.name, next=t.datetime(upcoming))),))
