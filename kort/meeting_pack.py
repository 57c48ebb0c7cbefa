"""The meeting pack, posted in the committee's channel before a dialogue meeting: the
meeting, the committee's knowledge pack and bearings, then per unit its goals with their status and
trend through the period, the leader's preparation, and last period's results.

A pack for a large committee is long, so it is split by unit into numbered parts, each
a card within the size Teams takes. Texts are kept whole; only a unit too large for a
card of its own has its long texts shortened.
"""

from __future__ import annotations

from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort.bearings import decision_lines, scope_line
from kort.catalogue import Texts
from kort.common import card, color_word, text, title
from kort.digests import SIZE_LIMIT, UNKNOWN_TOTAL, card_size, split_cards
from kort.goal_fields import bullets, latest_status_block
from kort.knowledge import knowledge_section
from kort.meetings import (
    SEP,
    clip,
    meeting_facts,
    preparation_sections,
    where_and_when,
    written_line,
)
from store.meetingviews import PackGoal, PackUnit, PackView
from store.views import BearingView

QUOTE_LENGTH = 200  # the latest status's own words, quoted under the goal
# How far a unit's long texts are cut when the unit alone would outgrow a card: not at
# all, then shorter and shorter.
SHORTEN_STEPS: tuple[int | None, ...] = (None, 1000, 500, 250, 120, 60)


def pack_cards(pack: PackView, texts: Texts) -> list[dict[str, Any]]:
    """The pack as one card, or as parts "Mødepakke · del 2 af 4" of whole units."""
    sections = [_meeting_section(pack, texts)]
    if pack.knowledge:  # what the committee should know first
        sections.append(
            ac.Container(items=knowledge_section(pack.knowledge, texts), separator=True)
        )
    sections += [_bearing_section(b, number == 0, texts) for number, b in enumerate(pack.bearings)]
    sections += [_fitted_unit(entry, pack, texts) for entry in pack.units]
    return split_cards(sections, lambda part, page: _pack_card(pack, part, page, texts))


def _pack_card(
    pack: PackView, part: tuple[ac.Container, ...], page: tuple[int, int] | None, texts: Texts
) -> dict[str, Any]:
    heading = (
        texts("moedekort.pakke.titel")
        if page is None
        else texts("moedekort.pakke.titel_del", page=page[0], pages=page[1])
    )
    meeting = where_and_when(pack.meeting, texts)
    body: list[Any] = [title(heading), text(meeting, subtle=True), *part]
    return card(body, texts("moedekort.pakke.fallback", meeting=meeting), full_width=True)


def _meeting_section(pack: PackView, texts: Texts) -> ac.Container:
    where = pack.municipality_name
    if pack.period is not None:
        where += SEP + pack.period.name
    return ac.Container(
        items=[text(where, subtle=True, small=True), meeting_facts(pack.meeting, texts)]
    )


def _bearing_section(bearing: BearingView, first: bool, texts: Texts) -> ac.Container:
    """One of the committee's bearings; the first carries the heading over them all."""
    items: list[Any] = [text(texts("moedekort.pakke.pejlemaerker"), bold=True)] if first else []
    items += [text(bearing.title, bold=True), scope_line(bearing.scope, bearing.unit_name, texts)]
    if bearing.description:
        items.append(text(bearing.description, small=True))
    items += decision_lines(bearing, texts)  # a proposal says so
    return ac.Container(items=items, spacing=t.Spacing.MEDIUM, separator=first)


def _fitted_unit(entry: PackUnit, pack: PackView, texts: Texts) -> ac.Container:
    """The unit's section with its texts whole if it fits in a part of its own, else
    with them cut as little as will do."""
    for limit in SHORTEN_STEPS:
        section = _unit_section(entry, pack.uses_goals, texts, limit)
        alone = _pack_card(pack, (section,), (UNKNOWN_TOTAL, UNKNOWN_TOTAL), texts)
        if card_size(alone) <= SIZE_LIMIT:
            return section
    return section  # as short as it gets


def _unit_section(
    entry: PackUnit, uses_goals: bool, texts: Texts, limit: int | None
) -> ac.Container:
    """One unit. Without goals (the light profile) it is the preparation alone: no goal
    headings, and no word about goals missing."""
    unit = entry.unit
    kind = SEP.join(part for part in (unit.unit_type, unit.area) if part)
    items: list[Any] = [title(unit.name), text(kind, subtle=True, small=True)]
    if uses_goals:
        items += _goals(entry, texts, limit)
    items += _preparation(entry, texts, limit)
    if uses_goals and entry.earlier:
        items += _earlier(entry, texts)
    return ac.Container(items=items, separator=True, style=t.ContainerStyle.EMPHASIS, bleed=True)


def _goals(entry: PackUnit, texts: Texts, limit: int | None) -> list[Any]:
    heading = text(texts("moedekort.pakke.maal"), bold=True, small=True)
    if not entry.goals:
        return [heading, text(texts("moedekort.pakke.ingen_maal"), subtle=True)]
    return [heading, *(block for goal in entry.goals for block in _goal(goal, texts, limit))]


def _goal(entry: PackGoal, texts: Texts, limit: int | None) -> list[Any]:
    """Title, the latest status as word in its colour with its date, the colours through
    the period, and the latest status's own words (left out when texts must be short)."""
    goal = entry.goal
    heading = text(clip(goal.title, limit) or "", bold=True)
    heading.separator = True
    blocks: list[Any] = [heading, latest_status_block(goal.latest, texts)]
    if entry.trend:
        trend = " → ".join(color_word(status.color, texts) for status in entry.trend)
        blocks.append(text(texts("moedekort.pakke.forloeb", trend=trend), small=True))
    quoted_whole = limit is None or limit >= QUOTE_LENGTH
    if goal.latest is not None and goal.latest.narrative and quoted_whole:
        quoted = clip(goal.latest.narrative, QUOTE_LENGTH)
        blocks.append(text(texts("moedekort.citat", text=quoted), subtle=True, small=True))
    return blocks


def _preparation(entry: PackUnit, texts: Texts, limit: int | None) -> list[Any]:
    heading = text(texts("moedekort.pakke.forberedelse"), bold=True, small=True)
    heading.separator = True
    note = entry.preparation
    if note is None or not note.content.filled():
        return [heading, text(texts("moedekort.pakke.ingen_forberedelse"), subtle=True)]
    blocks = [heading, *preparation_sections(note.content, texts, limit)]
    written = written_line(note, texts)
    if written:
        blocks.append(text(written, subtle=True, small=True))
    return blocks


def _earlier(entry: PackUnit, texts: Texts) -> list[Any]:
    """Last period's goals with the status each ended on, as words."""
    lines = [
        texts(
            "moedekort.pakke.tidligere_linje",
            title=earlier.goal.title,
            color=color_word(earlier.goal.latest.color, texts)
            if earlier.goal.latest
            else texts("moedekort.pakke.uden_status"),
        )
        for earlier in entry.earlier
    ]
    heading = text(texts("moedekort.pakke.tidligere"), bold=True, small=True)
    heading.separator = True
    return [heading, text(bullets(lines), small=True)]
