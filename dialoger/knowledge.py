"""The committee's knowledge pack on cards: the administration opens it from a dialogue
meeting's card, enters and removes pieces, and posts it to the committee's channel.

Every id a card carries is checked by the store against who presses it."""

from __future__ import annotations

from typing import Any

from dialoger.context import Context, card_id
from dialoger.turn import TurnResult, card_reply, say
from kort.knowledge import FIELDS, knowledge_form_card
from store import committees, knowledge
from store.meetingviews import KnowledgePackView


def _scope(data: Any) -> tuple[int, int]:
    return card_id(data.get("committee"), "moede.udvalg_ukendt"), card_id(
        data.get("period"), "viden.periode_ukendt"
    )


def _form(ctx: Context, found: KnowledgePackView, said: str | None = None) -> TurnResult:
    shown = card_reply(ctx.turn, knowledge_form_card(found, ctx.texts))
    return TurnResult((say(said), shown) if said else (shown,))


async def show(ctx: Context) -> TurnResult:
    """*Udvalgets viden* on a meeting's card: the pack of its committee and period."""
    actor, data = ctx.require_actor(), ctx.turn.data
    if data.get("meeting") is not None:
        meeting_id = card_id(data.get("meeting"), "moede.ukendt")
        return _form(ctx, await knowledge.for_meeting(ctx.session, actor, meeting_id))
    committee_id, period_id = _scope(data)
    return _form(ctx, await knowledge.pack_for(ctx.session, actor, committee_id, period_id))


async def save(ctx: Context) -> TurnResult:
    """A piece from the form: new, or in place of the piece with its title."""
    actor, data = ctx.require_actor(), ctx.turn.data
    committee_id, period_id = _scope(data)
    entered = knowledge.entry({field: data.get(field) for field in FIELDS})
    done = await knowledge.save(ctx.session, actor, committee_id, period_id, entered, ctx.turn.now)
    found = await knowledge.pack_for(ctx.session, actor, committee_id, period_id)
    return _form(ctx, found, ctx.texts("viden.gemt", title=done.title))


async def remove(ctx: Context) -> TurnResult:
    actor = ctx.require_actor()
    item_id = card_id(ctx.turn.data.get("item"), "viden.ukendt")
    found = await knowledge.remove(ctx.session, actor, item_id)
    return _form(ctx, found, ctx.texts("viden.fjernet"))


async def post(ctx: Context) -> TurnResult:
    """*Send til kanalen*: the pack goes to the committee's channel after the turn, once
    for each content of the pack."""
    actor = ctx.require_actor()
    committee_id, period_id = _scope(ctx.turn.data)
    found = await knowledge.pack_for(ctx.session, actor, committee_id, period_id)
    linked = await committees.committees(ctx.session, actor.municipality_id)
    if not any(c.id == committee_id and c.channel_id for c in linked):
        return TurnResult((say(ctx.texts("viden.ingen_kanal", committee=found.committee_name)),))
    planned, new = await knowledge.post(ctx.session, actor, committee_id, period_id, ctx.turn.now)
    if not new:
        return TurnResult((say(ctx.texts("viden.sendt_foer", committee=found.committee_name)),))
    said = say(ctx.texts("viden.sendes", committee=found.committee_name))
    return TurnResult((said,), posted=(planned,))
