"""The committee digest card: per unit, each goal's status as colour and word, what
changed since the last digest, and goals with no status in the period.

A digest must fit in one Teams message. Teams allows about 100 KB but webhooks and
mobile do better below 28 KB, so a digest that would be larger first loses its quoted
narratives, then is split into parts, each a card of its own. The size measure and the
splitters (`card_size`, `paginate`, `split_cards`, `first_that_fits`) serve the other long
cards too: the meeting pack, the meeting summary and the bearings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort.catalogue import Texts
from kort.common import card, color_explanation, color_runs, color_word, text, title
from store.enums import Color, GoalState
from store.text import shorten
from store.views import DigestGoal, DigestUnit, DigestView, StatusView

SIZE_LIMIT = 26 * 1024  # bytes of card JSON; below the 28 KB every Teams surface takes
QUOTE_LENGTH = 160
SUMMARY_LENGTH = 300  # of a summary's general part, or of what it says on one unit
# A part is built before the number of parts is known; two digits stand in for it.
UNKNOWN_TOTAL = 99

Item = TypeVar("Item")


# A committee's digest lists at most this many changes since its meeting; the report has all.
MEETING_CHANGES_SHOWN = 15


def digest_cards(digest: DigestView, texts: Texts) -> list[dict[str, Any]]:
    """One card, or several when the committee is large; each within SIZE_LIMIT: the whole
    card, else without quotes, else parts of whole units without quotes."""
    brief = [_unit(unit, texts, quotes=False) for unit in digest.units]
    sizes = [_element_size(unit) for unit in brief]
    if _size_without_units(digest, texts, None) + sum(sizes) <= SIZE_LIMIT:
        # Quotes only add to a card, so the whole one can fit only when the brief one does.
        whole = _digest_card(digest, digest.units, texts, quotes=True)
        return [whole if card_size(whole) <= SIZE_LIMIT else _card(digest, brief, texts)]
    pages = _digest_pages(digest, texts, sizes)
    return [
        _card(digest, [brief[i] for i in part], texts, page=(number, len(pages)))
        for number, part in enumerate(pages, start=1)
    ]


def card_size(built: dict[str, Any]) -> int:
    """Bytes of the card's JSON as it travels: the measure SIZE_LIMIT is in."""
    return len(json.dumps(built, ensure_ascii=False).encode("utf-8"))


def paginate(
    items: Sequence[Item], build_part: Callable[[tuple[Item, ...], int], dict[str, Any]]
) -> list[tuple[Item, ...]]:
    """Whole items per part, as many as fit within SIZE_LIMIT; an item never straddles
    two parts. `build_part(items, number)` builds part `number` (counted from 1), so a
    first part that carries more than the rest is measured as it will be sent."""
    pages: list[tuple[Item, ...]] = []
    current: list[Item] = []
    for item in items:
        trial = build_part((*current, item), len(pages) + 1)
        if current and card_size(trial) > SIZE_LIMIT:
            pages.append(tuple(current))
            current = []
        current.append(item)
    if current:
        pages.append(tuple(current))
    return pages


def split_cards(
    sections: Sequence[Item],
    build: Callable[[tuple[Item, ...], tuple[int, int] | None], dict[str, Any]],
) -> list[dict[str, Any]]:
    """One card of all `sections` when it fits, else numbered parts of whole sections.
    `build(sections, page)` builds a card; `page` is (number, total), None for one card."""
    whole = build(tuple(sections), None)
    if card_size(whole) <= SIZE_LIMIT:
        return [whole]
    pages = paginate(sections, lambda part, number: build(part, (number, UNKNOWN_TOTAL)))
    return [build(part, (number, len(pages))) for number, part in enumerate(pages, start=1)]


def first_that_fits(
    build: Callable[[Item], dict[str, Any]], choices: Sequence[Item]
) -> dict[str, Any]:
    """The card built with the first choice whose card is within SIZE_LIMIT, or with the
    last choice when none is: choices go from the fullest card to the most compact."""
    built: dict[str, Any] = {}
    for choice in choices:
        built = build(choice)
        if card_size(built) <= SIZE_LIMIT:
            break
    return built


def _digest_pages(digest: DigestView, texts: Texts, sizes: list[int]) -> list[range]:
    """Whole units per part, as `paginate` splits them, by arithmetic: a card's size is its
    size without units plus each unit's, so no trial card is built and measured per unit,
    which took seconds for a thousand units. The first part also carries the summary, so
    each part's own size without units counts."""
    pages: list[range] = []
    start, total = 0, 0
    fixed: dict[int, int] = {}  # per part number: its size without units, measured once
    for index, size in enumerate(sizes):
        number = len(pages) + 1
        if number not in fixed:
            fixed[number] = _size_without_units(digest, texts, (number, UNKNOWN_TOTAL))
        if index > start and fixed[number] + total + size > SIZE_LIMIT:
            pages.append(range(start, index))
            start, total = index, 0
        total += size
    if start < len(sizes):
        pages.append(range(start, len(sizes)))
    return pages


def _size_without_units(digest: DigestView, texts: Texts, page: tuple[int, int] | None) -> int:
    return card_size(_card(digest, [], texts, page))


def _element_size(element: Any) -> int:
    """What `element` adds to the size of a card's body: its JSON, serialised as `card`
    serialises it (kort/common.py), and the ", " before it. The heading is always there,
    so a unit never comes first."""
    dumped = element.model_dump(mode="json", exclude_none=True, by_alias=True, warnings=False)
    return card_size(dumped) + len(", ")


def _digest_card(
    digest: DigestView,
    units: tuple[DigestUnit, ...],
    texts: Texts,
    quotes: bool,
    page: tuple[int, int] | None = None,
) -> dict[str, Any]:
    return _card(digest, [_unit(unit, texts, quotes) for unit in units], texts, page)


def _card(
    digest: DigestView,
    units: list[ac.Container],
    texts: Texts,
    page: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The card with `units` already built, each a container at the end of the body."""
    body: list[Any] = _heading(digest, texts, page)
    first = page is None or page[0] == 1
    if first and digest.uses_goals:
        body += _summary(digest, texts)
    if not digest.units and digest.uses_goals:
        body.append(text(texts("digest.ingen_maal"), subtle=True))
    if first and not digest.uses_goals:
        body += _summaries(digest, texts)
    if first:
        body += _awaiting(digest, texts) + _bearings(digest, texts) + _matters(digest, texts)
    if first and _nothing_yet(digest):
        body.append(text(texts("digest.intet_endnu"), subtle=True))
    body += units
    fallback = texts("digest.fallback", committee=digest.committee_name)
    return card(body, fallback_text=fallback, full_width=True)


def _nothing_yet(digest: DigestView) -> bool:
    """Without goals, a digest with no summary, bearing or matter says so, not nothing."""
    return not (digest.uses_goals or digest.summaries or digest.bearings or digest.open_matters)


def _heading(digest: DigestView, texts: Texts, page: tuple[int, int] | None) -> list[Any]:
    period = digest.period.name if digest.period else ""
    lines = [
        title(texts("digest.titel", committee=digest.committee_name)),
        text(
            texts("digest.undertitel", municipality=digest.municipality_name, period=period),
            subtle=True,
        ),
    ]
    if page is not None:
        lines.append(
            text(texts("digest.del", page=page[0], pages=page[1]), subtle=True, small=True)
        )
    return lines


def _summary(digest: DigestView, texts: Texts) -> list[Any]:
    counts = texts(
        "digest.optaelling",
        green=digest.count(Color.GREEN),
        yellow=digest.count(Color.YELLOW),
        red=digest.count(Color.RED),
        none=digest.count(None),
    )
    since = texts.date(digest.since)
    changed = sum(1 for g in digest.goals if g.changed)
    news = (
        texts("digest.nye", count=changed, since=since)
        if changed
        else texts("digest.ingen_nye", since=since)
    )
    lines = [text(counts, bold=True), text(_scale_line(digest, texts), small=True), text(news)]
    stale = sum(1 for g in digest.goals if g.stale)
    if stale and digest.status_day:
        day = texts.date(digest.status_day)
        lines.append(text(texts("digest.mangler_siden", count=stale, date=day)))
    elif stale:
        lines.append(text(texts("digest.uden_status", count=stale)))
    return lines + _red_twice(digest, texts) + _since_meeting(digest, texts)


def _summaries(digest: DigestView, texts: Texts) -> list[Any]:
    """Without goals: what the latest dialogue meetings came to, as their summaries say."""
    if not digest.summaries:
        return []
    lines: list[Any] = [text(texts("digest.opsummeringer"), bold=True)]
    for summary in digest.summaries:
        day = texts.date(summary.meeting_at)
        items: list[Any] = [text(texts("digest.opsummering", date=day), bold=True, small=True)]
        if summary.general:
            items.append(text(shorten(summary.general, SUMMARY_LENGTH), small=True))
        if summary.units:
            listing = "\n".join(
                f"- **{shorten(name, 40)}**: {shorten(said, SUMMARY_LENGTH)}"
                for name, said in summary.units
            )
            items.append(text(listing, small=True))
        lines.append(ac.Container(items=items, separator=True))
    return lines


def _scale_line(digest: DigestView, texts: Texts) -> str:
    """Which question the colours answer: a status tells what is expected, the final
    report what was met."""
    explanation = color_explanation(digest.status_scale, texts)
    return texts(f"digest.farver.{digest.status_scale.value}", explanation=explanation)


def _red_twice(digest: DigestView, texts: Texts) -> list[Any]:
    flagged = sum(1 for g in digest.goals if g.red_twice)
    return [text(texts("digest.roed_to_gange", count=flagged), bold=True)] if flagged else []


def _since_meeting(digest: DigestView, texts: Texts) -> list[Any]:
    """What changed colour since the committee last met: what it will ask about."""
    since = digest.since_meeting
    if since is None:
        return []
    day = texts.date(since.meeting_at)
    if not since.changes:
        return [text(texts("digest.moede_ingen_skift", date=day), small=True)]
    listing = "\n".join(
        f"- {shorten(c.unit_name, 40)}: {shorten(c.title, 60)} · "
        f"{color_word(c.before, texts)} → {color_word(c.after, texts)}"
        for c in since.changes[:MEETING_CHANGES_SHOWN]
    )
    heading = texts("digest.moede_skift", count=len(since.changes), date=day)
    return [text(heading, bold=True), text(listing, small=True)]


def _awaiting(digest: DigestView, texts: Texts) -> list[Any]:
    """What the committee is asked to approve: new goals, and changes to approved ones."""
    new = sum(len(unit.awaiting) for unit in digest.units)
    changed = sum(1 for entry in digest.goals if _changed_awaits_committee(entry))
    lines = [texts("digest.venter_paa_udvalget", count=new)] if new else []
    if changed:
        lines.append(texts("digest.aendringer_venter", count=changed))
    return [text(line, bold=True) for line in lines]


def _bearings(digest: DigestView, texts: Texts) -> list[Any]:
    """Each bearing with how the goals that follow it stand: the trace at a glance."""
    if not digest.bearings:
        return []
    lines = []
    for entry in digest.bearings:
        line = f"- **{entry.bearing.title}**"
        if entry.bearing.proposed:  # the committee has not decided it yet
            line += " · " + texts("digest.forslag")
        if digest.uses_goals:
            line += " · " + _colors(entry.colors, texts)
        lines.append(line)
    return [
        text(texts("digest.pejlemaerker"), bold=True),
        text("\n".join(lines), small=True),
    ]


def _colors(colors: tuple[Color | None, ...], texts: Texts) -> str:
    if not colors:
        return texts("digest.ingen_foelger")
    counted = [
        f"{color_word(color, texts)} {colors.count(color)}"
        for color in (Color.GREEN, Color.YELLOW, Color.RED, None)
        if color in colors
    ]
    return texts("digest.foelger", count=len(colors), colors=", ".join(counted))


def _matters(digest: DigestView, texts: Texts) -> list[Any]:
    if not digest.open_matters:
        return []
    listing = "\n".join(f"- {shorten(title, 120)}" for title in digest.open_matters)
    heading = texts("digest.sager", count=len(digest.open_matters))
    return [text(heading, bold=True), text(listing, small=True)]


def _changed_awaits_committee(entry: DigestGoal) -> bool:
    return entry.goal.newer_state is GoalState.DEPARTMENT_APPROVED


def _unit(unit: DigestUnit, texts: Texts, quotes: bool) -> ac.Container:
    items: list[Any] = [text(unit.name, bold=True)]
    for goal in unit.goals:
        items += _goal(goal, texts, quotes)
    if unit.awaiting:
        listing = "\n".join(f"- {title}" for title in unit.awaiting)
        items.append(text(texts("digest.til_udvalget") + "\n" + listing, small=True))
    return ac.Container(items=items, separator=True, style=t.ContainerStyle.EMPHASIS, bleed=True)


def _goal(entry: DigestGoal, texts: Texts, quotes: bool) -> list[Any]:
    """Two or three short lines: colour word and title, what changed, maybe a quote.
    Runs in one RichTextBlock keep a large committee's digest within the size limit."""
    latest = entry.goal.latest
    lines: list[Any] = [
        ac.RichTextBlock(
            inlines=[
                *color_runs(latest.color if latest else None, texts),
                ac.TextRun(text=f"  {entry.goal.title}"),
            ],
            separator=True,
        ),
    ]
    if _changed_awaits_committee(entry):
        lines.append(text(texts("digest.aendring_venter"), small=True))
    if entry.red_twice:
        lines.append(text(texts("digest.roed_to_gange_maal"), small=True, bold=True))
    if latest is None:  # with no status at all, the colour word already says so
        return lines
    change = _change_line(entry, latest, texts)
    if latest.corrected_at is not None:
        change = f"{change} · {texts('digest.rettet')}"
    lines.append(text(change, small=True, subtle=not entry.changed))
    if quotes:
        quote = texts("digest.citat", text=shorten(latest.narrative, QUOTE_LENGTH))
        lines.append(text(quote, subtle=True, small=True))
    return lines


def _change_line(entry: DigestGoal, latest: StatusView, texts: Texts) -> str:
    if entry.stale:
        return texts("digest.mangler")  # its status is from before the last status day
    if not entry.changed:
        return texts("digest.seneste", date=texts.date(latest.reported_at))
    after = color_word(latest.color, texts)
    if entry.previous is None:
        return texts("digest.ny_status", color=after)
    if entry.previous.color == latest.color:
        return texts("digest.samme", color=after)
    return texts("digest.aendret", before=color_word(entry.previous.color, texts), after=after)
