"""Meeting commands and meeting card buttons: `dialogmøder`, `nyt dialogmøde`, `forbered`,
`referat`, `pejlemærker`, `sager`, and showing, changing and cancelling a meeting,
sending its pack, sending the summary for comments, commenting and approving it,
recording a matter's decision.

Every id a card carries is checked by the store against who presses it.
"""

from __future__ import annotations

from typing import Any

from dialoger import engine, runner
from dialoger.context import Context, card_id
from dialoger.flows import FLOWS, preparations
from dialoger.flows import meetings as meetings_flow
from dialoger.flows import summaries as summaries_flow
from dialoger.meeting_notices import not_reached, tell_leaders, tell_of_summary, told
from dialoger.turn import Reply, TurnResult, card_reply, say, show
from kort import meetings as cards
from kort.annual_cycle import year_card
from kort.bearings import bearing_decision_inputs, bearings_cards, matter_form_card, matters_card
from kort.summaries import summary_card
from store import (
    annual_cycle,
    bearings,
    committee_meetings,
    committees,
    matters,
    meetings,
    summaries,
)
from store.dates import parse_date
from store.errors import Invalid
from store.outbox import Due, Kind
from store.profiles import profile
from store.views import ProgressView


def _id(value: Any) -> int:
    return card_id(value, "moede.ukendt")


# --- commands -----------------------------------------------------------------------------


async def list_meetings(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    actor = ctx.require_actor()
    found = await meetings.meetings_of(ctx.session, actor, ctx.turn.now)
    card = cards.meetings_card(found, ctx.texts, administration=actor.is_administration)
    return TurnResult((card_reply(ctx.turn, card),))


async def plan(ctx: Context, current: ProgressView | None) -> TurnResult:
    return await runner.start(ctx, FLOWS[meetings_flow.NAME], current)


async def prepare(ctx: Context, current: ProgressView | None) -> TurnResult:
    return await runner.start(ctx, FLOWS[preparations.NAME], current)


async def write_summary(ctx: Context, current: ProgressView | None) -> TurnResult:
    return await runner.start(ctx, FLOWS[summaries_flow.NAME], current)


async def show_bearings(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    """`pejlemærker`: each followed committee's bearings, traced to the goals and status."""
    found = await bearings.of_committees(ctx.session, ctx.require_actor(), ctx.today)
    if not found:
        return TurnResult((say(ctx.texts("pejlemaerker.ingen_udvalg")),))
    administration = ctx.require_actor().is_administration
    return TurnResult(
        tuple(
            show(c)
            for traced in found
            for c in bearings_cards(traced, ctx.texts, administration=administration)
        )
    )


async def decide_bearing(ctx: Context) -> TurnResult:
    """The administration records the committee's decision on a proposed bearing; the
    committee's bearings card again, with the bearing in force."""
    actor, data = ctx.require_actor(), ctx.turn.data
    bearing_id = card_id(data.get("bearing"), "pejlemaerke.ukendt")
    day_input, words_input = bearing_decision_inputs(bearing_id)
    decided_on = parse_date(str(data.get(day_input) or data.get("decided_on") or ""))
    words = data.get(words_input) or data.get("words")
    typed = words if isinstance(words, str) else None  # a forged object is no wording
    done = await bearings.decide(ctx.session, actor, bearing_id, decided_on, typed, ctx.turn.now)
    found = await bearings.of_committees(ctx.session, actor, ctx.today)
    theirs = [c for c in found if any(t.bearing.id == done.id for t in c.bearings)]
    cards = [c for traced in theirs for c in bearings_cards(traced, ctx.texts, administration=True)]
    said = say(ctx.texts("pejlemaerke.besluttet", title=done.title))
    return TurnResult((said, *(show(c) for c in cards)))


async def show_matters(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    actor = ctx.require_actor()
    found = await matters.matters_of(ctx.session, actor)
    card = matters_card(found, ctx.texts, administration=actor.is_administration)
    return TurnResult((card_reply(ctx.turn, card),))


async def show_year(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    """`årshjul`: what is due when for this person, the next twelve months."""
    actor = ctx.require_actor()
    items = await annual_cycle.for_person(ctx.session, actor, ctx.today)
    heading = ctx.texts("aarshjul.titel", name=actor.person_name)
    return TurnResult((show(year_card(items, heading, ctx.texts)),))


# --- meeting buttons --------------------------------------------------------------------------


async def show_meeting(ctx: Context) -> TurnResult:
    actor = ctx.require_actor()
    found = await meetings.meeting(ctx.session, actor, _id(ctx.turn.data.get("meeting")))
    card = cards.meeting_card(
        found, ctx.texts, administration=actor.is_administration, leader_unit_ids=actor.led_unit_ids
    )
    replies: list[Reply] = [card_reply(ctx.turn, card)]
    summary = await summaries.summary_of(ctx.session, actor, found.id)
    if summary is not None:
        mode = (
            "draft" if actor.is_administration and summary.state.value != "approved" else "posted"
        )
        if summary.state.value == "comments" and not actor.is_administration:
            mode = "comment"
        replies.append(show(summary_card(summary, ctx.texts, mode=mode)))
    return TurnResult(tuple(replies))


async def edit_meeting(ctx: Context) -> TurnResult:
    """The planning dialogue on a planned meeting, at its review."""
    actor = ctx.require_actor()
    meetings.require_administration(actor)
    found = await meetings.meeting(ctx.session, actor, _id(ctx.turn.data.get("meeting")))
    answers = meetings_flow.answers_from(found)
    return await runner.start_at(ctx, FLOWS[meetings_flow.NAME], meetings_flow.REVIEW, answers)


async def cancel_meeting(ctx: Context) -> TurnResult:
    actor = ctx.require_actor()
    data = ctx.turn.data
    done = await meetings.cancel(
        ctx.session, actor, _id(data.get("meeting")), _id(data.get("revision")), ctx.turn.now
    )
    await tell_leaders(ctx, done)
    card = cards.meeting_card(done.meeting, ctx.texts, administration=True)
    said = await told(ctx, ctx.texts("moede.aflyst_besked"), done.uninvited)
    return TurnResult((*said, card_reply(ctx.turn, card)))


async def prepare_for(ctx: Context) -> TurnResult:
    """The Forbered button: the preparation dialogue for that meeting and unit."""
    actor = ctx.require_actor()
    data = ctx.turn.data
    flow = FLOWS[preparations.NAME]
    meeting, unit, note = await meetings.preparing(
        ctx.session, actor, _id(data.get("meeting")), _id(data.get("unit"))
    )
    loaded: preparations.PreparationData = await flow.load(ctx)
    answers = preparations.answers_for(loaded, meeting, unit, note)
    return await runner.start_at(ctx, flow, engine.first_step(flow, answers).name, answers, loaded)


async def send_pack(ctx: Context) -> TurnResult:
    """Send the meeting pack now (the administration's button): posted after the turn."""
    actor = ctx.require_actor()
    meetings.require_administration(actor)
    found = await meetings.meeting(ctx.session, actor, _id(ctx.turn.data.get("meeting")))
    linked = {c.id for c in await committees.committees(ctx.session, actor.municipality_id)
              if c.channel_id}  # fmt: skip
    if found.committee_id not in linked:
        return TurnResult((say(ctx.texts("moede.ingen_kanal", committee=found.committee_name)),))
    # A joint meeting's pack goes to each taking part whose channel is linked.
    guests = [(cid, name) for cid, name in found.joint if cid in linked]
    if guests:
        names = ", ".join([found.committee_name, *(name for _, name in guests)])
        said = ctx.texts("moede.pakke_sendes_flere", committees=names)
    else:
        said = ctx.texts("moede.pakke_sendes", committee=found.committee_name)
    unlinked = [say(ctx.texts("moede.ingen_kanal", committee=name))
                for cid, name in found.joint if cid not in linked]  # fmt: skip
    due = Due(actor.municipality_id, Kind.PACK, found.id)
    posts = due.in_every_channel(cid for cid, _ in guests)
    return TurnResult((say(said), *unlinked), dispatch=tuple(posts))


# --- summary buttons ---------------------------------------------------------------------------


async def edit_summary(ctx: Context) -> TurnResult:
    """The summary dialogue for a meeting: a new one, or the saved summary at its review."""
    actor = ctx.require_actor()
    meetings.require_administration(actor)
    meeting_id = _id(ctx.turn.data.get("meeting"))
    saved = await summaries.summary_of(ctx.session, actor, meeting_id)
    flow = FLOWS[summaries_flow.NAME]
    uses_goals = profile(actor.profile).uses_goals
    if saved is not None:
        if saved.state.value == "approved":
            raise Invalid("referat.allerede_godkendt")
        return await runner.start_at(
            ctx, flow, summaries_flow.REVIEW, summaries_flow.answers_from(saved, uses_goals)
        )
    found = await meetings.meeting(ctx.session, actor, meeting_id)
    answers = {
        summaries_flow.MEETING: summaries_flow.choice(found, uses_goals),
        summaries_flow.MEETING_FIXED: True,
    }
    return await runner.start_at(ctx, flow, engine.first_step(flow, answers).name, answers)


async def send_summary(ctx: Context) -> TurnResult:
    actor, data = ctx.require_actor(), ctx.turn.data
    done = await summaries.send_for_comments(
        ctx.session, actor, _id(data.get("summary")), _id(data.get("revision")), ctx.today
    )
    tell_of_summary(ctx, done, "comment")
    deadline = ctx.texts.date(done.deadline)
    told = say(ctx.texts("referat.sendt", count=len(done.tell), date=deadline))
    missed = await not_reached(ctx, done.tell)
    shown = card_reply(ctx.turn, summary_card(done.summary, ctx.texts, mode="draft"))
    return TurnResult((told, *missed, shown))


async def comment_summary(ctx: Context) -> TurnResult:
    actor, data = ctx.require_actor(), ctx.turn.data
    done = await summaries.comment(
        ctx.session, actor, _id(data.get("summary")), _id(data.get("revision")),
        str(data.get("comment") or ""), ctx.turn.now,
    )  # fmt: skip
    note = ctx.texts("referat.kommentar_besked", name=actor.person_name)
    for person in done.tell:  # the writer, with the name of who commented
        ctx.notify(person, note, summary_card(done.summary, ctx.texts, mode="draft"))
    return TurnResult((say(ctx.texts("referat.kommentar_gemt")),))


async def approve_summary(ctx: Context) -> TurnResult:
    """Approve: the bearings come into force, the summary goes to the channel."""
    actor, data = ctx.require_actor(), ctx.turn.data
    done = await summaries.approve(
        ctx.session, actor, _id(data.get("summary")), _id(data.get("revision")), ctx.turn.now
    )
    summary = done.summary
    tell_of_summary(ctx, done, "posted", "referat.godkendt_besked")
    due = Due(actor.municipality_id, Kind.SUMMARY, summary.meeting.id)
    posts = due.in_every_channel(cid for cid, _ in summary.meeting.joint)
    added = len(summary.content.bearings)
    said = ctx.texts("referat.godkendt", count=added, committee=summary.meeting.committee_name)
    if summary.meeting.joint:  # a joint meeting's summary goes to each committee's channel
        others = ", ".join(name for _, name in summary.meeting.joint)
        said += " " + ctx.texts("referat.ogsaa_til", committees=others)
    replies = (say(said), card_reply(ctx.turn, summary_card(summary, ctx.texts, mode="posted")))
    return TurnResult(replies, dispatch=tuple(posts))


async def decide_matter(ctx: Context) -> TurnResult:
    actor, data = ctx.require_actor(), ctx.turn.data
    matter_id = _id(data.get("matter"))
    decided_on = parse_date(
        str(data.get(f"decided_on_{matter_id}") or data.get("decided_on") or "")
    )
    decision = data.get(f"decision_{matter_id}") or data.get("decision")
    done = await matters.decide(
        ctx.session, actor, matter_id, str(decision or ""), decided_on, ctx.turn.now
    )
    found = await matters.matters_of(ctx.session, actor)
    card = matters_card(found, ctx.texts, administration=True)
    return TurnResult(
        (say(ctx.texts("sag.besluttet", title=done.title)), card_reply(ctx.turn, card))
    )


async def edit_matter(ctx: Context) -> TurnResult:
    """The form on which the administration completes a matter for the committee meeting."""
    actor = ctx.require_actor()
    found = await matters.matter(
        ctx.session, actor, card_id(ctx.turn.data.get("matter"), "sag.ukendt")
    )
    later = await matters.later_meetings(ctx.session, actor, found)
    return TurnResult((card_reply(ctx.turn, matter_form_card(found, later, ctx.texts)),))


async def save_matter(ctx: Context) -> TurnResult:
    """The consequences and the committee meeting, from the form; a new date entered there
    becomes one of the committee's meetings first."""
    actor, data = ctx.require_actor(), ctx.turn.data
    found = await matters.matter(ctx.session, actor, card_id(data.get("matter"), "sag.ukendt"))
    listed = _optional_id(data.get("committee_meeting"))
    new_day = str(data.get("new_meeting") or "").strip()
    if new_day:
        day = parse_date(new_day)
        if day is None:
            raise Invalid("moede.dato_ugyldig", answer=new_day)
        added = await committee_meetings.add(
            ctx.session, actor, found.committee_id or 0, day, ctx.today
        )
        listed = added.id
    said = matters.Consequences(
        *(str(data.get(kind) or "") for kind in ("legal", "economic", "staff", "other"))
    )
    done = await matters.complete(ctx.session, actor, found.id, said, listed)
    every = await matters.matters_of(ctx.session, actor)
    card = matters_card(every, ctx.texts, administration=True)
    return TurnResult((say(ctx.texts("sag.gemt", title=done.title)), card_reply(ctx.turn, card)))


def _optional_id(value: Any) -> int | None:
    return card_id(value, "sag.udvalgsmoede_ukendt") if str(value or "").strip() else None
