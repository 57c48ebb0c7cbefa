"""Statements run on the driver (store/prepared.py) behave as the session would run them:
the same rows, in the same transaction, the same errors, on both databases."""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

import store
from store import prepared, progress, status
from store.db import create_engine
from store.models import DialogueProgress, Goal, Person, SeenActivity
from store.orgfile import OrgFile
from store.prepared import Prepared
from store.views import Actor
from store_helpers import NOW, TODAY, Sessions, actor_of, statements

PROGRESS = DialogueProgress.__table__
_KEYS = (
    "id", "municipality_id", "person_id", "conversation_id", "flow", "step", "answers",
    "state", "version", "created_at", "updated_at", "last_activity_id",
)  # fmt: skip
INSERT = Prepared(insert(PROGRESS), _KEYS)
ROWS = Prepared(
    select(PROGRESS.c.id, PROGRESS.c.answers, PROGRESS.c.updated_at).where(
        PROGRESS.c.person_id == bindparam("person")
    )
)


@pytest.fixture
async def mette(sessions: Sessions, demo: OrgFile) -> Actor:
    async with sessions() as session:
        return await actor_of(session, demo, "mette")


def a_dialogue(actor: Any, **changes: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "municipality_id": actor.municipality_id,
        "person_id": actor.person_id,
        "conversation_id": "a:1",
        "flow": "status",
        "step": "choose_goal",
        "answers": {"note": "Vi når målet før jul ✓"},
        "state": progress.ACTIVE,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        "last_activity_id": None,
        **changes,
    }


def test_every_prepared_statement_compiles_for_both_databases(engine: AsyncEngine) -> None:
    for module in pkgutil.iter_modules(store.__path__):
        importlib.import_module(f"store.{module.name}")
    status._leader_goals(3)  # one of the statements built per number of units
    assert len(prepared.EVERY) >= 10
    for statement in prepared.EVERY:
        if statement.only in (None, engine.dialect.name):
            assert statement.compiled_for(engine.dialect).sql


async def test_rows_come_back_as_the_session_reads_them(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        await INSERT.run(session, a_dialogue(mette))
    async with sessions() as session:
        driver = await ROWS.rows(session, {"person": mette.person_id})
        through_sqlalchemy = (
            await session.execute(ROWS.statement, {"person": mette.person_id})
        ).all()
    assert [tuple(row) for row in driver] == [tuple(row) for row in through_sqlalchemy]
    assert driver[0].answers == {"note": "Vi når målet før jul ✓"}
    assert driver[0].updated_at == NOW and driver[0].updated_at.tzinfo is not None


async def test_a_leaders_goals_are_the_same_on_the_driver(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
        goals = await status.goals_of_leader(session, mette, TODAY)
        ids = (
            await session.scalars(select(Goal.id).where(Goal.unit_id.in_(mette.led_unit_ids)))
        ).all()
    assert goals and {goal.id for goal in goals} <= set(ids)
    assert all(goal.unit_id in mette.led_unit_ids for goal in goals)


async def test_a_prepared_write_is_undone_with_its_transaction(
    sessions: Sessions, mette: Actor
) -> None:
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await INSERT.run(session, a_dialogue(mette))  # the transaction's first statement
            raise RuntimeError("the turn failed")
    async with sessions() as session:
        assert await ROWS.rows(session, {"person": mette.person_id}) == []


async def test_the_session_sees_a_prepared_write_and_the_other_way_round(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        written = a_dialogue(mette)
        await INSERT.run(session, written)
        assert await session.get(DialogueProgress, written["id"]) is not None
        await session.execute(
            update(PROGRESS).where(PROGRESS.c.id == written["id"]).values(step="narrative")
        )
        (row,) = await Prepared(select(PROGRESS.c.step)).rows(session, {})
        assert row.step == "narrative"


async def test_pending_changes_are_written_before_a_prepared_statement(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        person = await session.get(Person, mette.person_id)
        assert person is not None
        person.name = "Mette Ny-Navn"  # pending in the session, not yet sent
        named = Prepared(
            select(Person.__table__.c.name).where(Person.__table__.c.id == bindparam("p"))
        )
        found = await named.first(session, {"p": mette.person_id})
    assert found is not None and found.name == "Mette Ny-Navn"


async def test_a_refused_write_is_sqlalchemys_integrity_error(
    sessions: Sessions, mette: Actor
) -> None:
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            await INSERT.run(session, a_dialogue(mette, person_id=999_999))  # no such person


async def test_a_write_counts_its_row_and_the_same_row_again_is_refused(
    sessions: Sessions, mette: Actor
) -> None:
    claim = Prepared(
        insert(SeenActivity.__table__),
        ("municipality_id", "conversation_id", "activity_id", "seen_at"),
    )
    row = {
        "municipality_id": mette.municipality_id,
        "conversation_id": "a:1",
        "activity_id": "1",
        "seen_at": NOW,
    }
    async with sessions.begin() as session:
        assert await claim.run(session, row) == 1
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            await claim.run(session, row)


async def test_statements_on_the_driver_are_heard_by_statement_listeners(
    engine: AsyncEngine, sessions: Sessions, mette: Actor
) -> None:
    with statements(engine) as sent:
        async with sessions() as session:
            await ROWS.rows(session, {"person": mette.person_id})
    assert any("FROM dialogue_progress" in sql for sql in sent)


def test_what_the_session_would_do_more_of_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError, match="audited"):
        Prepared(update(Goal.__table__).values(title="x"))
    no_timestamps = Prepared(insert(PROGRESS), _KEYS[:-3])  # created_at, updated_at left out
    with pytest.raises(ValueError, match="created_at"):
        no_timestamps.compiled_for(engine.dialect)
    expanding = Prepared(
        select(PROGRESS.c.id).where(PROGRESS.c.id.in_(bindparam("ids", expanding=True)))
    )
    with pytest.raises(ValueError, match="one statement per length"):
        expanding.compiled_for(engine.dialect)
    unnamed = Prepared(select(select(PROGRESS.c.id).limit(1).scalar_subquery()))
    with pytest.raises(ValueError, match="label"):
        unnamed.compiled_for(engine.dialect)


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_a_connection_postgresql_dropped_is_replaced_after_one_failed_turn(
    sessions: Sessions, engine: AsyncEngine, mette: Actor
) -> None:
    """After a database restart every pooled connection is dead. The turn that finds one
    fails (Teams sends it again), and the connection is thrown away rather than handed to
    every turn after it."""
    async with engine.connect() as connection:  # the pooled connection the turns reuse
        pid = (await connection.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
    await _as_a_restart_would(engine, pid)
    with pytest.raises(DBAPIError) as failed:
        async with sessions.begin() as session:
            await ROWS.rows(session, {"person": mette.person_id})
    assert failed.value.connection_invalidated
    async with sessions.begin() as session:
        assert await ROWS.rows(session, {"person": mette.person_id}) == []


async def _as_a_restart_would(engine: AsyncEngine, pid: int) -> None:
    """End the server side of one of `engine`'s pooled connections, as a restart of
    PostgreSQL ends them all (the test process's other connections stay)."""
    server = engine.url.set(database="postgres").render_as_string(hide_password=False)
    admin = create_engine(server)
    async with admin.connect() as connection:
        await connection.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    await admin.dispose()
