"""What registering or ending an absence tells whom: a receipt to the sender, and a notice
to the deputy, to the absent person (when someone else registered it) and to deputies who
no longer stand in. Notices are sent once the turn is saved."""

from __future__ import annotations

from functools import partial

from dialoger.context import Context
from dialoger.turn import Reply, card_reply, say
from kort.absences import absences_card, period_text
from store import absences, conversations
from store.views import AbsenceView, Colleague


async def registered(ctx: Context, person: Colleague, done: absences.Registered) -> list[Reply]:
    """The receipt, and the notices the new absence calls for."""
    absence, t = done.absence, ctx.texts
    _tell_deputy(ctx, person, absence)
    _forget(ctx, absence.deputy_id, *done.former_deputies)
    actor = ctx.require_actor()
    period, deputy = _period(absence, ctx), _deputy_line(absence, ctx)
    if person.id != actor.person_id:
        told = t("fravaer.besked.meldt_for_dig", by=actor.person_name, period=period, deputy=deputy)
        ctx.notify(person.id, told)
    for former in done.former_deputies:
        ctx.notify(former, t("fravaer.besked.ikke_laengere", absent=person.name, period=period))
    key = "fravaer.gemt" if person.id == actor.person_id else "fravaer.gemt_anden"
    lines = [t(key, name=person.name, period=period), deputy]
    if done.replaced:
        lines.append(t("fravaer.erstatter"))
    shown = sorted((absence, *done.remaining), key=lambda a: a.starts_on)
    replies = [say(" ".join(lines)), *await _not_reached(ctx, absence)]
    return [*replies, card_reply(ctx.turn, absences_card(shown, (), t))]


def _tell_deputy(ctx: Context, person: Colleague, absence: AbsenceView) -> None:
    if absence.deputy_id is None or absence.deputy_id == ctx.require_actor().person_id:
        return
    period = _period(absence, ctx)
    units = ", ".join(person.units)
    key = "fravaer.besked.stedfortraeder" if units else "fravaer.besked.stedfortraeder_uden_enheder"
    ctx.notify(absence.deputy_id, ctx.texts(key, absent=person.name, period=period, units=units))


def ended(ctx: Context, done: absences.Ended) -> str:
    """What the sender is told when their absence ends early; the deputy is told too."""
    before, t = done.before, ctx.texts
    _forget(ctx, before.deputy_id)
    if before.deputy_id is not None:
        key = "fravaer.besked.slut" if done.after else "fravaer.besked.aflyst"
        ctx.notify(before.deputy_id, t(key, absent=before.person_name, period=_period(before, ctx)))
    if done.after is None:
        return t("fravaer.slut.aflyst", period=_period(before, ctx))
    return t("fravaer.slut.afsluttet", ends=t.date(done.after.ends_on))


def _period(absence: AbsenceView, ctx: Context) -> str:
    return period_text(absence.starts_on, absence.ends_on, ctx.texts)


def _deputy_line(absence: AbsenceView, ctx: Context) -> str:
    if absence.deputy_name is None:
        return ctx.texts("fravaer.uden_stedfortraeder")
    return ctx.texts("fravaer.med_stedfortraeder", name=absence.deputy_name)


async def _not_reached(ctx: Context, absence: AbsenceView) -> list[Reply]:
    """A word when Pejling cannot write to the deputy yet (they never opened it in Teams)."""
    if absence.deputy_id is None or absence.deputy_id == ctx.require_actor().person_id:
        return []
    wanted = {absence.deputy_id}
    reached = await conversations.reachable(ctx.session, ctx.municipality_id, wanted)
    if wanted <= reached:
        return []
    return [say(ctx.texts("fravaer.ikke_naaet", name=absence.deputy_name))]


def _forget(ctx: Context, *people: int | None) -> None:
    """Deputies' roles change with the absence: once it is saved, read them afresh."""
    for person in (p for p in people if p is not None):
        ctx.after_commit.append(partial(ctx.memory.forget_person, person))
