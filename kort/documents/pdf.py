"""The committee's PDF documents, laid out with ReportLab: the committee report (for a
meeting or a period), the meeting pack, the approved summary of a dialogue meeting and a
unit's agreement. A4, DejaVu Sans (æ, ø, å), Danish dates, "Side 2 af 9" on every page, a
table of contents and bookmarks. ReportLab's open-source edition writes no structure tags;
the documents carry their language (da-DK), title, author and an outline instead."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from kort.catalogue import Texts
from kort.documents.chart import FILL, font_file, strips
from kort.knowledge import item_line
from store.dates import LOCAL_TIME
from store.documentviews import (
    CommitteeReport,
    EvaluationLine,
    ReportBearing,
    ReportGoal,
    ReportMatter,
    ReportSummary,
    ReportUnit,
)
from store.enums import Color, EvaluationKind, GoalAction, KnowledgeKind
from store.meetingviews import KnowledgeItemView

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 20 * mm
GOALS_PER_CHART = 12  # a larger unit gets more than one chart, so each stays legible


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, font_file()))
        pdfmetrics.registerFont(TTFont(BOLD, font_file(bold=True)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("brød", fontName=FONT, fontSize=9.5, leading=13, spaceAfter=3)
    return {
        "body": base,
        "small": ParagraphStyle("lille", parent=base, fontSize=8, leading=10.5),
        "title": ParagraphStyle(
            "titel", parent=base, fontName=BOLD, fontSize=20, leading=25, spaceAfter=6
        ),
        "h1": ParagraphStyle(
            "overskrift1",
            parent=base,
            fontName=BOLD,
            fontSize=15,
            leading=19,
            spaceBefore=8,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "overskrift2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "overskrift3",
            parent=base,
            fontName=BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=5,
            spaceAfter=2,
        ),
        "toc1": ParagraphStyle("indhold1", parent=base, fontSize=10, leftIndent=0),
        "toc2": ParagraphStyle("indhold2", parent=base, fontSize=9, leftIndent=12),
    }


class _Document(BaseDocTemplate):
    """Headings go into the table of contents and the PDF outline as they are laid out."""

    def __init__(self, buffer: io.BytesIO, title: str, author: str) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=title,
            creator="Pejling",
            lang="da-DK",
        )
        frame = Frame(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN, id="tekst")
        self.addPageTemplates([PageTemplate(id="side", frames=[frame])])
        self._heading = 0

    def beforeDocument(self) -> None:
        # The same keys on every pass, or the table of contents never settles.
        self._heading = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        level = getattr(flowable, "toc_level", None)
        if level is None or not isinstance(flowable, Paragraph):  # headings are paragraphs
            return
        text = flowable.getPlainText()
        self._heading += 1
        key = f"h{self._heading}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, text, self.page, key))


def _numbered(t: Texts) -> type[Canvas]:
    """A canvas that writes "Side n af m" once it knows m: pages are kept until the end."""

    class Numbered(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            # Canvas.showPage ends with this too; reportlab's stubs leave private methods out.
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(colors.grey)
                text = t("dokument.side", page=number, pages=len(self._pages))
                self.drawRightString(A4[0] - MARGIN, 10 * mm, text)
                super().showPage()
            super().save()

    return Numbered


class _Writer:
    """Flowables for one document, with the catalogue's words and Danish dates."""

    def __init__(self, t: Texts) -> None:
        _fonts()
        self.t = t
        self.styles = _styles()
        self.story: list[Flowable] = []

    def para(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(_safe(text), self.styles[style]))

    def label(self, label: str, text: str | None) -> None:
        if text:
            self.story.append(
                Paragraph(f"<b>{escape(label)}:</b> {_safe(text)}", self.styles["body"])
            )

    def heading(self, text: str, level: int) -> None:
        heading = Paragraph(escape(text), self.styles[f"h{level + 1}"])
        heading.toc_level = level  # type: ignore[attr-defined]
        self.story.append(heading)

    def space(self, height: float = 4) -> None:
        self.story.append(Spacer(1, height * mm))

    def contents(self) -> None:
        self.para(self.t("dokument.indhold"), "h1")
        toc = TableOfContents()
        toc.levelStyles = [self.styles["toc1"], self.styles["toc2"]]
        self.story += [toc, PageBreak()]

    def image(self, png: bytes, width: float) -> None:
        picture = Image(io.BytesIO(png))
        scale = width / picture.imageWidth
        picture.drawWidth, picture.drawHeight = width, picture.imageHeight * scale
        self.story.append(picture)

    def build(self, title: str, author: str) -> bytes:
        buffer = io.BytesIO()
        document = _Document(buffer, title, author)
        document.multiBuild(self.story, canvasmaker=_numbered(self.t))
        return buffer.getvalue()


def _safe(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def committee_report(report: CommitteeReport, t: Texts, kind: str = "rapport") -> bytes:
    """The committee report ("rapport"), the meeting pack ("pakke") or a unit's agreement
    ("aftale"), which differ in title and in which sections they carry."""
    w = _Writer(t)
    title = _title(report, t, kind)
    _front(w, report, title)
    w.contents()
    if kind != "aftale":
        _knowledge(w, report.knowledge)
        _overview(w, report)
    if kind == "aftale" and report.department_goals:
        _department_agreement(w, report)
    _units(w, report, with_approvals=kind == "aftale")
    if kind != "aftale":
        _bearings(w, report.bearings)
        _evaluations(w, report.goals)
        _matters(w, report.matters)
        _summaries(w, report.summaries)
    return w.build(title, report.municipality)


def summary(summary: ReportSummary, committee: str, municipality: str, t: Texts) -> bytes:
    """The approved summary of one dialogue meeting."""
    w = _Writer(t)
    title = t("dokument.referat_titel", committee=committee)
    w.para(title, "title")
    w.para(municipality)
    _summary(w, summary, level=0)
    return w.build(title, municipality)


def table(
    title: str, subtitle: str, header: Sequence[str], rows: Iterable[Sequence[str]], t: Texts
) -> bytes:
    """A plain document of one table (the audit trail filed in the ESDH)."""
    w = _Writer(t)
    w.para(title, "title")
    w.para(subtitle)
    cell = w.styles["small"]
    data = [[Paragraph(f"<b>{escape(h)}</b>", cell) for h in header]]
    data += [[Paragraph(_safe(str(v)), cell) for v in row] for row in rows]
    grid = Table(data, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    w.story.append(grid)
    return w.build(title, subtitle)


def _title(report: CommitteeReport, t: Texts, kind: str) -> str:
    if kind == "aftale" and report.units:
        return t("dokument.aftale_titel", unit=report.units[0].name)
    key = {"pakke": "dokument.pakke_titel"}.get(kind, "dokument.rapport_titel")
    return t(key, committee=report.committee)


def _front(w: _Writer, report: CommitteeReport, title: str) -> None:
    t = w.t
    w.para(title, "title")
    w.para(t("dokument.undertitel", municipality=report.municipality, period=report.period))
    if report.meeting_at is not None:
        w.para(t("dokument.til_moedet", date=t.datetime(report.meeting_at)))
    w.para(
        t("dokument.perioden", start=t.date(report.period_starts), end=t.date(report.period_ends))
    )
    w.para(t("dokument.lavet", time=t.datetime(report.made_at)), "small")
    w.space()


def _counts(goals: Iterable[ReportGoal]) -> dict[str, int]:
    found = {"green": 0, "yellow": 0, "red": 0, "none": 0}
    for goal in goals:
        found[goal.latest.color.value if goal.latest else "none"] += 1
    return found


def _overview(w: _Writer, report: CommitteeReport) -> None:
    t = w.t
    w.heading(t("dokument.overblik"), 0)
    w.para(t("dokument.optaelling", **_counts(report.goals)))
    w.para(t("dokument.antal_maal", count=len(report.goals), units=len(report.units)))
    header = [
        t("dokument.kolonne.enhed"),
        t("dokument.kolonne.groen"),
        t("dokument.kolonne.gul"),
        t("dokument.kolonne.roed"),
        t("dokument.kolonne.uden"),
    ]
    rows: list[list[Any]] = [header]
    for unit in report.units:
        counted = _counts(unit.goals)
        rows.append(
            [
                Paragraph(_safe(unit.name), w.styles["small"]),
                counted["green"],
                counted["yellow"],
                counted["red"],
                counted["none"],
            ]
        )
    grid = Table(rows, colWidths=[80 * mm, 20 * mm, 20 * mm, 20 * mm, 25 * mm], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), FONT, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ]
        )
    )
    w.story.append(grid)
    w.para(t("dokument.forklaring"), "small")


def _units(w: _Writer, report: CommitteeReport, with_approvals: bool) -> None:
    w.heading(w.t("dokument.enheder"), 0)
    for unit in report.units:
        _unit(w, unit, report, with_approvals)


def _unit(w: _Writer, unit: ReportUnit, report: CommitteeReport, with_approvals: bool) -> None:
    t = w.t
    w.heading(unit.name, 1)
    w.para(t("dokument.afdeling", name=unit.department), "small")
    if unit.leaders:
        w.para(t("dokument.leder", names=", ".join(unit.leaders)), "small")
    if unit.preparation:
        w.para(t("dokument.forberedelse"), "h3")
        for field, text in unit.preparation:
            w.label(t(f"moedekort.forberedelse.felt.{field}"), text)
    if not unit.goals:
        w.para(t("dokument.ingen_maal"))
        return
    # The course up to the meeting, or up to today: the rest of the period is not yet known.
    end = report.meeting_at or report.made_at
    end_day = min(end.astimezone(LOCAL_TIME).date(), report.period_ends)
    for start in range(0, len(unit.goals), GOALS_PER_CHART):
        chunk = unit.goals[start : start + GOALS_PER_CHART]
        w.image(strips(chunk, report.period_starts, end_day, t), A4[0] - 2 * MARGIN)
    for goal in unit.goals:
        _goal(w, goal, with_approvals)


def _goal(w: _Writer, goal: ReportGoal, with_approvals: bool) -> None:
    t = w.t
    parts: list[Flowable] = []
    start = len(w.story)
    w.para(goal.title, "h3")
    if goal.bearings:
        w.para(t("dokument.pejlemaerke", titles="; ".join(goal.bearings)), "small")
    w.label(t("dokument.forventet_effekt"), goal.expected_effect)
    w.label(t("dokument.succeskriterier"), "; ".join(goal.success_criteria))
    w.label(t("dokument.opfoelgning"), goal.follow_up)
    if with_approvals:
        _agreed_fields(w, goal)
    w.para(_latest(goal, t))
    if with_approvals:
        for line in _approvals(goal, t):
            w.para(line, "small")
    parts, w.story[start:] = w.story[start:], []
    w.story.append(KeepTogether(parts))
    if with_approvals:  # the agreement is the whole account: every status and evaluation
        _course(w, goal)
        for e in goal.evaluations:
            _evaluation(w, e)


def _department_agreement(w: _Writer, report: CommitteeReport) -> None:
    """The level above the unit's agreement (Jammerbugt): what the committee has agreed
    with the unit's department."""
    t = w.t
    w.heading(t("dokument.centeraftale", committee=report.committee), 0)
    for goal in report.department_goals:
        w.para(goal.title, "h3")
        w.label(t("dokument.forventet_effekt"), goal.expected_effect)
        w.label(t("dokument.succeskriterier"), "; ".join(goal.success_criteria))
        if goal.agreed_on:
            w.para(t("centeraftale.aftalt", date=t.date(goal.agreed_on)), "small")


def _agreed_fields(w: _Writer, goal: ReportGoal) -> None:
    """What the agreement template adds: sub-goals, perspective, how and from what data it
    is evaluated, deadline and who is responsible."""
    t = w.t
    w.label(t("dokument.delmaal"), "; ".join(goal.sub_goals))
    if goal.perspective:
        w.label(t("maal.felt.perspective.label"), t(f"maal.valg.perspective.{goal.perspective}"))
    if goal.evaluation_method:
        method = t(f"maal.valg.evaluation_method.{goal.evaluation_method}")
        w.label(t("maal.felt.evaluation_method.label"), method)
    w.label(t("maal.felt.data_source.label"), goal.data_source)
    w.label(t("dokument.frist"), t.date(goal.deadline) if goal.deadline else None)
    w.label(t("dokument.ansvarlig"), goal.responsible)


def _course(w: _Writer, goal: ReportGoal) -> None:
    """Every status of the period, oldest first, with who reported it."""
    t = w.t
    if not goal.statuses:
        return
    w.para(t("dokument.forloeb"), "small")
    for s in goal.statuses:
        line = t("dokument.status_linje", color=_color(s.color, t), date=t.date(s.reported_at),
                 name=s.reporter or t("dokument.ukendt"))  # fmt: skip
        w.para(f"{line}: »{s.narrative}«", "small")


def _evaluation(w: _Writer, e: EvaluationLine) -> None:
    """One midway evaluation or final report, with the department head's answer."""
    t = w.t
    key = "dokument.slut" if e.kind == EvaluationKind.FINAL else "dokument.midtvejs"
    w.para(t(key, year=e.year, color=_color(e.color, t)), "small")
    w.label(t("dokument.kriterier"), e.criteria)
    w.label(t("dokument.effekt"), e.effect)
    w.label(t("dokument.dokumentation"), e.evidence)
    w.label(t("dokument.vurdering"), e.effect_assessment)
    if e.head_agrees is not None and e.signed_off_at is not None:
        verdict = t("evalueringkort.svar.enig" if e.head_agrees else "evalueringkort.svar.uenig")
        w.label(t("evalueringkort.svar.titel"), verdict)
        w.label(t("evalueringkort.svar.kommentar_label"), e.head_comment)
        signed = t("dokument.underskrevet", name=e.signed_off_by or t("dokument.ukendt"),
                   date=t.date(e.signed_off_at))  # fmt: skip
        w.para(signed, "small")


def _latest(goal: ReportGoal, t: Texts) -> str:
    latest = goal.latest
    if latest is None:
        return t("dokument.ingen_status")
    line = t("dokument.seneste", color=_color(latest.color, t), date=t.date(latest.reported_at))
    return f"{line}. »{latest.narrative}«"


def _approvals(goal: ReportGoal, t: Texts) -> list[str]:
    if not goal.approvals:  # agreed before Pejling, and read in from the organisation file
        return [t("dokument.godkendt_indlaest")]
    lines = []
    for a in goal.approvals:
        name = a.person or t("dokument.ukendt")
        if a.action == GoalAction.APPROVED_COMMITTEE:
            when = t.date(a.meeting_date) if a.meeting_date else t.date(a.at)
            lines.append(t("dokument.godkendt_udvalg", date=when, name=name, version=a.version))
        else:
            lines.append(
                t("dokument.godkendt_center", name=name, date=t.date(a.at), version=a.version)
            )
    return lines


def _color(color: Color, t: Texts) -> str:
    return f"{t(f'farve.{color.value}')} ({t(f'dokument.bogstav.{color.value}')})"


def _knowledge(w: _Writer, items: Sequence[KnowledgeItemView]) -> None:
    """The committee's knowledge pack first, as the year begins with it; only when the
    administration has gathered one."""
    if not items:
        return
    t = w.t
    w.heading(t("viden.overskrift"), 0)
    for kind in (KnowledgeKind.FIGURE, KnowledgeKind.TEXT, KnowledgeKind.LINK):
        shown = [i for i in items if i.kind is kind]
        if shown:
            w.para(t(f"viden.art.{kind.value}"), "h3")
        for item in shown:
            line = item.title if kind is KnowledgeKind.TEXT else item_line(item, t)
            if kind is KnowledgeKind.LINK:
                line = f"{item.title}: {item.url}"
            w.para(line, "small" if kind is KnowledgeKind.LINK else "body")
            if item.text:
                w.para(item.text, "small")


def _bearings(w: _Writer, bearings: Sequence[ReportBearing]) -> None:
    t = w.t
    w.heading(t("dokument.pejlemaerker"), 0)
    if not bearings:
        w.para(t("dokument.ingen_pejlemaerker"))
    for bearing in bearings:
        w.para(bearing.title, "h3")
        if bearing.proposed:
            w.para(t("dokument.forslag"), "small")
        if bearing.description:
            w.para(bearing.description)
        w.story.append(_swatches(bearing.colors, t))
        if bearing.colors:
            shown = ", ".join(_color(c, t) if c else t("farve.ingen") for c in bearing.colors)
            w.para(t("dokument.foelger", count=len(bearing.colors), colors=shown), "small")
        else:
            w.para(t("dokument.ingen_foelger"), "small")


def _swatches(shown: Sequence[Color | None], t: Texts) -> Flowable:
    """A row of small squares in the goals' colours, each with its letter."""
    if not shown:
        return Spacer(1, 1)
    cells = [[t(f"dokument.bogstav.{c.value}") if c else "–" for c in shown]]
    grid = Table(cells, colWidths=[9 * mm] * len(shown), rowHeights=[6 * mm], hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), BOLD, 7),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
    ]
    for column, color in enumerate(shown):
        if color is not None:
            style.append(("BACKGROUND", (column, 0), (column, 0), colors.HexColor(FILL[color])))
            ink = colors.black if color == Color.YELLOW else colors.white
            style.append(("TEXTCOLOR", (column, 0), (column, 0), ink))
    grid.setStyle(TableStyle(style))
    return grid


def _evaluations(w: _Writer, goals: Sequence[ReportGoal]) -> None:
    t = w.t
    w.heading(t("dokument.evalueringer"), 0)
    evaluated = [g for g in goals if g.evaluations]
    if not evaluated:
        w.para(t("dokument.ingen_evalueringer"))
    for goal in evaluated:
        w.para(f"{goal.unit_name}: {goal.title}", "h3")
        w.label(t("dokument.forventet_effekt"), goal.expected_effect)
        for e in goal.evaluations:
            _evaluation(w, e)


def _matters(w: _Writer, matters: Sequence[ReportMatter], level: int = 0) -> None:
    t = w.t
    w.heading(t("dokument.sager"), level)
    if not matters:
        w.para(t("dokument.ingen_sager"))
    for matter in matters:
        _matter(w, matter)


def _matter(w: _Writer, matter: ReportMatter) -> None:
    t = w.t
    w.para(matter.title, "h3")
    for key, text in (
        ("jura", matter.legal),
        ("oekonomi", matter.economic),
        ("personale", matter.staff),
        ("andre", matter.other),
    ):
        w.label(t(f"dokument.{key}"), text or t("dokument.ikke_beskrevet"))
    if matter.decided and matter.decided_on:
        w.para(
            t("dokument.besluttet", date=t.date(matter.decided_on), decision=matter.decision or "")
        )
    else:
        w.para(t("dokument.aaben"), "small")


def _summaries(w: _Writer, summaries: Sequence[ReportSummary]) -> None:
    t = w.t
    w.heading(t("dokument.referater"), 0)
    if not summaries:
        w.para(t("dokument.ingen_referater"))
    for found in summaries:
        _summary(w, found, level=1)


def _summary(w: _Writer, found: ReportSummary, level: int) -> None:
    t = w.t
    w.heading(t("dokument.moede", date=t.datetime(found.meeting_at)), level)
    if found.theme:
        w.para(t("dokument.tema", theme=found.theme))
    if found.place:
        w.para(t("dokument.sted", place=found.place))
    w.label(t("dokument.generelt"), found.general)
    for unit_name, text in found.units:
        w.label(unit_name, text)

    def bearing(title: str) -> str:  # a proposal says so until the committee decides it
        return f"{title} ({t('dokument.forslag_kort')})" if title in found.proposed else title

    _list(w, t("dokument.nye_pejlemaerker"), found.bearings, bearing)
    if found.matters:
        w.para(t("dokument.sager"), "h3")
        for matter in found.matters:
            _matter(w, matter)
    _list(
        w,
        t("dokument.opfoelgninger"),
        found.follow_ups,
        lambda f: t(
            "dokument.opfoelgning_linje",
            text=f.text,
            owner=f.owner or "–",
            due=t.date(f.due) if f.due else "–",
        ),
    )
    if found.written_by:
        w.para(t("dokument.skrevet_af", name=found.written_by), "small")
    if found.approved_by and found.approved_at:
        w.para(
            t("dokument.godkendt_af", name=found.approved_by, date=t.date(found.approved_at)),
            "small",
        )


def _list(w: _Writer, title: str, items: Sequence[Any], line: Callable[[Any], str]) -> None:
    if items:
        w.para(title, "h3")
        for item in items:
            w.para(f"• {line(item)}")
