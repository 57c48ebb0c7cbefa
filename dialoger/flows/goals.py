"""`nyt mål`: a leader drafts a goal, one question at a time with a line of coaching,
or on one form; reviews it; saves it as a draft or sends it for approval.

One flow per municipality profile. Its steps are every field the profile's templates
ask, in the profile's order, each applying only when the unit's template has it (a
school in Jammerbugt is asked for the national goal and the grades). The unit comes
first, answered in advance when the leader leads one unit. The last step is the review,
where typing a field's name goes back to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dialoger.context import Context
from dialoger.engine import Applies, Ask, Asker, Flow, Ok, Parsed, Parser, Problem, Step, named_part
from dialoger.turn import Reply, Target, card_reply, say, show
from kort import goals as cards
from kort.catalogue import Texts, texts
from store import goals
from store.dates import parse_date, read_day
from store.errors import DomainError
from store.goalfields import CHOICES, FIELDS, Kind
from store.goals import DraftingContext, GoalContent
from store.profiles import PROFILE_KEYS, Profile, profile
from store.text import fold, shorten
from store.views import ProgressView

REVIEW = "review"
UNIT = "unit"
PERIOD = "period"
PERIODS_OPEN = "_periods_open"  # the next period's drafting is open: which period is asked
NO_BEARING = "no_bearing_reason"
UNIT_FIXED = "_unit_fixed"  # the unit was given (one unit, or a saved goal): never asked
NONE_WORDS = frozenset({"ingen", "none", "intet", "ingen af dem", "0"})
ME_WORDS = frozenset({"mig", "me", "jeg", "mig selv"})
KEEP_WORDS = frozenset({"behold", "keep", "ja", "det er fint", "fint"})
SUBMIT_WORDS = frozenset({"send", "indsend", "send til godkendelse", "godkendelse", "submit"})
DRAFT_WORDS = frozenset({"gem", "kladde", "gem som kladde", "save", "draft"})


def flow_name(key: str) -> str:
    return f"maal:{key}"


@dataclass(frozen=True)
class GoalData:
    context: DraftingContext  # the current period's (or the only one open)
    leader: str
    today: date | None = None  # for a deadline written without a year, or one passed
    # Per period id, for each other period open for drafting today (the next one).
    others: Mapping[int, DraftingContext] = field(default_factory=dict)

    def at(self, answers: Mapping[str, Any]) -> DraftingContext:
        """The drafting context of the period the dialogue's goal is for."""
        return self.others.get(answers.get(PERIOD), self.context)  # type: ignore[arg-type]


async def load(ctx: Context) -> GoalData:
    actor = ctx.require_actor()
    context = await goals.drafting_context(ctx.session, actor, ctx.today)
    others = {
        p.id: await goals.drafting_context(ctx.session, actor, ctx.today, p.id)
        for p in context.periods
        if p.id is not None and p.id != context.period_id
    }
    return GoalData(context, actor.person_name, ctx.today, others)


def refuse(data: GoalData, texts: Texts) -> str | None:
    if not data.context.profile.uses_goals:
        return texts("maal.bruges_ikke")
    if not data.context.units:
        return texts("maal.ingen_enheder")
    if data.context.period_id is None:
        return texts("maal.ingen_periode")
    return None


def prefill(data: GoalData) -> dict[str, Any]:
    """A leader of one unit is not asked which unit; the period is asked only while the
    next one's goals are being drafted."""
    units = data.context.units
    found: dict[str, Any] = (
        {UNIT: _unit_answer(units[0]), UNIT_FIXED: True} if len(units) == 1 else {}
    )
    if data.others:
        found[PERIODS_OPEN] = True
    return found


def _unit_answer(unit: goals.DraftingUnit) -> dict[str, Any]:
    return {"id": unit.id, "template": unit.template}


def template_names(chosen: Profile, answers: Mapping[str, Any]) -> tuple[str, ...]:
    unit = answers.get(UNIT)
    template = chosen.template(unit["template"]) if isinstance(unit, dict) else None
    return template.names if template else ()


# --- the answers as a goal ---------------------------------------------------------------


def content_from(answers: Mapping[str, Any], leader: str) -> GoalContent:
    """What the dialogue's answers say the goal is."""
    deadline = answers.get("deadline")
    extra = {name: answers[name] for name in ("national_goal", "grades") if answers.get(name)}
    return GoalContent(
        title=answers.get("title") or "",
        bearing_ids=tuple(answers.get("bearings") or ()),
        no_bearing_reason=answers.get(NO_BEARING),
        goal_type=answers.get("goal_type"),
        perspective=answers.get("perspective"),
        expected_effect=answers.get("expected_effect"),
        success_criteria=tuple(answers.get("success_criteria") or ()),
        evaluation_method=answers.get("evaluation_method"),
        data_source=answers.get("data_source"),
        sub_goals=tuple(answers.get("sub_goals") or ()),
        deadline=parse_date(deadline) if isinstance(deadline, str) else None,
        responsible=answers.get("responsible"),
        extra=extra,
    )


def answers_from(goal: goals.GoalDetail, unit: goals.DraftingUnit) -> dict[str, Any]:
    """A saved goal as the answers of a dialogue that edits it."""
    content = goal.content
    answers: dict[str, Any] = {
        UNIT: _unit_answer(unit),
        UNIT_FIXED: True,
        "title": content.title,
        "bearings": list(content.bearing_ids),
        NO_BEARING: content.no_bearing_reason,
        "goal_type": content.goal_type,
        "perspective": content.perspective,
        "expected_effect": content.expected_effect,
        "success_criteria": list(content.success_criteria),
        "evaluation_method": content.evaluation_method,
        "data_source": content.data_source,
        "sub_goals": list(content.sub_goals),
        "deadline": content.deadline.isoformat() if content.deadline else None,
        "responsible": content.responsible,
        **content.extra,
        PERIOD: goal.period.id if goal.period else None,
        "_goal": goal.id,
        "_version": goal.version,
        "_state": goal.state.value,
        "_comment": goal.return_comment,
    }
    return answers


# --- asking ------------------------------------------------------------------------------


def _ask_field(name: str) -> Asker[GoalData]:
    def ask(a: Ask[GoalData]) -> list[Reply]:
        data: GoalData = a.data
        unit = a.progress.answers.get(UNIT, {}).get("id")
        context = data.at(a.progress.answers)
        question = _question(name, context, unit, a.texts)
        if a.repeat:
            return [say(question)]
        content = content_from(a.progress.answers, data.leader)
        card = cards.field_card(name, context, unit, content, a.progress.id, name, a.texts)
        if card is None:
            return [say(question)]
        return [say(question), card_reply(a.turn, card)]

    return ask


def _question(name: str, context: DraftingContext, unit: Any, texts: Texts) -> str:
    lines = [texts(f"maal.felt.{name}.spoerg"), f"_{texts(f'maal.felt.{name}.coach')}_"]
    if FIELDS.get(name) is Kind.BEARINGS:
        found = context.bearings_for(unit)
        lines.insert(1, "\n".join(f"{n}. {b.title}" for n, b in enumerate(found, start=1)))
    elif name in CHOICES:
        labels = [texts(f"maal.valg.{name}.{v.value}") for v in CHOICES[name]]
        lines.insert(1, "\n".join(f"{n}. {label}" for n, label in enumerate(labels, start=1)))
    return "\n\n".join(line for line in lines if line)


def _ask_period(a: Ask[GoalData]) -> list[Reply]:
    """While the next period's goals are drafted: this period's goal, or the next one's."""
    data = a.data
    choices = _period_choices(data)
    lines = [
        a.texts("maal.periode_valg_nu" if n == 1 else "maal.periode_valg_naeste",
                period=p.name, start=a.texts.date(p.starts_on))
        for n, p in enumerate(choices, start=1)
    ]  # fmt: skip
    listing = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
    return [say(a.texts("maal.vaelg_periode") + "\n\n" + listing)]


def _period_choices(data: GoalData) -> list[Any]:
    current = [data.context.period] if data.context.period else []
    return current + [c.period for c in data.others.values() if c.period]


def _parse_period(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
    """By number, or by a word of its name ("2027", "næste")."""
    choices = _period_choices(data)
    text = fold(str(raw)).strip(" .")
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return Ok(choices[int(text) - 1].id)
    if text in ("naeste", "next", "naeste aar") and len(choices) > 1:
        return Ok(choices[-1].id)
    hits = [p for p in choices if text and text in fold(p.name)]
    if len(hits) == 1:
        return Ok(hits[0].id)
    return Problem("maal.periode_ugyldig", {"answer": shorten(str(raw), 40), "count": len(choices)})


def _ask_unit(a: Ask[GoalData]) -> list[Reply]:
    units = a.data.context.units
    listing = "\n".join(f"{n}. {u.name}" for n, u in enumerate(units, start=1))
    return [say(a.texts("maal.vaelg_enhed") + "\n\n" + listing)]


def _ask_review(a: Ask[GoalData]) -> list[Reply]:
    data: GoalData = a.data
    answers = a.progress.answers
    unit = answers[UNIT]["id"]
    context = data.at(answers)
    template = context.template(unit)
    if template is None:  # no longer the leader's: `gone` ends the dialogue before asking
        return [say(a.texts("maal.ikke_din_enhed"))]
    content = content_from(answers, data.leader)
    flags = _flags(data, unit, content, answers)
    card = cards.review_card(
        template, context, unit, content, a.progress.id, a.texts,
        flags=flags, return_comment=answers.get("_comment"),
        goal_version=answers.get("_version") if answers.get("_state") in _REVISED else None,
    )  # fmt: skip
    if a.repeat:
        return [say(a.texts("maal.gennemse"))]
    return [say(a.texts("maal.gennemse")), card_reply(a.turn, card)]


_REVISED = ("approved", "department_approved")


def _flags(
    data: GoalData, unit: Any, content: GoalContent, answers: Mapping[str, Any]
) -> tuple[str, ...]:
    found = []
    context = data.at(answers)
    drafting = context.unit(unit)
    own = 1 if answers.get("_goal") else 0
    if drafting and drafting.active_goals - own >= context.profile.goal_limit:
        found.append(goals.FLAG_OVER_LIMIT)
    if goals.statutory(content):
        found.append(goals.FLAG_STATUTORY)
    return tuple(found)


# --- reading answers ---------------------------------------------------------------------


def _guarded(check: Callable[[], object]) -> Parsed:
    try:
        return Ok(check())
    except DomainError as error:
        return Problem.of(error)


def _parse_text(name: str) -> Parser[GoalData]:
    def parse(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
        text = str(raw).strip()
        if name == "responsible" and fold(text) in ME_WORDS:
            text = data.leader
        return _guarded(lambda: goals.check_text(name, text, required=True))

    return parse


def _split(raw: Any) -> list[str]:
    """Items one per line, as the question says; a single typed line may use semicolons.
    A comma is part of a criterion ("…har en ven i klassen, inden 1. juni 2027")."""
    text = str(raw)
    if "\n" in text:
        return text.splitlines()
    return text.split(";")


def _parse_choice(name: str) -> Parser[GoalData]:
    def parse(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
        values = [v.value for v in CHOICES[name]]
        found = _choose(str(raw), values, lambda v: _label(name, v))
        if found is None:
            return Problem(
                "maal.valg_ugyldigt", {"answer": shorten(str(raw), 60), "count": len(values)}
            )
        return Ok(found)

    return parse


def _label(name: str, value: str) -> str:
    """The Danish and English labels of a choice, folded, for matching typed answers."""
    return " / ".join(fold(texts(lang)(f"maal.valg.{name}.{value}")) for lang in ("da", "en"))


def _choose(text: str, options: list[str], label: Callable[[str], str]) -> str | None:
    """An option by its number, its value or a unique start of a word in its label."""
    wanted = fold(text).strip(" .!")
    if wanted.isdigit() and 1 <= int(wanted) <= len(options):
        return options[int(wanted) - 1]
    if wanted in options:
        return wanted
    hits = [o for o in options if wanted and any(w.startswith(wanted) for w in label(o).split())]
    hits = hits or [o for o in options if wanted and wanted in label(o)]
    return hits[0] if len(hits) == 1 else None


def _parse_multi(name: str) -> Parser[GoalData]:
    def parse(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
        values = [v.value for v in CHOICES[name]]
        chosen = [_choose(part, values, lambda v: _label(name, v)) for part in _parts(raw)]
        if not chosen or None in chosen:
            return Problem(
                "maal.valg_ugyldigt", {"answer": shorten(str(raw), 60), "count": len(values)}
            )
        return Ok(sorted(set(chosen), key=values.index))

    return parse


def _parts(raw: Any) -> list[str]:
    return [p.strip() for p in re.split(r",|\bog\b|\band\b|\n", str(raw)) if p.strip()]


def _parse_bearings(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
    """Numbers from the list (typed) or ids (card), or none."""
    found = data.at(answers).bearings_for(answers.get(UNIT, {}).get("id"))
    parts = _parts(raw)
    if not parts or all(fold(p) in NONE_WORDS for p in parts):
        return Ok([])
    chosen = []
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= len(found):
            return Problem(
                "maal.pejlemaerke_ugyldigt", {"answer": shorten(part, 40), "count": len(found)}
            )
        chosen.append(found[int(part) - 1].id)
    return Ok(sorted(set(chosen)))


def _parse_bearing_ids(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
    """From the card: bearing ids, which must be the unit's committee's, or "none"."""
    context = data.at(answers)
    offered = {str(b.id) for b in context.bearings_for(answers.get(UNIT, {}).get("id"))}
    parts = [p for p in str(raw).split(",") if p.strip()]
    if not parts or parts == ["none"]:
        return Ok([])
    if not set(parts) <= offered:
        return Problem("maal.ukendt_pejlemaerke")
    return Ok(sorted(int(p) for p in parts))


def _parse_lines(name: str) -> Parser[GoalData]:
    def parse(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
        items = _guarded(lambda: goals.check_items(name, _split(raw)))
        if isinstance(items, Problem) or name != "success_criteria":
            return items
        return _coached(raw, items.value, answers)

    return parse


def _coached(raw: Any, items: tuple[str, ...], answers: Mapping[str, Any]) -> Parsed:
    """A criterion nobody could check gets a hint once; the same answer again, or
    "behold", keeps it — a hint is never a dead end."""
    pending = answers.get("_pending", {}).get("success_criteria")
    vague = [item for item in items if not goals.observable(item)]
    if not vague or str(raw).strip() == str(pending or "").strip():
        return Ok(list(items))
    if fold(str(raw)) in KEEP_WORDS and pending:
        return Ok(list(goals.check_items("success_criteria", _split(pending))))
    return Problem("maal.kriterie_hint", {"criterion": shorten(vague[0], 80)})


def _parse_deadline(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
    found = read_day(str(raw), data.today) if data.today else parse_date(str(raw))
    if found is None:
        return Problem("maal.dato_ugyldig", {"answer": shorten(str(raw), 40)})
    if data.today and found < data.today:
        return Problem("maal.frist_forbi", {"when": found})
    period = data.at(answers).period  # the goal's own period, which may be the next one
    checked = _guarded(lambda: goals.check_deadline(found, period))
    return Ok(found.isoformat()) if isinstance(checked, Ok) else checked


def _parse_unit(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
    units = list(data.context.units)
    text = fold(str(raw)).strip(" .")
    if text.isdigit() and 1 <= int(text) <= len(units):
        return Ok(_unit_answer(units[int(text) - 1]))
    hits = [u for u in units if text and text in fold(u.name)]
    if len(hits) == 1:
        return Ok(_unit_answer(hits[0]))
    return Problem("maal.enhed_ugyldig", {"answer": shorten(str(raw), 40), "count": len(units)})


def _parse_review(raw: Any, data: GoalData, answers: Mapping[str, Any]) -> Parsed:
    word = fold(str(raw)).strip(" .!")
    if word in SUBMIT_WORDS or word == "submit":
        return Ok("submit")
    if word in DRAFT_WORDS or word == "draft":
        return Ok("draft")
    return Problem("maal.gennemse_ugyldigt")


_PARSERS = {
    Kind.TEXT: _parse_text,
    Kind.CHOICE: _parse_choice,
    Kind.MULTI: _parse_multi,
    Kind.LINES: _parse_lines,
}


def _parser(name: str) -> Parser[GoalData]:
    kind = FIELDS[name]
    if kind is Kind.BEARINGS:
        return _parse_bearings
    if kind is Kind.DATE:
        return _parse_deadline
    return _PARSERS[kind](name)


def _card_parser(name: str) -> Parser[GoalData] | None:
    """Card values are ids and option values, not the numbers of a typed list."""
    return _parse_bearing_ids if FIELDS[name] is Kind.BEARINGS else None


# --- moving about and saving -----------------------------------------------------------


def _navigate(progress: ProgressView, text: str, data: GoalData, texts_: Texts) -> str | None:
    """At the review, "ret effekt" or just a field's label goes back to that field."""
    if progress.step != REVIEW:
        return None
    names = template_names(data.at(progress.answers).profile, progress.answers)
    return named_part(text, {name: texts_(f"maal.felt.{name}.label") for name in names})


async def gone(ctx: Context, progress: ProgressView, data: GoalData) -> DomainError | None:
    """The unit the goal is written for is no longer among the writer's (a new
    organisation file moved the leader): the store says why."""
    unit = progress.answers.get(UNIT)
    if not isinstance(unit, dict) or data.at(progress.answers).unit(unit.get("id")) is not None:
        return None
    return await goals.why_not_drafting(ctx.session, ctx.require_actor(), int(unit["id"]))


def _own_words(chosen: Profile) -> dict[str, str | None]:
    """The fields a leader writes in her own words, to give back if the goal cannot be
    saved, each with its label."""
    written = (Kind.TEXT, Kind.LINES)
    names = [n for n in chosen.field_order() if FIELDS[n] in written] + [NO_BEARING]
    return {name: f"maal.felt.{name}.label" for name in names}


async def finish(ctx: Context, progress: ProgressView, data: GoalData) -> list[Reply]:
    """Save the goal as a draft or send it for approval; tell the department head."""
    answers = progress.answers
    actor = ctx.require_actor()
    submit = answers.get(REVIEW) == "submit"
    saved = await goals.save(
        ctx.session, actor, answers[UNIT]["id"], content_from(answers, data.leader),
        submit=submit, now=ctx.turn.now, origin=progress.id, goal_id=answers.get("_goal"),
        period_id=answers.get(PERIOD),
    )  # fmt: skip
    goal = saved.goal
    waiting = ctx.texts("maal.til_godkendelse", leader=actor.person_name, title=goal.content.title)
    for approver in saved.approvers:
        ctx.notify(approver, waiting, cards.approval_card(goal, ctx.texts))
    key = "maal.sendt" if submit else "maal.gemt_kladde"
    done = say("\n\n".join([ctx.texts(key, title=goal.content.title),
                             *await _tell_leaders(ctx, saved, submit)]))  # fmt: skip
    card = cards.goal_card(goal, ctx.texts, can_edit=not submit)
    if ctx.turn.from_card:
        return [done, show(card, Target.REPLACE)]
    if progress.card_activity_id:
        return [done, show(card, Target.UPDATE, progress.card_activity_id)]
    return [done, show(card)]


async def _tell_leaders(ctx: Context, saved: goals.Saved, submit: bool) -> list[str]:
    """A goal the administration wrote as pen-holder goes to the unit's leaders, to read
    and comment on; the receipt says who got it."""
    if saved.goal.pen_holder is None:
        return []
    if not saved.leaders:
        return [ctx.texts("maal.pennefoerer.ingen_leder")]
    goal = saved.goal
    key = "maal.pennefoerer.til_leder_sendt" if submit else "maal.pennefoerer.til_leder_kladde"
    told = ctx.texts(key, writer=ctx.require_actor().person_name, unit=goal.unit_name,
                     title=goal.content.title)  # fmt: skip
    card = cards.goal_card(goal, ctx.texts, can_comment=True)
    for leader in saved.leaders:
        ctx.notify(leader, told, card)
    names = ", ".join(saved.leader_names)
    return [ctx.texts("maal.pennefoerer.leder_faar_besked", leaders=names)]


def build(chosen: Profile) -> Flow[GoalData]:
    """The goal dialogue of one profile."""
    required = _required(chosen)
    steps = [
        Step(PERIOD, _ask_period, _parse_period, applies=lambda answers: PERIODS_OPEN in answers),
        Step(UNIT, _ask_unit, _parse_unit, applies=lambda answers: UNIT_FIXED not in answers),
    ]
    for name in chosen.field_order():
        steps.append(
            Step(name, _ask_field(name), _parser(name), optional=not required[name],
                 applies=_in_template(chosen, name), parse_card=_card_parser(name),
                 answer_words=NONE_WORDS if FIELDS[name] is Kind.BEARINGS else frozenset())
        )  # fmt: skip
        if name == "bearings":
            steps.append(Step(NO_BEARING, _ask_field(NO_BEARING), _parse_text(NO_BEARING),
                              applies=_without_bearing(chosen)))  # fmt: skip
    steps.append(Step(REVIEW, _ask_review, _parse_review))
    return Flow(
        name=flow_name(chosen.key), steps=tuple(steps), load=load, finish=finish,
        refuse=refuse, navigate=_navigate, prefill=prefill, gone=gone,
        own_words=_own_words(chosen),
        redo_on={"maal.frist_udenfor": "deadline", "maal.ukendt_pejlemaerke": "bearings"},
    )  # fmt: skip


def _required(chosen: Profile) -> dict[str, bool]:
    """Whether each field is required; the profile's templates must agree."""
    found: dict[str, bool] = {}
    for template in chosen.templates:
        for entry in template.fields:
            if found.setdefault(entry.name, entry.required) != entry.required:
                raise ValueError(f"profile {chosen.key}: {entry.name} is required in one "
                                 "template and optional in another")  # fmt: skip
    return found


def _in_template(chosen: Profile, name: str) -> Applies:
    return lambda answers: name in template_names(chosen, answers)


def _without_bearing(chosen: Profile) -> Applies:
    def applies(answers: Mapping[str, Any]) -> bool:
        return "bearings" in template_names(chosen, answers) and answers.get("bearings") == []

    return applies


FLOWS = {flow_name(key): build(profile(key)) for key in PROFILE_KEYS if profile(key).uses_goals}
