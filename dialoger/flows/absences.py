"""Out of office: (whom) → from → to → deputy → review → saved.

A leader registers their own absence; the administration and department heads are first
asked whom it is for. Days are typed the way people say them ("i morgen", "fredag",
"3. marts") or picked on the form. The deputy is chosen by number from the sensible
candidates (the department's head and its other leaders), by name, or `ingen`. The store
checks everything again when saving.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dialoger.absence_notices import registered
from dialoger.context import Context, card_id
from dialoger.engine import Ask, Asker, Flow, Ok, Parsed, Parser, Problem, Step, named_part
from dialoger.turn import Reply, Target, card_reply, say, show
from kort.absences import NO_DEPUTY, absence_form_card, absence_review_card, colleague_line
from kort.catalogue import Texts
from store import absences as absences_store
from store.dates import read_day
from store.errors import DomainError
from store.text import fold, shorten
from store.views import AbsenceView, Colleague, ProgressView

NAME = "fravaer"
REVIEW = "review"
PERSON_FIXED = "_person_fixed"  # only oneself to register for: the question is skipped
SAVE_WORDS = frozenset({"gem", "ja", "ok", "save", "yes"})
ME_WORDS = frozenset({"mig", "mig selv", "jeg", "me", "myself"})
LISTED = 12  # candidates listed in a typed question; others are found by name


@dataclass(frozen=True)
class AbsenceData:
    me: int
    today: date
    everyone: tuple[Colleague, ...]
    registrable: tuple[Colleague, ...]
    absences: tuple[AbsenceView, ...]  # everyone's current and coming ones

    def colleague(self, person_id: Any) -> Colleague | None:
        return next((c for c in self.everyone if str(c.id) == str(person_id)), None)

    def person(self, answers: Mapping[str, Any]) -> Colleague:
        found = self.colleague(answers.get("person", self.me))
        return found or self.registrable[0]

    def candidates(self, answers: Mapping[str, Any]) -> tuple[Colleague, ...]:
        return absences_store.candidates(self.everyone, self.person(answers).id)

    def away(self, person_id: int, starts_on: date, ends_on: date) -> AbsenceView | None:
        return next(
            (a for a in self.absences if a.person_id == person_id
             and a.starts_on <= ends_on and a.ends_on >= starts_on),
            None,
        )  # fmt: skip


async def load(ctx: Context) -> AbsenceData:
    actor = ctx.require_actor()
    everyone = await absences_store.colleagues(ctx.session, actor.municipality_id)
    absences = await absences_store.current_and_coming(
        ctx.session, actor.municipality_id, ctx.today
    )
    registrable = absences_store.registrable(actor, everyone)
    return AbsenceData(actor.person_id, ctx.today, everyone, registrable, tuple(absences))


def prefill(data: AbsenceData) -> dict[str, Any]:
    if len(data.registrable) == 1:
        return {"person": data.me, PERSON_FIXED: True}
    return {}


# --- the questions ----------------------------------------------------------------------


def _key(name: str, a: Ask[AbsenceData]) -> str:
    """The question about oneself, or about someone else by name."""
    person = a.data.person(a.progress.answers)
    if person.id == a.data.me:
        return a.texts(f"fravaer.spoerg.{name}")
    return a.texts(f"fravaer.spoerg.{name}_anden", name=person.name)


def _form(a: Ask[AbsenceData]) -> dict[str, Any]:
    shown = {**a.progress.answers, **a.progress.answers.get("_pending", {})}
    person, candidates = a.data.person(shown), a.data.candidates(shown)
    return absence_form_card(person, candidates, shown, a.progress.id, a.texts)


def _ask(name: str) -> Asker[AbsenceData]:
    def ask(a: Ask[AbsenceData]) -> list[Reply]:
        if a.turn.from_card:
            return [show(_form(a), Target.REPLACE)]
        question = say(_question(name, a))
        if name == "starts" and not a.repeat:
            return [question, show(_form(a))]
        return [question]

    return ask


def _question(name: str, a: Ask[AbsenceData]) -> str:
    if name == "person":
        listed = _numbered(a.data.registrable, a.texts)
        return a.texts("fravaer.spoerg.person", people=listed)
    if name == "deputy":
        listed = _numbered(a.data.candidates(a.progress.answers)[:LISTED], a.texts)
        key = "fravaer.spoerg.deputy" if listed else "fravaer.spoerg.deputy_uden_liste"
        return a.texts(key, candidates=listed) if listed else a.texts(key)
    return _key(name, a)


def _numbered(people: tuple[Colleague, ...], texts: Texts) -> str:
    return "\n".join(f"{n}. {colleague_line(c, texts)}" for n, c in enumerate(people, start=1))


def _ask_review(a: Ask[AbsenceData]) -> list[Reply]:
    answers = a.progress.answers
    period = (date.fromisoformat(answers["starts"]), date.fromisoformat(answers["ends"]))
    deputy = a.data.colleague(answers.get("deputy")) if answers.get("deputy") else None
    card = absence_review_card(
        a.data.person(answers), period, deputy, a.progress.id, a.texts,
        choose_person=PERSON_FIXED not in answers,
    )  # fmt: skip
    return [say(a.texts("fravaer.spoerg.review")), card_reply(a.turn, card)]


# --- reading the answers ------------------------------------------------------------------


def _parse_person(raw: Any, data: AbsenceData, answers: Mapping[str, Any]) -> Parsed:
    text = fold(str(raw)).strip(" .!")
    if text in ME_WORDS:
        return Ok(data.me)
    if text.isdigit() and 1 <= int(text) <= len(data.registrable):
        return Ok(data.registrable[int(text) - 1].id)
    hits = _named(text, data.registrable)
    if len(hits) == 1:
        return Ok(hits[0].id)
    return Problem("fravaer.person_ugyldig", {"answer": shorten(str(raw), 60)})


def _parse_person_card(raw: Any, data: AbsenceData, answers: Mapping[str, Any]) -> Parsed:
    try:
        chosen = card_id(raw, "fravaer.ikke_tilladt")
    except DomainError as refused:
        return Problem.of(refused)
    allowed = {c.id for c in data.registrable}
    return Ok(chosen) if chosen in allowed else Problem("fravaer.ikke_tilladt")


def _named(text: str, people: tuple[Colleague, ...]) -> list[Colleague]:
    """Who `text` names: the exact name, else everyone whose name holds it."""
    exact = [c for c in people if fold(c.name) == text]
    return exact or [c for c in people if text and text in fold(c.name)]


def _parse_day(name: str) -> Parser[AbsenceData]:
    def parse(raw: Any, data: AbsenceData, answers: Mapping[str, Any]) -> Parsed:
        day = read_day(str(raw), data.today)
        if day is None:
            return Problem("fravaer.dato_ugyldig", {"answer": shorten(str(raw), 60)})
        # The start alone must not be too far ahead; with the end, the whole absence is checked.
        starts = date.fromisoformat(answers["starts"]) if name == "ends" else day
        try:
            absences_store.check_dates(
                starts, day if name == "ends" else max(day, data.today), data.today
            )
        except DomainError as refused:
            return Problem.of(refused)
        return Ok(day.isoformat())

    return parse


def _parse_deputy(raw: Any, data: AbsenceData, answers: Mapping[str, Any]) -> Parsed:
    text = fold(str(raw)).strip(" .!")
    listed = data.candidates(answers)[:LISTED]
    if text.isdigit() and 1 <= int(text) <= len(listed):
        return _deputy(listed[int(text) - 1], data, answers)
    hits = _named(text, data.everyone)
    if len(hits) == 1:
        return _deputy(hits[0], data, answers)
    if len(hits) > 1:
        names = ", ".join(c.name for c in hits[:5])
        answer = shorten(str(raw), 60)
        return Problem("fravaer.stedfortraeder_flere", {"answer": answer, "names": names})
    return Problem("fravaer.stedfortraeder_ugyldig", {"answer": shorten(str(raw), 60)})


def _parse_deputy_card(raw: Any, data: AbsenceData, answers: Mapping[str, Any]) -> Parsed:
    if str(raw) == NO_DEPUTY:
        return Ok(None)
    chosen = data.colleague(raw)
    if chosen is None:
        return Problem("fravaer.ukendt_stedfortraeder")
    return _deputy(chosen, data, answers)


def _deputy(chosen: Colleague, data: AbsenceData, answers: Mapping[str, Any]) -> Parsed:
    """Not the absent person, and not away on any of the days (the store checks again)."""
    if chosen.id == data.person(answers).id:
        return Problem("fravaer.ikke_sig_selv")
    if answers.get("starts") and answers.get("ends"):
        days = (date.fromisoformat(answers["starts"]), date.fromisoformat(answers["ends"]))
        gone = data.away(chosen.id, *days)
        if gone is not None:
            when = {"starts": gone.starts_on, "ends": gone.ends_on}
            return Problem("fravaer.stedfortraeder_vaek", {"name": chosen.name, **when})
    return Ok(chosen.id)


def _parse_review(raw: Any, data: AbsenceData, answers: Mapping[str, Any]) -> Parsed:
    if fold(str(raw)).strip(" .!") in SAVE_WORDS:
        return Ok("gem")
    return Problem("fravaer.review_ugyldig")


def _navigate(progress: ProgressView, text: str, data: AbsenceData, texts: Texts) -> str | None:
    """At the review, "ret til" or "stedfortræder" goes back to that question."""
    if progress.step != REVIEW:
        return None
    names: tuple[str, ...] = ("starts", "ends", "deputy")
    if PERSON_FIXED not in progress.answers:
        names = ("person", *names)
    return named_part(text, {name: texts(f"fravaer.felt.{name}") for name in names})


# --- saving -------------------------------------------------------------------------------


async def finish(ctx: Context, progress: ProgressView, data: AbsenceData) -> list[Reply]:
    answers = progress.answers
    done = await absences_store.register(
        ctx.session, ctx.require_actor(), data.person(answers).id,
        date.fromisoformat(answers["starts"]), date.fromisoformat(answers["ends"]),
        answers.get("deputy"), ctx.turn.now,
    )  # fmt: skip
    return await registered(ctx, data.person(answers), done)


FLOW: Flow[AbsenceData] = Flow(
    name=NAME,
    steps=(
        Step("person", _ask("person"), _parse_person, parse_card=_parse_person_card,
             applies=lambda answers: PERSON_FIXED not in answers),
        Step("starts", _ask("starts"), _parse_day("starts")),
        Step("ends", _ask("ends"), _parse_day("ends")),
        Step("deputy", _ask("deputy"), _parse_deputy, optional=True,
             parse_card=_parse_deputy_card),
        Step(REVIEW, _ask_review, _parse_review),
    ),
    load=load,
    finish=finish,
    navigate=_navigate,
    prefill=prefill,
    redo_on={
        "fravaer.slut_foer_start": "ends",
        "fravaer.forbi": "ends",
        "fravaer.for_lang": "ends",
        "fravaer.for_langt_ude": "starts",
        "fravaer.ikke_sig_selv": "deputy",
        "fravaer.stedfortraeder_vaek": "deputy",
        "fravaer.ukendt_stedfortraeder": "deputy",
    },
)  # fmt: skip
