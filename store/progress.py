"""Dialogue progress: saved after every answer, so nothing a person types is lost and a
dialogue can be picked up later, from any device.

A person has at most one *active* dialogue; starting another pauses it. Saves are
guarded by a version number, so two devices answering at once cannot overwrite each
other silently: the second save fails with `StaleProgress` and is retried on the new state.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import DialogueProgress
from store.views import ProgressView

ACTIVE, PAUSED, DONE, CANCELLED = "active", "paused", "done", "cancelled"


class StaleProgress(Exception):
    """Someone saved this dialogue after we read it."""


def _view(row: DialogueProgress) -> ProgressView:
    return ProgressView(
        id=row.id,
        flow=row.flow,
        step=row.step,
        answers=dict(row.answers or {}),
        card_activity_id=row.card_activity_id,
        version=row.version,
        last_activity_id=row.last_activity_id,
    )


def _owned(municipality_id: int, person_id: int):  # type: ignore[no-untyped-def]
    # The writes below are bulk UPDATEs that bypass the session, so a row the session
    # already holds would be handed back as it was; populate_existing reloads it.
    return (
        select(DialogueProgress)
        .where(
            DialogueProgress.municipality_id == municipality_id,
            DialogueProgress.person_id == person_id,
        )
        .execution_options(populate_existing=True)
    )


async def active(
    session: AsyncSession, municipality_id: int, person_id: int
) -> ProgressView | None:
    row = await session.scalar(
        _owned(municipality_id, person_id)
        .where(DialogueProgress.state == ACTIVE)
        .order_by(DialogueProgress.updated_at.desc())
        .limit(1)
    )
    return _view(row) if row else None


async def find(
    session: AsyncSession, municipality_id: int, person_id: int, progress_id: str
) -> tuple[ProgressView, str] | None:
    """A dialogue of this person's, in any state, with the state; None if not theirs."""
    row = await session.scalar(
        _owned(municipality_id, person_id).where(DialogueProgress.id == progress_id)
    )
    return (_view(row), row.state) if row else None


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
) -> ProgressView:
    await pause_others(session, municipality_id, person_id)
    row = DialogueProgress(
        id=str(uuid.uuid4()),
        municipality_id=municipality_id,
        person_id=person_id,
        conversation_id=conversation_id,
        flow=flow,
        step=step,
        answers=answers or {},
        state=ACTIVE,
        created_at=now,
        updated_at=now,
        last_activity_id=activity_id,
    )
    session.add(row)
    await session.flush()
    return _view(row)


async def pause_others(
    session: AsyncSession, municipality_id: int, person_id: int, keep: str | None = None
) -> None:
    """Pause the person's active dialogues (but `keep`): one is active at a time."""
    await session.execute(
        update(DialogueProgress)
        .where(
            DialogueProgress.municipality_id == municipality_id,
            DialogueProgress.person_id == person_id,
            DialogueProgress.state == ACTIVE,
            DialogueProgress.id != (keep or ""),
        )
        .values(state=PAUSED)
        .execution_options(synchronize_session=False)
    )


async def save(
    session: AsyncSession,
    progress: ProgressView,
    now: datetime,
    state: str = ACTIVE,
) -> ProgressView:
    """Write `progress` (step and answers) if nobody saved since it was read."""
    result = await session.execute(
        update(DialogueProgress)
        .where(DialogueProgress.id == progress.id, DialogueProgress.version == progress.version)
        .values(
            step=progress.step,
            answers=progress.answers,
            state=state,
            updated_at=now,
            version=progress.version + 1,
            last_activity_id=progress.last_activity_id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleProgress(progress.id)
    return replace(progress, version=progress.version + 1)


async def remember_card(session: AsyncSession, progress_id: str, activity_id: str) -> None:
    """The message that shows this dialogue's newest card, to retire it when the dialogue ends."""
    await session.execute(
        update(DialogueProgress)
        .where(DialogueProgress.id == progress_id)
        .values(card_activity_id=activity_id)
        .execution_options(synchronize_session=False)
    )
