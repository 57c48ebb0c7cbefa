"""The audit trail (revisionsspor): every create, update and delete of a governed row,
recorded once, in the store, whatever dialogue, import or command made it.

Sessions from `store.db.sessionmaker` are `AuditedSession`s. After each flush, the rows
the flush wrote are read from the ORM's attribute history and appended to `audit_event`
in one INSERT. Bulk `update()`/`delete()` statements on audited tables do not flush, so
`do_orm_execute` reads the rows they touch before (and, for updates, after) they run.

Who acted is `session.info["actor"]` (a person id) and `session.info["source"]` (chat,
import, cli; system when unset), set once where the session is opened — see `acting`.

What it cannot see: rows the database itself removes or changes (ON DELETE CASCADE / SET
NULL), raw SQL (`text()`), and statements run on a connection rather than the session.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, event, func, insert, inspect, select, tuple_
from sqlalchemy.engine import Result
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.dml import Delete, Update

from store.models import AuditEvent, Department, Goal, Meeting, Unit, utcnow

CHAT, IMPORT, CLI, SYSTEM = "chat", "import", "cli", "system"
CREATE, UPDATE, DELETE = "create", "update", "delete"

AUDITED = frozenset(
    {
        "goal",
        "goal_bearing",
        "status_update",
        "evaluation",
        "meeting",
        "meeting_unit",
        "preparation",
        "summary",
        "bearing",
        "matter",
        "committee_meeting",
        "follow_up",
        "role_assignment",
        "committee",
        "absence",
    }
)
# Of a committee only its channel link is governed data; its name comes from the org file.
ONLY = {
    "committee": frozenset(
        {"channel_id", "team_id", "channel_service_url", "channel_linked_by", "channel_linked_at"}
    )
}
# Columns that lead to a row's municipality, committee and period (see `_INSERT`).
HINTS = ("municipality_id", "committee_id", "department_id", "unit_id", "goal_id", "meeting_id",
         "period_id")  # fmt: skip

Values = dict[str, Any]


class AuditedSession(Session):
    """A session whose writes to governed rows leave audit events (listeners below)."""


def label(session: Any, source: str, actor: int | None = None) -> None:
    """What `session` changes from now on is recorded as `actor`'s through `source`."""
    session.info.update(source=source, actor=actor)


@contextmanager
def acting(session: Any, source: str, actor: int | None = None) -> Iterator[None]:
    """Changes made inside are recorded as `actor`'s through `source`; restored after, so
    an import run inside a longer session does not label what follows it."""
    info = session.info
    saved = {key: info[key] for key in ("source", "actor") if key in info}
    info.update(source=source, actor=actor)
    try:
        yield
    finally:
        for key in ("source", "actor"):
            info.pop(key, None)
        info.update(saved)


@dataclass(frozen=True)
class Change:
    entity: str
    entity_id: int | None
    action: str
    before: Values | None
    after: Values | None
    row: Values  # the whole row as it stands, for the hints


# --- from the unit of work --------------------------------------------------------------


@event.listens_for(AuditedSession, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    # After the flush, new rows have their ids; the history is still that of this flush.
    changes = [
        *_changes(session.new, CREATE),
        *_changes(session.dirty, UPDATE),
        *_changes(session.deleted, DELETE),
    ]
    record(session, changes)


def _changes(objects: Iterable[object], action: str) -> Iterator[Change]:
    for obj in objects:
        state: InstanceState[Any] = inspect(obj)
        table = state.mapper.local_table
        if isinstance(table, Table) and table.name in AUDITED:
            change = _change(state, table, action)
            if change is not None:
                yield change


def _change(state: InstanceState[Any], table: Table, action: str) -> Change | None:
    row = {c.key: state.dict.get(c.key) for c in state.mapper.column_attrs}
    before: Values | None
    after: Values | None
    if action == UPDATE:
        before, after = _updated(state)
    else:
        before, after = (row, None) if action == DELETE else (None, row)
    return _kept(table, action, before, after, row)


def _updated(state: InstanceState[Any]) -> tuple[Values, Values]:
    before: Values = {}
    after: Values = {}
    for column in state.mapper.column_attrs:
        history = state.attrs[column.key].history
        if not history.added:
            continue
        old = history.deleted[0] if history.deleted else None
        if old != history.added[0]:
            before[column.key], after[column.key] = old, history.added[0]
    return before, after


def _kept(
    table: Table, action: str, before: Values | None, after: Values | None, row: Values
) -> Change | None:
    """The change as recorded: a committee only by its link columns; nothing if no column
    that counts changed (an attribute set to the value it had, a committee's name)."""
    only = ONLY.get(table.name)
    if only is not None:
        before = _only(before, only)
        after = _only(after, only)
    if not _counts(action, before, after):
        return None
    entity_id = row.get(next(iter(table.primary_key.columns)).key)
    return Change(table.name, entity_id, action, before, after, row)


def _counts(action: str, before: Values | None, after: Values | None) -> bool:
    if action == UPDATE:
        return bool(after)
    # A committee made without a channel (its link columns all empty) is not a link.
    return any(value is not None for value in (before or after or {}).values())


def _only(values: Values | None, keys: frozenset[str]) -> Values | None:
    return None if values is None else {k: v for k, v in values.items() if k in keys}


# --- from bulk statements ---------------------------------------------------------------


@event.listens_for(AuditedSession, "do_orm_execute")
def _bulk(state: ORMExecuteState) -> Result[Any] | None:
    statement = state.statement
    if not isinstance(statement, Update | Delete):
        return None
    table = statement.table
    if not isinstance(table, Table) or table.name not in AUDITED:
        return None
    session = state.session
    if session.autoflush:  # what the statement would flush first, so `before` is current
        session.flush()
    where = statement.whereclause
    query = select(table) if where is None else select(table).where(where)
    before = _rows(session, query)
    result = state.invoke_statement()
    after = _reread(session, table, before) if isinstance(statement, Update) else {}
    record(session, _bulk_changes(table, before, after))
    return result


def _rows(session: Session, query: Any) -> list[Values]:
    return [dict(row._mapping) for row in session.connection().execute(query)]


def _reread(session: Session, table: Table, rows: list[Values]) -> dict[tuple[Any, ...], Values]:
    if not rows:
        return {}
    key = list(table.primary_key.columns)
    ids = [tuple(row[c.key] for c in key) for row in rows]
    found = _rows(session, select(table).where(tuple_(*key).in_(ids)))
    return {tuple(row[c.key] for c in key): row for row in found}


def _bulk_changes(
    table: Table, before: list[Values], after: dict[tuple[Any, ...], Values]
) -> Iterator[Change]:
    key = [c.key for c in table.primary_key.columns]
    for old in before:
        new = after.get(tuple(old[k] for k in key))
        if new is None:
            change = _kept(table, DELETE, old, None, old)
        else:
            changed = [k for k in new if new[k] != old.get(k)]
            diff = {k: old.get(k) for k in changed}, {k: new[k] for k in changed}
            change = _kept(table, UPDATE, *diff, new)
        if change is not None:
            yield change


# --- writing ----------------------------------------------------------------------------


def _param(hint: str) -> Any:
    # Prefixed: a bind parameter may not take the name of a column the INSERT sets.
    return bindparam(f"of_{hint}", type_=Integer)


def _insert() -> Any:
    """One INSERT for all of a flush's events. The municipality, committee and period a
    row belongs to are found by subqueries inside it, so recording adds no round trip."""
    goal_unit = select(Goal.unit_id).where(Goal.id == _param("goal_id")).scalar_subquery()
    unit = func.coalesce(_param("unit_id"), goal_unit)
    meeting = Meeting.id == _param("meeting_id")
    committee = func.coalesce(
        _param("committee_id"),
        select(Department.committee_id).where(Department.id == _param("department_id"))
        .scalar_subquery(),
        select(Department.committee_id).join(Unit, Unit.department_id == Department.id)
        .where(Unit.id == unit).scalar_subquery(),
        select(Meeting.committee_id).where(meeting).scalar_subquery(),
    )  # fmt: skip
    goal = Goal.id == _param("goal_id")
    return insert(cast(Table, AuditEvent.__table__)).values(
        municipality_id=func.coalesce(
            _param("municipality_id"),
            select(Goal.municipality_id).where(goal).scalar_subquery(),
            select(Meeting.municipality_id).where(meeting).scalar_subquery(),
        ),
        committee_id=committee,
        period_id=func.coalesce(
            _param("period_id"),
            select(Goal.period_id).where(goal).scalar_subquery(),
            select(Meeting.period_id).where(meeting).scalar_subquery(),
        ),
    )


_INSERT = _insert()


def record(session: Session, changes: Iterable[Change]) -> None:
    """Append `changes` as audit events by whoever `session.info` says is acting. The one
    way rows get into `audit_event`; nothing in the store updates or deletes them."""
    at = utcnow()
    who = session.info.get("actor")
    source = session.info.get("source", SYSTEM)
    params = [_params(change, at, who, source) for change in changes]
    if params:
        session.connection().execute(_INSERT, params)


def _params(change: Change, at: datetime, who: int | None, source: str) -> Values:
    hints = {f"of_{name}": change.row.get(name) for name in HINTS}
    if change.entity == "committee":
        hints["of_committee_id"] = change.entity_id
    return hints | {
        "at": at,
        "person_id": who,
        "source": source,
        "entity": change.entity,
        "entity_id": change.entity_id,
        "action": change.action,
        "before": plain(change.before),
        "after": plain(change.after),
    }


def plain(value: Any) -> Any:
    """`value` as JSON can hold it: dates as ISO text, enums as their value."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value
