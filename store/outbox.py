"""The outbox: messages that must go out once, when they are due.

Every tick, what is due is worked out from the store itself (no job per message to
lose) and planned as a row in `dispatch`, one per key and municipality, so planning the
same thing twice is a no-op. Senders then take ready rows with a lease (`take`: on
PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so two instances never take the same row),
send, and mark each sent, failed (tried again after a backoff) or skipped (the work was
done before it went out). A sender that dies holding a row loses it when the lease ends.

This module also works out the dialogue meetings' messages: a request to prepare goes to
each unit's leaders `preparation_days` before, one reminder `reminder_days` before to
those who have not prepared, the pack to the committee's channel `pack_days` before, all
at 08:00 Danish time; an approved summary goes to the channel at once. The year's
reminders are worked out in `store.reminders`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, Update, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store import claims
from store.claims import CLAIM_LEASE
from store.dates import LOCAL_TIME, SEND_AT
from store.db import dialect_name, rowcount
from store.enums import DispatchState, MeetingState, SummaryState
from store.meetings import joint_committees, views
from store.meetingviews import MeetingView
from store.models import Dispatch, Meeting, Municipality, Summary
from store.people import leaders_by_unit
from store.prepared import Prepared
from store.profiles import Profile, profile
from store.working_days import working_day_on_or_before

# A reminder needs the request to have been out this long: no request and reminder at once.
REMINDER_GAP = timedelta(days=1)
SUMMARY_WINDOW = timedelta(days=30)  # an approved summary not posted by then is left alone
MAX_BACKOFF = timedelta(hours=6)  # the longest a failed message waits before another try
KEYS_PER_QUERY = 500  # keys looked up at once, well under every database's parameter limit


class Kind(enum.StrEnum):
    PREPARE = "prepare"
    REMIND = "remind"
    PACK = "pack"
    SUMMARY = "summary"
    GOAL_REMINDER = "goal_reminder"  # an item of the year: drafting, status, evaluations
    DIGEST = "digest"  # a committee's scheduled digest
    UNREACHED = "unreached"  # the administration's list of people Pejling cannot reach
    NOTICE = "notice"  # a turn's message to someone else: an invitation, a decision
    MATTER_LIST = "matter_list"  # a committee meeting's matters, to its channel beforehand
    KNOWLEDGE = "knowledge"  # a committee's knowledge pack, to its channel before the meetings


@dataclass(frozen=True)
class Planned:
    """One message for the outbox: its key (unique in the municipality), what kind it is,
    when it is due, and what the sender needs to build it."""

    municipality_id: int
    key: str
    kind: Kind
    due_at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Due:
    """A dialogue meeting's message that is due."""

    municipality_id: int
    kind: Kind
    meeting_id: int
    unit_id: int | None = None
    person_id: int | None = None  # a request or reminder goes to each leader on its own
    at: datetime | None = field(default=None, compare=False)  # when it fell due
    # A pack or summary for another committee taking part in a joint meeting: posted in
    # that committee's channel. None: the meeting's own committee.
    committee_id: int | None = None

    @property
    def key(self) -> str:
        unit = f":{self.unit_id}" if self.unit_id is not None else ""
        person = f":{self.person_id}" if self.person_id is not None else ""
        guest = f":c{self.committee_id}" if self.committee_id is not None else ""
        return f"meeting:{self.meeting_id}:{self.kind}{unit}{person}{guest}"

    def planned(self, now: datetime) -> Planned:
        payload = {"meeting": self.meeting_id, "unit": self.unit_id, "person": self.person_id,
                   "committee": self.committee_id}  # fmt: skip
        return Planned(self.municipality_id, self.key, self.kind, self.at or now, payload)

    def in_every_channel(self, joint: Iterable[int]) -> list[Due]:
        """This pack or summary for the meeting's own committee, and one for each committee
        taking part in it: each channel gets its own, sent and retried on its own."""
        return [self, *(replace(self, committee_id=committee) for committee in sorted(joint))]

    @classmethod
    def of(
        cls, municipality_id: int, kind: str, payload: Mapping[str, Any], at: datetime | None
    ) -> Due:
        """The meeting message an outbox row holds."""
        return cls(
            municipality_id, Kind(kind), payload["meeting"], payload.get("unit"),
            payload.get("person"), at, payload.get("committee"),
        )  # fmt: skip


@dataclass(frozen=True)
class Taken:
    """A row a sender holds: send it, then mark it sent, failed or skipped."""

    id: int
    municipality_id: int
    key: str
    kind: str
    payload: Mapping[str, Any]
    due_at: datetime | None
    attempts: int
    first_tried_at: datetime | None = None

    def given_up(self, now: datetime, patience: timedelta) -> bool:
        """Still failing `patience` after it was due *and* after it was first tried: a
        request planned days after its nominal time is not dropped on its first 429."""
        since = max((t for t in (self.due_at, self.first_tried_at) if t is not None), default=now)
        return now - since > patience


def due_at(starts_at: datetime, days_before: int, closed: Iterable[str] = ()) -> datetime:
    """08:00 Danish time, `days_before` calendar days before the meeting, or the working
    day before that when it is a weekend, a public holiday or one of the municipality's
    `closed` days (right across daylight-saving changes: the day is counted locally, then
    the hour is placed)."""
    day = starts_at.astimezone(LOCAL_TIME).date() - timedelta(days=days_before)
    return datetime.combine(working_day_on_or_before(day, closed), SEND_AT, tzinfo=LOCAL_TIME)


# --- planning and taking rows -------------------------------------------------------------


async def plan(session: AsyncSession, items: Iterable[Planned], now: datetime) -> int:
    """Put what is due in the outbox; a key already there (in any state) is left as it
    is. Returns how many rows were new."""
    rows = [
        {
            "municipality_id": i.municipality_id,
            "key": i.key,
            "kind": str(i.kind),
            "payload": dict(i.payload),
            "state": DispatchState.PLANNED,
            "due_at": i.due_at,
            "next_at": max(now, i.due_at),
            "attempts": 0,
        }
        for i in {(i.municipality_id, i.key): i for i in items}.values()
    ]
    added = 0
    for start in range(0, len(rows), KEYS_PER_QUERY):
        chunk = rows[start : start + KEYS_PER_QUERY]
        result = await session.execute(_insert_new(session).values(chunk))
        added += max(rowcount(result), 0)
    return added


def _insert_new(session: AsyncSession) -> Any:
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    return dialect.insert(Dispatch).on_conflict_do_nothing(
        index_elements=[Dispatch.municipality_id, Dispatch.key]
    )


_DISPATCH = cast(Table, Dispatch.__table__)  # a mapped class has one table
_D = _DISPATCH.c
_WHEN = _D.next_at.type
_NOW = bindparam("now", type_=_WHEN)
# What a taken row carries, in `Taken`'s order.
_TAKEN = (_D.id, _D.municipality_id, _D.key, _D.kind, _D.payload, _D.due_at, _D.attempts,
          _D.first_tried_at)  # fmt: skip
# Written out, not `in_(DispatchState.open())`: a list of values is expanded when the
# statement runs, and `_TAKE` is compiled once (store/prepared.py).
_OPEN = _D.state.in_([bindparam(f"open_{i}", s.value) for i, s in enumerate(DispatchState.open())])


def _taking(where: ColumnElement[bool]) -> Update:
    """Claim the open rows `where` selects, oldest first, up to `limit`, for `owner`, with a
    lease until `lease_until`; answers the rows claimed. Rows another sender is taking at
    this moment are skipped, not waited for (PostgreSQL's SKIP LOCKED; SQLite lets one
    writer in at a time)."""
    ready = _OPEN & where
    chosen = (
        select(_D.id)
        .where(ready)
        .order_by(_D.next_at, _D.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
    )
    return (
        update(_DISPATCH)
        .where(_D.id.in_(chosen.scalar_subquery()), ready)
        .values(
            state=DispatchState.CLAIMED.value,
            claimed_at=_NOW,
            claimed_by=bindparam("owner"),
            next_at=bindparam("lease_until", type_=_WHEN),
            attempts=_D.attempts + 1,
            first_tried_at=func.coalesce(_D.first_tried_at, _NOW),
        )
        .returning(*_TAKEN)
    )


# Every tick of every instance asks it, most often to find nothing: built once.
_TAKE = Prepared(_taking(_D.next_at <= _NOW))


def _taking_params(now: datetime, owner: str, limit: int) -> dict[str, Any]:
    return {"now": now, "lease_until": now + CLAIM_LEASE, "owner": owner, "limit": limit}


async def take(session: AsyncSession, now: datetime, owner: str, limit: int = 50) -> list[Taken]:
    """Claim up to `limit` ready rows for `owner`, oldest first, with a lease until
    `now + CLAIM_LEASE` (`_taking`)."""
    found = await _TAKE.rows(session, _taking_params(now, owner, limit))
    return _oldest_first([Taken(*row) for row in found], now)


async def take_keys(
    session: AsyncSession, municipality_id: int, keys: Sequence[str], now: datetime, owner: str
) -> list[Taken]:
    """Claim these rows if they are ready (a turn's notices, sent as soon as the turn is
    saved); rows another sender holds, or done already, are left."""
    chosen = (_D.municipality_id == municipality_id) & _D.key.in_(keys) & (_D.next_at <= _NOW)
    result = await session.execute(_taking(chosen), _taking_params(now, owner, len(keys)))
    return _oldest_first([Taken(*row) for row in result], now)


def _oldest_first(taken: list[Taken], now: datetime) -> list[Taken]:
    return sorted(taken, key=lambda t: (t.due_at or now, t.id))


async def claim(session: AsyncSession, municipality_id: int, key: str, now: datetime) -> bool:
    """Take the right to send `key` now, planned or not (a button that sends at once).
    False: it is sent or skipped, or another sender holds it."""
    row = Dispatch(
        municipality_id=municipality_id, key=key, state=DispatchState.CLAIMED, due_at=now,
        claimed_at=now, next_at=now + CLAIM_LEASE, attempts=1, first_tried_at=now,
    )  # fmt: skip
    # A planned or failed row is taken at once (a button does not wait out a backoff).
    free = (Dispatch.state.in_((DispatchState.PLANNED, DispatchState.FAILED))) | (
        (Dispatch.state == DispatchState.CLAIMED) & (Dispatch.next_at <= now)
    )
    return await claims.claim(
        session, row, _row(municipality_id, key), now, free,
        next_at=now + CLAIM_LEASE, attempts=Dispatch.attempts + 1,
        first_tried_at=func.coalesce(Dispatch.first_tried_at, now),
    )  # fmt: skip


def notice(
    municipality_id: int,
    key: str,
    person_id: int,
    text: str | None,
    card: Mapping[str, Any] | None,
    now: datetime,
) -> Planned:
    """A message for one person that a turn causes (an invitation, a decision), planned in
    the turn's own transaction: it goes out once the turn is saved, and a throttled send
    is retried like every other row instead of holding up the turn."""
    payload = {"person": person_id, "text": text, "card": dict(card) if card else None}
    return Planned(municipality_id, key, Kind.NOTICE, now, payload)


async def mark_sent(session: AsyncSession, municipality_id: int, key: str, now: datetime) -> None:
    await _mark(
        session,
        municipality_id,
        key,
        state=DispatchState.SENT,
        sent_at=now,
        next_at=None,
        error=None,
    )


async def mark_failed(
    session: AsyncSession, municipality_id: int, key: str, error: str, now: datetime
) -> None:
    """Failed this time: ready again after a wait that doubles with each attempt."""
    attempts = await session.scalar(select(Dispatch.attempts).where(_row(municipality_id, key)))
    await _mark(
        session,
        municipality_id,
        key,
        state=DispatchState.FAILED,
        error=error[:2000],
        next_at=now + backoff(attempts or 1),
    )


async def mark_skipped(session: AsyncSession, municipality_id: int, key: str, reason: str) -> None:
    """Not needed any more (done, cancelled, or too late to be useful): never sent."""
    await _mark(
        session,
        municipality_id,
        key,
        state=DispatchState.SKIPPED,
        error=reason[:2000],
        next_at=None,
    )


async def sent_at(session: AsyncSession, municipality_id: int, key: str) -> datetime | None:
    return await session.scalar(
        select(Dispatch.sent_at).where(
            _row(municipality_id, key), Dispatch.state == DispatchState.SENT
        )
    )


async def existing(
    session: AsyncSession, keys: Iterable[tuple[int, str]], now: datetime
) -> dict[tuple[int, str], Dispatch]:
    """The rows already planned for these (municipality, key) pairs."""
    wanted = sorted(set(keys))
    found: dict[tuple[int, str], Dispatch] = {}
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        chunk = wanted[start : start + KEYS_PER_QUERY]
        by_municipality: dict[int, list[str]] = {}
        for municipality_id, key in chunk:
            by_municipality.setdefault(municipality_id, []).append(key)
        for municipality_id, names in by_municipality.items():
            rows = await session.scalars(
                select(Dispatch).where(
                    Dispatch.municipality_id == municipality_id, Dispatch.key.in_(names)
                )
            )
            found.update({(r.municipality_id, r.key): r for r in rows})
    return found


async def prune(session: AsyncSession, before: datetime) -> int:
    """Forget rows done (sent or skipped) before `before`. Safe once nothing that old can
    be planned again: every planner looks at most weeks back (a year is kept)."""
    done = Dispatch.state.in_((DispatchState.SENT, DispatchState.SKIPPED))
    old = func.coalesce(Dispatch.sent_at, Dispatch.due_at, Dispatch.claimed_at) < before
    result = await session.execute(delete(Dispatch).where(done, old))
    return max(rowcount(result), 0)


def waits(row: Dispatch, now: datetime) -> bool:
    """The row needs no new plan: it is planned, sent, skipped, held by a sender, or
    failed so recently that it waits for its next try."""
    if row.state in (DispatchState.FAILED, DispatchState.CLAIMED):
        return row.next_at is not None and row.next_at > now
    return True


def _row(municipality_id: int, key: str) -> Any:
    return (Dispatch.municipality_id == municipality_id) & (Dispatch.key == key)


async def _mark(session: AsyncSession, municipality_id: int, key: str, **values: object) -> None:
    await session.execute(update(Dispatch).where(_row(municipality_id, key)).values(**values))


def backoff(attempts: int) -> timedelta:
    """How long a failed message waits before it is tried again: 2, 4, 8 … minutes, at
    most six hours (a leader who has not installed Pejling yet is not asked every tick)."""
    # Capped before the timedelta is made: timedelta(minutes=2**41) overflows, and a
    # request failing every six hours gets to 41 attempts in about nine days.
    return timedelta(minutes=min(2**attempts, MAX_BACKOFF // timedelta(minutes=1)))


# --- the dialogue meetings' messages ------------------------------------------------------


async def due(session: AsyncSession, now: datetime) -> list[Due]:
    """The meetings' messages due by `now` and not yet in the outbox (or failed and past
    their wait)."""
    meetings = list(
        await session.scalars(
            select(Meeting)
            .where(Meeting.state == MeetingState.PLANNED, Meeting.starts_at > now)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    found = await _candidates(session, meetings, now) + await _summaries_due(session, now)
    rows = await existing(session, [(d.municipality_id, d.key) for d in found], now)
    return [d for d in found if _still_open(d, rows, now)]


async def _candidates(session: AsyncSession, meetings: list[Meeting], now: datetime) -> list[Due]:
    """The planned meetings' packs, requests and reminders as far as their days have come.
    Without a planned meeting there is nothing to look up (most of the scheduler's ticks)."""
    if not meetings:
        return []
    shown = await views(session, meetings)
    settings = await _settings(session, {m.municipality_id for m in meetings})
    leaders = await leaders_by_unit(session, {u.id for m in shown for u in m.units})
    found: list[Due] = []
    for held, meeting in zip(meetings, shown, strict=True):
        if meeting.summary_state is SummaryState.APPROVED:
            continue  # held and summed up already: nothing more to prepare or read
        planned = _Planned(held.municipality_id, meeting, settings[held.municipality_id])
        found += planned.candidates(leaders, now)
    return found


def _still_open(item: Due, rows: Mapping[tuple[int, str], Dispatch], now: datetime) -> bool:
    row = rows.get((item.municipality_id, item.key))
    if row is not None and waits(row, now):
        return False
    if item.kind is not Kind.REMIND:
        return True
    # A reminder follows a request that went out at least a day ago.
    asked = rows.get((item.municipality_id, replace(item, kind=Kind.PREPARE).key))
    sent = asked.sent_at if asked is not None and asked.state == DispatchState.SENT else None
    return sent is not None and sent <= now - REMINDER_GAP


@dataclass(frozen=True)
class _Planned:
    municipality_id: int
    meeting: MeetingView
    profile: Profile

    def candidates(self, leaders: Mapping[int, Sequence[int]], now: datetime) -> list[Due]:
        """The pack, and for each unprepared unit's leaders the request and the reminder,
        as far as their days have come."""
        meeting, settings = self.meeting, self.profile.meetings
        closed = self.profile.cycle.closed_days
        found: list[Due] = []
        pack_at = due_at(meeting.starts_at, settings.pack_days, closed)
        if now >= pack_at:
            pack = Due(self.municipality_id, Kind.PACK, meeting.id, at=pack_at)
            found += pack.in_every_channel(cid for cid, _ in meeting.joint)
        ask_at = due_at(meeting.starts_at, settings.preparation_days, closed)
        if now < ask_at or not settings.preparation_requests:
            return found
        remind_at = due_at(meeting.starts_at, settings.reminder_days, closed)
        for unit in meeting.units:
            for person in () if unit.prepared else leaders.get(unit.id, ()):
                request = Due(
                    self.municipality_id, Kind.PREPARE, meeting.id, unit.id, person, ask_at
                )
                found.append(request)
                if now >= remind_at:
                    found.append(replace(request, kind=Kind.REMIND, at=remind_at))
        return found


async def _summaries_due(session: AsyncSession, now: datetime) -> list[Due]:
    rows = await session.execute(
        select(Summary.municipality_id, Summary.meeting_id, Summary.approved_at).where(
            Summary.state == SummaryState.APPROVED, Summary.approved_at > now - SUMMARY_WINDOW
        )
    )
    approved = rows.all()
    joint = await joint_committees(session, [meeting for _, meeting, _ in approved])
    return [
        item
        for m, meeting, at in approved
        for item in Due(m, Kind.SUMMARY, meeting, at=at).in_every_channel(
            cid for cid, _ in joint.get(meeting, ())
        )
    ]


async def _settings(session: AsyncSession, ids: set[int]) -> dict[int, Profile]:
    rows = await session.execute(
        select(Municipality.id, Municipality.profile).where(Municipality.id.in_(ids))
    )
    return {m: profile(key) for m, key in rows}
