"""The facilitator records a dialogue meeting's summary, guided: which meeting → a summary
per unit (and the follow-up on its goals) → general → the political bearings agreed →
matters for formal decision, each with its legal, economic and staff consequences →
follow-ups → review. Saving makes (or changes) the draft; sending it for comments and
approving it are buttons on the draft's card.

Bearings, matters and follow-ups are asked for one at a time, until the facilitator
says `færdig` (the steps are slots declared up front: slot i applies once slot i-1 holds
one). One message each:
- a bearing: `[N:] [whom:] title [- description]`, where `N:` gives bearing N of the list
  new words, and `whom` is a unit type ("Dagtilbud"), an area ("Område Nord") or a unit;
- a follow-up: `what; who; by when`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dialoger.context import Context
from dialoger.engine import Applies, Ask, Asker, Flow, Ok, Parsed, Parser, Problem, Step, named_part
from dialoger.meeting_notices import tell_of_summary
from dialoger.turn import Reply, card_reply, say
from kort.catalogue import Texts
from kort.meeting_forms import choice_card, summary_review_card
from kort.summaries import summary_card
from store import meetings, summaries
from store.dates import parse_date, read_day
from store.enums import BearingScope, MeetingState, SummaryState
from store.meetingviews import (
    AgreedBearing,
    AgreedMatter,
    FollowUpView,
    MeetingView,
    SummaryContent,
    SummaryView,
    UnitSummary,
)
from store.profiles import profile
from store.text import fold, shorten
from store.views import BearingView, ProgressView, Scope

NAME = "moede:referat"
MEETING = "meeting"
MEETING_FIXED = "_meeting_fixed"
REVIEW = "review"
MAX_UNITS = 60  # a committee's largest meeting; steps are declared up front
MAX_MATTERS = 10
MAX_BEARINGS = 15
MAX_FOLLOW_UPS = 15
DONE_WORDS = frozenset({"faerdig", "done", "ingen", "ingen flere", "nej", "slet"})
CONSEQUENCES = ("legal", "economic", "staff")
SAVE_WORDS = frozenset({"gem", "gem kladde", "ja", "ok", "save"})
_REPLACES = re.compile(r"^(?:ret\s+)?(\d{1,2})\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)
_DESCRIBED = re.compile(r"\s+[-–]\s+")
PARTS = ("units", "general", "bearings", "matters", "follow_ups")


@dataclass(frozen=True)
class Writing:
    """A meeting the summary can be written for, with what its bearings may name."""

    meeting: MeetingView
    scopes: summaries.Scoping
    bearings: tuple[BearingView, ...]
    saved: SummaryView | None = None  # the draft so far, if there is one


@dataclass(frozen=True)
class SummaryData:
    meetings: tuple[Writing, ...]
    uses_goals: bool
    administration: bool
    today: date | None = None  # a follow-up's deadline written without a year

    def chosen(self, answers: Mapping[str, Any]) -> Writing | None:
        wanted = (answers.get(MEETING) or {}).get("id")
        return next((w for w in self.meetings if w.meeting.id == wanted), None)


async def load(ctx: Context) -> SummaryData:
    actor = ctx.require_actor()
    uses_goals = profile(actor.profile).uses_goals
    if not actor.is_administration:
        return SummaryData((), uses_goals, False, ctx.today)
    found = [
        m
        for m in await meetings.meetings_of(ctx.session, actor, ctx.turn.now)
        if m.state is MeetingState.PLANNED and m.summary_state is not SummaryState.APPROVED
    ]
    writing = [
        Writing(
            m,
            await summaries.scoping(ctx.session, m),
            await summaries.current_bearings(ctx.session, m.id),
            await summaries.summary_of(ctx.session, actor, m.id) if m.summary_state else None,
        )
        for m in found
    ]
    return SummaryData(tuple(writing), uses_goals, True, ctx.today)


def refuse(data: SummaryData, texts: Texts) -> str | None:
    if not data.administration:
        return texts("moede.kun_administration")
    if not data.meetings:
        return texts("referat.ingen_moeder")
    return None


def prefill(data: SummaryData) -> dict[str, Any]:
    """With one meeting to write for, the facilitator is not asked which, and its draft
    so far is opened at the review."""
    if len(data.meetings) != 1:
        return {}
    only = data.meetings[0]
    if only.saved is not None:
        return answers_from(only.saved, data.uses_goals)
    return {MEETING: choice(only.meeting, data.uses_goals), MEETING_FIXED: True}


def choice(meeting: MeetingView, uses_goals: bool) -> dict[str, Any]:
    return {"id": meeting.id, "units": [u.id for u in meeting.units], "goals": uses_goals}


def answers_from(summary: SummaryView, uses_goals: bool) -> dict[str, Any]:
    """A saved summary as the answers of the dialogue that changes it."""
    content, meeting = summary.content, summary.meeting
    answers: dict[str, Any] = {MEETING: choice(meeting, uses_goals), MEETING_FIXED: True}
    for index, unit in enumerate(meeting.units):
        written = content.unit(unit.id)
        if written is not None:  # a unit not written about yet is asked for
            answers[f"unit_{index}"] = written.text
            answers[f"unit_{index}_goals"] = written.goal_follow_up
    answers["general"] = content.general
    for index, bearing in enumerate(content.bearings):
        answers[f"bearing_{index}"] = _bearing_json(bearing)
    for index, matter in enumerate(content.matters):
        answers[f"matter_{index}"] = matter.title
        for kind in CONSEQUENCES:
            answers[f"matter_{index}_{kind}"] = getattr(matter, kind)
    for index, f in enumerate(content.follow_ups):
        due = f.due.isoformat() if f.due else None
        answers[f"follow_up_{index}"] = {"text": f.text, "owner": f.owner, "due": due}
    # An optional part left empty stays answered (None), so changing one part goes
    # straight back to the review instead of asking every skipped question again.
    # The slot after the last of each list is answered "done", so the review comes next.
    for name, count in (("bearing", len(content.bearings)), ("matter", len(content.matters)),
                        ("follow_up", len(content.follow_ups))):  # fmt: skip
        answers[f"{name}_{count}"] = None
    return answers


def filled(answers: Mapping[str, Any], name: str) -> list[Any]:
    """The slots `name_0`, `name_1` … in order, up to the first one left empty."""
    found: list[Any] = []
    while isinstance(value := answers.get(f"{name}_{len(found)}"), dict | str) and value:
        found.append(value)
    return found


def content_from(answers: Mapping[str, Any]) -> SummaryContent:
    units = tuple(
        UnitSummary(unit_id, answers.get(f"unit_{i}") or "", answers.get(f"unit_{i}_goals"))
        for i, unit_id in enumerate(answers[MEETING]["units"])
    )
    matters = tuple(
        AgreedMatter(title, *(answers.get(f"matter_{i}_{kind}") for kind in CONSEQUENCES))
        for i, title in enumerate(filled(answers, "matter"))
    )
    return SummaryContent(
        units=units,
        general=answers.get("general"),
        bearings=tuple(
            AgreedBearing(
                b["title"], b.get("description"), Scope.of(b.get("scope")), b.get("replaces")
            )
            for b in filled(answers, "bearing")
        ),
        matters=matters,
        follow_ups=tuple(
            FollowUpView(f["text"], f.get("owner"), parse_date(f["due"]) if f.get("due") else None)
            for f in filled(answers, "follow_up")
        ),
    )


def _bearing_json(b: AgreedBearing) -> dict[str, Any]:
    return {
        "title": b.title,
        "description": b.description,
        "scope": b.scope.as_dict(),
        "replaces": b.replaces,
    }


# --- the questions ----------------------------------------------------------------------


def _ask_meeting(a: Ask[SummaryData]) -> list[Reply]:
    question = a.texts("referat.vaelg_moede")
    options = [
        (f"{a.texts.datetime(w.meeting.starts_at)} · {w.meeting.committee_name}", str(w.meeting.id))
        for w in a.data.meetings
    ]
    return [
        say(question),
        card_reply(a.turn, choice_card(question, options, a.progress.id, MEETING, a.texts)),
    ]


def _unit_name(a: Ask[SummaryData], index: int) -> str:
    chosen = a.data.chosen(a.progress.answers)
    if chosen is None or index >= len(chosen.meeting.units):
        return ""
    return chosen.meeting.units[index].name


def _ask_unit(index: int, goals: bool) -> Asker[SummaryData]:
    key = "referat.spoerg.unit_goals" if goals else "referat.spoerg.unit"

    def ask(a: Ask[SummaryData]) -> list[Reply]:
        count = len(a.progress.answers[MEETING]["units"])
        return [say(a.texts(key, unit=_unit_name(a, index), number=index + 1, count=count))]

    return ask


def _ask_plain(name: str) -> Asker[SummaryData]:
    def ask(a: Ask[SummaryData]) -> list[Reply]:
        return [say(a.texts(f"referat.spoerg.{name}"))]

    return ask


def _ask_bearing(index: int) -> Asker[SummaryData]:
    def ask(a: Ask[SummaryData]) -> list[Reply]:
        if index == 0:
            return _ask_first_bearing(a)
        return [say(a.texts("referat.spoerg.bearing_next", number=index + 1))]

    return ask


def _ask_first_bearing(a: Ask[SummaryData]) -> list[Reply]:
    chosen = a.data.chosen(a.progress.answers)
    existing = "\n".join(
        f"{n}. {b.title}" for n, b in enumerate(chosen.bearings if chosen else (), start=1)
    )
    hint = a.texts("referat.eksisterende", bearings=existing) if existing else ""
    scopes = chosen.scopes if chosen else None
    examples = ", ".join(
        (*(scopes.unit_types if scopes else ()), *(scopes.areas if scopes else ()))
    )
    return [say(a.texts("referat.spoerg.bearings", examples=examples or "-") + hint)]


def _ask_numbered(name: str, index: int) -> Asker[SummaryData]:
    """The first of a list, or the next one."""
    key = f"referat.spoerg.{name}" if index == 0 else f"referat.spoerg.{name}_next"

    def ask(a: Ask[SummaryData]) -> list[Reply]:
        return [say(a.texts(key, number=index + 1))]

    return ask


def _ask_consequence(index: int, kind: str) -> Asker[SummaryData]:
    def ask(a: Ask[SummaryData]) -> list[Reply]:
        title = a.progress.answers.get(f"matter_{index}") or ""
        return [say(a.texts(f"referat.spoerg.{kind}", title=title))]

    return ask


def _ask_review(a: Ask[SummaryData]) -> list[Reply]:
    chosen = a.data.chosen(a.progress.answers)
    assert chosen is not None
    content = content_from(a.progress.answers)
    card = summary_review_card(
        chosen.meeting,
        content,
        chosen.bearings,
        a.progress.id,
        REVIEW,
        {part: first_step(part, a.progress.answers) for part in PARTS},
        a.texts,
    )
    return [say(a.texts("referat.spoerg.review")), card_reply(a.turn, card)]


# --- reading the answers ------------------------------------------------------------------


def _parse_meeting(raw: Any, data: SummaryData, answers: Mapping[str, Any]) -> Parsed:
    text = fold(str(raw)).strip(" .")
    for number, writing in enumerate(data.meetings, start=1):
        if text in (str(number), str(writing.meeting.id)):
            return Ok(choice(writing.meeting, data.uses_goals))
    return Problem(
        "referat.vaelg_ugyldig", {"answer": shorten(str(raw), 60), "count": len(data.meetings)}
    )


def _parse_text(raw: Any, data: SummaryData, answers: Mapping[str, Any]) -> Parsed:
    return Ok(str(raw).strip())


def _done(raw: Any) -> bool:
    return fold(str(raw)).strip(" .!") in DONE_WORDS


def _parse_bearing(raw: Any, data: SummaryData, answers: Mapping[str, Any]) -> Parsed:
    chosen = data.chosen(answers)
    if _done(raw):
        return Ok(None)
    if chosen is None:
        return Problem("referat.vaelg_ugyldig", {"answer": "", "count": len(data.meetings)})
    found = read_bearing(str(raw).strip(), chosen)
    return found if isinstance(found, Problem) else Ok(found)


def read_bearing(line: str, chosen: Writing) -> dict[str, Any] | Problem:
    """One typed bearing: which it replaces, whom it is for, its title and description."""
    replaces = None
    numbered = _REPLACES.match(line)
    if numbered:
        number = int(numbered[1])
        if not 1 <= number <= len(chosen.bearings):
            return Problem(
                "referat.nummer_ugyldigt", {"number": number, "count": len(chosen.bearings)}
            )
        replaces, line = chosen.bearings[number - 1].id, numbered[2]
    scope, line = _scope(line, chosen.scopes)
    title, description = _title_description(line)
    if not title:
        return Problem("dialog.tomt_svar")
    return {
        "title": title,
        "description": description or None,
        "scope": scope.as_dict(),
        "replaces": replaces,
    }


def _title_description(line: str) -> tuple[str, str]:
    """`title - description`: a spaced dash parts them."""
    parts = _DESCRIBED.split(line, maxsplit=1)
    return parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""


def _scope(line: str, scopes: summaries.Scoping) -> tuple[Scope, str]:
    """A leading `whom:` (a unit type, an area or a unit), if the line has one."""
    head, colon, rest = line.partition(":")
    if not colon or not rest.strip():
        return Scope(), line
    wanted = fold(head).strip(" .")
    for prefix in ("alle ", "omraade ", "area "):
        wanted = wanted.removeprefix(prefix)
    if wanted in ("udvalget", "hele udvalget", "alle", "committee"):
        return Scope(), rest.strip()
    for unit_type in scopes.unit_types:
        if wanted == fold(unit_type):
            return Scope(BearingScope.UNIT_TYPE, unit_type), rest.strip()
    for area in scopes.areas:
        if wanted == fold(area):
            return Scope(BearingScope.AREA, area), rest.strip()
    for unit_id, name in scopes.units.items():
        if wanted == fold(name):
            return Scope(BearingScope.UNIT, None, unit_id), rest.strip()
    return Scope(), line


def _parse_matter(raw: Any, data: SummaryData, answers: Mapping[str, Any]) -> Parsed:
    return Ok(None) if _done(raw) else Ok(str(raw).strip())


def _parse_follow_up(raw: Any, data: SummaryData, answers: Mapping[str, Any]) -> Parsed:
    if _done(raw):
        return Ok(None)
    what, who, when = ([p.strip() for p in str(raw).split(";")] + ["", ""])[:3]
    due = (read_day(when, data.today) if data.today else parse_date(when)) if when else None
    if when and due is None:
        return Problem("referat.dato_ugyldig", {"answer": shorten(when, 60)})
    return Ok({"text": what, "owner": who or None, "due": due.isoformat() if due else None})


def _parse_review(raw: Any, data: SummaryData, answers: Mapping[str, Any]) -> Parsed:
    if fold(str(raw)).strip(" .!") in SAVE_WORDS:
        return Ok("save")
    return Problem("referat.review_ugyldig")


def _navigate(progress: ProgressView, text: str, data: SummaryData, texts: Texts) -> str | None:
    """At the review, "ret pejlemærker" or a part's name goes back to it."""
    if progress.step != REVIEW:
        return None
    part = named_part(text, {part: texts(f"referat.del.{part}") for part in PARTS})
    return first_step(part, progress.answers) if part else None


_SLOTS = {"bearings": "bearing", "matters": "matter", "follow_ups": "follow_up"}


def first_step(part: str, answers: Mapping[str, Any]) -> str:
    """Where editing a part starts: the first unit, or the free slot after a list's
    last item (to add one; each item can be reached by its own Ret button)."""
    if part in _SLOTS:
        return f"{_SLOTS[part]}_{len(filled(answers, _SLOTS[part]))}"
    return "unit_0" if part == "units" else part


# --- saving -------------------------------------------------------------------------------


async def finish(ctx: Context, progress: ProgressView, data: SummaryData) -> list[Reply]:
    """Save the draft (or the changed summary); participants are told of a change once
    it is out for comments."""
    actor = ctx.require_actor()
    content = content_from(progress.answers)
    done = await summaries.save_draft(
        ctx.session, actor, progress.answers[MEETING]["id"], content, ctx.turn.now
    )
    summary = done.summary
    tell_of_summary(ctx, done, "comment", "referat.aendret_besked")
    key = "referat.gemt_aendret" if done.tell else "referat.gemt"
    return [
        say(ctx.texts(key, count=len(done.tell))),
        card_reply(ctx.turn, summary_card(summary, ctx.texts, mode="draft")),
    ]


def _unit_applies(index: int, goals: bool = False) -> Applies:
    def applies(answers: Mapping[str, Any]) -> bool:
        chosen = answers.get(MEETING) or {}
        return index < len(chosen.get("units", ())) and (not goals or bool(chosen.get("goals")))

    return applies


def _after(name: str, index: int) -> Applies:
    """Slot `index` of a list is asked once the slot before it holds an item."""
    return lambda answers: index == 0 or bool(answers.get(f"{name}_{index - 1}"))


def _steps() -> tuple[Step[SummaryData], ...]:
    steps = [Step(MEETING, _ask_meeting, _parse_meeting, applies=lambda a: MEETING_FIXED not in a)]
    for i in range(MAX_UNITS):
        steps.append(Step(f"unit_{i}", _ask_unit(i, False), _parse_text, applies=_unit_applies(i)))
        steps.append(Step(f"unit_{i}_goals", _ask_unit(i, True), _parse_text, optional=True,
                          applies=_unit_applies(i, goals=True)))  # fmt: skip
    steps.append(Step("general", _ask_plain("general"), _parse_text, optional=True))
    for i in range(MAX_BEARINGS):
        steps.append(_list_item("bearing", i, _ask_bearing(i), _parse_bearing))
    for i in range(MAX_MATTERS):
        steps.append(_list_item("matter", i, _ask_numbered("matter", i), _parse_matter))
        for kind in CONSEQUENCES:
            steps.append(Step(f"matter_{i}_{kind}", _ask_consequence(i, kind), _parse_text,
                              optional=True, applies=_matter_has_title(i)))  # fmt: skip
    for i in range(MAX_FOLLOW_UPS):
        steps.append(_list_item("follow_up", i, _ask_numbered("follow_up", i), _parse_follow_up))
    steps.append(Step(REVIEW, _ask_review, _parse_review))
    return tuple(steps)


def _list_item(
    name: str, index: int, ask: Asker[SummaryData], parse: Parser[SummaryData]
) -> Step[SummaryData]:
    """Slot `index` of a list (bearings, matters, follow-ups): optional, and a done word
    ends the list."""
    return Step(f"{name}_{index}", ask, parse, optional=True, applies=_after(name, index),
                answer_words=DONE_WORDS)  # fmt: skip


def _matter_has_title(index: int) -> Applies:
    return lambda answers: bool(answers.get(f"matter_{index}"))


FLOW: Flow[SummaryData] = Flow(
    name=NAME,
    steps=_steps(),
    load=load,
    finish=finish,
    refuse=refuse,
    navigate=_navigate,
    prefill=prefill,
    redo_on={"referat.omfang_ukendt": "bearing_0", "referat.pejlemaerke_ukendt": "bearing_0"},
)
