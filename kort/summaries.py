"""The summary of a dialogue meeting (referat): what was said per unit and in general,
the political bearings agreed, the matters sent on for formal decision, and who follows
up on what.

Two builders, because a summary of a large meeting outgrows one Teams message:
- `summary_card` is one card, for a person: the draft with its buttons, or the copy to
  comment on. When the whole text would not fit, long texts are shortened (and the card
  says so), since a card with buttons or an input must stay one card.
- `summary_cards` is the approved summary for the committee's channel, kept whole and
  split into numbered parts when it is long.
"""

from __future__ import annotations

from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.bearings import consequence_facts, scope_line
from kort.catalogue import Texts
from kort.common import button, buttons, card, text, title
from kort.digests import first_that_fits, split_cards
from kort.goal_fields import bullets
from kort.meetings import SEP, clip, meeting_facts, section, where_and_when
from store.enums import SummaryState
from store.limits import COMMENT_MAX
from store.meetingviews import (
    AgreedBearing,
    AgreedMatter,
    CommentView,
    FollowUpView,
    SummaryView,
    UnitSummary,
)

MODES = ("draft", "comment", "posted")
SHORTEN_STEPS: tuple[int | None, ...] = (None, 1000, 500, 250, 120, 60, 40)
COMPACT_FROM = 250  # texts this short go on one line with their heading, not under it


def summary_card(summary: SummaryView, texts: Texts, *, mode: str) -> dict[str, Any]:
    """One card of the summary. `mode` is "draft" (to the facilitator: send for comments,
    approve, edit; with the comments received), "comment" (to a participant: a box for
    a comment) or "posted" (the approved summary, no buttons)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    return first_that_fits(lambda limit: _summary_card(summary, texts, mode, limit), SHORTEN_STEPS)


def summary_cards(summary: SummaryView, texts: Texts) -> list[dict[str, Any]]:
    """The approved summary for the committee's channel: whole, in parts if need be."""
    sections = _content(summary, texts, None)

    def build(
        part: tuple[ac.Container | ac.TextBlock, ...], page: tuple[int, int] | None
    ) -> dict[str, Any]:
        body = [*_heading(summary, texts, "posted", page), *part]
        return card(body, fallback_text=_fallback(summary, texts), full_width=True)

    return split_cards(sections, build)


def summary_sent_card(summary: SummaryView, texts: Texts) -> dict[str, Any]:
    """The short notice to the participants that a draft is out for comments; the card
    to comment on ("comment" mode) follows it."""
    said = texts(
        "moedekort.referat.sendt",
        committee=summary.meeting.committee_name,
        time=texts.day_time(summary.meeting.starts_at),
    )
    body: list[Any] = [title(texts("moedekort.referat.sendt_titel")), text(said)]
    if summary.comment_deadline is not None:
        body.append(text(_deadline(summary, texts), bold=True))
    return card(body, fallback_text=said)


def _summary_card(
    summary: SummaryView, texts: Texts, mode: str, limit: int | None
) -> dict[str, Any]:
    body: list[Any] = _heading(summary, texts, mode, None)
    if limit is not None:
        body.append(text(texts("moedekort.referat.forkortet"), subtle=True, small=True))
    body += _content(summary, texts, limit)
    if mode == "draft":
        body += _comments(summary, texts, limit)
        draft_buttons = _draft_buttons(summary, texts)
        if draft_buttons:
            body.append(buttons(*draft_buttons))
    elif mode == "comment":
        body += _comment_form(summary, texts)
    return card(body, fallback_text=_fallback(summary, texts))


def _fallback(summary: SummaryView, texts: Texts) -> str:
    return texts("moedekort.referat.fallback", meeting=where_and_when(summary.meeting, texts))


# --- heading --------------------------------------------------------------------------------


def _heading(
    summary: SummaryView, texts: Texts, mode: str, page: tuple[int, int] | None
) -> list[Any]:
    heading = texts(
        "moedekort.referat.titel_udkast" if mode != "posted" else "moedekort.referat.titel"
    )
    if page is not None:
        heading += SEP + texts("moedekort.del", page=page[0], pages=page[1])
    blocks: list[Any] = [title(heading), meeting_facts(summary.meeting, texts)]
    if mode == "comment":
        blocks.append(text(texts("moedekort.referat.intro_kommentar")))
    state = _state_line(summary, texts, mode)
    if state:
        blocks.append(text(state, bold=True))
    return blocks


def _state_line(summary: SummaryView, texts: Texts, mode: str) -> str | None:
    if mode == "comment":
        return _deadline(summary, texts) if summary.comment_deadline else None
    if summary.state is SummaryState.APPROVED:
        return _approved(summary, texts)
    if mode == "posted":
        return None
    state = texts(f"moedekort.referat_tilstand.{summary.state}")
    if summary.state is SummaryState.COMMENTS and summary.comment_deadline:
        return state + SEP + _deadline(summary, texts)
    return state


def _deadline(summary: SummaryView, texts: Texts) -> str:
    assert summary.comment_deadline is not None
    return texts("moedekort.referat.frist", date=texts.date(summary.comment_deadline))


def _approved(summary: SummaryView, texts: Texts) -> str | None:
    if summary.approved_at is None:
        return texts("moedekort.referat_tilstand.approved")
    when = texts.date(summary.approved_at)
    if summary.approved_by:
        return texts("moedekort.referat.godkendt_af", date=when, person=summary.approved_by)
    return texts("moedekort.referat.godkendt", date=when)


# --- content: units, general, bearings, matters, follow-ups --------------------------------


def _content(
    summary: SummaryView, texts: Texts, limit: int | None
) -> list[ac.Container | ac.TextBlock]:
    """The summary's sections in reading order; each one is whole in a part of its own."""
    content = summary.content
    sections: list[ac.Container | ac.TextBlock] = [
        _unit(unit, summary, texts, limit) for unit in content.units
    ]
    if content.general:
        general = section(texts("moedekort.referat.generelt"), clip(content.general, limit))
        sections.append(_box(general))
    sections += _group(
        texts("moedekort.referat.pejlemaerker"),
        [_bearing(bearing, summary, texts, limit) for bearing in content.bearings],
    )
    sections += _group(
        texts("moedekort.referat.sager"),
        [_matter(matter, texts, limit) for matter in content.matters],
    )
    if content.follow_ups:
        lines = bullets(_follow_up(entry, texts, limit) for entry in content.follow_ups)
        sections.append(_box(section(texts("moedekort.referat.opfoelgning"), lines)))
    return sections


def _box(items: list[Any]) -> ac.Container:
    return ac.Container(items=items, separator=True, spacing=t.Spacing.MEDIUM)


def _group(heading: str, entries: list[list[Any]]) -> list[ac.Container]:
    """A heading over several entries; it goes with the first, so it never ends a part."""
    if not entries:
        return []
    first = _box([text(heading, bold=True), *entries[0]])
    return [first, *(ac.Container(items=entry, spacing=t.Spacing.MEDIUM) for entry in entries[1:])]


def _unit(
    unit: UnitSummary, summary: SummaryView, texts: Texts, limit: int | None
) -> ac.Container | ac.TextBlock:
    name = _unit_name(unit.unit_id, summary, texts)
    follow_up = clip(unit.goal_follow_up, limit)
    if _compact(limit):  # one block a unit: a large meeting's summary still fits one card
        line = texts("moedekort.referat.linje", heading=name, text=clip(unit.text, limit))
        if follow_up:
            label = texts("moedekort.forberedelse.felt.goal_follow_up")
            line += "\n\n" + texts("moedekort.referat.linje", heading=label, text=follow_up)
        block = text(line)
        block.separator = True
        return block
    items: list[Any] = [text(name, bold=True), text(clip(unit.text, limit) or "")]
    items += section(texts("moedekort.forberedelse.felt.goal_follow_up"), follow_up)
    return _box(items)


def _compact(limit: int | None) -> bool:
    return limit is not None and limit <= COMPACT_FROM


def _unit_name(unit_id: int | None, summary: SummaryView, texts: Texts) -> str:
    if unit_id is not None and unit_id in summary.unit_names:
        return summary.unit_names[unit_id]
    unit = summary.meeting.unit(unit_id)
    return unit.name if unit else texts("moedekort.omfang.ukendt_enhed", id=unit_id)


def _bearing(
    bearing: AgreedBearing, summary: SummaryView, texts: Texts, limit: int | None
) -> list[Any]:
    """Title, whom it is for, its words, and which bearing it replaces if it is new words
    for an old one."""
    unit_name = summary.unit_names.get(bearing.scope.unit_id) if bearing.scope.unit_id else None
    items: list[Any] = [text(bearing.title, bold=True), scope_line(bearing.scope, unit_name, texts)]
    if bearing.description:
        items.append(text(clip(bearing.description, limit) or ""))
    if bearing.replaces is not None:
        old = summary.replaced.get(bearing.replaces) or texts(
            "maalkort.ukendt_pejlemaerke", id=bearing.replaces
        )
        items.append(text(texts("moedekort.referat.erstatter", title=old), small=True))
    return items


def _matter(matter: AgreedMatter, texts: Texts, limit: int | None) -> list[Any]:
    legal, economic, staff, other = (
        clip(v, limit) for v in (matter.legal, matter.economic, matter.staff, matter.other)
    )
    return [text(matter.title, bold=True), consequence_facts(legal, economic, staff, texts, other)]


def _follow_up(entry: FollowUpView, texts: Texts, limit: int | None) -> str:
    parts = [clip(entry.text, limit) or ""]
    if entry.owner:
        parts.append(texts("moedekort.referat.ansvarlig", person=entry.owner))
    if entry.due:
        parts.append(texts("moedekort.referat.senest", date=texts.date(entry.due)))
    return SEP.join(parts)


# --- for the facilitator: comments and decisions -------------------------------------------


def _comments(summary: SummaryView, texts: Texts, limit: int | None) -> list[Any]:
    if not summary.comments:
        if summary.state is SummaryState.COMMENTS:
            return [_box([text(texts("moedekort.referat.ingen_kommentarer"), subtle=True)])]
        return []
    entries = [_comment(comment, summary, texts, limit) for comment in summary.comments]
    heading = texts("moedekort.referat.kommentarer")
    if _compact(limit):  # all in one box: many comments still fit one card
        return [_box([text(heading, bold=True), *(b for entry in entries for b in entry)])]
    return _group(heading, entries)


def _comment(
    comment: CommentView, summary: SummaryView, texts: Texts, limit: int | None
) -> list[Any]:
    who = SEP.join(p for p in (comment.person, texts.day_time(comment.at)) if p)
    items: list[Any] = []
    if comment.revision < summary.revision:
        older = text(texts("moedekort.referat.tidligere_udgave"), small=True)
        older.color = t.Colors.ATTENTION  # the words say it too: colour is never alone
        items.append(older)
    said = clip(comment.text, limit) or ""
    if _compact(limit):
        return [*items, text(texts("moedekort.referat.linje", heading=who, text=said))]
    return [text(who, subtle=True, small=True), *items, text(said)]


def _draft_buttons(summary: SummaryView, texts: Texts) -> list[ac.ActionExecute]:
    """A draft is sent for comments; one out for comments is approved; either is edited;
    nothing once it is approved. The revision travels along, so a click on an old card
    cannot act on newer words."""
    if summary.state is SummaryState.APPROVED:
        return []
    ids = {"summary": summary.id, "revision": summary.revision}
    if summary.state is SummaryState.DRAFT and summary.comment_round:
        send = {"action": actions.SEND_SUMMARY, **ids}
        shown = [button(texts("moedekort.knap.send_referat"), send, positive=True)]
    else:
        approve = {"action": actions.APPROVE_SUMMARY, **ids}
        shown = [button(texts("moedekort.knap.godkend_referat"), approve, positive=True)]
    edit = {"action": actions.WRITE_SUMMARY, "meeting": summary.meeting.id}
    return [*shown, button(texts("moedekort.knap.ret_referat"), edit)]


def _comment_form(summary: SummaryView, texts: Texts) -> list[Any]:
    # `fields` names the input, because Teams leaves an empty one out of the data.
    data = {
        "action": actions.COMMENT_SUMMARY,
        "summary": summary.id,
        "revision": summary.revision,
        "fields": ["comment"],
    }
    return [
        ac.InputText(
            id="comment",
            label=texts("moedekort.referat.kommentar_label"),
            placeholder=texts("moedekort.referat.kommentar_pladsholder"),
            is_multiline=True,
            is_required=True,
            error_message=texts("moedekort.referat.kommentar_fejl"),
            max_length=COMMENT_MAX,
            separator=True,
        ),
        buttons(button(texts("moedekort.knap.send_kommentar"), data, positive=True)),
    ]
