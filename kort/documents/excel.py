"""The committee report's data as an Excel workbook (openpyxl): one sheet per table, Danish
headings, names and dates instead of internal ids, so the council secretary can sort and
filter it and attach it to the agenda."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kort.catalogue import Texts
from store.dates import LOCAL_TIME
from store.documentviews import CommitteeReport
from store.enums import Color

WIDEST = 60  # characters; longer text wraps in the cell instead of widening the column


def workbook(report: CommitteeReport, t: Texts) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])  # the empty sheet a new workbook starts with
    sheets = (
        (
            "maal",
            (
                "enhed",
                "center",
                "maal",
                "pejlemaerker",
                "forventet_effekt",
                "succeskriterier",
                "opfoelgning",
                "frist",
                "ansvarlig",
                "seneste_farve",
                "seneste_dato",
            ),
            _goals(report, t),
        ),
        (
            "status",
            ("enhed", "maal", "dato", "farve", "fortaelling", "dokumentation", "meldt_af"),
            _statuses(report, t),
        ),
        (
            "evalueringer",
            (
                "enhed",
                "maal",
                "art",
                "aar",
                "farve",
                "kriterier",
                "effekt",
                "dokumentation",
                "vurdering",
                "meldt_af",
                "dato",
                "fagchefens_svar",
                "fagchefens_kommentar",
                "underskrevet_af",
            ),
            _evaluations(report, t),
        ),
        (
            "pejlemaerker",
            ("pejlemaerke", "tilstand", "beskrivelse", "antal", "groen", "gul", "roed", "uden"),
            _bearings(report, t),
        ),
        (
            "sager",
            ("sag", "jura", "oekonomi", "personale", "andre", "tilstand", "beslutning"),
            _matters(report, t),
        ),
        (
            "viden",
            ("art", "titel", "tekst", "link", "vaerdi", "maaleenhed", "aar"),
            _knowledge(report, t),
        ),
        ("referater", ("moede", "tema", "enhed", "tekst", "godkendt_af"), _summaries(report)),
        ("opfoelgning", ("moede", "tekst", "ansvarlig", "frist"), _follow_ups(report)),
    )
    for name, columns, rows in sheets:
        _sheet(book, t(f"dokument.ark.{name}"), [t(f"dokument.kolonne.{c}") for c in columns], rows)
    buffer = io.BytesIO()
    book.properties.title = t("dokument.rapport_titel", committee=report.committee)
    book.properties.creator = "Pejling"
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title[:31])  # Excel's limit on a sheet name
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_plain(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(header, start=1):
        longest = max([len(str(heading))] + [len(str(r[index - 1] or "")) for r in rows])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, WIDEST)


def _plain(value: Any) -> Any:
    """Excel has no time zones: a moment is written as Danish local time."""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TIME).replace(tzinfo=None)
    return value


def _color(color: Color | None, t: Texts) -> str:
    return t(f"farve.{color.value}") if color else t("farve.ingen")


def _goals(report: CommitteeReport, t: Texts) -> list[list[Any]]:
    return [
        [
            unit.name,
            unit.department,
            g.title,
            "; ".join(g.bearings),
            g.expected_effect,
            "; ".join(g.success_criteria),
            g.follow_up,
            g.deadline,
            g.responsible,
            _color(g.latest.color if g.latest else None, t),
            g.latest.reported_at if g.latest else None,
        ]
        for unit in report.units
        for g in unit.goals
    ]


def _statuses(report: CommitteeReport, t: Texts) -> list[list[Any]]:
    return [
        [
            g.unit_name,
            g.title,
            s.reported_at,
            _color(s.color, t),
            s.narrative,
            s.evidence,
            s.reporter,
        ]
        for g in report.goals
        for s in g.statuses
    ]


def _evaluations(report: CommitteeReport, t: Texts) -> list[list[Any]]:
    return [
        [
            g.unit_name,
            g.title,
            t(f"dokument.art.{e.kind.value}"),
            e.year,
            _color(e.color, t),
            e.criteria,
            e.effect,
            e.evidence,
            e.effect_assessment,
            e.reporter,
            e.reported_at,
            _head_answer(e.head_agrees, t),
            e.head_comment,
            e.signed_off_by,
        ]
        for g in report.goals
        for e in g.evaluations
    ]


def _head_answer(agrees: bool | None, t: Texts) -> str | None:
    if agrees is None:
        return None
    return t("evalueringkort.svar.enig" if agrees else "evalueringkort.svar.uenig")


def _bearings(report: CommitteeReport, t: Texts) -> list[list[Any]]:
    def count(colors: tuple[Color | None, ...], color: Color | None) -> int:
        return sum(1 for c in colors if c == color)

    return [
        [
            b.title,
            t("dokument.forslag") if b.proposed else t("dokument.besluttet_kort"),
            b.description,
            len(b.colors),
            count(b.colors, Color.GREEN),
            count(b.colors, Color.YELLOW),
            count(b.colors, Color.RED),
            count(b.colors, None),
        ]
        for b in report.bearings
    ]


def _matters(report: CommitteeReport, t: Texts) -> list[list[Any]]:
    def state(decided: bool, on: date | None) -> str:
        return (
            t("dokument.besluttet", date=t.date(on), decision="")
            if decided and on
            else t("dokument.aaben")
        )

    return [
        [
            m.title,
            m.legal,
            m.economic,
            m.staff,
            m.other,
            state(m.decided, m.decided_on).rstrip(": "),
            m.decision,
        ]
        for m in report.matters
    ]


def _knowledge(report: CommitteeReport, t: Texts) -> list[list[Any]]:
    return [
        [t(f"viden.art.{i.kind.value}"), i.title, i.text, i.url, i.value, i.unit, i.year]
        for i in report.knowledge
    ]


def _summaries(report: CommitteeReport) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for s in report.summaries:
        rows.append([s.meeting_at, s.theme, "", s.general, s.approved_by])
        rows += [[s.meeting_at, s.theme, unit, text, s.approved_by] for unit, text in s.units]
    return rows


def _follow_ups(report: CommitteeReport) -> list[list[Any]]:
    return [[s.meeting_at, f.text, f.owner, f.due] for s in report.summaries for f in s.follow_ups]
