"""Joint dialogue meetings on cards: the administration chooses, from a meeting's card,
the other committees taking part; their politicians are told.

Every id a card carries is checked by the store against who presses it."""

from __future__ import annotations

from dialoger.context import Context, card_id
from dialoger.turn import TurnResult, card_reply, say
from kort import meetings as cards
from kort.joint_meetings import joint_form_card, joint_invitation_card
from store import joint_meetings, meetings


def _meeting_id(ctx: Context) -> int:
    return card_id(ctx.turn.data.get("meeting"), "moede.ukendt")


async def choose(ctx: Context) -> TurnResult:
    """*Fælles møde*: the other committees, those taking part chosen."""
    actor = ctx.require_actor()
    meeting_id = _meeting_id(ctx)
    others = await joint_meetings.others(ctx.session, actor, meeting_id)
    found = await meetings.meeting(ctx.session, actor, meeting_id)
    return TurnResult((card_reply(ctx.turn, joint_form_card(found, others, ctx.texts)),))


async def save(ctx: Context) -> TurnResult:
    """The committees from the form; invited politicians get the invitation, those whose
    committee was taken off a line, and the meeting's card comes back."""
    actor = ctx.require_actor()
    raw = str(ctx.turn.data.get("committees") or "")
    chosen = [card_id(part, "moede.udvalg_ukendt") for part in raw.split(",") if part.strip()]
    done = await joint_meetings.set_joint(ctx.session, actor, _meeting_id(ctx), chosen)
    meeting, t = done.meeting, ctx.texts
    for person in done.invited:
        ctx.notify(person, card=joint_invitation_card(meeting, t))
    gone = t("moede.faelles_udmeldt", committee=meeting.committee_name,
             time=t.day_time(meeting.starts_at))  # fmt: skip
    for person in done.uninvited:
        ctx.notify(person, gone)
    names = ", ".join(name for _, name in meeting.joint)
    said = (
        t("moede.faelles_gemt", committees=names, committee=meeting.committee_name)
        if names
        else t("moede.faelles_eget", committee=meeting.committee_name)
    )
    card = cards.meeting_card(meeting, t, administration=True)
    return TurnResult((say(said), card_reply(ctx.turn, card)))
