"""Small helpers every card builder shares: the card shell, text, facts and buttons."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.tekster import Texts
from store.enums import Color

# Teams renders Adaptive Cards up to 1.5 everywhere; Action.Execute needs at least 1.4.
CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# Colour is never the only signal: every colour goes with its word (Rød, Gul, Grøn).
_COLOR_STYLE = {
    Color.RED: t.Colors.ATTENTION,
    Color.YELLOW: t.Colors.WARNING,
    Color.GREEN: t.Colors.GOOD,
}


def card(body: list[Any], fallback_text: str, full_width: bool = False) -> dict[str, Any]:
    """A 1.5 card, serialised to the plain JSON Teams expects.

    `full_width` adds Teams' `msteams` extension, which the official schema does not
    know; the card tests allow exactly that one property.
    """
    built = ac.AdaptiveCard(
        version=CARD_VERSION,
        body=body,
        fallback_text=fallback_text,
        msteams=t.MSTeams(width=t.MSTeamsCardWidth.FULL) if full_width else None,
    )
    return built.model_dump(mode="json", exclude_none=True, by_alias=True, warnings=False)


def title(text: str) -> ac.TextBlock:
    return ac.TextBlock(text=text, size=t.FontSize.MEDIUM, weight=t.FontWeight.BOLDER, wrap=True)


def text(
    value: str, *, subtle: bool = False, bold: bool = False, small: bool = False
) -> ac.TextBlock:
    return ac.TextBlock(
        text=value,
        wrap=True,
        is_subtle=subtle or None,
        weight=t.FontWeight.BOLDER if bold else None,
        size=t.FontSize.SMALL if small else None,
    )


def facts(pairs: list[tuple[str, str | None]]) -> ac.FactSet:
    """A fact set of the pairs that have a value."""
    return ac.FactSet(facts=[ac.Fact(title=k, value=v) for k, v in pairs if v])


def color_word(color: Color | None, texts: Texts) -> str:
    return texts(f"farve.{color.value}") if color else texts("farve.ingen")


def color_text(color: Color | None, texts: Texts, suffix: str = "") -> ac.TextBlock:
    """The status as a word in its colour, e.g. a yellow, bold "Gul"."""
    return ac.TextBlock(
        text=color_word(color, texts) + suffix,
        color=_COLOR_STYLE.get(color) if color else None,
        is_subtle=None if color else True,
        weight=t.FontWeight.BOLDER,
        wrap=True,
    )


def color_run(color: Color | None, texts: Texts) -> ac.TextRun:
    """The status word in its colour, as a run inside a RichTextBlock line."""
    return ac.TextRun(
        text=color_word(color, texts),
        color=_COLOR_STYLE.get(color) if color else None,
        is_subtle=None if color else True,
        weight=t.FontWeight.BOLDER,
    )


def button(
    label: str, data: dict[str, Any], *, positive: bool = False, validate: bool = True
) -> ac.ActionExecute:
    """An Action.Execute button whose verb is `data["action"]`, falling back to
    Action.Submit for Teams clients that predate Universal Actions; the bot answers both
    the same way. Teams refuses a click on an Action.Execute without a verb, so every
    button is made here and must name one of `kort.actions`."""
    verb = data.get("action")
    if verb not in actions.ALL:
        raise ValueError(f"a button needs an action of kort.actions, not {verb!r}")
    style = t.ActionStyle.POSITIVE if positive else None
    inputs = None if validate else t.AssociatedInputs.NONE
    fallback = ac.ActionSubmit(title=label, data=data, style=style, associated_inputs=inputs)
    return ac.ActionExecute(
        title=label,
        verb=verb,
        data=data,
        style=style,
        associated_inputs=inputs,
        fallback=fallback,
    )


def buttons(*actions: ac.ActionExecute) -> ac.ActionSet:
    # Inside an ActionSet, because some clients ignore `fallback` on card-level actions.
    return ac.ActionSet(actions=list(actions))


def edit_row(
    heading: str, answer: ac.TextBlock, edit: dict[str, Any], label: str, *, validate: bool = True
) -> ac.ColumnSet:
    """A review's row: a field's heading and answer, and its Ret button beside them.
    A FactSet cannot hold buttons, so each field is a row of its own."""
    return ac.ColumnSet(
        separator=True,
        columns=[
            ac.Column(width="stretch", items=[text(heading, bold=True, small=True), answer]),
            ac.Column(
                width="auto",
                vertical_content_alignment=t.VerticalAlignment.CENTER,
                items=[buttons(button(label, edit, validate=validate))],
            ),
        ],
    )


def notice_card(message: str) -> dict[str, Any]:
    """What an old card turns into when its dialogue is over: a line of text, no buttons."""
    return card([text(message, subtle=True)], fallback_text=message)


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every element, action and input of a card, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)
