"""One way to make any of the committee's documents, for the command line, the Teams buttons
and the signed links alike: a `DocumentRequest` names what is wanted, `render` reads it
from the store and lays it out with kort/documents."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kort.catalogue import Texts, texts
from kort.documents.journal import file_name, metadata
from store import committees
from store import documents as documents_store
from store.audit_export import committee_trail
from store.dates import LOCAL_TIME
from store.documentviews import DocumentRequest, JournalMeta
from store.errors import Invalid
from store.models import Committee, Meeting, Municipality, Period, Unit
from store.text import fold

MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    file_name: str
    media_type: str
    meta: JournalMeta

    def metadata(self, t: Texts | None = None) -> bytes:
        return metadata(self.meta, t or texts())


def _layout() -> tuple[ModuleType, ModuleType]:
    """The Excel and PDF layout modules, loaded when a document is first made: ReportLab,
    matplotlib and openpyxl take seconds to import, which every `pejling` command and every
    start of the server would otherwise pay for nothing."""
    from kort.documents import excel, pdf

    return excel, pdf


async def render(
    session: AsyncSession,
    request: DocumentRequest,
    author: str,
    now: datetime,
    case_number: str | None = None,
    t: Texts | None = None,
) -> Rendered:
    t = t or texts()
    if request.kind == "referat":
        return await _summary(session, request, author, now, case_number, t)
    if request.kind == "revision":
        return await _trail(session, request, author, now, case_number, t)
    report, title = await _report(session, request, now, t)
    # Drawing and laying out take seconds for a large committee: in a worker thread, so
    # the server goes on answering other turns meanwhile.
    excel, pdf = _layout()
    if request.format == "xlsx":
        content = await asyncio.to_thread(excel.workbook, report, t)
    else:
        content = await asyncio.to_thread(pdf.committee_report, report, t, request.kind)
    name = file_name(title, request.format)
    meeting_day = report.meeting_at.astimezone(LOCAL_TIME).date() if report.meeting_at else None
    meta = JournalMeta(
        title, report.committee, report.period, author, now, name, meeting_day, case_number
    )
    return Rendered(content, name, MEDIA[request.format], meta)


async def _report(
    session: AsyncSession, request: DocumentRequest, now: datetime, t: Texts
) -> tuple[Any, str]:
    if request.kind == "pakke":
        report = await documents_store.meeting_report(session, _need(request.meeting_id), now)
        return report, t("dokument.pakke_titel", committee=report.committee)
    if request.kind == "aftale":
        period = await _period(session, request)
        report = await documents_store.unit_agreement(session, _need(request.unit_id), period, now)
        return report, t("dokument.aftale_titel", unit=report.units[0].name)
    committee = await _committee(session, request)
    period = await _period(session, request)
    meeting = await session.get(Meeting, request.meeting_id) if request.meeting_id else None
    report = await documents_store.committee_report(session, committee, period, now, meeting)
    return report, t("dokument.rapport_titel", committee=report.committee)


async def _summary(
    session: AsyncSession,
    request: DocumentRequest,
    author: str,
    now: datetime,
    case_number: str | None,
    t: Texts,
) -> Rendered:
    meeting_id = _need(request.meeting_id)
    found = await documents_store.approved_summary(session, meeting_id)
    held = await session.get_one(Meeting, meeting_id)
    committee = await session.get_one(Committee, held.committee_id)
    period = await session.get_one(Period, held.period_id)
    municipality = await session.get_one(Municipality, committee.municipality_id)
    title = t("dokument.referat_titel", committee=committee.name)
    name = file_name(f"{title} {held.starts_at.astimezone(LOCAL_TIME).date()}", "pdf")
    _, pdf = _layout()
    content = await asyncio.to_thread(pdf.summary, found, committee.name, municipality.name, t)
    meta = JournalMeta(
        title,
        committee.name,
        period.name,
        author,
        now,
        name,
        held.starts_at.astimezone(LOCAL_TIME).date(),
        case_number,
    )
    return Rendered(content, name, MEDIA["pdf"], meta)


async def _trail(
    session: AsyncSession,
    request: DocumentRequest,
    author: str,
    now: datetime,
    case_number: str | None,
    t: Texts,
) -> Rendered:
    committee = await _committee(session, request)
    period = await _period(session, request)
    trail = await committee_trail(session, committee.key, period.key)
    title = t("dokument.revision_titel", committee=committee.name)
    header = [
        t("dokument.kolonne.dato"),
        t("dokument.kolonne.hvem"),
        t("dokument.kolonne.hvad"),
        t("dokument.kolonne.handling"),
    ]
    rows = [
        [
            t.datetime(line.at),
            line.person_name or "",
            _label(t, "hvad", line.entity),
            _label(t, "handling", line.action),
        ]
        for line in trail.lines
    ]
    _, pdf = _layout()
    content = await asyncio.to_thread(pdf.table, title, period.name, header, rows, t)
    name = file_name(f"{title} {period.name}", "pdf")
    meta = JournalMeta(title, committee.name, period.name, author, now, name, None, case_number)
    return Rendered(content, name, MEDIA["pdf"], meta)


def _label(t: Texts, kind: str, value: str) -> str:
    key = f"revision.{kind}.{value}"
    return t(key) if t.has(key) else value


def _need(value: int | None) -> int:
    if value is None:
        raise Invalid("dokument.ukendt_moede")
    return value


async def _committee(session: AsyncSession, request: DocumentRequest) -> Committee:
    found = await session.get(Committee, request.committee_id) if request.committee_id else None
    if found is None:
        raise Invalid("dokument.ukendt_udvalg")
    return found


async def _period(session: AsyncSession, request: DocumentRequest) -> Period:
    found = await session.get(Period, request.period_id) if request.period_id else None
    if found is None:
        raise Invalid("dokument.ukendt_periode")
    return found


async def request_for(
    session: AsyncSession,
    kind: str,
    committee: str | None,
    period: str | None,
    meeting_day: date | None,
    unit: str | None,
    form: str,
    today: date,
) -> DocumentRequest:
    """A request from the words of the command line: committee and unit by key or name,
    period by key or name (default: the current one), a meeting by its day."""
    chosen = await committees.for_digest(session, committee) if committee else []
    if committee and len(chosen) != 1:
        raise Invalid("dokument.ukendt_udvalg")
    committee_row = await session.get(Committee, chosen[0]) if chosen else None
    unit_row = await _unit(session, unit) if unit else None
    row = committee_row or unit_row
    municipality = row.municipality_id if row else None
    if municipality is None:
        raise Invalid("dokument.ukendt_udvalg")
    period_row = await _period_named(session, municipality, period, today)
    meeting = await _meeting(session, committee_row, meeting_day) if meeting_day else None
    return DocumentRequest(
        kind=kind,
        committee_id=committee_row.id if committee_row else None,
        period_id=period_row.id,
        meeting_id=meeting,
        unit_id=unit_row.id if unit_row else None,
        format=form,
    )


async def _unit(session: AsyncSession, name: str) -> Unit:
    wanted = fold(name)
    for unit in await session.scalars(select(Unit)):
        if wanted in (fold(unit.key), fold(unit.name)):
            return unit
    raise Invalid("dokument.ukendt_enhed")


async def _period_named(
    session: AsyncSession, municipality_id: int, name: str | None, today: date
) -> Period:
    if not name:
        return await documents_store.period_for(session, municipality_id, None, today)
    wanted = fold(name)
    for period in await session.scalars(
        select(Period).where(Period.municipality_id == municipality_id)
    ):
        if wanted in (fold(period.key), fold(period.name)):
            return period
    raise Invalid("dokument.ukendt_periode")


async def _meeting(session: AsyncSession, committee: Committee | None, day: date) -> int:
    if committee is None:
        raise Invalid("dokument.ukendt_moede")
    for held in await session.scalars(
        select(Meeting).where(Meeting.committee_id == committee.id).order_by(Meeting.starts_at)
    ):
        if held.starts_at.astimezone(LOCAL_TIME).date() == day:
            return held.id
    raise Invalid("dokument.ukendt_moede")
