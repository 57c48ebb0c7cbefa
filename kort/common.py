"""Small helpers every card builder shares: the card shell, text, facts and buttons."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from store.enums import Color, ColorScale

# Teams renders Adaptive Cards up to 1.5 everywhere; Action.Execute needs at least 1.4.
CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# Colour is never the only signal: every colour goes with its word (Rød, Gul, Grøn).
DOT = "●"
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


def numbered(number: int, label: str) -> str:
    """A choice the person may answer by its number: "(1) Styrket læsning". Not "1. …",
    which card markdown turns into a numbered list (renumbered by Teams on Android)."""
    return f"({number}) {label}"


def facts(pairs: Sequence[tuple[str, str | None]]) -> ac.FactSet:
    """A fact set of the pairs that have a value."""
    return ac.FactSet(facts=[ac.Fact(title=k, value=v) for k, v in pairs if v])


def color_word(color: Color | None, texts: Texts) -> str:
    return texts(f"farve.{color.value}") if color else texts("farve.ingen")


# Where the catalogue says what a colour means on each scale (a profile may reword it).
MEANINGS = {ColorScale.EXPECTED: "farve.forventes", ColorScale.FULFILMENT: "farve.betyder"}


def color_meaning(color: Color, scale: ColorScale, texts: Texts) -> str:
    """What `color` means at this moment: "i risiko" in a status, "delvist opfyldt" at the end."""
    return texts(f"{MEANINGS[scale]}.{color.value}")


def color_explanation(scale: ColorScale, texts: Texts) -> str:
    """ "Rød: ikke på vej · Gul: i risiko · Grøn: på vej", on the scale of the moment."""
    return texts(
        "farve.forklaring", **{color.value: color_meaning(color, scale, texts) for color in Color}
    )


def color_text(
    color: Color | None, texts: Texts, said: str | None = None, *, small: bool = False
) -> ac.RichTextBlock:
    """The status as its word, marked by a dot in its colour: "● Gul". `said` is the line
    that holds the word, e.g. "Seneste status: Gul · 3. marts 2027"."""
    runs: list[str | ac.TextRun] = [*color_runs(color, texts, said, small=small)]
    return ac.RichTextBlock(inlines=runs)


def color_runs(
    color: Color | None, texts: Texts, said: str | None = None, *, small: bool = False
) -> list[ac.TextRun]:
    """The runs of a status: a dot in its colour, then the word in the default colour.
    Teams' yellow and green are too pale for text (1.5:1 and 2.1:1 on white), so the
    colour only marks the dot and the word carries the status."""
    size = t.FontSize.SMALL if small else None
    word = ac.TextRun(
        text=said or color_word(color, texts),
        is_subtle=None if color else True,
        weight=t.FontWeight.BOLDER,
        size=size,
    )
    if color is None:
        return [word]
    dot = ac.TextRun(text=f"{DOT} ", color=_COLOR_STYLE[color], size=size)
    return [dot, word]


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
    if verb in actions.DESTRUCTIVE:
        style = t.ActionStyle.DESTRUCTIVE
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


# A row of buttons at 450 px (a phone): at most three, and titles that fit. A button
# takes about 8 px a character and 32 px of padding and spacing.
ROW_BUTTONS = 3
ROW_WIDTH = 430


def button_rows(*shown: ac.ActionExecute) -> list[ac.ActionSet]:
    """The buttons in rows that fit at phone width, the destructive ones on a row of
    their own after the others, so "Aflys mødet" is not pressed for "Ret mødet"."""
    plain = [b for b in shown if b.verb not in actions.DESTRUCTIVE]
    rows: list[list[ac.ActionExecute]] = []
    for each in plain:
        row = rows[-1] if rows else None
        if row is None or len(row) == ROW_BUTTONS or _width([*row, each]) > ROW_WIDTH:
            rows.append([each])
        else:
            row.append(each)
    rows += [[b] for b in shown if b.verb in actions.DESTRUCTIVE]
    # Inside ActionSets, because some clients ignore `fallback` on card-level actions.
    return [ac.ActionSet(actions=list(row)) for row in rows]


def buttons(*shown: ac.ActionExecute) -> ac.ActionSet | ac.Container:
    """The buttons as one element: one row, or a container of `button_rows`."""
    rows = button_rows(*shown)
    return rows[0] if len(rows) == 1 else ac.Container(items=list(rows))


def _width(row: list[ac.ActionExecute]) -> int:
    return sum(8 * len(b.title or "") + 32 for b in row)


def edit_row(
    heading: str,
    answer: ac.TextBlock | ac.RichTextBlock,
    edit: dict[str, Any],
    label: str,
    *,
    validate: bool = True,
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
