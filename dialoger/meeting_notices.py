"""Telling the leaders of a meeting's units what planning, changing or cancelling it
means for them: one notice each, sent once the turn is saved."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from dialoger.context import Context
from dialoger.turn import Reply, say
from kort import meetings as cards
from kort.summaries import summary_card
from store import conversations, people
from store.enums import MeetingState
from store.meetingviews import MeetingChange
from store.outbox import due_at
from store.profiles import profile
from store.summaries import SummaryChange


async def tell_leaders(
    ctx: Context, done: MeetingChange, taken_off: Collection[int] | None = None
) -> None:
    """`taken_off`: the units a change took off the meeting (by default, all of a told
    leader's units)."""
    meeting, t = done.meeting, ctx.texts
    chosen = profile(ctx.require_actor().profile)
    asked_from = (
        due_at(meeting.starts_at, chosen.meetings.preparation_days, chosen.cycle.closed_days).date()
        if chosen.meetings.preparation_requests
        else None  # a light process asks no one: the leader may prepare of their own accord
    )
    names = await _their_units(ctx, done, taken_off)
    for person in done.invited:
        ctx.notify(person, card=cards.invitation_card(meeting, names[person], asked_from, t))
    for person in done.told_of_change:
        ctx.notify(person, card=cards.changed_card(meeting, done.previous_start, t))
    for person in done.uninvited:
        if meeting.state is MeetingState.CANCELLED:
            ctx.notify(person, card=cards.cancelled_card(meeting, t))
        else:
            ctx.notify(person, card=cards.uninvited_card(meeting, names[person], t))


async def _their_units(
    ctx: Context, done: MeetingChange, taken_off: Collection[int] | None
) -> dict[int, str]:
    """For each leader told, the names of their units the change is about: the invited
    leaders' units in the meeting, the units taken off of the others (a leader of two
    units may lose one and keep the other)."""
    within = [u.id for u in done.meeting.units]
    invited = await people.units_led_by(ctx.session, done.invited, within)
    uninvited = await people.units_led_by(ctx.session, done.uninvited, taken_off)
    names = {person: ", ".join(units) for person, units in {**uninvited, **invited}.items()}
    return {person: names.get(person, "") for person in (*done.invited, *done.uninvited)}


async def told(ctx: Context, said: str, people: Iterable[int]) -> list[Reply]:
    """`said`, with how many leaders were told and how many Pejling cannot write to yet,
    counted apart so the two never contradict each other."""
    wanted = set(people)
    reached = await conversations.reachable(ctx.session, ctx.municipality_id, wanted)
    count = len(wanted & reached)
    line = f"{said} {ctx.texts('moede.besked_sendt', count=count)}" if count else said
    missed = len(wanted - reached)
    return [say(line), *([say(ctx.texts("moede.ikke_naaet", count=missed))] if missed else [])]


async def not_reached(ctx: Context, people: Iterable[int]) -> list[Reply]:
    """A word to the sender about those Pejling cannot write to yet (they have never
    opened it in Teams), so they can be told another way."""
    wanted = set(people)
    reached = await conversations.reachable(ctx.session, ctx.municipality_id, wanted)
    missed = len(wanted - reached)
    return [say(ctx.texts("moede.ikke_naaet", count=missed))] if missed else []


def tell_of_summary(ctx: Context, done: SummaryChange, mode: str, key: str | None = None) -> None:
    """Send the summary, as a card in `mode`, to everyone `done` says is to be told."""
    card = summary_card(done.summary, ctx.texts, mode=mode)
    for person in done.tell:
        ctx.notify(person, ctx.texts(key) if key else None, card)
