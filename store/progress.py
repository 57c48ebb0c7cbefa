"""Dialogue progress: saved after every answer, so nothing a person types is lost and a
dialogue can be picked up later, from any device.

A person has at most one *active* dialogue; starting another pauses it. Saves are
guarded by a version number, so two devices answering at once cannot overwrite each
other silently: the second save fails with `StaleProgress` and is retried on the new state.

These run on nearly every turn, so the statements are built once, as Core statements
with bind parameters, and run on the driver (store/prepared.py).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import DialogueProgress
from store.prepared import Prepared
from store.views import ProgressView

ACTIVE, PAUSED, DONE, CANCELLED = "active", "paused", "done", "cancelled"
_TABLE = cast(Table, DialogueProgress.__table__)  # a mapped class has one table
_C = _TABLE.c


class StaleProgress(Exception):
    """Someone saved this dialogue after we read it."""


_COLUMNS = (
    _C.id,
    _C.flow,
    _C.step,
    _C.answers,
    _C.card_activity_id,
    _C.version,
    _C.last_activity_id,
    _C.state,
)
_OWNED = select(*_COLUMNS).where(
    _C.municipality_id == bindparam("municipality"), _C.person_id == bindparam("person")
)
_ACTIVE = Prepared(_OWNED.where(_C.state == ACTIVE).order_by(_C.updated_at.desc()).limit(1))
_FIND = Prepared(_OWNED.where(_C.id == bindparam("progress")))
_UNFINISHED = _OWNED.where(_C.state.in_((ACTIVE, PAUSED))).order_by(_C.updated_at.desc())
_PAUSE_OTHERS = Prepared(
    update(_TABLE)
    .where(
        _C.municipality_id == bindparam("municipality"),
        _C.person_id == bindparam("person"),
        _C.state == ACTIVE,
        _C.id != bindparam("keep"),
    )
    .values(state=PAUSED)
)
_INSERT = Prepared(
    insert(_TABLE),
    keys=(
        "id", "municipality_id", "person_id", "conversation_id", "flow", "step", "answers",
        "state", "version", "created_at", "updated_at", "last_activity_id",
    ),
)  # fmt: skip
_SAVE = Prepared(
    update(_TABLE)
    .where(_C.id == bindparam("progress"), _C.version == bindparam("seen"))
    .values(
        step=bindparam("step"),
        answers=bindparam("answers", type_=_C.answers.type),
        state=bindparam("state"),
        updated_at=bindparam("now", type_=_C.updated_at.type),
        version=bindparam("next"),
        last_activity_id=bindparam("last"),
        card_activity_id=bindparam("card"),
    )
)
_REMEMBER_CARD = (
    update(_TABLE).where(_C.id == bindparam("progress")).values(card_activity_id=bindparam("card"))
)


def _view(row: Any) -> ProgressView:
    """A dialogue from a row of `_COLUMNS`, from the driver or from SQLAlchemy."""
    return ProgressView(
        id=row.id,
        flow=row.flow,
        step=row.step,
        answers=dict(row.answers or {}),
        card_activity_id=row.card_activity_id,
        version=row.version,
        last_activity_id=row.last_activity_id,
    )


async def active(
    session: AsyncSession, municipality_id: int, person_id: int
) -> ProgressView | None:
    row = await _ACTIVE.first(session, {"municipality": municipality_id, "person": person_id})
    return _view(row) if row else None


async def find(
    session: AsyncSession, municipality_id: int, person_id: int, progress_id: str
) -> tuple[ProgressView, str] | None:
    """A dialogue of this person's, in any state, with the state; None if not theirs."""
    row = await _FIND.first(
        session, {"municipality": municipality_id, "person": person_id, "progress": progress_id}
    )
    return (_view(row), row.state) if row else None


async def unfinished(
    session: AsyncSession, municipality_id: int, person_id: int, flow: str | None = None
) -> list[ProgressView]:
    """The person's dialogues not yet finished or stopped, newest first."""
    found = await session.execute(
        _UNFINISHED, {"municipality": municipality_id, "person": person_id}
    )
    return [_view(row) for row in found if flow is None or row.flow == flow]


async def newest_unfinished(
    session: AsyncSession, municipality_id: int, person_id: int
) -> ProgressView | None:
    found = await unfinished(session, municipality_id, person_id)
    return found[0] if found else None


async def start(
    session: AsyncSession,
    municipality_id: int,
    person_id: int,
    conversation_id: str,
    flow: str,
    step: str,
    now: datetime,
    answers: dict[str, Any] | None = None,
    activity_id: str | None = None,
    pause: bool = True,
) -> ProgressView:
    """A new active dialogue. `pause=False` when the caller knows none is active."""
    if pause:
        await pause_others(session, municipality_id, person_id)
    started = ProgressView(
        id=str(uuid.uuid4()),
        flow=flow,
        step=step,
        answers=answers or {},
        version=1,
        last_activity_id=activity_id,
    )
    await _INSERT.run(
        session,
        {
            "id": started.id,
            "municipality_id": municipality_id,
            "person_id": person_id,
            "conversation_id": conversation_id,
            "flow": flow,
            "step": step,
            "answers": started.answers,
            "state": ACTIVE,
            "version": started.version,
            "created_at": now,
            "updated_at": now,
            "last_activity_id": activity_id,
        },
    )
    return started


async def pause_others(
    session: AsyncSession, municipality_id: int, person_id: int, keep: str | None = None
) -> None:
    """Pause the person's active dialogues (but `keep`): one is active at a time."""
    await _PAUSE_OTHERS.run(
        session, {"municipality": municipality_id, "person": person_id, "keep": keep or ""}
    )


async def save(
    session: AsyncSession,
    progress: ProgressView,
    now: datetime,
    state: str = ACTIVE,
) -> ProgressView:
    """Write `progress` (step and answers) if nobody saved since it was read."""
    saved = await _SAVE.run(
        session,
        {
            "progress": progress.id,
            "seen": progress.version,
            "step": progress.step,
            "answers": progress.answers,
            "state": state,
            "now": now,
            "next": progress.version + 1,
            "last": progress.last_activity_id,
            "card": progress.card_activity_id,
        },
    )
    if saved != 1:
        raise StaleProgress(progress.id)
    return replace(progress, version=progress.version + 1)


async def remember_card(session: AsyncSession, progress_id: str, activity_id: str) -> None:
    """The message that shows this dialogue's newest card, to retire it when the dialogue ends."""
    await remember_cards(session, {progress_id: activity_id})


async def remember_cards(session: AsyncSession, cards: dict[str, str]) -> None:
    """Several dialogues' newest card messages in one statement (executemany)."""
    await session.execute(
        _REMEMBER_CARD, [{"progress": key, "card": value} for key, value in cards.items()]
    )
