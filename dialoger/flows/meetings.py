"""Planning a dialogue meeting: committee → day → time → meeting model → units → theme →
place → review. The administration answers by typing or on one form card; the same
dialogue, started from a planned meeting, changes it.

Units are named the way people think of them: a unit type ("dagtilbud": all of them),
an area ("Nord"), names, or numbers from the list. The store's rules for a plan are
checked as soon as the units are known, so a wrong choice is asked again at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from dialoger.context import Context, card_id
from dialoger.engine import Ask, Asker, Flow, Ok, Parsed, Problem, Step, named_part
from dialoger.meeting_notices import tell_leaders, told
from dialoger.turn import Reply, Target, card_reply, say, show
from kort import meetings as meeting_cards
from kort.catalogue import Texts
from kort.meeting_forms import choice_card, planning_form_card, planning_review_card
from store import meetings
from store.dates import LOCAL_TIME, read_day, read_time
from store.enums import MeetingModel
from store.errors import DomainError
from store.meetingviews import MeetingPlan, MeetingView, PlanningCommittee
from store.text import fold, shorten
from store.views import ProgressView

NAME = "moede:planlaeg"
REVIEW = "review"
COMMITTEE_FIXED = "_committee_fixed"
MEETING = "_meeting"  # the planned meeting being changed: {"id", "revision"}
PLAN_WORDS = frozenset({"planlaeg", "gem", "ja", "ok", "send", "plan", "save"})
_SPLIT = re.compile(r"\s*(?:,|;|\bog\b|\band\b|\n)\s*")
FIELDS = ("committee", "day", "time", "model", "units", "theme", "place")


@dataclass(frozen=True)
class PlanningData:
    committees: tuple[PlanningCommittee, ...]
    now: datetime
    administration: bool

    def committee(self, answers: Mapping[str, Any]) -> PlanningCommittee | None:
        wanted = answers.get("committee")
        return next((c for c in self.committees if c.id == wanted), None)


async def load(ctx: Context) -> PlanningData:
    actor = ctx.require_actor()
    if not actor.is_administration:
        return PlanningData((), ctx.turn.now, False)
    return PlanningData(await meetings.planning_committees(ctx.session, actor), ctx.turn.now, True)


def refuse(data: PlanningData, texts: Texts) -> str | None:
    if not data.administration:
        return texts("moede.kun_administration")
    if not data.committees:
        return texts("moede.ingen_udvalg")
    return None


def prefill(data: PlanningData) -> dict[str, Any]:
    if len(data.committees) == 1:
        return {"committee": data.committees[0].id, COMMITTEE_FIXED: True}
    return {}


def answers_from(meeting: MeetingView) -> dict[str, Any]:
    """A planned meeting as the answers of a dialogue that changes it."""
    local = meeting.starts_at.astimezone(LOCAL_TIME)
    return {
        "committee": meeting.committee_id,
        COMMITTEE_FIXED: True,
        "day": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "model": int(meeting.model),
        "units": [u.id for u in meeting.units],
        "theme": meeting.theme,
        "place": meeting.place,
        MEETING: {"id": meeting.id, "revision": meeting.revision},
    }


def plan_from(answers: Mapping[str, Any]) -> MeetingPlan:
    return MeetingPlan(
        committee_id=answers["committee"],
        starts_at=starts_at(answers["day"], answers["time"]),
        model=MeetingModel(answers["model"]),
        unit_ids=tuple(answers["units"]),
        theme=answers.get("theme"),
        place=answers.get("place"),
    )


def starts_at(day: str, at: str) -> datetime:
    """A day and a time of day, in Danish time."""
    hour, minute = (int(part) for part in at.split(":"))
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=LOCAL_TIME)


# --- the questions ----------------------------------------------------------------------


def _ask(name: str) -> Asker[PlanningData]:
    def ask(a: Ask[PlanningData]) -> list[Reply]:
        committee = a.data.committee(a.progress.answers)
        question = say(_question(name, committee, a.texts))
        if a.repeat and not a.turn.from_card:
            return [question]
        if name == "committee":
            options = [(c.name, str(c.id)) for c in a.data.committees]
            card = choice_card(question.text or "", options, a.progress.id, name, a.texts)
            return [question, card_reply(a.turn, card)]
        if name == "day" and committee is not None:
            shown = {**a.progress.answers, **a.progress.answers.get("_pending", {})}
            form = planning_form_card(committee, shown, a.progress.id, a.texts)
            return [question, card_reply(a.turn, form)]
        return [show(_form(a), Target.REPLACE)] if a.turn.from_card else [question]

    return ask


def _form(a: Ask[PlanningData]) -> dict[str, Any]:
    committee = a.data.committee(a.progress.answers)
    shown = {**a.progress.answers, **a.progress.answers.get("_pending", {})}
    return planning_form_card(committee, shown, a.progress.id, a.texts)


def _question(name: str, committee: PlanningCommittee | None, texts: Texts) -> str:
    if name == "units" and committee is not None:
        listed = "\n".join(
            f"{n}. {u.name} ({u.unit_type}{', ' + u.area if u.area else ''})"
            for n, u in enumerate(committee.units, start=1)
        )
        return texts("moede.spoerg.units", committee=committee.name, units=listed)
    return texts(f"moede.spoerg.{name}")


def _ask_review(a: Ask[PlanningData]) -> list[Reply]:
    committee = a.data.committee(a.progress.answers)
    card = planning_review_card(
        committee,
        plan_from(a.progress.answers),
        a.progress.id,
        REVIEW,
        MEETING in a.progress.answers,
        a.texts,
    )
    return [say(a.texts("moede.spoerg.review")), card_reply(a.turn, card)]


# --- reading the answers ------------------------------------------------------------------


def _parse_committee(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    text = fold(str(raw)).strip(" .")
    for number, committee in enumerate(data.committees, start=1):
        if text in (str(number), str(committee.id), fold(committee.name)):
            return Ok(committee.id)
    hits = [c for c in data.committees if text and text in fold(c.name)]
    if len(hits) == 1:
        return Ok(hits[0].id)
    return Problem("moede.udvalg_ugyldigt", {"answer": shorten(str(raw), 60)})


def _parse_day(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    day = read_day(str(raw), data.now.astimezone(LOCAL_TIME).date())
    if day is None:
        return Problem("moede.dato_ugyldig", {"answer": shorten(str(raw), 60)})
    if day < data.now.astimezone(LOCAL_TIME).date():
        return Problem("moede.tid_forbi", {"when": day})
    return Ok(day.isoformat())


def _parse_time(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    found = read_time(str(raw))
    if found is None:
        return Problem("moede.tid_ugyldig", {"answer": shorten(str(raw), 60)})
    at = found.strftime("%H:%M")
    day = answers.get("day")
    if day and starts_at(day, at) <= data.now:
        return Problem("moede.tid_forbi", {"when": starts_at(day, at)})
    return Ok(at)


def _parse_model(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    text = fold(str(raw)).strip(" .").removeprefix("model").strip()
    if text in ("1", "2", "3"):
        return Ok(int(text))
    return Problem("moede.model_ugyldig", {"answer": shorten(str(raw), 60)})


def _parse_units(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    committee = data.committee(answers)
    if committee is None:
        return Problem("moede.udvalg_ugyldigt", {"answer": ""})
    chosen: list[int] = []
    for part in (p for p in _SPLIT.split(str(raw).strip()) if p.strip()):
        found = pick_units(part, committee)
        if not found:
            return Problem("moede.enhed_ukendt", {"answer": shorten(part, 60)})
        chosen += found
    return _checked(chosen, data, answers)


def _parse_unit_ids(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    """Card data: the ids a multi-select sends, comma separated."""
    try:
        ids = [card_id(p, "moede.enhed_ukendt") for p in str(raw).split(",") if p.strip()]
    except DomainError as refused:
        return Problem(refused.key, {"answer": shorten(str(raw), 60)})
    return _checked(ids, data, answers)


def _checked(chosen: list[int], data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    """The store's rules for the plan, now that the units are known."""
    committee = data.committee(answers)
    assert committee is not None
    wanted = MeetingPlan(
        committee.id, _when(answers, data), MeetingModel(answers.get("model") or 2), tuple(chosen)
    )
    try:
        checked = meetings.check_plan(wanted, committee, data.now)
    except DomainError as refused:
        return Problem.of(refused)
    return Ok(list(checked.unit_ids))


def _when(answers: Mapping[str, Any], data: PlanningData) -> datetime:
    if answers.get("day") and answers.get("time"):
        return starts_at(answers["day"], answers["time"])
    return datetime.max.replace(tzinfo=LOCAL_TIME)  # not known yet: checked when it is


def pick_units(part: str, committee: PlanningCommittee) -> list[int]:
    """The units one part of an answer names: a number, "alle", a unit type, an area or
    (a unique part of) a unit's name."""
    text = fold(part).strip(" .")
    if text.isdigit() and 1 <= int(text) <= len(committee.units):
        return [committee.units[int(text) - 1].id]
    if text in ("alle", "all"):
        return [u.id for u in committee.units]
    by_type = [u.id for u in committee.units if fold(u.unit_type) == text]
    by_area = [
        u.id
        for u in committee.units
        if u.area and text in (fold(u.area), f"omraade {fold(u.area)}")
    ]
    exact = [u.id for u in committee.units if fold(u.name) == text]
    partial = [u.id for u in committee.units if text and text in fold(u.name)]
    for found in (exact, by_type, by_area):
        if found:
            return found
    return partial if len(partial) == 1 else []


def _parse_text(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    return Ok(str(raw).strip())


def _parse_review(raw: Any, data: PlanningData, answers: Mapping[str, Any]) -> Parsed:
    if fold(str(raw)).strip(" .!") in PLAN_WORDS:
        return Ok("plan")
    return Problem("moede.review_ugyldig")


def _navigate(progress: ProgressView, text: str, data: PlanningData, texts: Texts) -> str | None:
    """At the review, "ret tidspunkt" or a field's label goes back to that question."""
    if progress.step != REVIEW:
        return None
    return named_part(text, {name: texts(f"moede.felt.{name}") for name in FIELDS})


# --- saving -------------------------------------------------------------------------------


async def finish(ctx: Context, progress: ProgressView, data: PlanningData) -> list[Reply]:
    """Plan (or change) the meeting and tell the leaders it concerns."""
    actor = ctx.require_actor()
    answers = progress.answers
    editing = answers.get(MEETING)
    taken_off: set[int] = set()
    if editing:
        before = await meetings.unit_ids(ctx.session, editing["id"])
        done = await meetings.change(
            ctx.session, actor, editing["id"], editing["revision"], plan_from(answers), ctx.turn.now
        )
        taken_off = before - {u.id for u in done.meeting.units}
    else:
        done = await meetings.plan(ctx.session, actor, plan_from(answers), ctx.turn.now)
    await tell_leaders(ctx, done, taken_off)
    key = "moede.aendret" if editing else "moede.planlagt"
    meeting = done.meeting
    card = meeting_cards.meeting_card(meeting, ctx.texts, administration=True)
    leaders = (*done.invited, *done.uninvited, *done.told_of_change)
    when = ctx.texts.datetime(meeting.starts_at)
    said = ctx.texts(key, committee=meeting.committee_name, when=when)
    return [*await told(ctx, said, leaders), card_reply(ctx.turn, card)]


FLOW: Flow[PlanningData] = Flow(
    name=NAME,
    steps=(
        Step("committee", _ask("committee"), _parse_committee,
             applies=lambda answers: COMMITTEE_FIXED not in answers),
        Step("day", _ask("day"), _parse_day),
        Step("time", _ask("time"), _parse_time),
        Step("model", _ask("model"), _parse_model),
        Step("units", _ask("units"), _parse_units, parse_card=_parse_unit_ids),
        Step("theme", _ask("theme"), _parse_text, optional=True),
        Step("place", _ask("place"), _parse_text, optional=True),
        Step(REVIEW, _ask_review, _parse_review),
    ),
    load=load,
    finish=finish,
    refuse=refuse,
    navigate=_navigate,
    prefill=prefill,
    redo_on={
        "moede.tid_forbi": "day",
        "moede.enhed_udenfor": "units",
        "moede.model1_en_type": "units",
        "moede.model3_en_enhed": "units",
        "moede.ingen_enheder": "units",
    },
)  # fmt: skip
