"""Cards about what the dialogue meetings lead to: the committee's political bearings,
each traced to the goals that follow it and where they stand, and the matters that wait
for a formal political decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, color_runs, facts, text, title
from kort.digests import split_cards
from kort.meetings import SEP
from store.enums import BearingScope, MatterState
from store.limits import NOTE_MAX, TITLE_MAX
from store.meetingviews import CommitteeBearings, CommitteeMeetingView, MatterView, TracedBearing
from store.views import BearingView, GoalView, Scope

# A bearing that many goals follow is shown in runs of this many, so no run outgrows a card.
GOALS_PER_SECTION = 30
CONSEQUENCES = ("legal", "economic", "staff", "other")


def scope_text(scope: Scope, unit_name: str | None, texts: Texts) -> str:
    """Whom a bearing is for, in words: "Hele udvalget", "Alle enheder af typen skole",
    "Område Nord", or the unit's name."""
    match scope.kind:
        case BearingScope.UNIT_TYPE:
            return texts("moedekort.omfang.unit_type", value=scope.value or "")
        case BearingScope.AREA:
            return texts("moedekort.omfang.area", value=scope.value or "")
        case BearingScope.UNIT:
            return unit_name or texts("moedekort.omfang.ukendt_enhed", id=scope.unit_id)
    return texts("moedekort.omfang.committee")


def scope_line(scope: Scope, unit_name: str | None, texts: Texts) -> ac.TextBlock:
    return text(
        texts("moedekort.omfang.for", scope=scope_text(scope, unit_name, texts)),
        subtle=True,
        small=True,
    )


# --- bearings traced to their goals ---------------------------------------------------------


def bearings_cards(
    bearings: CommitteeBearings, texts: Texts, *, administration: bool = False
) -> list[dict[str, Any]]:
    """How a politician traces a bearing to its effect: each bearing, whom it is for,
    whether the committee has decided it or it is still a proposal, and the goals that
    follow it with their latest status. The administration records the committee's
    decision on a proposal here. One card, or numbered parts when the committee is large;
    each within the size Teams takes."""
    sections = [
        section
        for traced in bearings.bearings
        for section in _bearing_sections(traced, texts, bearings.uses_goals, administration)
    ]

    def build(part: tuple[ac.Container, ...], page: tuple[int, int] | None) -> dict[str, Any]:
        body: list[Any] = [title(_bearings_title(bearings, texts))]
        if page is not None:
            body.append(text(texts("moedekort.del", page=page[0], pages=page[1]), subtle=True))
        if not bearings.bearings:
            body.append(text(texts("moedekort.pejlemaerker.ingen")))
        body += part
        return card(body, fallback_text=_bearings_title(bearings, texts))

    return split_cards(sections, build)


def _bearings_title(bearings: CommitteeBearings, texts: Texts) -> str:
    if bearings.period is None:
        return texts("moedekort.pejlemaerker.titel_uden_periode", committee=bearings.committee_name)
    return texts(
        "moedekort.pejlemaerker.titel",
        committee=bearings.committee_name,
        period=bearings.period.name,
    )


def _bearing_sections(
    traced: TracedBearing, texts: Texts, uses_goals: bool = True, administration: bool = False
) -> list[ac.Container]:
    """The bearing with its first run of goals, then a continued section per further run;
    without goals (Dragør), the bearing alone."""
    bearing = traced.bearing
    head: list[Any] = [
        text(bearing.title, bold=True),
        scope_line(bearing.scope, bearing.unit_name, texts),
    ]
    if bearing.description:
        head.append(text(bearing.description))
    head += decision_lines(bearing, texts)
    if bearing.proposed and administration:
        head += _bearing_decision_form(bearing, texts)
    if not uses_goals:
        return [_section_box(head)]
    if not traced.goals:
        head.append(text(texts("moedekort.pejlemaerker.ingen_maal"), subtle=True))
        return [_section_box(head)]
    runs = [
        traced.goals[start : start + GOALS_PER_SECTION]
        for start in range(0, len(traced.goals), GOALS_PER_SECTION)
    ]
    head.append(text(texts("moedekort.pejlemaerker.maal"), bold=True, small=True))
    sections = [_section_box(head + [_goal_line(goal, texts) for goal in runs[0]])]
    for run in runs[1:]:
        continued = text(texts("moedekort.pejlemaerker.fortsat", title=bearing.title), bold=True)
        sections.append(_section_box([continued, *(_goal_line(goal, texts) for goal in run)]))
    return sections


def decision_lines(bearing: BearingView, texts: Texts) -> list[ac.TextBlock]:
    """A proposal says so (the committee decides its bearings); a decided one says when."""
    if bearing.proposed:
        return [_attention(texts("moedekort.pejlemaerker.forslag"))]
    if bearing.decided_on is not None:
        said = texts("moedekort.pejlemaerker.besluttet", day=texts.day(bearing.decided_on))
        return [text(said, subtle=True, small=True)]
    return []


def bearing_decision_inputs(bearing_id: int) -> tuple[str, str]:
    """The ids of one proposal's inputs on the bearings card: (decided_on, words)."""
    return f"bearing_decided_on_{bearing_id}", f"bearing_words_{bearing_id}"


def _bearing_decision_form(bearing: BearingView, texts: Texts) -> list[Any]:
    """The day of the committee meeting and the words it decided, filled in with the
    proposal's: left as they are, the committee decided it as proposed. Not required
    inputs, as on the matters card: the store refuses a decision without a day."""
    decided_on, words = bearing_decision_inputs(bearing.id)
    data = {"action": actions.DECIDE_BEARING, "bearing": bearing.id, "fields": [decided_on, words]}
    return [
        ac.InputDate(id=decided_on, label=texts("moedekort.pejlemaerker.dato_label")),
        ac.InputText(
            id=words,
            label=texts("moedekort.pejlemaerker.ordlyd_label"),
            value=bearing.title,
            max_length=TITLE_MAX,
        ),
        buttons(button(texts("moedekort.knap.registrer_udvalgets_beslutning"), data)),
    ]


def _section_box(items: list[Any]) -> ac.Container:
    return ac.Container(items=items, separator=True, spacing=t.Spacing.MEDIUM)


def _goal_line(goal: GoalView, texts: Texts) -> ac.RichTextBlock:
    """The status word in its colour, then the unit, the goal and the date of the status."""
    parts = [goal.unit_name, goal.title]
    if goal.latest is not None:
        parts.append(texts.date(goal.latest.reported_at))
    return ac.RichTextBlock(
        inlines=[
            *color_runs(goal.latest.color if goal.latest else None, texts),
            ac.TextRun(text="  " + SEP.join(parts)),
        ]
    )


# --- matters for formal decision ------------------------------------------------------------


def matters_card(
    matters: Sequence[MatterView], texts: Texts, *, administration: bool = False
) -> dict[str, Any]:
    """The matters the dialogue meetings sent on, open ones listed by the committee meeting
    they are on, with their legal, economic, staff and other consequences; then the decided
    ones. The administration describes the consequences and records a decision here; each
    open matter has its own inputs, named by `decision_inputs`, because one card cannot
    hold two inputs with the same id."""
    open_ = [m for m in matters if m.state is MatterState.OPEN]
    decided = [m for m in matters if m.state is MatterState.DECIDED]
    body: list[Any] = [title(texts("moedekort.sager.titel"))]
    if not matters:
        body.append(text(texts("moedekort.sager.ingen")))
    listed: date | bool | None = False  # no heading yet
    for matter in open_:
        if matter.committee_meeting != listed:
            listed = matter.committee_meeting
            body.append(_meeting_heading(listed, texts))
        body.append(_open_matter(matter, texts, administration))
    if decided:
        body.append(text(texts("moedekort.sager.besluttede"), bold=True))
        body += [_decided_matter(matter, texts) for matter in decided]
    return card(body, fallback_text=texts("moedekort.sager.titel"))


def meeting_list_card(
    committee_name: str, held_on: date, matters: Sequence[MatterView], texts: Texts
) -> dict[str, Any]:
    """A committee meeting's open matters with their consequences, for the committee's
    channel before the meeting: what the politicians will decide."""
    heading = texts("moedekort.sager.til_moedet", date=texts.date(held_on))
    body: list[Any] = [
        title(heading),
        text(committee_name, subtle=True),
        *(_open_matter(matter, texts, administration=False) for matter in matters),
    ]
    return card(body, fallback_text=heading)


def _meeting_heading(listed: date | None, texts: Texts) -> ac.TextBlock:
    if listed is None:
        return text(texts("moedekort.sager.uden_udvalgsmoede"), bold=True)
    return text(_on_meeting(listed, texts), bold=True)


def _on_meeting(held_on: date, texts: Texts) -> str:
    """ "Til udvalgsmødet 14. januar 2027": a word first, as a date first reads as a list."""
    return texts("moedekort.sager.udvalgsmoede", date=texts.date(held_on))


def matter_form_card(
    matter: MatterView, meetings: Sequence[CommitteeMeetingView], texts: Texts
) -> dict[str, Any]:
    """The administration completes a matter before the committee meeting: its four kinds
    of consequence, and the committee meeting whose list it is on (one of the committee's
    dates after the dialogue meeting, or a new date)."""
    current = str(matter.committee_meeting_id) if matter.committee_meeting_id else None
    values = {"legal": matter.legal, "economic": matter.economic, "staff": matter.staff,
              "other": matter.other}  # fmt: skip
    inputs: list[Any] = [
        ac.InputText(id=kind, label=texts(f"moedekort.sager.{kind}"), is_multiline=True,
                     max_length=NOTE_MAX, value=values[kind])
        for kind in CONSEQUENCES
    ]  # fmt: skip
    inputs.append(
        ac.InputChoiceSet(
            id="committee_meeting", label=texts("moedekort.sager.udvalgsmoede_label"),
            value=current,
            choices=[ac.InputChoice(title=_on_meeting(m.held_on, texts), value=str(m.id))
                     for m in meetings],
        )
    )  # fmt: skip
    inputs.append(ac.InputDate(id="new_meeting", label=texts("moedekort.sager.nyt_moede_label")))
    data = {"action": actions.SAVE_MATTER, "matter": matter.id, "fields": [i.id for i in inputs]}
    body: list[Any] = [
        title(texts("moedekort.sager.beskriv_titel")),
        text(matter.title, bold=True),
        _matter_origin(matter, texts),
        *inputs,
        buttons(button(texts("moedekort.knap.gem_sag"), data, positive=True)),
    ]
    return card(body, fallback_text=texts("moedekort.sager.beskriv_titel"))


def decision_inputs(matter_id: int) -> tuple[str, str]:
    """The ids of one open matter's inputs on the matters card: (decision, decided_on)."""
    return f"decision_{matter_id}", f"decided_on_{matter_id}"


def consequence_facts(
    legal: str | None,
    economic: str | None,
    staff: str | None,
    texts: Texts,
    other: str | None = None,
) -> ac.FactSet:
    """The four kinds of consequence, each "Ikke beskrevet endnu" until described."""
    missing = texts("moedekort.sager.ikke_beskrevet")
    values = {"legal": legal, "economic": economic, "staff": staff, "other": other}
    return facts(
        [(texts(f"moedekort.sager.{kind}"), values[kind] or missing) for kind in CONSEQUENCES]
    )


def _open_matter(matter: MatterView, texts: Texts, administration: bool) -> ac.Container:
    items: list[Any] = [text(matter.title, bold=True), _matter_origin(matter, texts)]
    items.append(
        consequence_facts(matter.legal, matter.economic, matter.staff, texts, matter.other)
    )
    if not matter.described:
        items.append(_attention(texts("moedekort.sager.skal_beskrives")))
    if administration:
        describe = {"action": actions.EDIT_MATTER, "matter": matter.id}
        items.append(buttons(button(texts("moedekort.knap.beskriv_sag"), describe)))
        items += _decision_form(matter, texts)
    return ac.Container(items=items, separator=True, spacing=t.Spacing.MEDIUM)


def _matter_origin(matter: MatterView, texts: Texts) -> ac.TextBlock:
    parts = [matter.committee_name]
    if matter.meeting_date is not None:
        parts.append(texts("moedekort.sager.fra_moedet", date=texts.date(matter.meeting_date)))
    return text(SEP.join(parts), subtle=True, small=True)


def _attention(message: str) -> ac.TextBlock:
    """A warning in the attention colour; its words ("Bemærk: …") carry it without colour."""
    block = text(message)
    block.color = t.Colors.ATTENTION
    return block


def _decision_form(matter: MatterView, texts: Texts) -> list[Any]:
    """Not required inputs: a press sends every input of the card, and a required one of
    another matter would block it. The store refuses a decision without words or date."""
    decision, decided_on = decision_inputs(matter.id)
    data = {"action": actions.DECIDE_MATTER, "matter": matter.id, "fields": [decision, decided_on]}
    return [
        ac.InputText(
            id=decision,
            label=texts("moedekort.sager.beslutning_label"),
            is_multiline=True,
            max_length=NOTE_MAX,
        ),
        ac.InputDate(id=decided_on, label=texts("moedekort.sager.dato_label")),
        buttons(button(texts("moedekort.knap.registrer_beslutning"), data)),
    ]


def _decided_matter(matter: MatterView, texts: Texts) -> ac.Container:
    when = texts.date(matter.decided_on) if matter.decided_on else ""
    decided = texts("moedekort.sager.besluttet", date=when, decision=matter.decision or "")
    return ac.Container(
        separator=True,
        items=[text(matter.title, bold=True), _matter_origin(matter, texts), text(decided)],
    )
