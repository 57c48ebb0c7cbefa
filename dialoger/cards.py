"""Card buttons in a personal chat. The ids a card carries are never trusted: the
dialogue must be the person's own and still open, or the card is closed with a note."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from dialoger import (
    corrections,
    digests,
    evaluations,
    goals,
    joint_meetings,
    knowledge,
    meetings,
    reminders,
    roles,
    runner,
)
from dialoger.context import Context
from dialoger.flows import FLOWS, status
from dialoger.turn import TurnResult, say
from kort import actions
from store import progress


async def handle(ctx: Context) -> TurnResult:
    verb = ROUTES.get(ctx.turn.action or "")
    if verb is None:
        return TurnResult((say(ctx.texts("dialog.kort_ukendt_handling")),))
    return await verb.handler(ctx)


Route = Callable[[Context], Awaitable[TurnResult]]


@dataclass(frozen=True)
class Verb:
    """What a card button's verb does. Pressed in the personal chat, by the person the
    card was sent to; `in_channel`: also pressed in a committee's channel, by anyone
    there Pejling knows (dialoger/channel.py). The ids in the card's data are checked
    again by the store, which decides who may do what."""

    handler: Route
    in_channel: bool = False


def _dialogue(action: str) -> Verb:
    """A button inside an open dialogue (choose, answer, cancel, edit, resume)."""
    return Verb(lambda ctx: _in_dialogue(ctx, action, ctx.turn.data.get("progress")))


async def _start_status(ctx: Context) -> TurnResult:
    return await runner.start(ctx, FLOWS[status.NAME], await runner.active(ctx))


def _data(ctx: Context, name: str) -> Any:
    return ctx.turn.data.get(name)


# The one table from verb to handler: one line per verb. Every card builder names its
# buttons with the constants of `kort.actions`; tests/test_card_routes.py proves each verb
# on every card is here and each entry is reachable from some card.
ROUTES: dict[str, Verb] = {
    # Status and the dialogues' own buttons.
    actions.START_STATUS: Verb(_start_status),
    actions.CHOOSE_GOAL: _dialogue(actions.CHOOSE_GOAL),
    actions.ANSWER: _dialogue(actions.ANSWER),
    actions.CANCEL: _dialogue(actions.CANCEL),
    actions.EDIT_FIELD: _dialogue(actions.EDIT_FIELD),
    actions.RESUME: _dialogue(actions.RESUME),
    actions.CORRECT_STATUS: Verb(corrections.correct),
    actions.WITHDRAW_STATUS: Verb(corrections.withdraw),
    # Goals.
    actions.NEW_GOAL: Verb(lambda ctx: goals.new_goal(ctx, None)),
    actions.MY_GOALS: Verb(lambda ctx: goals.my_goals(ctx)),
    actions.GOAL_FORM: Verb(lambda ctx: goals.show_form(ctx, _data(ctx, "progress"))),
    actions.SHOW_GOAL: Verb(lambda ctx: goals.show_goal(ctx, _data(ctx, "goal"))),
    actions.EDIT_GOAL: Verb(lambda ctx: goals.edit_goal(ctx, _data(ctx, "goal"))),
    actions.CARRY_GOAL: Verb(goals.carry_over),
    actions.APPROVE_GOAL: Verb(lambda ctx: goals.decide(ctx, "approve")),
    actions.RETURN_GOAL: Verb(lambda ctx: goals.decide(ctx, "return")),
    actions.COMMITTEE_APPROVAL: Verb(goals.record_committee),
    actions.START_EVALUATION: Verb(evaluations.from_card),
    actions.ANSWER_MIDWAY: Verb(evaluations.answer_midway),
    actions.COMMENT_GOAL: Verb(goals.comment_goal),
    # Dialogue meetings, their summaries, matters and bearings.
    actions.PLAN_MEETING: Verb(lambda ctx: meetings.plan(ctx, None)),
    actions.SHOW_MEETING: Verb(meetings.show_meeting),
    actions.EDIT_MEETING: Verb(meetings.edit_meeting),
    actions.CANCEL_MEETING: Verb(meetings.cancel_meeting),
    actions.PREPARE: Verb(meetings.prepare_for),
    actions.SEND_PACK: Verb(meetings.send_pack),
    actions.WRITE_SUMMARY: Verb(meetings.edit_summary),
    actions.SEND_SUMMARY: Verb(meetings.send_summary),
    actions.COMMENT_SUMMARY: Verb(meetings.comment_summary),
    actions.APPROVE_SUMMARY: Verb(meetings.approve_summary),
    actions.DECIDE_MATTER: Verb(meetings.decide_matter),
    actions.EDIT_MATTER: Verb(meetings.edit_matter),
    actions.SAVE_MATTER: Verb(meetings.save_matter),
    actions.DECIDE_BEARING: Verb(meetings.decide_bearing),
    # Reminders, roles and the committee's overview.
    actions.SNOOZE: Verb(reminders.snooze_from_card),
    actions.GRANT_ROLE: Verb(roles.grant_from_card),
    actions.REMOVE_ROLE: Verb(roles.remove_from_card),
    actions.SHOW_OVERVIEW: Verb(digests.from_card),
    actions.SHOW_UNIT: Verb(digests.show_unit, in_channel=True),
    actions.OPEN_GOAL: Verb(digests.open_goal, in_channel=True),
    # The committee's knowledge pack, and joint dialogue meetings.
    actions.SHOW_KNOWLEDGE: Verb(knowledge.show),
    actions.SAVE_KNOWLEDGE: Verb(knowledge.save),
    actions.REMOVE_KNOWLEDGE: Verb(knowledge.remove),
    actions.POST_KNOWLEDGE: Verb(knowledge.post),
    actions.CHOOSE_JOINT: Verb(joint_meetings.choose),
    actions.SAVE_JOINT: Verb(joint_meetings.save),
}


async def _in_dialogue(ctx: Context, action: str, progress_id: Any) -> TurnResult:
    actor = ctx.require_actor()
    found = None
    if isinstance(progress_id, str) and progress_id:
        found = await progress.find(
            ctx.session, actor.municipality_id, actor.person_id, progress_id[:36]
        )
    if found is None or found[1] in (progress.DONE, progress.CANCELLED):
        return _stale(ctx)
    current, state = ctx.memory.with_card(found[0]), found[1]
    if action == actions.CANCEL:
        return await runner.cancel(ctx, current)
    if state == progress.PAUSED:
        current = await runner.reopen(ctx, current)
    if action == actions.EDIT_FIELD:
        return await runner.go_to(ctx, current, str(ctx.turn.data.get("field") or ""))
    if action == actions.RESUME:
        return await runner.resume(ctx, current, "dialog.fortsaetter")
    if _left_behind(current, ctx.turn.data):
        return await runner.resume(ctx, current, "tale.kort_forladt")
    return await runner.answer(ctx, current)


def _left_behind(current: Any, data: Any) -> bool:
    """A form for a step the dialogue has not reached: the person went `tilbage` from it,
    so what it holds was not meant to be saved as it stands."""
    flow = FLOWS.get(current.flow)
    names = [step.name for step in flow.steps] if flow else []
    pressed = data.get("step") if isinstance(data, dict) else None
    if pressed not in names or current.step not in names:
        return False
    return names.index(pressed) > names.index(current.step)


def _stale(ctx: Context) -> TurnResult:
    """A card from a finished, cancelled or foreign dialogue: change nothing, and say so.

    The card itself is left alone: after a saved update it shows the receipt, and a
    replayed click must not wipe that.
    """
    return TurnResult((say(ctx.texts("dialog.kort_ikke_aktivt")),))
