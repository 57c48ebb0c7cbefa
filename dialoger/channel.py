"""Pejling in a team channel: linking the channel to a committee, and help."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from dialoger import cards
from dialoger.context import Context
from dialoger.intents import Intent, recognise
from dialoger.turn import TurnResult, say
from store import committees, digests
from store.text import shorten

if TYPE_CHECKING:  # the table names this module's `link`
    from dialoger.commands import Command


async def handle(ctx: Context, commands: Mapping[Intent, Command]) -> TurnResult:
    """A card or a command in a team channel; the commands offered there are those with
    an `in_channel` in dialoger/commands.py."""
    if ctx.turn.from_card:
        return await _card(ctx)
    intent = recognise(ctx.turn.text)
    found = commands.get(intent[0]) if intent else None
    if intent and found and found.in_channel is not None:
        return await found.in_channel(ctx, intent[1])
    return TurnResult((say(ctx.texts("fejl.kanal_ukendt")),))


async def _card(ctx: Context) -> TurnResult:
    """The verbs marked `in_channel` in dialoger/cards.ROUTES (the overview's drop-downs)
    work in the channel too, for those who may see the goal."""
    verb = cards.ROUTES.get(ctx.turn.action or "")
    if verb is None or not verb.in_channel:
        return TurnResult((say(ctx.texts("dialog.kort_ukendt_handling")),))
    if ctx.actor is None:
        return TurnResult((say(ctx.texts("fejl.person_ukendt")),))
    return await verb.handler(ctx)


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
