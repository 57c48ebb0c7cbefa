"""The status dialogue: choose a goal → red / yellow / green → narrative → evidence → saved.

Every step can be answered by typing or on the card; the form card answers colour,
narrative and evidence at once. The goal id a card sends is checked against the
leader's own goals here for a friendly answer, and again by the store when saving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dialoger.context import Context
from dialoger.engine import Ask, Asker, Flow, Ok, Parsed, Problem, Step
from dialoger.status_line import color_in
from dialoger.turn import Reply, Target, card_reply, say, show
from kort.catalogue import Texts
from kort.common import color_explanation, notice_card
from kort.status import (
    goal_list_card,
    status_confirm_card,
    status_form_card,
    status_saved_card,
)
from store import absences, status, status_history
from store.enums import Color, ColorScale
from store.errors import DomainError
from store.profiles import profile
from store.text import fold, shorten
from store.views import GoalView, ProgressView, StatusView

NAME = "status"
# Set when the dialogue began with a status in one message: Pejling shows what it
# understood and saves on "ja" or *Gem* (the `confirm` step), never without asking.
LINE = "_line"
CANDIDATES = "_candidates"  # the goals a one-line status could mean, when not one
CORRECTS = "_corrects"  # the id of her own latest status this dialogue corrects (`ret status`)
CONFIRM = "confirm"
YES_WORDS = frozenset(
    {"ja", "jo", "jep", "ja tak", "ok", "okay", "gem", "gem den", "gem det", "fint", "korrekt",
     "rigtigt", "det er rigtigt", "send", "yes", "save", "👍"}
)  # fmt: skip
EDIT_WORDS = frozenset({"ret", "nej", "ret den", "ret status", "aendr", "edit", "no"})
COLOR_WORDS = {
    Color.RED: {"roed", "rod", "red", "r", "🔴"},
    Color.YELLOW: {"gul", "yellow", "y", "🟡"},
    Color.GREEN: {"groen", "gron", "green", "🟢"},
}


@dataclass(frozen=True)
class StatusData:
    goals: tuple[GoalView, ...]
    leads_units: bool
    uses_goals: bool = True
    scale: ColorScale = ColorScale.EXPECTED  # what the colours mean in a status
    # Unit id → the absent leader whose unit the person reports for as deputy today.
    deputy_for: Mapping[int, str] = field(default_factory=dict)

    def goal(self, goal_id: Any) -> GoalView | None:
        return next((g for g in self.goals if str(g.id) == str(goal_id)), None)


async def load(ctx: Context) -> StatusData:
    actor = ctx.require_actor()
    if not profile(actor.profile).uses_goals:
        return StatusData((), bool(actor.led_unit_ids), uses_goals=False)
    goals = await status.goals_of_leader(ctx.session, actor, ctx.today)
    deputies = await absences.standing_in_for(ctx.session, actor)
    scale = profile(actor.profile).colors.status
    return StatusData(tuple(goals), bool(actor.led_unit_ids), deputy_for=deputies, scale=scale)


def refuse(data: StatusData, texts: Texts) -> str | None:
    if not data.uses_goals:
        return texts("maal.bruges_ikke")
    if not data.leads_units:
        return texts("status.ingen_enheder")
    if not data.goals:
        return texts("status.ingen_maal")
    return None


# --- choose a goal -------------------------------------------------------------------


def offered(data: StatusData, answers: Mapping[str, Any]) -> list[GoalView]:
    """The goals to choose among: those a one-line status could mean, else all."""
    wanted = answers.get(CANDIDATES) or []
    chosen = [g for g in data.goals if g.id in wanted]
    return chosen or list(data.goals)


def ask_goal(a: Ask[StatusData]) -> list[Reply]:
    goals = offered(a.data, a.progress.answers)
    card = goal_list_card(goals, a.progress.id, a.progress.step, a.texts, a.data.deputy_for)
    question = a.texts("status.vaelg_maal")
    color = a.progress.answers.get("color")
    if a.progress.answers.get(LINE) and color:
        question = a.texts("status.hvilket_maal", color=a.texts(f"farve.{color}"))
    if a.repeat:
        return [] if a.turn.from_card else [say(question)]
    return [say(question), card_reply(a.turn, card)]


def parse_goal(raw: Any, data: StatusData, answers: Mapping[str, Any]) -> Parsed:
    return choose_goal(raw, offered(data, answers), "status.vaelg_maal_ugyldig")


def choose_goal(raw: Any, goals: Sequence[Any], invalid: str) -> Parsed:
    """A typed number from the list of `goals`, or a word of one goal's title; else the
    text `invalid` says what to type (the status and the evaluation dialogues)."""
    text = str(raw).strip().rstrip(".")
    if text.isdigit() and 1 <= int(text) <= len(goals):
        return Ok(goals[int(text) - 1].id)
    wanted = fold(text)
    hits = [g for g in goals if wanted and wanted in fold(g.title)]
    if len(hits) == 1:
        return Ok(hits[0].id)
    return Problem(invalid, {"answer": shorten(text, 60), "count": len(goals)})


def parse_goal_id(raw: Any, data: StatusData, answers: Mapping[str, Any]) -> Parsed:
    """A goal id from card data. Anything but one of the leader's own goals is refused."""
    chosen = data.goal(raw)
    return Ok(chosen.id) if chosen else Problem("status.not_your_goal")


# --- colour, narrative and evidence ---------------------------------------------------


def _form(a: Ask[StatusData]) -> dict[str, Any]:
    goal = a.data.goal(a.progress.answers.get("goal"))
    if goal is None:  # gone since it was chosen: `gone` ends the dialogue before asking
        return notice_card(a.texts("status.unknown_goal"))
    shown = {**a.progress.answers, **a.progress.answers.get("_pending", {})}
    deputy = a.data.deputy_for.get(goal.unit_id)
    return status_form_card(
        goal, a.progress.id, a.progress.step, shown, a.texts, deputy, a.data.scale
    )


def ask_color(a: Ask[StatusData]) -> list[Reply]:
    goal = a.data.goal(a.progress.answers.get("goal"))
    question = say(
        a.texts("status.spoerg_farve", goal=goal.title if goal else "")
        + "\n\n"
        + color_explanation(a.data.scale, a.texts)
    )
    if a.turn.from_card:
        return [show(_form(a), Target.REPLACE)]
    return [question] if a.repeat else [question, show(_form(a))]


def parse_color(raw: Any, data: StatusData, answers: Mapping[str, Any]) -> Parsed:
    word = fold(str(raw)).strip(" .!")
    for color, words in COLOR_WORDS.items():
        if word == color.value or word in words:
            return Ok(color.value)
    # "gult", "det er grønt", "grønt lys", "🟢": every form a colour is written in.
    said = color_in(str(raw)) if len(word) <= 40 else None
    if said is not None:
        return Ok(said.value)
    return Problem("status.farve_ugyldig", {"answer": shorten(str(raw), 60)})


def _text_step(key: str) -> Asker[StatusData]:
    def ask_it(a: Ask[StatusData]) -> list[Reply]:
        if a.turn.from_card:
            return [show(_form(a), Target.REPLACE)]
        return [say(a.texts(key))]

    return ask_it


def parse_narrative(raw: Any, data: StatusData, answers: Mapping[str, Any]) -> Parsed:
    try:
        return Ok(status.check_narrative(str(raw)))
    except DomainError as error:
        return Problem.of(error)


def parse_evidence(raw: Any, data: StatusData, answers: Mapping[str, Any]) -> Parsed:
    try:
        return Ok(status.check_evidence(str(raw)))
    except DomainError as error:
        return Problem.of(error)


# --- a status in one message: confirm what was understood -----------------------------


def ask_confirm(a: Ask[StatusData]) -> list[Reply]:
    goal = a.data.goal(a.progress.answers.get("goal"))
    if goal is None:
        return [say(a.texts("status.unknown_goal"))]
    answers = a.progress.answers
    card = status_confirm_card(goal, dict(answers), a.progress.id, a.progress.step, a.texts)
    color = a.texts(f"farve.{answers.get('color')}")
    question = say(a.texts("status.forstaaet", goal=goal.title, color=color))
    if a.turn.from_card:
        return [show(card, Target.REPLACE)]
    return [question] if a.repeat else [question, show(card)]


def parse_confirm(raw: Any, data: StatusData, answers: Mapping[str, Any]) -> Parsed:
    if fold(str(raw)).strip(" .!") in YES_WORDS:
        return Ok(True)
    return Problem("status.bekraeft_ugyldig")


def navigate(progress: ProgressView, text: str, data: StatusData, texts: Texts) -> str | None:
    """At the confirmation, "ret" or "nej" opens the form with what was understood."""
    if progress.step == CONFIRM and fold(text).strip(" .!") in EDIT_WORDS:
        return "color"
    return None


# --- saving ----------------------------------------------------------------------------


async def gone(ctx: Context, progress: ProgressView, data: StatusData) -> DomainError | None:
    """The chosen goal is no longer one the leader can report on (closed in the night at
    the end of its period, or its unit no longer hers): the store says why."""
    chosen = progress.answers.get("goal")
    if chosen is None or data.goal(chosen) is not None:
        return None
    return await status.why_not_reportable(ctx.session, ctx.require_actor(), int(chosen))


async def finish(ctx: Context, progress: ProgressView, data: StatusData) -> list[Reply]:
    answers: Mapping[str, Any] = progress.answers
    if answers.get(CORRECTS):
        return await _correct(ctx, progress, data)
    goal, saved = await status.record_status(
        ctx.session,
        ctx.require_actor(),
        int(answers["goal"]),
        Color(answers["color"]),
        answers["narrative"],
        answers.get("evidence"),
        ctx.turn.now,
    )
    own = await status_history.latest_own(ctx.session, ctx.require_actor(), ctx.today, goal.id)
    receipt = status_saved_card(goal, saved, ctx.texts, own.id if own else None)
    return _receipt(ctx, progress, receipt, _thanks(ctx, goal, saved))


async def _correct(ctx: Context, progress: ProgressView, data: StatusData) -> list[Reply]:
    """Save a correction: only while the status is still her latest on the goal."""
    answers = progress.answers
    actor = ctx.require_actor()
    update = await status_history.latest_own(ctx.session, actor, ctx.today, int(answers["goal"]))
    goal = data.goal(answers["goal"])
    if update is None or goal is None or update.id != int(answers[CORRECTS]):
        return [say(ctx.texts("status.kan_ikke_rettes"))]
    await status_history.correct(
        ctx.session, actor, update, Color(answers["color"]), answers["narrative"],
        answers.get("evidence"), ctx.turn.now,
    )  # fmt: skip
    saved = StatusView(
        Color(update.color), update.narrative, update.evidence, update.reported_at,
        actor.person_name, corrected_at=update.corrected_at,
    )  # fmt: skip
    receipt = status_saved_card(goal, saved, ctx.texts, update.id)
    color = ctx.texts(f"farve.{saved.color}")
    return _receipt(
        ctx, progress, receipt, ctx.texts("status.rettet", goal=goal.title, color=color)
    )


def _receipt(
    ctx: Context, progress: ProgressView, receipt: dict[str, Any], said: str
) -> list[Reply]:
    thanks = say(said)
    if ctx.turn.from_card:
        return [show(receipt, Target.REPLACE)]
    if progress.card_activity_id:
        # The form the leader did not use becomes the receipt, so it cannot be sent again.
        return [thanks, show(receipt, Target.UPDATE, progress.card_activity_id)]
    return [thanks, show(receipt)]


def _thanks(ctx: Context, goal: GoalView, saved: StatusView) -> str:
    said = ctx.texts("status.gemt", goal=goal.title, color=ctx.texts(f"farve.{saved.color}"))
    if saved.deputy_for is None:
        return said
    return f"{said} {ctx.texts('fravaer.meldt_som_stedfortraeder', name=saved.deputy_for)}"


FLOW: Flow[StatusData] = Flow(
    name=NAME,
    steps=(
        Step("goal", ask_goal, parse_goal, parse_card=parse_goal_id),
        Step("color", ask_color, parse_color),
        Step("narrative", _text_step("status.spoerg_fortaelling"), parse_narrative),
        Step("evidence", _text_step("status.spoerg_dokumentation"), parse_evidence, optional=True),
        Step(CONFIRM, ask_confirm, parse_confirm, applies=lambda answers: bool(answers.get(LINE))),
    ),
    navigate=navigate,
    load=load,
    finish=finish,
    refuse=refuse,
    gone=gone,
    own_words={"narrative": None, "evidence": "status.kort.dokumentation"},
    # The goal was closed, or the leader lost the unit, between the last turn and saving.
    redo_on={"status.unknown_goal": "goal", "status.not_your_goal": "goal"},
)
