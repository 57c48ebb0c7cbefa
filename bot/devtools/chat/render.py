"""Adaptive Cards as readable terminal text, for `pejling chat`.

Pure: a card (the JSON Teams would render) goes in, and out come lines of text, the
card's inputs numbered [1], [2] … and its buttons lettered [A], [B] …, so a person at a
terminal can fill in and press what a Teams user would click. The same module turns what
the person types into the value Teams would send (a choice's value, a toggle's valueOn),
and merges the action data with the inputs as Teams does. No I/O; the caller passes the
catalogue, the width and whether ANSI colours are wanted.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from kort.catalogue import Texts
from store.text import fold

EXECUTE = "Action.Execute"
SUBMIT = "Action.Submit"
OPEN_URL = "Action.OpenUrl"
SHOW_CARD = "Action.ShowCard"
SENDING_ACTIONS = frozenset({EXECUTE, SUBMIT})

# Bold is carried through wrapping as two private characters, and only turned into
# ANSI codes or `**` once the lines are cut, so a bold phrase split over two lines
# stays bold on both (and stays valid markdown in plain output).
_BOLD_ON, _BOLD_OFF = "\x01", "\x02"
_ANSI_BOLD, _ANSI_NOT_BOLD, _ANSI_RESET = "\x1b[1m", "\x1b[22m", "\x1b[0m"
_ANSI_COLORS = {"attention": "31", "warning": "33", "good": "32", "accent": "34"}

_MD_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
# _italic_, as Teams shows coaching lines; only whole words, so snake_case stays as it is.
_MD_ITALIC = re.compile(r"(?<![\w])_(\S(?:.*?\S)?)_(?![\w])", re.DOTALL)
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MENTION = re.compile(r"<at>(.*?)</at>", re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^(\s*)([-*•]|\d+[.)])\s+")
_DANISH_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_DANISH_AS_LATIN = str.maketrans("æøåÆØÅ", "aoaAOA")
_YES = frozenset({"ja", "j", "yes", "y", "x", "til", "on", "1", "true", "sand"})
_NO = frozenset({"nej", "n", "no", "fra", "off", "0", "false", "falsk"})


# ---------------------------------------------------------------------------
# What a rendered card offers


@dataclass(frozen=True)
class Choice:
    """One choice of an Input.ChoiceSet: what the person sees, and what Teams sends."""

    title: str
    value: str


@dataclass(frozen=True)
class CardInput:
    """An input of the card, numbered in the order a reader meets it."""

    number: int
    id: str
    kind: str
    label: str
    required: bool = False
    multiline: bool = False
    placeholder: str = ""
    default: str = ""
    choices: tuple[Choice, ...] = ()
    multi_select: bool = False
    value_on: str = "true"
    value_off: str = "false"
    minimum: str | None = None
    maximum: str | None = None
    max_length: int | None = None
    regex: str | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class CardButton:
    """A button of the card, lettered in the order a reader meets it.

    `input_ids` are the inputs Teams would gather when it is pressed: those of its own
    card and of the cards around it (a ShowCard's card sees its parent's inputs), or
    none when the action says `associatedInputs: none`.
    """

    letter: str
    kind: str
    title: str
    data: Any = None
    verb: str | None = None
    url: str | None = None
    input_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderedCard:
    """A card as lines of text, with its numbered inputs and lettered buttons."""

    lines: tuple[str, ...]
    inputs: tuple[CardInput, ...]
    buttons: tuple[CardButton, ...]
    hint: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def interactive(self) -> bool:
        return bool(self.inputs or self.buttons)

    def input(self, number: int) -> CardInput | None:
        return next((i for i in self.inputs if i.number == number), None)

    def button(self, letter: str) -> CardButton | None:
        return next((b for b in self.buttons if b.letter == letter.upper()), None)


class InputRefused(ValueError):
    """What the person typed cannot be the value of that input; `key` names why."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# ---------------------------------------------------------------------------
# Public functions


def render_card(
    card: Mapping[str, Any],
    texts: Texts,
    values: Mapping[str, str] | None = None,
    *,
    width: int = 76,
    ansi: bool = False,
) -> RenderedCard:
    """Render `card`; `values` are what the person has filled in so far, by input id."""
    renderer = _Renderer(texts, dict(values or {}), max(width, 20), ansi)
    lines = renderer.card(card, renderer.width)
    inputs = tuple(renderer.inputs)
    buttons = renderer.finish_buttons()
    return RenderedCard(tuple(_tidy(lines)), inputs, buttons, _hint(inputs, buttons, texts))


def render_markdown(text: str, *, width: int = 76, ansi: bool = False) -> list[str]:
    """A bot's message text (Teams' simple markdown) as wrapped terminal lines."""
    return _styled(text, width=max(width, 20), ansi=ansi)


def render_input(
    card_input: CardInput,
    texts: Texts,
    values: Mapping[str, str] | None = None,
    *,
    width: int = 76,
    ansi: bool = False,
) -> list[str]:
    """One input as the card shows it, e.g. to ask for it on its own."""
    renderer = _Renderer(texts, dict(values or {}), max(width, 20), ansi)
    return renderer.input_lines(card_input, renderer.width)


def current_value(card_input: CardInput, values: Mapping[str, str]) -> str:
    """The value Teams would send for the input now: what was filled in, else the default."""
    if card_input.id in values:
        return values[card_input.id]
    if card_input.kind == "Input.Toggle" and not card_input.default:
        return card_input.value_off
    return card_input.default


def is_empty(card_input: CardInput, values: Mapping[str, str]) -> bool:
    """Whether the input counts as not filled in (an unticked toggle is a valid answer)."""
    return card_input.kind != "Input.Toggle" and current_value(card_input, values) == ""


def inputs_for(rendered: RenderedCard, button: CardButton) -> list[CardInput]:
    """The inputs a press of `button` would send, in card order."""
    wanted = set(button.input_ids)
    return [i for i in rendered.inputs if i.id in wanted]


def missing_required(
    rendered: RenderedCard, button: CardButton, values: Mapping[str, str]
) -> list[CardInput]:
    """Required inputs the press would send empty; Teams refuses to send those."""
    return [i for i in inputs_for(rendered, button) if i.required and is_empty(i, values)]


def action_data(rendered: RenderedCard, button: CardButton, values: Mapping[str, str]) -> Any:
    """The data Teams sends for a press: the action's data, then each input id → its value.

    A string `data` is sent as it is, without inputs, as the Adaptive Cards renderers do.
    Empty inputs are left out, as Teams does (the renderer's `isSet()`): an empty text, an
    unpicked choice, an empty date. A toggle always has a value, its valueOn or valueOff.
    """
    if button.data is not None and not isinstance(button.data, Mapping):
        return button.data
    merged = dict(button.data or {})
    for card_input in inputs_for(rendered, button):
        value = current_value(card_input, values)
        if value:
            merged[card_input.id] = value
    return merged


def parse_input(card_input: CardInput, raw: str) -> str:
    """The value Teams would hold after the person typed `raw` into the input.

    Raises `InputRefused` with a catalogue key when `raw` cannot be that input's value.
    An empty answer clears the input (whether that is allowed is checked on pressing).
    """
    raw = raw.strip() if not card_input.multiline else raw.strip("\n")
    if not raw.strip():
        return ""
    parser = _PARSERS.get(card_input.kind, _parse_text)
    return parser(card_input, raw)


def choice_titles(card_input: CardInput) -> str:
    return ", ".join(c.title for c in card_input.choices)


# ---------------------------------------------------------------------------
# Parsing what the person typed


def _parse_text(card_input: CardInput, raw: str) -> str:
    if card_input.max_length and len(raw) > card_input.max_length:
        raise InputRefused("chat.felt.for_lang", limit=card_input.max_length, length=len(raw))
    if card_input.regex and not re.fullmatch(card_input.regex, raw):
        raise InputRefused("chat.felt.forkert_form")
    return raw


def _parse_number(card_input: CardInput, raw: str) -> str:
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        raise InputRefused("chat.felt.ikke_tal", answer=raw) from None
    low = _float(card_input.minimum)
    high = _float(card_input.maximum)
    if (low is not None and number < low) or (high is not None and number > high):
        raise InputRefused(
            "chat.felt.tal_udenfor", low=card_input.minimum or "", high=card_input.maximum or ""
        )
    return str(int(number)) if number.is_integer() else str(number)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _parse_date(card_input: CardInput, raw: str) -> str:
    danish = _DANISH_DATE.match(raw)
    try:
        if danish:
            day, month, year = (int(part) for part in danish.groups())
            return date(year, month, day).isoformat()
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise InputRefused("chat.felt.ikke_dato", answer=raw) from None


def _parse_time(card_input: CardInput, raw: str) -> str:
    found = _TIME.match(raw)
    try:
        if not found:
            raise ValueError(raw)
        return time(int(found.group(1)), int(found.group(2))).strftime("%H:%M")
    except ValueError:
        raise InputRefused("chat.felt.ikke_tid", answer=raw) from None


def _parse_toggle(card_input: CardInput, raw: str) -> str:
    answer = fold(raw)
    if answer in _YES or raw == card_input.value_on:
        return card_input.value_on
    if answer in _NO or raw == card_input.value_off:
        return card_input.value_off
    raise InputRefused("chat.felt.ikke_ja_nej", answer=raw)


def _parse_choices(card_input: CardInput, raw: str) -> str:
    wanted = [part for part in raw.split(",") if part.strip()] if card_input.multi_select else [raw]
    chosen = [_one_choice(card_input, part.strip()).value for part in wanted]
    # Teams sends a multi-select as the chosen values joined by commas, in choice order.
    order = [c.value for c in card_input.choices]
    return ",".join(sorted(set(chosen), key=order.index))


def _one_choice(card_input: CardInput, raw: str) -> Choice:
    """A choice by its value, its title, its number in the list, or the start of its title."""
    wanted = _forms(raw)
    choices = card_input.choices
    for rule in (lambda c: _forms(c.value) & wanted, lambda c: _forms(c.title) & wanted):
        exact = [c for c in choices if rule(c)]
        if exact:
            return exact[0]
    if raw.isdigit() and 1 <= int(raw) <= len(choices):
        return choices[int(raw) - 1]
    starts = [c for c in choices if any(f.startswith(w) for f in _forms(c.title) for w in wanted)]
    if len(starts) == 1:
        return starts[0]
    if starts:
        titles = ", ".join(c.title for c in starts)
        raise InputRefused("chat.felt.flere_valg", answer=raw, choices=titles)
    raise InputRefused("chat.felt.ukendt_valg", answer=raw, choices=choice_titles(card_input))


def _forms(text: str) -> set[str]:
    """Ways to type `text`: "Grøn" is "grøn", "groen" or "gron" on a keyboard without ø."""
    return {fold(text), fold(text.translate(_DANISH_AS_LATIN))}


_PARSERS: dict[str, Callable[[CardInput, str], str]] = {
    "Input.Text": _parse_text,
    "Input.Number": _parse_number,
    "Input.Date": _parse_date,
    "Input.Time": _parse_time,
    "Input.Toggle": _parse_toggle,
    "Input.ChoiceSet": _parse_choices,
}


# ---------------------------------------------------------------------------
# Text: markdown, wrapping, emphasis


def _markdown(text: str) -> str:
    """Teams' simple markdown and mentions, reduced to what a terminal can show."""
    text = _BREAK.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _MENTION.sub(lambda m: "@" + m.group(1), text)
    text = _MD_LINK.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = _MD_ITALIC.sub(lambda m: m.group(1), text)  # a terminal has no italics to spare
    return _MD_BOLD.sub(lambda m: f"{_BOLD_ON}{m.group(1)}{_BOLD_OFF}", text)


def _link(title: str, url: str) -> str:
    return url if title.strip() == url else f"{title} ({url})"


def _wrap(text: str, width: int) -> list[str]:
    """Wrap each line of `text`; list items get a hanging indent under their text."""
    lines: list[str] = []
    for raw in text.split("\n"):
        if not raw.strip():
            lines.append("")
            continue
        item = _LIST_ITEM.match(raw)
        hang = " " * (item.end() if item else len(raw) - len(raw.lstrip()))
        cut = textwrap.wrap(
            raw, width, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False
        )
        lines.extend(cut or [""])
    return lines


def _styled(
    text: str,
    *,
    width: int,
    ansi: bool,
    bold: bool = False,
    color: str | None = None,
    subtle: bool = False,
) -> list[str]:
    """Markdown text, wrapped to `width` and emphasised as asked."""
    marked = _markdown(text)
    if bold:
        plain = marked.replace(_BOLD_ON, "").replace(_BOLD_OFF, "")
        marked = _BOLD_ON + plain + _BOLD_OFF
    lines = _wrap(marked, width)
    start = _line_style(color, subtle) if ansi else ""
    return list(_finish_bold(lines, ansi, start))


def _line_style(color: str | None, subtle: bool) -> str:
    codes = [_ANSI_COLORS[color]] if color in _ANSI_COLORS else []
    if subtle:
        codes.append("2")
    return f"\x1b[{';'.join(codes)}m" if codes else ""


def _finish_bold(lines: list[str], ansi: bool, start: str) -> Iterator[str]:
    """Turn the bold markers into ANSI or `**`, closing and reopening bold at line ends."""
    on, off = (_ANSI_BOLD, _ANSI_NOT_BOLD) if ansi else ("**", "**")
    inside = False
    for line in lines:
        out = (on if inside and line else "") + line
        for char in line:
            if char in (_BOLD_ON, _BOLD_OFF):
                inside = char == _BOLD_ON
        out = out.replace(_BOLD_ON, on).replace(_BOLD_OFF, off)
        if inside and line:
            out += off
        yield f"{start}{out}{_ANSI_RESET}" if start and out else out


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


def _tidy(lines: list[str]) -> list[str]:
    """No blank lines at the ends and never two in a row."""
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return tidy


def _visible_len(line: str) -> int:
    return len(re.sub(r"\x1b\[[0-9;]*m", "", line))


def _letters(index: int) -> str:
    """A, B, … Z, AA, AB … for the index-th button."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _hint(inputs: tuple[CardInput, ...], buttons: tuple[CardButton, ...], texts: Texts) -> str:
    if inputs and buttons:
        return texts("chat.kort.hjaelp_felter_knapper")
    if inputs:
        return texts("chat.kort.hjaelp_felter")
    return texts("chat.kort.hjaelp_knapper") if buttons else ""


# ---------------------------------------------------------------------------
# The renderer


@dataclass
class _Scope:
    """One card (the main card, or a ShowCard's card) and the inputs directly in it."""

    parent: _Scope | None
    input_ids: list[str] = field(default_factory=list)

    def chain(self) -> list[str]:
        own = list(self.input_ids)
        return own + (self.parent.chain() if self.parent else [])


@dataclass
class _PendingButton:
    action: Mapping[str, Any]
    letter: str
    scope: _Scope


class _Renderer:
    """Walks one card; numbers inputs and letters buttons in reading order."""

    def __init__(self, texts: Texts, values: dict[str, str], width: int, ansi: bool) -> None:
        self.texts = texts
        self.values = values
        self.width = width
        self.ansi = ansi
        self.inputs: list[CardInput] = []
        self.pending: list[_PendingButton] = []
        self.scope = _Scope(None)
        self.elements: dict[str, Callable[[Mapping[str, Any], int], list[str]]] = {
            "TextBlock": self.text_block,
            "RichTextBlock": self.rich_text,
            "FactSet": self.fact_set,
            "ColumnSet": self.column_set,
            "Column": self.container,
            "Container": self.container,
            "ActionSet": self.action_set,
            "Image": self.image,
            "ImageSet": self.image_set,
            "Media": self.media,
            "Table": self.table,
        }

    # -- structure --------------------------------------------------------

    def card(self, card: Mapping[str, Any], width: int) -> list[str]:
        lines = self.items(_list(card.get("body")), width, top=True)
        actions = _list(card.get("actions"))
        return lines + (["", *self.actions(actions, width)] if actions else [])

    def items(self, items: list[Any], width: int, top: bool = False) -> list[str]:
        lines: list[str] = []
        for element in items:
            if not isinstance(element, Mapping) or element.get("isVisible") is False:
                continue
            rendered = self.element(element, width)
            if rendered and lines:
                lines += self.gap(element, top)
            lines += rendered
        return lines

    def gap(self, element: Mapping[str, Any], top: bool) -> list[str]:
        """Space before an element: where the card asks for it (separator, large spacing),
        and around each input and the card's own buttons, so a form reads field by field."""
        if element.get("separator"):
            # A rule between the card's own parts; inside them a blank line is enough.
            return ["", "─" * min(self.width, 40)] if top else [""]
        kind = str(element.get("type", ""))
        wide = element.get("spacing") in ("large", "extraLarge", "padding")
        heading = kind == "TextBlock" and _is_heading(element)
        spaced = kind.startswith("Input.") or (top and kind == "ActionSet")
        return [""] if wide or heading or spaced else []

    def element(self, element: Mapping[str, Any], width: int) -> list[str]:
        kind = str(element.get("type", "?"))
        try:
            if kind.startswith("Input."):
                lines = self.input(element, kind, width)
            elif kind in self.elements:
                lines = self.elements[kind](element, width)
            else:
                return self.unknown(element, kind, width)
        except (AttributeError, KeyError, TypeError, ValueError):
            # A malformed element must not take the rest of the card with it.
            return [self.texts("chat.kort.ulaeseligt_element", kind=kind)]
        return lines + self.select_action(element, width)

    def unknown(self, element: Mapping[str, Any], kind: str, width: int) -> list[str]:
        fallback = element.get("fallback")
        if isinstance(fallback, Mapping):
            return self.element(fallback, width)
        if fallback == "drop":
            return []
        return [self.texts("chat.kort.ukendt_element", kind=kind)]

    # -- text -------------------------------------------------------------

    def text_block(self, element: Mapping[str, Any], width: int) -> list[str]:
        return _styled(
            str(element.get("text", "")),
            width=width,
            ansi=self.ansi,
            bold=_is_heading(element) or element.get("weight") == "bolder",
            color=str(element.get("color", "")).lower() or None,
            subtle=bool(element.get("isSubtle")),
        )

    def rich_text(self, element: Mapping[str, Any], width: int) -> list[str]:
        parts = [self.text_run(inline) for inline in _list(element.get("inlines"))]
        return _styled("".join(parts), width=width, ansi=self.ansi)

    def text_run(self, inline: Any) -> str:
        """One run of a RichTextBlock as markdown, coloured in place when ANSI is on."""
        if not isinstance(inline, Mapping):
            return inline if isinstance(inline, str) else ""
        run = str(inline.get("text", ""))
        if inline.get("weight") == "bolder" and run.strip():
            run = f"**{run}**"
        color = _ANSI_COLORS.get(str(inline.get("color", "")).lower())
        # Only the foreground is reset (39), so bold and the line's own style carry on.
        return f"\x1b[{color}m{run}\x1b[39m" if self.ansi and color else run

    def fact_set(self, element: Mapping[str, Any], width: int) -> list[str]:
        facts = [f for f in _list(element.get("facts")) if isinstance(f, Mapping)]
        titles = [str(f.get("title", "")) + ":" for f in facts]
        column = min(max((len(title) for title in titles), default=0), width // 3)
        lines: list[str] = []
        for title, fact in zip(titles, facts, strict=True):
            value = _styled(str(fact.get("value", "")), width=width - column - 1, ansi=self.ansi)
            if len(title) > column:
                lines += [title, *_indent(value, " " * (column + 1))]
                continue
            first, *rest = value or [""]
            lines.append(f"{title:<{column}} {first}".rstrip())
            lines += _indent(rest, " " * (column + 1))
        return lines

    def image(self, element: Mapping[str, Any], width: int) -> list[str]:
        alt = str(element.get("altText") or "").strip()
        if alt:
            return [self.texts("chat.kort.billede", alt=alt)]
        return [self.texts("chat.kort.billede_uden_tekst")]

    def image_set(self, element: Mapping[str, Any], width: int) -> list[str]:
        return [line for image in _list(element.get("images")) for line in self.image(image, width)]

    def media(self, element: Mapping[str, Any], width: int) -> list[str]:
        sources = [
            s.get("url", "") for s in _list(element.get("sources")) if isinstance(s, Mapping)
        ]
        alt = str(element.get("altText") or "").strip() or " ".join(sources)
        return [self.texts("chat.kort.medie", alt=alt)]

    # -- layout -----------------------------------------------------------

    def container(self, element: Mapping[str, Any], width: int) -> list[str]:
        return self.items(_list(element.get("items")), width)

    def column_set(self, element: Mapping[str, Any], width: int) -> list[str]:
        """Columns side by side when each is one short line, else one after the other."""
        columns = [
            c
            for c in _list(element.get("columns"))
            if isinstance(c, Mapping) and c.get("isVisible") is not False
        ]
        rendered = [self.element({**c, "type": "Column"}, width) for c in columns]
        rendered = [lines for lines in rendered if any(lines)]
        if all(len(lines) == 1 for lines in rendered):
            joined = " · ".join(lines[0] for lines in rendered)
            if _visible_len(joined) <= width:
                return [joined] if joined else []
        return [line for lines in rendered for line in lines]

    def table(self, element: Mapping[str, Any], width: int) -> list[str]:
        """An aligned table, or one record per row when it is too wide for the terminal."""
        rows = [self.table_row(row, width) for row in _list(element.get("rows"))]
        rows = [row for row in rows if row]
        if not rows:
            return []
        count = max(len(row) for row in rows)
        rows = [row + [""] * (count - len(row)) for row in rows]
        widths = [max(_visible_len(row[i]) for row in rows) for i in range(count)]
        header = element.get("firstRowAsHeader", True)
        if sum(widths) + 3 * (count - 1) > width:
            return self.table_records(rows, bool(header))
        lines = [
            " │ ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        if header and len(lines) > 1:
            lines.insert(1, "─┼─".join("─" * w for w in widths))
        return lines

    def table_row(self, row: Any, width: int) -> list[str]:
        if not isinstance(row, Mapping):
            return []
        cells = [c for c in _list(row.get("cells")) if isinstance(c, Mapping)]
        return [" ".join(x for x in self.container(cell, width) if x) for cell in cells]

    def table_records(self, rows: list[list[str]], header: bool) -> list[str]:
        titles = rows[0] if header else [""] * len(rows[0])
        lines: list[str] = []
        for row in rows[1:] if header else rows:
            lines += [f"{t}: {v}" if t else v for t, v in zip(titles, row, strict=True) if v]
            lines.append("")
        return lines

    # -- inputs -----------------------------------------------------------

    def input(self, element: Mapping[str, Any], kind: str, width: int) -> list[str]:
        card_input = _card_input(element, kind, len(self.inputs) + 1)
        if not card_input.id:
            return [self.texts("chat.kort.ulaeseligt_element", kind=kind)]
        self.inputs.append(card_input)
        self.scope.input_ids.append(card_input.id)
        return self.input_lines(card_input, width)

    def input_lines(self, card_input: CardInput, width: int) -> list[str]:
        head = f"[{card_input.number}] {card_input.label}"
        notes = self.input_notes(card_input)
        if notes:
            head += f" ({', '.join(notes)})"
        body = self.input_body(card_input, width - 4)
        return [*_styled(head, width=width, ansi=self.ansi), *_indent(body, "    ")]

    def input_notes(self, card_input: CardInput) -> list[str]:
        t = self.texts
        notes = [t("chat.kort.skal_udfyldes")] if card_input.required else []
        kind = card_input.kind
        if card_input.multiline:
            notes.append(t("chat.kort.flere_linjer"))
        if kind == "Input.Date":
            notes.append(t("chat.kort.dato_format"))
        elif kind == "Input.Time":
            notes.append(t("chat.kort.tid_format"))
        elif kind == "Input.Number":
            notes.append(t("chat.kort.tal"))
        elif kind == "Input.ChoiceSet" and card_input.multi_select:
            notes.append(t("chat.kort.flere_valg"))
        return notes

    def input_body(self, card_input: CardInput, width: int) -> list[str]:
        value = current_value(card_input, self.values)
        if card_input.kind == "Input.ChoiceSet":
            chosen = set(value.split(",")) if card_input.multi_select else {value}
            marks = ("[x]", "[ ]") if card_input.multi_select else ("(•)", "( )")
            return [
                f"{marks[0] if c.value in chosen else marks[1]} {n} {c.title}"
                for n, c in enumerate(card_input.choices, start=1)
            ]
        if card_input.kind == "Input.Toggle":
            ticked = "[x]" if value == card_input.value_on else "[ ]"
            title = card_input.placeholder if card_input.placeholder != card_input.label else ""
            return [f"{ticked} {title}".rstrip()]
        if value:
            first, *rest = _wrap(value, width - 2) or [""]
            return ["= " + first, *_indent(rest, "  ")]
        if card_input.placeholder and card_input.placeholder != card_input.label:
            return [f"‹{card_input.placeholder}›"]
        return []

    def select_action(self, element: Mapping[str, Any], width: int) -> list[str]:
        """Containers, columns and column sets may be clickable as a whole."""
        action = element.get("selectAction")
        if not isinstance(action, Mapping):
            return []
        if not action.get("title"):
            action = {**action, "title": self.texts("chat.kort.vaelg")}
        return self.actions([action], width)

    # -- actions ----------------------------------------------------------

    def action_set(self, element: Mapping[str, Any], width: int) -> list[str]:
        return self.actions(_list(element.get("actions")), width)

    def actions(self, actions: list[Any], width: int) -> list[str]:
        """A row of lettered buttons, then the cards of any ShowCard buttons in it."""
        labels: list[str] = []
        shown: list[tuple[str, Mapping[str, Any]]] = []
        for action in actions:
            if not isinstance(action, Mapping) or action.get("isEnabled") is False:
                continue
            letter = _letters(len(self.pending))
            self.pending.append(_PendingButton(action, letter, self.scope))
            labels.append(self.button_label(letter, action))
            if action.get("type") == SHOW_CARD and isinstance(action.get("card"), Mapping):
                shown.append((letter, action["card"]))
        lines = self.button_rows(labels, width)
        for letter, card in shown:
            lines += ["", *self.show_card(letter, card, width)]
        return lines

    def button_label(self, letter: str, action: Mapping[str, Any]) -> str:
        title = str(action.get("title") or "").strip() or self.texts("chat.kort.knap_uden_navn")
        label = f"[{letter}] {title}"
        if action.get("type") == OPEN_URL:
            label += f" ({action.get('url', '')})"
        elif action.get("type") == SHOW_CARD:
            label += " ▾"
        return label

    def button_rows(self, labels: list[str], width: int) -> list[str]:
        rows: list[str] = []
        for label in labels:
            if rows and _visible_len(rows[-1]) + 3 + len(label) <= width:
                rows[-1] += "   " + label
            else:
                rows.append(label)
        return rows

    def show_card(self, letter: str, card: Mapping[str, Any], width: int) -> list[str]:
        """A ShowCard's card, indented under its button; its inputs join the numbering."""
        outer, self.scope = self.scope, _Scope(self.scope)
        try:
            body = self.card(card, width - 4)
        finally:
            self.scope = outer
        return [f"▾ [{letter}]", *_indent(body, "    ")]

    def finish_buttons(self) -> tuple[CardButton, ...]:
        """Buttons, now that every input of every card is known."""
        return tuple(_card_button(p) for p in self.pending)


# ---------------------------------------------------------------------------
# Building the frozen descriptions


def _card_input(element: Mapping[str, Any], kind: str, number: int) -> CardInput:
    ident = str(element.get("id") or "")
    placeholder = str(element.get("placeholder") or element.get("title") or "")
    label = str(element.get("label") or placeholder or ident)
    default = element.get("value")
    return CardInput(
        number=number,
        id=ident,
        kind=kind,
        label=label,
        required=bool(element.get("isRequired")),
        multiline=bool(element.get("isMultiline")),
        placeholder=placeholder,
        default="" if default is None else _as_text(default),
        choices=tuple(_choices(element)),
        multi_select=bool(element.get("isMultiSelect")),
        value_on=str(element.get("valueOn", "true")),
        value_off=str(element.get("valueOff", "false")),
        minimum=_optional_text(element.get("min")),
        maximum=_optional_text(element.get("max")),
        max_length=element.get("maxLength") if isinstance(element.get("maxLength"), int) else None,
        regex=_optional_text(element.get("regex")),
        error_message=_optional_text(element.get("errorMessage")),
    )


def _choices(element: Mapping[str, Any]) -> Iterator[Choice]:
    for choice in _list(element.get("choices")):
        if isinstance(choice, Mapping):
            value = str(choice.get("value", ""))
            yield Choice(str(choice.get("title") or value), value)


def _card_button(pending: _PendingButton) -> CardButton:
    action = pending.action
    gathers = action.get("type") in SENDING_ACTIONS and action.get("associatedInputs") != "none"
    return CardButton(
        letter=pending.letter,
        kind=str(action.get("type", "?")),
        title=str(action.get("title") or ""),
        data=action.get("data"),
        verb=_optional_text(action.get("verb")),
        url=_optional_text(action.get("url")),
        input_ids=tuple(dict.fromkeys(pending.scope.chain())) if gathers else (),
    )


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _optional_text(value: Any) -> str | None:
    return None if value is None else _as_text(value)


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _is_heading(element: Mapping[str, Any]) -> bool:
    return element.get("style") == "heading" or element.get("size") in ("large", "extraLarge")


def _pad(cell: str, width: int) -> str:
    return cell + " " * (width - _visible_len(cell))
