"""What the goal cards share: a goal's answers as words (`field_value`, `choice_label`),
and the small blocks every goal card shows alike (unit and period, warnings, the comment
a goal was sent back with, the latest status)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, color_text, color_word, text
from store.goalfields import FIELDS, Kind
from store.goalviews import BearingView, GoalContent
from store.views import PeriodView, StatusView

SEP = " · "


# --- answers as words --------------------------------------------------------------------


def label(field: str, texts: Texts) -> str:
    return texts(f"maal.felt.{field}.label")


def choice_label(field: str, value: Any, texts: Texts) -> str:
    """The words for a stored choice (`development` → "Udviklingsmål"). A value the
    catalogue does not know, e.g. from an imported goal, is shown as it is."""
    if value in (None, ""):
        return ""
    key = f"maal.valg.{field}.{value}"
    return texts(key) if texts.has(key) else str(value)


def field_value(
    field: str,
    content: GoalContent,
    context_bearings: tuple[BearingView, ...] | Mapping[int, str],
    texts: Texts,
) -> str:
    """Any field's answer as readable text, or "" when it is not answered. Lists become
    "- " lines (a markdown list in a TextBlock); bearings become their titles, or "none"
    with the reason given."""
    kind = FIELDS.get(field, Kind.TEXT)
    if kind is Kind.BEARINGS:
        return _bearings_value(content, context_bearings, texts)
    value = content.value(field)
    if value in (None, "", (), []):
        return ""
    if kind is Kind.CHOICE:
        return choice_label(field, value, texts)
    if kind is Kind.MULTI:
        return ", ".join(choice_label(field, v, texts) for v in as_list(value))
    if kind is Kind.LINES:
        return bullets(as_list(value))
    if kind is Kind.DATE:
        return texts.day(date.fromisoformat(value) if isinstance(value, str) else value)
    return str(value)


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def as_list(value: Any) -> list[str]:
    # Extra answers come back from JSON, where a multi-choice may be a list or "a,b".
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value or ()]


def _titled(bearing: BearingView, texts: Texts) -> str:
    """A bearing's title; a proposal (new words not yet decided by the committee) says so."""
    if bearing.proposed:
        return texts("maalkort.pejlemaerke_forslag", title=bearing.title)
    return bearing.title


def _bearings_value(
    content: GoalContent, known: tuple[BearingView, ...] | Mapping[int, str], texts: Texts
) -> str:
    if content.bearing_ids:
        titles = (
            {int(k): v for k, v in known.items()}
            if isinstance(known, Mapping)
            else {b.id: _titled(b, texts) for b in known}
        )
        return bullets(
            titles.get(b) or texts("maalkort.ukendt_pejlemaerke", id=b) for b in content.bearing_ids
        )
    if content.no_bearing_reason:
        return texts("maalkort.ingen_pejlemaerke", reason=content.no_bearing_reason)
    return ""


# --- blocks shared by the goal cards -----------------------------------------------------


def where_line(unit_name: str, period: PeriodView | None, texts: Texts) -> ac.TextBlock:
    """A subtle line saying which unit and period a goal belongs to."""
    shown = (
        texts("maalkort.enhed_periode", unit=unit_name, period=period.name) if period else unit_name
    )
    return text(shown, subtle=True, small=True)


def flag_block(flag: str, texts: Texts) -> ac.TextBlock:
    """A warning for whoever approves, in the attention colour and led by "Bemærk:", so
    the colour is never the only signal."""
    key = f"maal.flag.{flag}"
    block = text(texts("maalkort.bemaerk", text=texts(key) if texts.has(key) else flag))
    block.color = t.Colors.ATTENTION
    return block


def returned_block(comment: str, texts: Texts) -> ac.Container:
    """The department head's comment on a returned goal, set apart at the top."""
    heading = text(texts("maalkort.tilbagesendt"), bold=True)
    heading.color = t.Colors.ATTENTION
    return ac.Container(style=t.ContainerStyle.EMPHASIS, items=[heading, text(comment)])


def latest_status_block(latest: StatusView | None, texts: Texts) -> ac.RichTextBlock:
    """The latest status as its word after a dot in its colour, with its date
    ("● Seneste status: Gul · 3. marts 2027")."""
    said = None
    if latest is not None:
        color = color_word(latest.color, texts)
        said = texts("status.kort.seneste", color=color, date=texts.date(latest.reported_at))
    return color_text(latest.color if latest else None, texts, said, small=True)


def cancel_button(progress_id: str, texts: Texts) -> ac.ActionExecute:
    data = {"action": actions.CANCEL, "progress": progress_id}
    return button(texts("maalkort.knap_annuller"), data, validate=False)
