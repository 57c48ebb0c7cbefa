"""A municipality for the digest benchmark, written with bulk inserts: committees of 10,
100 and 1,000 units (or any sizes), each unit with 5 reportable goals of 8 status updates.

What a real committee's digest has is all there, so every part of the build does real
work: bearings the goals follow, open and decided matters, goals waiting for the
committee, changed goals reported as approved (a REVISED event with the old content),
goals whose only statuses are from before the period, and a digest already sent, so
"changed since the last digest" compares against a real moment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.enums import (
    BearingScope,
    Color,
    GoalAction,
    GoalState,
    MatterState,
    PeriodKind,
)
from store.models import (
    Bearing,
    Committee,
    Department,
    DigestPost,
    Goal,
    GoalBearing,
    GoalEvent,
    Matter,
    Municipality,
    Period,
    Person,
    StatusUpdate,
    Unit,
)

# A Sunday in the period, as in the store tests; the last digest went out two weeks before.
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LAST_SENT = NOW - timedelta(days=14)
PERIOD = (date(2026, 1, 1), date(2029, 12, 31))
GOALS_PER_UNIT = 5
UPDATES_PER_GOAL = 8
BEARINGS = 8
OPEN_MATTERS, DECIDED_MATTERS = 5, 3
CHUNK = 2000  # rows per INSERT batch
COLORS = (Color.GREEN, Color.YELLOW, Color.RED)
# A status narrative of the length leaders write: longer than the card's 160-character quote.
NARRATIVE = (
    "Vi har gennemført to personalemøder om indsatsen, og trivselsmålingen viser en lille "
    "fremgang i indskolingen. Udskolingen halter stadig, så vi prøver en ny model med "
    "faste makkerpar efter jul. Forældrebestyrelsen er orienteret. (opdatering {n})"
)


@dataclass(frozen=True)
class Seeded:
    """What was written for one committee."""

    committee_id: int
    units: int
    goals: int
    statuses: int


class Ids:
    """Hands out primary keys, so rows can be inserted in bulk with their links known."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, table: str) -> int:
        value = self._next.get(table, 1)
        self._next[table] = value + 1
        return value


async def seed(session: AsyncSession, sizes: Sequence[int]) -> dict[int, Seeded]:
    """One municipality with a committee per size in `sizes`; returns them by size."""
    ids = Ids()
    municipality, period = ids.take("municipality"), ids.take("period")
    await _bulk(session, Municipality.__table__, [_municipality(municipality)])
    await _bulk(session, Period.__table__, [_period(period, municipality)])
    seeded = {}
    for size in sizes:
        seeded[size] = await _committee(session, ids, municipality, period, size)
    return seeded


async def _committee(
    session: AsyncSession, ids: Ids, municipality: int, period: int, units: int
) -> Seeded:
    committee, department = ids.take("committee"), ids.take("department")
    base = {"municipality_id": municipality}
    await _bulk(
        session,
        Committee.__table__,
        [base | {"id": committee, "key": f"u{units}", "name": f"Udvalget med {units} enheder"}],
    )
    await _bulk(
        session,
        Department.__table__,
        [base | {"id": department, "key": f"c{units}", "name": f"Center {units}",
                 "committee_id": committee}],
    )  # fmt: skip
    bearings = [ids.take("bearing") for _ in range(BEARINGS)]
    await _bulk(session, Bearing.__table__, _bearings(bearings, base, committee, period))
    await _bulk(session, Matter.__table__, _matters(ids, base, committee))
    rows = _units(ids, base, department, period, units, bearings)
    for table, table_rows in rows.items():
        await _bulk(session, table, table_rows)
    await _bulk(session, DigestPost.__table__, [_sent(base, committee)])
    goals = sum(1 for g in rows[Goal.__table__] if g["reportable_version"] is not None)
    return Seeded(committee, units, goals, len(rows[StatusUpdate.__table__]))


def _units(
    ids: Ids, base: dict[str, Any], department: int, period: int, count: int, bearings: list[int]
) -> dict[Table, list[dict[str, Any]]]:
    """Units, their leaders, goals, bearings followed, history and statuses."""
    rows: dict[Table, list[dict[str, Any]]] = {
        table: []
        for table in (
            Person.__table__, Unit.__table__, Goal.__table__, GoalBearing.__table__,
            GoalEvent.__table__, StatusUpdate.__table__,
        )
    }  # fmt: skip
    for number in range(count):
        unit, leader = ids.take("unit"), ids.take("person")
        key = f"d{department}-u{number}"
        rows[Person.__table__].append(
            base | {"id": leader, "key": f"leder-{key}", "name": f"Leder {number}",
                    "aad_object_id": f"aad-{key}"}
        )  # fmt: skip
        rows[Unit.__table__].append(
            base | {"id": unit, "key": key, "name": f"Enhed {number:04d}",
                    "unit_type": ("skole", "dagtilbud")[number % 2], "department_id": department}
        )  # fmt: skip
        for g in range(GOALS_PER_UNIT):
            _goal(rows, ids, base, (unit, leader, period), number * GOALS_PER_UNIT + g, bearings)
        if number % 20 == 0:  # one unit in twenty has a new goal waiting for the committee
            rows[Goal.__table__].append(
                _goal_row(ids.take("goal"), base, unit, period, f"{key}-ny")
                | {"state": GoalState.DEPARTMENT_APPROVED, "reportable_version": None}
            )
    return rows


def _goal(
    rows: dict[Table, list[dict[str, Any]]],
    ids: Ids,
    base: dict[str, Any],
    where: tuple[int, int, int],
    number: int,
    bearings: list[int],
) -> None:
    unit, leader, period = where
    goal = ids.take("goal")
    row = _goal_row(goal, base, unit, period, f"g{goal}")
    if number % 25 == 0:  # a changed version on its way: reported on as approved
        row |= {"version": 2, "state": GoalState.DEPARTMENT_APPROVED}
        rows[GoalEvent.__table__].append(_revised(ids, base, goal, row))
    rows[Goal.__table__].append(row)
    followed = {bearings[number % BEARINGS], bearings[(number // 3) % BEARINGS]}
    rows[GoalBearing.__table__] += [{"goal_id": goal, "bearing_id": b} for b in followed]
    old = number % 50 == 7  # its statuses are all from before the period: stale
    for n in range(UPDATES_PER_GOAL):
        rows[StatusUpdate.__table__].append(
            base | {"id": ids.take("status_update"), "goal_id": goal, "reported_by": leader,
                    "color": COLORS[(number + n) % 3], "narrative": NARRATIVE.format(n=n + 1),
                    "evidence": None, "reported_at": _reported_at(number, n, old)}
        )  # fmt: skip


def _reported_at(goal: int, update: int, old: bool) -> datetime:
    """Eight updates a month apart; the newest from 0 to 29 days ago, so about half the
    goals changed since the last digest."""
    newest = NOW - timedelta(days=goal % 30, minutes=goal % 60)
    if old:
        newest = datetime(2025, 12, 1, tzinfo=UTC) - timedelta(days=goal % 30)
    return newest - timedelta(days=30 * (UPDATES_PER_GOAL - 1 - update))


def _goal_row(goal: int, base: dict[str, Any], unit: int, period: int, key: str) -> dict[str, Any]:
    return base | {
        "id": goal, "key": key, "unit_id": unit, "period_id": period,
        "title": f"Flere elever trives i frikvartererne ({key})", "template": "skole",
        "expected_effect": "Færre konflikter og flere elever med nogen at være sammen med.",
        "follow_up": "Trivselsmåling to gange om året.", "success_criteria": [], "sub_goals": [],
        "extra": {}, "flags": [], "state": GoalState.APPROVED, "version": 1, "revision": 0,
        "reportable_version": 1, "created_at": NOW - timedelta(days=300),
        "updated_at": NOW - timedelta(days=300),
    }  # fmt: skip


def _revised(ids: Ids, base: dict[str, Any], goal: int, row: dict[str, Any]) -> dict[str, Any]:
    snapshot = {"title": row["title"] + " (som godkendt)", "expected_effect": "Som godkendt."}
    return base | {
        "id": ids.take("goal_event"), "goal_id": goal, "version": 1,
        "action": GoalAction.REVISED, "at": NOW - timedelta(days=20), "snapshot": snapshot,
    }  # fmt: skip


def _bearings(
    ids: list[int], base: dict[str, Any], committee: int, period: int
) -> list[dict[str, Any]]:
    return [
        base | {"id": b, "key": f"p{b}", "committee_id": committee, "period_id": period,
                "title": f"Pejlemærke {n + 1}: alle børn skal have et godt fællesskab",
                "scope": BearingScope.COMMITTEE, "created_at": NOW, "updated_at": NOW}
        for n, b in enumerate(ids)
    ]  # fmt: skip


def _matters(ids: Ids, base: dict[str, Any], committee: int) -> list[dict[str, Any]]:
    states = [MatterState.OPEN] * OPEN_MATTERS + [MatterState.DECIDED] * DECIDED_MATTERS
    return [
        base | {"id": ids.take("matter"), "committee_id": committee, "state": state,
                "title": f"Sag {n + 1}: ny normering i dagtilbud", "created_at": NOW}
        for n, state in enumerate(states)
    ]  # fmt: skip


def _sent(base: dict[str, Any], committee: int) -> dict[str, Any]:
    return base | {
        "committee_id": committee, "period_key": "sent-before", "window_start": LAST_SENT,
        "window_end": LAST_SENT, "state": "sent", "claimed_at": LAST_SENT,
        "posted_at": LAST_SENT,
    }  # fmt: skip


def _municipality(municipality: int) -> dict[str, Any]:
    return {"id": municipality, "key": "bench", "name": "Benchmark Kommune",
            "tenant_id": "t-bench", "profile": "hvidovre", "language": "da"}  # fmt: skip


def _period(period: int, municipality: int) -> dict[str, Any]:
    starts, ends = PERIOD
    return {"id": period, "municipality_id": municipality, "key": "vp", "name": "Valgperioden",
            "kind": PeriodKind.ELECTION, "starts_on": starts, "ends_on": ends}  # fmt: skip


async def _bulk(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany in chunks: one round trip per chunk on both databases."""
    for chunk in _chunks(rows, CHUNK):
        await session.execute(insert(table), chunk)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk
