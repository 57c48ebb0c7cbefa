"""Messages written the way leaders write them, rather than as command words.

Outside a dialogue: a status in one message ("trivsel grøn, legepatruljen virker")
starts the status dialogue with what was understood, a sentence naming a command
("kan jeg se mine mål?") runs it, and a near miss ("stauts") gets "Mente du …?".
Inside a dialogue: a question or a request for a command is answered, never stored as
the answer, and a new one-line status at the confirmation replaces the one shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from dialoger import engine, runner, status_line
from dialoger import goals as goals_dialogue
from dialoger.context import Context
from dialoger.flows import FLOWS
from dialoger.flows import status as status_flow
from dialoger.intents import (
    Intent,
    looks_like_question,
    suggestions,
    understand,
    understand_request,
)
from dialoger.turn import Reply, TurnResult, say
from dialoger.under_way import under_way
from store import goals, progress
from store.text import fold, shorten
from store.views import ProgressView

if TYPE_CHECKING:  # the table names the dialogues, and they read this module
    from dialoger.commands import Command

_FORM_WORDS = frozenset({"formular", "formularen", "vis formular", "udfyld som formular", "form"})


async def status_in_one_message(ctx: Context) -> TurnResult | None:
    """Start the status dialogue with the goal, colour, narrative and evidence a message
    names, at the first thing still missing; None when the message names no colour or
    the writer has no goals to report on."""
    if status_line.color_in(ctx.turn.text) is None:
        return None  # no colour, no status: and no need to look up the goals
    flow = FLOWS[status_flow.NAME]
    data = await flow.load(ctx)
    if flow.refuse(data, ctx.texts):
        return None
    line = status_line.read(ctx.turn.text, data.goals)
    if line is None:
        return None
    answers: dict[str, object] = {
        status_flow.LINE: True,
        "color": line.color.value if line.color else None,
        "evidence": line.evidence,
    }
    if line.goal is not None:
        answers["goal"] = line.goal.id
    elif len(line.goals) < len(data.goals):  # some goals fit: offer those as the choices
        answers[status_flow.CANDIDATES] = [goal.id for goal in line.goals]
    if line.narrative:
        answers["narrative"] = line.narrative
    answers = {k: v for k, v in answers.items() if v is not None or k == "evidence"}
    step = engine.first_step(flow, answers).name
    return await runner.start_at(ctx, flow, step, answers, data)


async def outside_dialogue(
    ctx: Context, commands: Mapping[Intent, Command], unknown_key: str
) -> TurnResult:
    """A message that is no command word, with no dialogue under way."""
    started = await status_in_one_message(ctx)
    if started is not None:
        return started
    found = understand(ctx.turn.text)
    if found is not None:
        return await commands[found[0]].handler(ctx, None)
    return not_understood(ctx, unknown_key)


def not_understood(ctx: Context, unknown_key: str) -> TurnResult:
    """Never a dead end: the nearest commands as "Mente du …?" (quoting what was typed,
    so it can be seen what was misread), else what this person can do."""
    t = ctx.texts
    typed = shorten(ctx.turn.text, 80)
    near = suggestions(ctx.turn.text)
    if near:
        names = [f"**{t(f'kommando.{intent.value}')}**" for intent in near]
        choices = (
            ", ".join(names[:-1]) + f" {t('tale.eller')} " + names[-1]
            if len(names) > 1
            else names[0]
        )
        return TurnResult((say(t("tale.mente_du", text=typed, choices=choices)),))
    return TurnResult((say(t(unknown_key)),))


async def inside_dialogue(
    ctx: Context, current: ProgressView, commands: Mapping[Intent, Command]
) -> TurnResult | None:
    """A question, or a request for the goal form, typed where an answer was expected:
    answered, and the dialogue's question asked again. None: it is an answer."""
    text = ctx.turn.text
    if _another_status(current, text):
        # It replaces the status shown, whose card is closed: Gem on it saves nothing.
        await runner.save(ctx, current, progress.CANCELLED)
        return await status_in_one_message(ctx)
    if current.flow.startswith("maal:") and fold(text).strip(" .!") in _FORM_WORDS:
        return await goals_dialogue.show_form(ctx, current.id)
    question = looks_like_question(text)
    found = understand(text) if question else understand_request(text)
    if found is not None and commands[found[0]].shows:
        shown = await commands[found[0]].handler(ctx, current)
        again = await runner.resume(ctx, current, "hjaelp.i_gang")
        return TurnResult(shown.replies + again.replies, card_owner_after(again))
    if found is not None:  # another dialogue: the one under way waits, as for a command word
        return await commands[found[0]].handler(ctx, current)
    return await runner.resume(ctx, current, "tale.spoergsmaal") if question else None


def _another_status(current: ProgressView, text: str) -> bool:
    """A new status in one message (a colour and a reason) typed where "ja" to the one
    shown was asked for."""
    if current.flow != status_flow.NAME or current.step != status_flow.CONFIRM:
        return False
    line = status_line.read(text, [])
    return line is not None and line.narrative is not None


def card_owner_after(again: TurnResult) -> str | None:
    """The dialogue owns the newest card of a turn only when its question came with one.
    After a help card and a question in plain text, the dialogue's own form is still the
    card its receipt must replace; the help card is not."""
    return again.card_owner if any(reply.card is not None for reply in again.replies) else None


async def unfinished_note(ctx: Context) -> list[Reply]:
    """A greeting's reminder of a dialogue left unfinished, or a goal still a draft."""
    actor = ctx.require_actor()
    paused = await progress.newest_unfinished(ctx.session, actor.municipality_id, actor.person_id)
    if paused is not None:
        return [say(ctx.texts("tale.har_ufaerdig", what=under_way(ctx, paused)))]
    if not actor.led_unit_ids:
        return []
    drafts = [g for g in await goals.goals_of_leader(ctx.session, actor, ctx.today)
              if g.state in goals.EDITABLE]  # fmt: skip
    if not drafts:
        return []
    what = ctx.texts("tale.under_vejs.maal", title=drafts[-1].content.title)
    return [say(ctx.texts("tale.har_ufaerdig", what=what))]
