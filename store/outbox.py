"""The dialogue meetings' outbox: messages that must go out once, when they are due.

What is due is worked out from the meetings themselves (no job per message to lose): a
meeting's request to prepare goes to each unit's leaders `preparation_days` before, one
reminder `reminder_days` before to those who have not prepared, the pack to the
committee's channel `pack_days` before, all at 08:00 Danish time; an approved summary
goes to the channel at once. Each message is claimed in `dispatch` before it is sent
(a unique key per municipality, so a second sender or a second instance finds it taken)
and marked sent or failed afterwards; a failed or abandoned claim can be taken again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store import claims
from store.claims import CLAIM_LEASE
from store.digests import LOCAL_TIME
from store.enums import DispatchState, MeetingState, SummaryState
from store.kalender import working_day_on_or_before
from store.meetings import views
from store.meetingviews import MeetingView
from store.models import Dispatch, Meeting, Municipality, Summary
from store.people import leaders_by_unit
from store.profiles import Profile, profile

SEND_AT = time(8, 0)  # messages about meetings arrive at the start of a working day
# A reminder needs the request to have been out this long: no request and reminder at once.
REMINDER_GAP = timedelta(days=1)
SUMMARY_WINDOW = timedelta(days=30)  # an approved summary not posted by then is left alone
MAX_BACKOFF = timedelta(hours=6)  # the longest a failed message waits before another try


class Kind(enum.StrEnum):
    PREPARE = "prepare"
    REMIND = "remind"
    PACK = "pack"
    SUMMARY = "summary"


@dataclass(frozen=True)
class Due:
    municipality_id: int
    kind: Kind
    meeting_id: int
    unit_id: int | None = None
    person_id: int | None = None  # a request or reminder goes to each leader on its own

    @property
    def key(self) -> str:
        unit = f":{self.unit_id}" if self.unit_id is not None else ""
        person = f":{self.person_id}" if self.person_id is not None else ""
        return f"meeting:{self.meeting_id}:{self.kind}{unit}{person}"


def due_at(starts_at: datetime, days_before: int, closed: Iterable[str] = ()) -> datetime:
    """08:00 Danish time, `days_before` calendar days before the meeting, or the working
    day before that when it is a weekend, a public holiday or one of the municipality's
    `closed` days (right across daylight-saving changes: the day is counted locally, then
    the hour is placed)."""
    day = starts_at.astimezone(LOCAL_TIME).date() - timedelta(days=days_before)
    return datetime.combine(working_day_on_or_before(day, closed), SEND_AT, tzinfo=LOCAL_TIME)


async def due(session: AsyncSession, now: datetime) -> list[Due]:
    """Everything due by `now` and not yet sent (or being sent)."""
    meetings = list(
        await session.scalars(
            select(Meeting)
            .where(Meeting.state == MeetingState.PLANNED, Meeting.starts_at > now)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    shown = await views(session, meetings)
    settings = await _settings(session, {m.municipality_id for m in meetings})
    leaders = await leaders_by_unit(session, {u.id for m in shown for u in m.units})
    sent = await _taken(session, now)
    found: list[Due] = []
    for held, meeting in zip(meetings, shown, strict=True):
        if meeting.summary_state is SummaryState.APPROVED:
            continue  # held and summed up already: nothing more to prepare or read
        planned = _Planned(held.municipality_id, meeting, settings[held.municipality_id])
        found += planned.due(leaders, now, sent)
    found += await _summaries_due(session, now, sent)
    return [d for d in found if (d.municipality_id, d.key) not in sent]


@dataclass(frozen=True)
class _Planned:
    municipality_id: int
    meeting: MeetingView
    profile: Profile

    def due(
        self,
        leaders: Mapping[int, tuple[int, ...]],
        now: datetime,
        sent: Mapping[tuple[int, str], datetime | None],
    ) -> list[Due]:
        """The pack, and for each unprepared unit's leaders the request and the reminder."""
        meeting, settings = self.meeting, self.profile.meetings
        closed = self.profile.cycle.closed_days
        found: list[Due] = []
        if now >= due_at(meeting.starts_at, settings.pack_days, closed):
            found.append(Due(self.municipality_id, Kind.PACK, meeting.id))
        if now < due_at(meeting.starts_at, settings.preparation_days, closed):
            return found
        remind = now >= due_at(meeting.starts_at, settings.reminder_days, closed)
        for unit in meeting.units:
            for person in () if unit.prepared else leaders.get(unit.id, ()):
                request = Due(self.municipality_id, Kind.PREPARE, meeting.id, unit.id, person)
                asked = sent.get((self.municipality_id, request.key))
                found.append(request)
                if remind and asked is not None and asked <= now - REMINDER_GAP:
                    found.append(replace(request, kind=Kind.REMIND))
        return found


async def _summaries_due(
    session: AsyncSession, now: datetime, sent: dict[tuple[int, str], datetime | None]
) -> list[Due]:
    rows = await session.execute(
        select(Summary.municipality_id, Summary.meeting_id).where(
            Summary.state == SummaryState.APPROVED, Summary.approved_at > now - SUMMARY_WINDOW
        )
    )
    return [Due(m, Kind.SUMMARY, meeting) for m, meeting in rows]


async def _settings(session: AsyncSession, ids: set[int]) -> dict[int, Profile]:
    rows = await session.execute(
        select(Municipality.id, Municipality.profile).where(Municipality.id.in_(ids))
    )
    return {m: profile(key) for m, key in rows}


async def _taken(session: AsyncSession, now: datetime) -> dict[tuple[int, str], datetime | None]:
    """Keys sent, claimed by a sender still within its lease, or failed so recently that
    they wait before the next try: key → when sent."""
    rows = await session.execute(
        select(
            Dispatch.municipality_id,
            Dispatch.key,
            Dispatch.state,
            Dispatch.claimed_at,
            Dispatch.sent_at,
            Dispatch.attempts,
        ).where((Dispatch.state == DispatchState.SENT) | (Dispatch.claimed_at >= now - MAX_BACKOFF))
    )
    return {(r.municipality_id, r.key): r.sent_at for r in rows if _waits(r, now)}


def _waits(row: Any, now: datetime) -> bool:
    if row.state == DispatchState.SENT:
        return True
    if row.state == DispatchState.CLAIMED:
        return row.claimed_at >= now - CLAIM_LEASE
    return row.claimed_at >= now - backoff(row.attempts)


def backoff(attempts: int) -> timedelta:
    """How long a failed message waits before it is tried again: 2, 4, 8 … minutes, at
    most six hours (a leader who has not installed Pejling yet is not asked every tick)."""
    # Capped before the timedelta is made: timedelta(minutes=2**41) overflows, and a
    # request failing every six hours gets to 41 attempts in about nine days.
    return timedelta(minutes=min(2**attempts, MAX_BACKOFF // timedelta(minutes=1)))


async def claim(session: AsyncSession, municipality_id: int, key: str, now: datetime) -> bool:
    """Take the right to send `key`. False: it is sent, or another sender has it now."""
    row = Dispatch(municipality_id=municipality_id, key=key, claimed_at=now)
    same = (Dispatch.municipality_id == municipality_id) & (Dispatch.key == key)
    return await claims.claim(session, row, same, now, attempts=Dispatch.attempts + 1)


async def mark_sent(session: AsyncSession, municipality_id: int, key: str, now: datetime) -> None:
    await _mark(session, municipality_id, key, state=DispatchState.SENT, sent_at=now, error=None)


async def mark_failed(session: AsyncSession, municipality_id: int, key: str, error: str) -> None:
    await _mark(session, municipality_id, key, state=DispatchState.FAILED, error=error[:2000])


async def sent_at(session: AsyncSession, municipality_id: int, key: str) -> datetime | None:
    return await session.scalar(
        select(Dispatch.sent_at).where(
            Dispatch.municipality_id == municipality_id,
            Dispatch.key == key,
            Dispatch.state == DispatchState.SENT,
        )
    )


async def _mark(session: AsyncSession, municipality_id: int, key: str, **values: object) -> None:
    await session.execute(
        update(Dispatch)
        .where(Dispatch.municipality_id == municipality_id, Dispatch.key == key)
        .values(**values)
    )
