"""Status-over-time strips: per goal a row of blocks, one per status update, from the day
it was reported to the next one. The colour is doubled by a letter and a hatching pattern,
so a strip printed in black and white on the agenda still reads."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import cache
from math import ceil

import matplotlib

matplotlib.use("Agg")  # no display: charts are drawn to bytes only

from matplotlib import dates as mdates
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from kort.catalogue import Texts
from store.dates import LOCAL_TIME
from store.documentviews import ReportGoal
from store.enums import Color
from store.text import shorten

# Colours that differ in lightness too (dark red, light yellow, mid green), and a pattern each.
FILL = {Color.RED: "#b3261e", Color.YELLOW: "#f2c94c", Color.GREEN: "#2e7d32"}
HATCH = {Color.RED: "xxx", Color.YELLOW: "///", Color.GREEN: ""}
INK = {Color.RED: "white", Color.YELLOW: "black", Color.GREEN: "white"}
MONTHS_SHOWN = 8  # at most this many month ticks on a document, or the labels run together
DOCUMENT_WIDTH = 7.0  # inches, an A4 page's text width
CARD_WIDTH, CARD_DPI = 4.4, 100  # 440 px, a card at phone width


def strips(goals: Sequence[ReportGoal], start: date, end: date, t: Texts, dpi: int = 150) -> bytes:
    """One PNG with a row per goal, titled, and the colours' legend under it; an empty row
    where a goal has no status yet."""
    figure = _figure(len(goals), dpi, DOCUMENT_WIDTH)
    axes = figure.add_subplot()
    first, last = _day(start), _day(end)
    for row, goal in enumerate(reversed(goals)):
        _strip(axes, row, goal, first, last, t)
    _axes(axes, goals, first, last, t, DOCUMENT_WIDTH)
    _legend(axes, goals, t)
    return _png(figure, dpi)


def card_strip(goal: ReportGoal, start: date, end: date, t: Texts) -> bytes:
    """One goal's strip for its card, a few kilobytes to travel as a data URI: as wide as
    a phone shows a card, so its letters and months read at their size there, without the
    title and legend the card says in text beside it."""
    figure = _figure(1, CARD_DPI, CARD_WIDTH)
    axes = figure.add_subplot()
    first, last = _day(start), _day(end)
    _strip(axes, 0, goal, first, last, t)
    _axes(axes, [goal], first, last, t, CARD_WIDTH)
    axes.set_yticks([])
    return _png(figure, CARD_DPI)


def _figure(rows: int, dpi: int, width: float) -> Figure:
    # A Figure of its own, not pyplot's: no global state, so documents can be drawn in a
    # worker thread while the server answers other turns.
    figure = Figure(figsize=(width, 0.9 + 0.42 * max(rows, 1)), dpi=dpi)
    figure.set_layout_engine("constrained")
    return figure


def _strip(axes: Axes, row: int, goal: ReportGoal, first: float, last: float, t: Texts) -> None:
    points = [p for p in goal.statuses if first <= mdates.date2num(p.reported_at) <= last]
    for index, point in enumerate(points):
        begin = mdates.date2num(point.reported_at)
        until = mdates.date2num(points[index + 1].reported_at) if index + 1 < len(points) else last
        color = Color(point.color)
        axes.add_patch(
            Rectangle(
                (begin, row + 0.15),
                max(until - begin, 1.0),
                0.7,
                facecolor=FILL[color],
                hatch=HATCH[color],
                edgecolor="black",
                linewidth=0.6,
            )
        )
        axes.text(
            begin + 1.5,
            row + 0.5,
            t(f"dokument.bogstav.{color.value}"),
            va="center",
            ha="left",
            fontsize=7,
            fontweight="bold",
            color=INK[color],
            bbox={"facecolor": FILL[color], "edgecolor": "none", "pad": 0.6},
        )
    if not points:
        axes.add_patch(
            Rectangle(
                (first, row + 0.15),
                last - first,
                0.7,
                facecolor="white",
                edgecolor="#888888",
                linewidth=0.6,
                linestyle=":",
            )
        )


def _axes(
    axes: Axes, goals: Sequence[ReportGoal], first: float, last: float, t: Texts, width: float
) -> None:
    axes.set_xlim(first, last)
    axes.set_ylim(0, max(len(goals), 1))
    axes.set_yticks([row + 0.5 for row in range(len(goals))])
    axes.set_yticklabels([shorten(g.title, 42) for g in reversed(goals)], fontsize=7)
    months = (last - first) / 30.4
    shown = max(2, round(MONTHS_SHOWN * width / DOCUMENT_WIDTH))
    axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, ceil(months / shown))))
    axes.xaxis.set_major_formatter(_month_formatter(t))
    axes.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _legend(axes: Axes, goals: Sequence[ReportGoal], t: Texts) -> None:
    axes.legend(
        handles=[
            Patch(
                facecolor=FILL[c],
                hatch=HATCH[c],
                edgecolor="black",
                label=f"{t(f'dokument.bogstav.{c.value}')} = {t(f'farve.{c.value}')}",
            )
            for c in (Color.GREEN, Color.YELLOW, Color.RED)
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.6 / max(len(goals), 1)),
        ncol=3,
        fontsize=7,
        frameon=False,
    )


def _month_formatter(t: Texts) -> FuncFormatter:
    """Month ticks in Danish ("mar. 2027"), not the locale's English abbreviations."""

    def label(value: float, _position: int) -> str:
        day = mdates.num2date(value).date()
        return f"{t(f'kalender.maaned.{day.month}')[:3]}. {day.year}"

    return FuncFormatter(label)


def _day(day: date) -> float:
    return float(mdates.date2num(datetime.combine(day, time(), LOCAL_TIME)))


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


@cache
def font_file(bold: bool = False) -> str:
    """DejaVu Sans from matplotlib's own wheel: it has æ, ø and å, and needs no system font."""
    name = "DejaVu Sans"
    return font_manager.findfont(
        font_manager.FontProperties(family=name, weight="bold" if bold else "normal"),
        fallback_to_default=False,
    )
