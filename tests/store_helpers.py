"""Small helpers the store tests share: fixed times, edited organisation files, lookups by
key, row counts and a counter of the SQL statements a piece of code sends."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from store.models import Base, Municipality
from store.orgfile import OrgFile, parse_org
from store.people import identify
from store.views import Actor

# A Sunday in the demo's election period 2026–2029, after every status in the demo file.
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)

OrgDict = dict[str, Any]
Sessions = async_sessionmaker[AsyncSession]


def edited(org: OrgFile, change: Callable[[OrgDict], object]) -> OrgFile:
    """`org` with `change` applied to its plain-dict form, parsed and checked again."""
    raw = copy.deepcopy(org.model_dump(mode="json"))
    change(raw)
    return parse_org(raw)


def by_key(items: list[OrgDict], key: str) -> OrgDict:
    """The item of a list in an organisation file whose key is `key`."""
    return next(item for item in items if item["key"] == key)


def second_municipality(org: OrgFile) -> OrgFile:
    """Another municipality with the same structure as `org`: its own key, tenant and Entra
    object ids, but the same committee, unit and goal keys, as two municipalities may well
    both have a `buu`."""

    def rename(raw: OrgDict) -> None:
        raw["municipality"] |= {"key": "nordby", "name": "Nordby Kommune", "tenant_id": "t-nordby"}
        for person in raw["people"]:
            person["aad_object_id"] = "nordby-" + person["aad_object_id"]

    return edited(org, rename)


async def actor_of(session: AsyncSession, org: OrgFile, person_key: str) -> Actor:
    """The person `person_key` of `org` as the store sees them when they write in Teams."""
    person = org.find_person(person_key)
    assert person is not None, person_key
    identity = await identify(session, org.municipality.tenant_id, person.aad_object_id)
    assert identity.actor is not None, person_key
    return identity.actor


async def id_of(session: AsyncSession, model: Any, key: str, org: OrgFile) -> int:
    """The id of the row of `model` (a model with a key) with `key` in `org`'s municipality."""
    found = await session.scalar(
        select(model.id)
        .join(Municipality, Municipality.id == model.municipality_id)
        .where(
            model.key == key,
            Municipality.tenant_id == org.municipality.tenant_id,
        )
    )
    assert found is not None, f"no {model.__tablename__} {key!r}"
    return int(found)


async def municipality_id(session: AsyncSession, org: OrgFile) -> int:
    found = await session.scalar(
        select(Municipality.id).where(Municipality.tenant_id == org.municipality.tenant_id)
    )
    assert found is not None
    return int(found)


async def row_counts(session: AsyncSession) -> dict[str, int]:
    """How many rows every table holds."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        counts[table.name] = await session.scalar(select(func.count()).select_from(table)) or 0
    return counts


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the `with` block, in order."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def writes(sent: list[str]) -> list[str]:
    """The statements among `sent` that change data."""
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [s for s in sent if s.lstrip().upper().startswith(verbs)]
