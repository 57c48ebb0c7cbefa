"""A goal's statuses over the period, and a leader's correction or withdrawal of her own
latest one (`ret status`, `fortryd`).

Only the newest status on a goal, reported by the person correcting it, in the current
period can be changed. The earlier version is kept as a StatusRevision (who changed it,
when); the audit trail records the change of the status row itself (store/audit.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from store.enums import Color
from store.errors import Invalid
from store.models import Person, StatusRevision, StatusUpdate
from store.status import check_evidence, check_narrative, current_period
from store.views import CORRECTED, WITHDRAWN, Actor, StatusEntry


async def latest_own(
    session: AsyncSession, actor: Actor, today: date, goal_id: int | None = None
) -> StatusUpdate | None:
    """The person's own status that can still be changed: the newest on its goal, in the
    current period; of several goals, the most recently reported. Locked for the change."""
    period = await current_period(session, actor.municipality_id, today)
    if period is None:
        return None
    newer = aliased(StatusUpdate)
    newest_on_goal = ~(
        select(newer.id)
        .where(
            newer.goal_id == StatusUpdate.goal_id,
            (newer.reported_at > StatusUpdate.reported_at)
            | ((newer.reported_at == StatusUpdate.reported_at) & (newer.id > StatusUpdate.id)),
        )
        .exists()
    )
    query = (
        select(StatusUpdate)
        .where(
            StatusUpdate.municipality_id == actor.municipality_id,
            StatusUpdate.reported_by == actor.person_id,
            StatusUpdate.reported_at >= _start_of(period.starts_on),
            newest_on_goal,
        )
        .order_by(StatusUpdate.reported_at.desc(), StatusUpdate.id.desc())
        .limit(1)
        .with_for_update()
    )
    if goal_id is not None:
        query = query.where(StatusUpdate.goal_id == goal_id)
    return await session.scalar(query)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


async def correct(
    session: AsyncSession,
    actor: Actor,
    update: StatusUpdate,
    color: Color,
    narrative: str,
    evidence: str | None,
    now: datetime,
) -> StatusUpdate:
    """Change `update` (found by `latest_own`), keeping what it said before."""
    text, proof = check_narrative(narrative), check_evidence(evidence)
    session.add(_revision(update, CORRECTED, actor, now, keeps_link=True))
    update.color, update.narrative, update.evidence = Color(color), text, proof
    update.corrected_at = now
    await session.flush()
    return update


async def withdraw(
    session: AsyncSession, actor: Actor, update: StatusUpdate, now: datetime
) -> None:
    """Take `update` back: the goal's previous status is its latest again."""
    session.add(_revision(update, WITHDRAWN, actor, now, keeps_link=False))
    await session.delete(update)
    await session.flush()


def _revision(
    update: StatusUpdate, kind: str, actor: Actor, now: datetime, *, keeps_link: bool
) -> StatusRevision:
    if update.reported_by != actor.person_id:
        raise Invalid("status.kan_ikke_rettes")
    return StatusRevision(
        municipality_id=update.municipality_id,
        goal_id=update.goal_id,
        status_update_id=update.id if keeps_link else None,
        kind=kind,
        color=update.color,
        narrative=update.narrative,
        evidence=update.evidence,
        reported_by=update.reported_by,
        reported_at=update.reported_at,
        changed_by=actor.person_id,
        changed_at=now,
    )


async def history(
    session: AsyncSession, municipality_id: int, goal_id: int, since: date | None
) -> list[StatusEntry]:
    """Every status on the goal since `since` (the period's start), with the earlier
    versions of corrected ones and the withdrawn ones, oldest first. The caller has
    checked that the reader may see the goal (store.goals.goal_detail)."""
    start = _start_of(since) if since else datetime.min.replace(tzinfo=UTC)
    reporter, changer = aliased(Person), aliased(Person)
    current = await session.execute(
        select(StatusUpdate, reporter.name)
        .outerjoin(reporter, reporter.id == StatusUpdate.reported_by)
        .where(
            StatusUpdate.municipality_id == municipality_id,
            StatusUpdate.goal_id == goal_id,
            StatusUpdate.reported_at >= start,
        )
    )
    entries = [
        StatusEntry(Color(u.color), u.narrative, u.evidence, u.reported_at, name, u.corrected_at)
        for u, name in current
    ]
    earlier = await session.execute(
        select(StatusRevision, reporter.name, changer.name)
        .outerjoin(reporter, reporter.id == StatusRevision.reported_by)
        .outerjoin(changer, changer.id == StatusRevision.changed_by)
        .where(
            StatusRevision.municipality_id == municipality_id,
            StatusRevision.goal_id == goal_id,
            StatusRevision.reported_at >= start,
        )
    )
    entries += [
        StatusEntry(Color(r.color), r.narrative, r.evidence, r.reported_at, by, None, r.kind,
                    r.changed_at, changed)
        for r, by, changed in earlier
    ]  # fmt: skip
    # The earlier version of a status before the version that replaced it.
    return sorted(
        entries, key=lambda e: (e.reported_at, e.change is None, e.changed_at or e.reported_at)
    )


def trend(entries: list[StatusEntry]) -> list[Color]:
    """The colours of the statuses as they stand, oldest first: "🟡 🟡 🟢"."""
    return [e.color for e in entries if e.change is None]


async def trends(
    session: AsyncSession, municipality_id: int, goal_ids: list[int], since: date | None
) -> dict[int, list[Color]]:
    """Each goal's colours since `since`, oldest first, for `mine mål`: one query."""
    if not goal_ids:
        return {}
    start = _start_of(since) if since else datetime.min.replace(tzinfo=UTC)
    found = await session.execute(
        select(StatusUpdate.goal_id, StatusUpdate.color)
        .where(
            StatusUpdate.municipality_id == municipality_id,
            StatusUpdate.goal_id.in_(goal_ids),
            StatusUpdate.reported_at >= start,
        )
        .order_by(StatusUpdate.reported_at, StatusUpdate.id)
    )
    colors: dict[int, list[Color]] = {}
    for goal_id, color in found:
        colors.setdefault(goal_id, []).append(Color(color))
    return colors
