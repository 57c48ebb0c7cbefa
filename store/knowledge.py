"""A committee's knowledge pack (vidensgrundlag) for a period: the trends, satisfaction
surveys, key figures and links the committee reads before its dialogue meetings, as the
first step of the year ("Introduktion til viden, trends status mm. i fagudvalg").

The administration enters pieces on a card or imports them from a CSV or Excel file; a
title is there once per committee and period, so entering or importing it again replaces
it. The pack goes to the committee's channel through the outbox, once per content, and is
part of every dialogue meeting's pack in the period.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store import committees, outbox
from store.dates import LOCAL_TIME
from store.enums import KnowledgeKind
from store.errors import Invalid, NotAllowed
from store.limits import NOTE_MAX, TITLE_MAX
from store.meetingviews import KnowledgeItemView, KnowledgePackView
from store.models import Committee, KnowledgeItem, Meeting, Period
from store.outbox import Kind, Planned
from store.status import current_period
from store.text import danish_order, fold
from store.views import Actor

UNIT_MAX = 50
YEARS = range(1990, 2101)
# The words a file or a form may use for a kind, folded (no æ/ø/å, lower case).
KIND_WORDS = {
    "tekst": KnowledgeKind.TEXT, "text": KnowledgeKind.TEXT, "tendens": KnowledgeKind.TEXT,
    "trend": KnowledgeKind.TEXT, "maaling": KnowledgeKind.TEXT, "link": KnowledgeKind.LINK,
    "url": KnowledgeKind.LINK, "noegletal": KnowledgeKind.FIGURE, "nogletal": KnowledgeKind.FIGURE,
    "tal": KnowledgeKind.FIGURE, "figure": KnowledgeKind.FIGURE, "key figure": KnowledgeKind.FIGURE,
}  # fmt: skip
# A file's column headings, folded, to the field each fills; Danish or English.
COLUMNS = {
    "art": "kind", "type": "kind", "kind": "kind",
    "titel": "title", "title": "title", "overskrift": "title",
    "tekst": "text", "text": "text", "beskrivelse": "text",
    "link": "url", "url": "url",
    "vaerdi": "value", "value": "value", "tal": "value",
    "enhed": "unit", "unit": "unit",
    "aar": "year", "year": "year",
}  # fmt: skip


@dataclass(frozen=True)
class KnowledgeEntry:
    """A piece of the pack as entered, checked by `entry`."""

    kind: KnowledgeKind
    title: str
    text: str | None = None
    url: str | None = None
    value: float | None = None
    unit: str | None = None
    year: int | None = None


def entry(raw: Mapping[str, Any]) -> KnowledgeEntry:
    """A piece from a form's or a file row's words (kind, title, text, url, value, unit,
    year); refused with the Danish reason of the first problem."""
    kind = KIND_WORDS.get(fold(_said(raw.get("kind")) or "tekst"))
    if kind is None:
        raise Invalid("viden.art_ukendt", answer=_said(raw.get("kind")))
    title = _said(raw.get("title"))
    if not title:
        raise Invalid("viden.titel_mangler")
    if len(title) > TITLE_MAX:
        raise Invalid("moede.for_lang", field="title", limit=TITLE_MAX)
    text = _said(raw.get("text"))
    if text and len(text) > NOTE_MAX:
        raise Invalid("moede.for_lang", field="text", limit=NOTE_MAX)
    found = KnowledgeEntry(kind, title, text)
    if kind is KnowledgeKind.LINK:
        return _link(found, _said(raw.get("url")))
    if kind is KnowledgeKind.FIGURE:
        return _figure(found, raw)
    if not text:
        raise Invalid("viden.tekst_mangler", title=title)
    return found


def _link(found: KnowledgeEntry, url: str | None) -> KnowledgeEntry:
    if not url or not url.lower().startswith(("https://", "http://")) or " " in url:
        raise Invalid("viden.link_ugyldigt", title=found.title)
    if len(url) > 2000:
        raise Invalid("moede.for_lang", field="url", limit=2000)
    return KnowledgeEntry(found.kind, found.title, found.text, url=url)


def _figure(found: KnowledgeEntry, raw: Mapping[str, Any]) -> KnowledgeEntry:
    value = _number(raw.get("value"))
    if value is None:
        raise Invalid("viden.vaerdi_ugyldig", title=found.title)
    unit = _said(raw.get("unit"))
    if unit and len(unit) > UNIT_MAX:
        raise Invalid("moede.for_lang", field="unit", limit=UNIT_MAX)
    year = _year(raw.get("year"))
    return KnowledgeEntry(found.kind, found.title, found.text, None, value, unit, year)


def _said(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _number(value: Any) -> float | None:
    """A figure as a municipality writes it: 82, 82,5, 1.250,5 or 1 250."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    said = (_said(value) or "").replace(" ", "").replace("\u00a0", "")
    if "," in said:
        said = said.replace(".", "").replace(",", ".")
    try:
        return float(said) if said else None
    except ValueError:
        return None


def _year(value: Any) -> int | None:
    said = _said(value)
    if said is None:
        return None
    try:
        year = int(float(said))
    except ValueError:
        raise Invalid("viden.aar_ugyldigt", answer=said) from None
    if year not in YEARS:
        raise Invalid("viden.aar_ugyldigt", answer=said)
    return year


def require_administration(actor: Actor) -> None:
    """The knowledge pack is the administration's to gather and send."""
    if not actor.is_administration:
        raise NotAllowed("viden.kun_administration")


# --- the pack ------------------------------------------------------------------------------


async def pack(
    session: AsyncSession, municipality_id: int, committee_id: int, period_id: int
) -> KnowledgePackView:
    """The committee's pack for the period, key figures first, then texts, then links."""
    committee, period = await _scope(session, municipality_id, committee_id, period_id)
    rows = await session.scalars(
        select(KnowledgeItem)
        .where(KnowledgeItem.committee_id == committee_id, KnowledgeItem.period_id == period_id)
        .order_by(KnowledgeItem.id)
    )
    order = (KnowledgeKind.FIGURE, KnowledgeKind.TEXT, KnowledgeKind.LINK)
    items = sorted((_view(row) for row in rows), key=lambda i: order.index(i.kind))
    return KnowledgePackView(committee.id, committee.name, period.id, period.name, tuple(items))


async def _scope(
    session: AsyncSession, municipality_id: int, committee_id: int, period_id: int
) -> tuple[Committee, Period]:
    """The committee and the period, both the municipality's own; any other id is unknown."""
    committee = await session.get(Committee, committee_id)
    period = await session.get(Period, period_id)
    if committee is None or committee.municipality_id != municipality_id:
        raise NotAllowed("moede.udvalg_ukendt")
    if period is None or period.municipality_id != municipality_id:
        raise NotAllowed("viden.periode_ukendt")
    return committee, period


def _view(row: KnowledgeItem) -> KnowledgeItemView:
    return KnowledgeItemView(
        row.id, KnowledgeKind(row.kind), row.title, row.text, row.url, row.value, row.unit,
        row.year,
    )  # fmt: skip


async def items_for(
    session: AsyncSession, committee_id: int, period_id: int
) -> tuple[KnowledgeItemView, ...]:
    """The pack's pieces, for a dialogue meeting's pack (its committee and period)."""
    committee = await session.get_one(Committee, committee_id)
    return (await pack(session, committee.municipality_id, committee_id, period_id)).items


async def pack_for(
    session: AsyncSession, actor: Actor, committee_id: int, period_id: int
) -> KnowledgePackView:
    """The pack, for the administration to work on."""
    require_administration(actor)
    return await pack(session, actor.municipality_id, committee_id, period_id)


async def committees_now(
    session: AsyncSession, actor: Actor, today: date
) -> tuple[int, list[tuple[int, str]]]:
    """`viden`: the current period and the municipality's committees, by name."""
    require_administration(actor)
    period = await current_period(session, actor.municipality_id, today)
    if period is None:
        raise Invalid("viden.periode_ukendt")
    rows = await session.execute(
        select(Committee.id, Committee.name).where(
            Committee.municipality_id == actor.municipality_id
        )
    )
    return period.id, sorted(((cid, name) for cid, name in rows), key=lambda c: danish_order(c[1]))


async def for_meeting(session: AsyncSession, actor: Actor, meeting_id: int) -> KnowledgePackView:
    """The pack of a dialogue meeting's committee and period, for the administration."""
    require_administration(actor)
    held = await session.get(Meeting, meeting_id)
    if held is None or held.municipality_id != actor.municipality_id:
        raise NotAllowed("moede.ukendt")
    return await pack(session, actor.municipality_id, held.committee_id, held.period_id)


async def save(
    session: AsyncSession,
    actor: Actor,
    committee_id: int,
    period_id: int,
    found: KnowledgeEntry,
    now: datetime,
) -> KnowledgeItemView:
    """The administration enters a piece; one with the same title is replaced."""
    require_administration(actor)
    await _scope(session, actor.municipality_id, committee_id, period_id)
    row = await _put(session, actor.municipality_id, committee_id, period_id, found, now)
    row.entered_by = actor.person_id
    await session.flush()
    return _view(row)


async def import_entries(
    session: AsyncSession,
    municipality_id: int,
    committee_id: int,
    period_id: int,
    entries: Sequence[KnowledgeEntry],
    now: datetime,
) -> tuple[int, int]:
    """A file's pieces into the pack (`pejling viden`): how many were new, how many
    replaced a piece of the same title. Importing the same file again changes nothing."""
    await _scope(session, municipality_id, committee_id, period_id)
    created = updated = 0
    for found in {e.title: e for e in entries}.values():
        before = await _row(session, committee_id, period_id, found.title)
        if before is not None and _same(before, found):
            continue
        await _put(session, municipality_id, committee_id, period_id, found, now)
        created, updated = (created + 1, updated) if before is None else (created, updated + 1)
    await session.flush()
    return created, updated


async def import_named(
    session: AsyncSession,
    committee: str,
    period: str | None,
    entries: Sequence[KnowledgeEntry],
    now: datetime,
) -> tuple[KnowledgePackView, int, int]:
    """`pejling viden FIL --udvalg buu [--periode KEY]`: the committee by key or name (as
    `kommune/udvalg` when several municipalities share the store), the period by key or
    name, else the current one. The pack after, and how many pieces were new and changed."""
    chosen = await committees.for_digest(session, committee)
    if len(chosen) != 1:
        raise Invalid("dokument.ukendt_udvalg")
    found = await session.get_one(Committee, chosen[0])
    today = now.astimezone(LOCAL_TIME).date()
    period_id = await _period(session, found.municipality_id, period, today)
    created, updated = await import_entries(
        session, found.municipality_id, found.id, period_id, entries, now
    )
    return await pack(session, found.municipality_id, found.id, period_id), created, updated


async def _period(
    session: AsyncSession, municipality_id: int, name: str | None, today: date
) -> int:
    """A period by key or name, else the current one."""
    if name:
        rows = await session.scalars(
            select(Period).where(Period.municipality_id == municipality_id)
        )
        named = [p for p in rows if fold(name) in (fold(p.key), fold(p.name))]
        if not named:
            raise Invalid("dokument.ukendt_periode")
        return named[0].id
    current = await current_period(session, municipality_id, today)
    if current is None:
        raise Invalid("dokument.ukendt_periode")
    return current.id


def _same(row: KnowledgeItem, found: KnowledgeEntry) -> bool:
    return (row.kind, row.text, row.url, row.value, row.unit, row.year) == (
        found.kind, found.text, found.url, found.value, found.unit, found.year,
    )  # fmt: skip


async def _row(
    session: AsyncSession, committee_id: int, period_id: int, title: str
) -> KnowledgeItem | None:
    return await session.scalar(
        select(KnowledgeItem).where(
            KnowledgeItem.committee_id == committee_id,
            KnowledgeItem.period_id == period_id,
            KnowledgeItem.title == title,
        )
    )


async def _put(
    session: AsyncSession,
    municipality_id: int,
    committee_id: int,
    period_id: int,
    found: KnowledgeEntry,
    now: datetime,
) -> KnowledgeItem:
    row = await _row(session, committee_id, period_id, found.title)
    if row is None:
        row = KnowledgeItem(
            municipality_id=municipality_id, committee_id=committee_id, period_id=period_id,
            kind=found.kind, title=found.title,
        )  # fmt: skip
        try:
            # A savepoint: two people entering the same title at once make one piece.
            async with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = await _row(session, committee_id, period_id, found.title)
            assert row is not None  # the other insert won, so the row is there
    row.kind, row.text, row.url = found.kind, found.text, found.url
    row.value, row.unit, row.year, row.updated_at = found.value, found.unit, found.year, now
    return row


async def remove(session: AsyncSession, actor: Actor, item_id: int) -> KnowledgePackView:
    """The administration takes a piece out of the pack; the pack as it is after."""
    require_administration(actor)
    row = await session.get(KnowledgeItem, item_id)
    if row is None or row.municipality_id != actor.municipality_id:
        raise NotAllowed("viden.ukendt")
    committee_id, period_id = row.committee_id, row.period_id
    await session.delete(row)
    await session.flush()
    return await pack(session, actor.municipality_id, committee_id, period_id)


# --- posting -------------------------------------------------------------------------------


async def post(
    session: AsyncSession, actor: Actor, committee_id: int, period_id: int, now: datetime
) -> tuple[Planned, bool]:
    """Plan the pack for the committee's channel. The outbox key holds the pack's content,
    so the same pack is posted once however often it is asked for, and a changed pack
    again. Returns the row and whether it is new."""
    found = await pack_for(session, actor, committee_id, period_id)
    if not found.items:
        raise Invalid("viden.tom", committee=found.committee_name)
    key = f"knowledge:{committee_id}:{period_id}:{_fingerprint(found)}"
    payload = {"committee": committee_id, "period": period_id}
    planned = Planned(actor.municipality_id, key, Kind.KNOWLEDGE, now, payload)
    return planned, await outbox.plan(session, [planned], now) == 1


def _fingerprint(found: KnowledgePackView) -> str:
    content = repr([(i.kind, i.title, i.text, i.url, i.value, i.unit, i.year) for i in found.items])
    return hashlib.sha256(content.encode()).hexdigest()[:16]


async def to_post(
    session: AsyncSession, municipality_id: int, payload: Mapping[str, Any]
) -> KnowledgePackView | None:
    """The pack an outbox row posts; None when it has been emptied since."""
    found = await pack(session, municipality_id, payload["committee"], payload["period"])
    return found if found.items else None


# --- files ---------------------------------------------------------------------------------


def read_file(path: Path) -> list[KnowledgeEntry]:
    """The pieces of a CSV file (comma or semicolon, as Excel in Danish saves it) or an
    Excel workbook's first sheet: a heading row (art, titel, tekst, link, værdi, enhed,
    år), then a piece per row. A row with a problem is refused with its number."""
    rows: Sequence[Sequence[Any]]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _excel_rows(path)
    else:
        rows = _csv_rows(path.read_bytes())
    return entries_from_rows(rows)


def entries_from_rows(rows: Iterable[Sequence[Any]]) -> list[KnowledgeEntry]:
    lines = iter(rows)
    heading = next(lines, None)
    if heading is None:
        raise Invalid("viden.fil_tom")
    fields = [COLUMNS.get(fold(str(cell or "").strip())) for cell in heading]
    if "title" not in fields:
        raise Invalid("viden.fil_uden_titel")
    found = []
    for number, line in enumerate(lines, start=2):
        raw = {f: cell for f, cell in zip(fields, line, strict=False) if f is not None}
        if not any(_said(v) for v in raw.values()):
            continue  # an empty line
        try:
            found.append(entry(raw))
        except Invalid as wrong:
            raise Invalid(wrong.key, **wrong.params, row=number) from None
    return found


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig", errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _excel_rows(path: Path) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook  # only the import needs it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer
        raise Invalid("viden.fil_ulaeselig") from None
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
