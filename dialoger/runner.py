"""The shell around `engine.advance`: load, advance, save — inside the turn's transaction.

Progress is written before the replies go out (the caller sends after commit), so a
crash between the two shows the question again rather than a confirmation of nothing.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from dialoger import engine
from dialoger.context import Context
from dialoger.engine import D, Flow
from dialoger.flows import FLOWS
from dialoger.turn import Reply, Target, TurnResult, say, show
from kort.common import notice_card
from store import progress
from store.errors import DomainError
from store.limits import MESSAGE_MAX
from store.views import ProgressView

log = logging.getLogger(__name__)


async def active(ctx: Context) -> ProgressView | None:
    actor = ctx.require_actor()
    found = await progress.active(ctx.session, actor.municipality_id, actor.person_id)
    return ctx.memory.with_card(found) if found else None


async def save(ctx: Context, changed: ProgressView, state: str = progress.ACTIVE) -> ProgressView:
    saved = await progress.save(ctx.session, changed, ctx.turn.now, state=state)
    ctx.after_commit.append(lambda: ctx.memory.card_saved(saved))
    return saved


async def start(ctx: Context, flow: Flow[D], current: ProgressView | None) -> TurnResult:
    """Start `flow`, or pick it up where it was left if it is already under way.
    `current` is the person's active dialogue, which the caller has looked up."""
    if current is not None and current.flow == flow.name:
        return await resume(ctx, current, "dialog.allerede_i_gang")
    data = await flow.load(ctx)
    refusal = flow.refuse(data, ctx.texts)
    if refusal:
        return TurnResult((say(refusal),))
    answers = flow.prefill(data)
    started = await _open(ctx, flow, engine.first_step(flow, answers).name, answers, current)
    notes = (say(ctx.texts("dialog.fortsat")),) if current is not None else ()
    question = engine.ask(flow, started, ctx.turn, data, ctx.texts)
    return TurnResult((*notes, *question), card_owner=started.id)


async def start_at(
    ctx: Context, flow: Flow[D], step: str, answers: dict[str, Any], data: D | None = None
) -> TurnResult:
    """Start `flow` at `step` with `answers` already given (a saved goal or note opened
    again, a meeting chosen on a card); `data`, if the caller has loaded it already."""
    data = await flow.load(ctx) if data is None else data
    refusal = flow.refuse(data, ctx.texts)
    if refusal:
        return TurnResult((say(refusal),))
    started = await _open(ctx, flow, step, answers, await active(ctx))
    question = engine.ask(flow, started, ctx.turn, data, ctx.texts)
    return TurnResult(tuple(question), card_owner=started.id)


async def _open(
    ctx: Context, flow: Flow[D], step: str, answers: dict[str, Any], current: ProgressView | None
) -> ProgressView:
    """A new active dialogue; the one under way, if any, is paused."""
    actor = ctx.require_actor()
    return await progress.start(
        ctx.session, actor.municipality_id, actor.person_id, ctx.turn.conversation_id,
        flow.name, step, ctx.turn.now, answers=answers,
        activity_id=ctx.turn.activity_id, pause=current is not None,
    )  # fmt: skip


async def resume(
    ctx: Context, current: ProgressView, note_key: str, **params: object
) -> TurnResult:
    flow = FLOWS[current.flow]
    data = await flow.load(ctx)
    if (ended := await _gone(ctx, flow, current, data)) is not None:
        return ended
    question = engine.ask(flow, current, ctx.turn, data, ctx.texts)
    return TurnResult((say(ctx.texts(note_key, **params)), *question), card_owner=current.id)


async def too_long(ctx: Context) -> TurnResult:
    """A message longer than any answer may be: said so, and the open question asked
    again with the dialogue as it was. Nothing of the message is kept: half a megabyte
    of text is not an answer to keep for later."""
    limits = {"length": len(ctx.turn.text), "limit": MESSAGE_MAX}
    current = await active(ctx)
    if current is None or current.flow not in FLOWS:
        return TurnResult((say(ctx.texts("dialog.besked_for_lang", **limits)),))
    return await resume(ctx, current, "dialog.besked_for_lang", **limits)


async def answer(ctx: Context, current: ProgressView) -> TurnResult:
    """Apply the turn to the dialogue `current`, and save it when all is answered."""
    current = replace(current, last_activity_id=ctx.turn.activity_id)
    flow = FLOWS.get(current.flow)
    if flow is None:  # a flow that no longer exists: let the person start afresh
        await save(ctx, current, progress.CANCELLED)
        return TurnResult((say(ctx.texts("fejl.ukendt")),))
    data = await flow.load(ctx)
    if (ended := await _gone(ctx, flow, current, data, answering=True)) is not None:
        return ended
    if engine.next_step(flow, current.answers, None) is None:
        return await _finish(ctx, flow, current, data)  # all answered before: save again
    step = engine.advance(flow, current, ctx.turn, data, ctx.texts)
    if step.complete:
        return await _finish(ctx, flow, step.progress, data)
    saved = await save(ctx, step.progress)
    return TurnResult(step.replies, card_owner=saved.id)


async def _finish(ctx: Context, flow: Flow[D], done: ProgressView, data: D) -> TurnResult:
    try:
        # A savepoint: if saving fails, the answers below are still committed.
        async with ctx.session.begin_nested():
            replies = await flow.finish(ctx, done, data)
    except DomainError as refused:
        return await _refused(ctx, flow, done, data, refused)
    except Exception:
        log.exception("saving dialogue %s (%s) failed", done.id, flow.name)
        kept = await save(ctx, done)
        return TurnResult((say(ctx.texts("dialog.gem_fejlede")),), card_owner=kept.id)
    await save(ctx, done, progress.DONE)
    return TurnResult(tuple(replies))


async def _refused(
    ctx: Context, flow: Flow[D], done: ProgressView, data: D, refused: DomainError
) -> TurnResult:
    """The store said no. Keep every answer, and ask again the step the refusal concerns."""
    explanation = say(engine.explain(ctx.texts, refused.key, refused.params))
    # Without a step of its own, the refusal is about the last answer (`send` at a review
    # that still lacks a field): ask that again, so the person can change what is wrong.
    redo = flow.redo_on.get(refused.key, done.step)
    answers = {k: v for k, v in done.answers.items() if k != redo}
    kept = await save(ctx, replace(done, step=redo, answers=answers))
    question = engine.ask(flow, kept, ctx.turn, data, ctx.texts)
    return TurnResult((explanation, *question), card_owner=kept.id)


async def _gone(
    ctx: Context, flow: Flow[D], current: ProgressView, data: D, answering: bool = False
) -> TurnResult | None:
    """End a dialogue whose subject has gone since it began (a goal closed, a unit no
    longer led): say why, give back what the person wrote (with what this turn brings,
    when it `answering`), and close its card so it cannot be sent again."""
    why = await flow.gone(ctx, current, data)
    if why is None:
        return None
    await save(ctx, current, progress.CANCELLED)
    explanation = engine.explain(ctx.texts, why.key, why.params)
    words = engine.written(flow, current, ctx.texts, ctx.turn if answering else None)
    kept = [ctx.texts("dialog.det_du_skrev"), *words] if words else []
    said = "\n\n".join([explanation, *kept])
    if ctx.turn.from_card:
        return TurnResult((show(notice_card(said), Target.REPLACE),))
    replies: list[Reply] = [say(said)]
    if current.card_activity_id:
        replies.append(show(notice_card(explanation), Target.UPDATE, current.card_activity_id))
    return TurnResult(tuple(replies))


async def cancel(ctx: Context, current: ProgressView | None) -> TurnResult:
    """Stop a dialogue. Its card is closed, so it cannot be sent afterwards."""
    if current is None:
        return TurnResult((say(ctx.texts("dialog.intet_at_stoppe")),))
    await save(ctx, current, progress.CANCELLED)
    closed = notice_card(ctx.texts("dialog.stoppet"))
    if ctx.turn.from_card:
        return TurnResult((show(closed, Target.REPLACE),))
    replies: list[Reply] = [say(ctx.texts("dialog.stoppet"))]
    if current.card_activity_id:
        replies.append(show(closed, Target.UPDATE, current.card_activity_id))
    return TurnResult(tuple(replies))


async def reopen(ctx: Context, paused: ProgressView) -> ProgressView:
    """Make a paused dialogue the active one again (its card was used)."""
    actor = ctx.require_actor()
    await progress.pause_others(ctx.session, actor.municipality_id, actor.person_id, paused.id)
    return await save(ctx, paused)


async def go_to(ctx: Context, current: ProgressView, step: str) -> TurnResult:
    """Jump to one step (an edit button on a review card) and ask it again."""
    flow = FLOWS.get(current.flow)
    if flow is None:
        return TurnResult((say(ctx.texts("fejl.ukendt")),))
    data = await flow.load(ctx)
    if (ended := await _gone(ctx, flow, current, data)) is not None:
        return ended
    moved = engine.jump(flow, current, step, ctx.turn, data, ctx.texts)
    saved = await save(ctx, moved.progress)
    return TurnResult(moved.replies, card_owner=saved.id)
