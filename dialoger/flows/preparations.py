"""A leader prepares for a dialogue meeting: which meeting (when there are several) →
follow-up on the unit's goals (with a way into the status dialogue for each) → the
unit's status → conditions → challenges → development needs → input from staff and
board. Saved as the unit's preparation note; asked again, it rewrites the note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialoger.context import Context
from dialoger.engine import PENDING, Ask, Asker, Flow, Ok, Parsed, Problem, Step
from dialoger.turn import Reply, Target, card_reply, say, show
from kort import meetings as meeting_cards
from kort.catalogue import Texts
from kort.meeting_forms import choice_card, goals_follow_up_card, preparation_form_card
from store import absences, meetings, status
from store.meetingviews import (
    PREPARATION_FIELDS,
    MeetingUnitView,
    MeetingView,
    PreparationContent,
    PreparationView,
)
from store.profiles import profile
from store.text import fold, shorten
from store.views import GoalView, ProgressView

NAME = "moede:forbered"
CHOICE = "meeting"  # the answer is "<meeting id>:<unit id>"
CHOICE_FIXED = "_meeting_fixed"
REQUIRED = "unit_status"


@dataclass(frozen=True)
class PreparationData:
    pairs: tuple[tuple[MeetingView, MeetingUnitView], ...]
    goals: tuple[GoalView, ...]
    leads: bool
    # The notes written so far, by `key(meeting, unit)`: `forbered` opens one to rewrite.
    notes: Mapping[str, PreparationView] = field(default_factory=dict)

    def chosen(self, answers: Mapping[str, Any]) -> tuple[MeetingView, MeetingUnitView] | None:
        wanted = (answers.get(CHOICE) or {}).get("key")
        return next((p for p in self.pairs if key(*p) == wanted), None)

    def unit_goals(self, answers: Mapping[str, Any]) -> list[GoalView]:
        chosen = self.chosen(answers)
        return [g for g in self.goals if chosen and g.unit_id == chosen[1].id]


def key(meeting: MeetingView, unit: MeetingUnitView) -> str:
    return f"{meeting.id}:{unit.id}"


async def load(ctx: Context) -> PreparationData:
    actor = ctx.require_actor()
    pairs = await meetings.to_prepare(ctx.session, actor, ctx.turn.now)
    uses_goals = profile(actor.profile).uses_goals
    goals = await status.goals_of_leader(ctx.session, actor, ctx.today) if uses_goals else []
    notes = {
        key(m, u): note
        for m, u in pairs
        if u.prepared and (note := await meetings.preparation(ctx.session, m.id, u.id))
    }
    return PreparationData(tuple(pairs), tuple(goals), bool(actor.led_unit_ids), notes)


def refuse(data: PreparationData, texts: Texts) -> str | None:
    if not data.leads:
        return texts("forbered.ingen_enheder")
    if not data.pairs:
        return texts("forbered.ingen_moeder")
    return None


def prefill(data: PreparationData) -> dict[str, Any]:
    """With one meeting to prepare for, the leader is not asked which, and a note already
    written is opened to be rewritten."""
    if len(data.pairs) != 1:
        return {}
    meeting, unit = data.pairs[0]
    return answers_for(data, meeting, unit, data.notes.get(key(meeting, unit)))


def answers_for(
    data: PreparationData, meeting: MeetingView, unit: MeetingUnitView, note: Any = None
) -> dict[str, Any]:
    """The answers a preparation starts with: the meeting, and the note written so far."""
    answers: dict[str, Any] = {CHOICE: _choice(data, meeting, unit), CHOICE_FIXED: True}
    if note is not None:
        written = {k: v for k, v in vars(note.content).items() if v}
        # The status is shown, not answered: the dialogue opens at it (on a card, the whole
        # note on the form) even when every question was answered before.
        answers[PENDING] = {REQUIRED: written.pop(REQUIRED)} if REQUIRED in written else {}
        answers.update(written)
    return answers


def _choice(data: PreparationData, meeting: MeetingView, unit: MeetingUnitView) -> dict[str, Any]:
    """The chosen meeting and unit, and whether the unit has goals to follow up on."""
    has_goals = any(g.unit_id == unit.id for g in data.goals)
    return {"key": key(meeting, unit), "goals": has_goals}


# --- the questions ----------------------------------------------------------------------


def _ask_choice(a: Ask[PreparationData]) -> list[Reply]:
    question = a.texts("forbered.vaelg_moede")
    options = [
        (f"{a.texts.datetime(m.starts_at)} · {m.committee_name} · {u.name}", key(m, u))
        for m, u in a.data.pairs
    ]
    return [
        say(question),
        card_reply(a.turn, choice_card(question, options, a.progress.id, CHOICE, a.texts)),
    ]


def _ask_follow_up(a: Ask[PreparationData]) -> list[Reply]:
    goals = a.data.unit_goals(a.progress.answers)
    question = say(a.texts("forbered.spoerg.goal_follow_up"))
    if a.repeat:
        return [question]
    listed = goals_follow_up_card(goals, a.texts)
    return [question, card_reply(a.turn, listed)]


def _ask_text(name: str) -> Asker[PreparationData]:
    def ask(a: Ask[PreparationData]) -> list[Reply]:
        chosen = a.data.chosen(a.progress.answers)
        unit = chosen[1].name if chosen else ""
        question = say(a.texts(f"forbered.spoerg.{name}", unit=unit))
        if a.turn.from_card:
            return [show(_form(a), Target.REPLACE)]
        if name == REQUIRED and not a.repeat:
            return [question, show(_form(a))]
        return [question]

    return ask


def _form(a: Ask[PreparationData]) -> dict[str, Any]:
    chosen = a.data.chosen(a.progress.answers)
    shown = {**a.progress.answers, **a.progress.answers.get("_pending", {})}
    return preparation_form_card(chosen, shown, a.progress.id, a.texts)


def _parse_choice(raw: Any, data: PreparationData, answers: Mapping[str, Any]) -> Parsed:
    text = fold(str(raw)).strip(" .")
    for number, (meeting, unit) in enumerate(data.pairs, start=1):
        if text in (str(number), key(meeting, unit)):
            return Ok(_choice(data, meeting, unit))
    hits = [
        (m, u)
        for m, u in data.pairs
        if text and (text in fold(u.name) or text in fold(m.committee_name))
    ]
    if len(hits) == 1:
        return Ok(_choice(data, *hits[0]))
    return Problem(
        "forbered.vaelg_ugyldig", {"answer": shorten(str(raw), 60), "count": len(data.pairs)}
    )


def _parse_text(raw: Any, data: PreparationData, answers: Mapping[str, Any]) -> Parsed:
    return Ok(str(raw).strip())


# --- saving -------------------------------------------------------------------------------


async def finish(ctx: Context, progress: ProgressView, data: PreparationData) -> list[Reply]:
    answers = progress.answers
    meeting_id, unit_id = (int(part) for part in str(answers[CHOICE]["key"]).split(":"))
    content = PreparationContent(**{name: answers.get(name) for name in PREPARATION_FIELDS})
    saved = await meetings.save_preparation(
        ctx.session, ctx.require_actor(), meeting_id, unit_id, content, ctx.turn.now
    )
    chosen = data.chosen(answers)
    assert chosen is not None
    card = meeting_cards.preparation_card(saved, chosen[0], ctx.texts)
    said = ctx.texts("forbered.gemt", unit=saved.unit_name, committee=chosen[0].committee_name)
    absent = (await absences.standing_in_for(ctx.session, ctx.require_actor())).get(unit_id)
    if absent is not None:  # written as deputy: say so, as the status receipt does
        said += " " + ctx.texts("fravaer.forberedt_som_stedfortraeder", name=absent)
    return [say(said), card_reply(ctx.turn, card)]


def _has_goals(answers: Mapping[str, Any]) -> bool:
    return bool((answers.get(CHOICE) or {}).get("goals"))


FLOW: Flow[PreparationData] = Flow(
    name=NAME,
    steps=(
        Step(
            CHOICE, _ask_choice, _parse_choice, applies=lambda answers: CHOICE_FIXED not in answers
        ),
        Step("goal_follow_up", _ask_follow_up, _parse_text, optional=True, applies=_has_goals),
        Step(REQUIRED, _ask_text(REQUIRED), _parse_text),
        *(
            Step(name, _ask_text(name), _parse_text, optional=True)
            for name in PREPARATION_FIELDS
            if name not in ("goal_follow_up", REQUIRED)
        ),
    ),
    load=load,
    finish=finish,
    refuse=refuse,
    prefill=prefill,
    redo_on={"forbered.tom": REQUIRED},
)
