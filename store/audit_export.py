"""The audit trail read back for one committee and period (`pejling revision eksport`),
for journalisation and aktindsigt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store import committees
from store.dates import LOCAL_TIME
from store.errors import Invalid
from store.models import AuditEvent, Committee, Period, Person
from store.text import fold


@dataclass(frozen=True)
class AuditLine:
    """One audit event as exported. `person_name` is the person's name today, so someone
    pseudonymised since shows as pseudonymised; None when no person acted (an import)."""

    at: datetime
    person_id: int | None
    person_name: str | None
    source: str
    entity: str
    entity_id: int | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditTrail:
    committee: str
    period: str
    lines: tuple[AuditLine, ...]


async def committee_trail(session: AsyncSession, committee_key: str, period_key: str) -> AuditTrail:
    """Every audit event of the committee's units, goals, meetings, summaries, bearings and
    channel link in the period, oldest first. Events that belong to no period (a role, a
    channel link) count when they happened between the period's first and last day."""
    committee = await _committee(session, committee_key)
    period = await _period(session, committee.municipality_id, period_key)
    query = (
        select(AuditEvent, Person.name)
        .outerjoin(
            Person,
            and_(
                Person.id == AuditEvent.person_id,
                Person.municipality_id == AuditEvent.municipality_id,
            ),
        )
        .where(
            AuditEvent.municipality_id == committee.municipality_id,
            AuditEvent.committee_id == committee.id,
            _in_period(period),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    rows = (await session.execute(query)).all()
    return AuditTrail(committee.name, period.name, tuple(_line(e, name) for e, name in rows))


def _in_period(period: Period) -> Any:
    start, end = _local_midnight(period.starts_on), _local_midnight(period.ends_on + timedelta(1))
    undated = and_(AuditEvent.period_id.is_(None), AuditEvent.at >= start, AuditEvent.at < end)
    return or_(AuditEvent.period_id == period.id, undated)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TIME)


def _line(event: AuditEvent, name: str | None) -> AuditLine:
    return AuditLine(
        event.at,
        event.person_id,
        name,
        event.source,
        event.entity,
        event.entity_id,
        event.action,
        event.before,
        event.after,
    )


async def _committee(session: AsyncSession, key: str) -> Committee:
    chosen = await committees.for_digest(session, key)  # by key or name, as `digest` takes
    if len(chosen) != 1:
        raise Invalid("cli.udvalg_ukendt", key=key)
    return await session.get_one(Committee, chosen[0])


async def _period(session: AsyncSession, municipality_id: int, key: str) -> Period:
    periods = await session.scalars(select(Period).where(Period.municipality_id == municipality_id))
    wanted = fold(key)
    for period in periods:
        if wanted in (fold(period.key), fold(period.name)):
            return period
    raise Invalid("cli.periode_ukendt", key=key)
