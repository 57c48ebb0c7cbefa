"""A dialogue meeting's summary: draft → sent to the participants for comments → approved.

The facilitator (the administration) writes a summary per unit, a general part, the
political bearings agreed, matters for formal decision at a later committee meeting and
follow-ups. Approval puts it in force: the bearings become the committee's (new ones, or
new words for existing ones), the matters join the list for decision, the follow-ups
are kept. Edits after sending bump the revision, and the participants are told.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store import committee_meetings, meetings, people
from store.bearings import committee_bearings
from store.dates import LOCAL_TIME
from store.enums import BearingScope, MeetingState, Role, SummaryState
from store.errors import Invalid, NotAllowed
from store.limits import COMMENT_MAX, NOTE_MAX, TITLE_MAX
from store.meetings import meeting_view, require_administration
from store.meetingviews import (
    AgreedBearing,
    AgreedMatter,
    CommentView,
    FollowUpView,
    MeetingView,
    SummaryContent,
    SummaryView,
    unit_names,
)
from store.models import (
    Bearing,
    Department,
    FollowUp,
    Matter,
    Meeting,
    MeetingCommittee,
    Municipality,
    Person,
    RoleAssignment,
    Summary,
    SummaryComment,
    Unit,
)
from store.profiles import profile
from store.text import fold
from store.views import Actor, BearingView, Scope


@dataclass(frozen=True)
class SummaryChange:
    """A summary after a change, and who is to be told of it."""

    summary: SummaryView
    tell: tuple[int, ...] = ()


@dataclass(frozen=True)
class SentForComments(SummaryChange):
    """A draft sent to the participants, and the day they comment by."""

    deadline: date = field(kw_only=True)


# --- what the facilitator writes with --------------------------------------------------


@dataclass(frozen=True)
class Scoping:
    """What a bearing of this meeting's committee can be scoped to."""

    unit_types: tuple[str, ...]
    areas: tuple[str, ...]
    units: dict[int, str]  # every unit of the committee, by id


async def scoping(session: AsyncSession, meeting: MeetingView) -> Scoping:
    rows = (
        await session.execute(
            select(Unit.id, Unit.name, Unit.unit_type, Unit.area)
            .join(Department, Department.id == Unit.department_id)
            .where(Department.committee_id == meeting.committee_id)
            .order_by(Unit.name)
        )
    ).all()
    return Scoping(
        tuple(dict.fromkeys(r.unit_type for r in rows)),
        tuple(dict.fromkeys(r.area for r in rows if r.area)),
        {r.id: r.name for r in rows},
    )


async def current_bearings(session: AsyncSession, meeting_id: int) -> tuple[BearingView, ...]:
    """The committee's bearings for the meeting's period: those a summary may give new words."""
    held = await session.get_one(Meeting, meeting_id)
    found = await committee_bearings(session, [held.committee_id], held.period_id)
    return found.get(held.committee_id, ())


# --- rules ------------------------------------------------------------------------------


def check_content(
    content: SummaryContent,
    meeting: MeetingView,
    scopes: Scoping,
    bearing_ids: set[int],
) -> SummaryContent:
    """The summary's rules; the content cleaned up. Raises Invalid."""
    units = tuple(
        replace(u, text=_required(u.text, "unit_text"), goal_follow_up=_optional(u.goal_follow_up))
        for u in content.units
    )
    if any(meeting.unit(u.unit_id) is None for u in units):
        raise Invalid("referat.enhed_udenfor")
    bearings = tuple(_bearing(b, scopes, bearing_ids) for b in content.bearings)
    matters = tuple(
        AgreedMatter(
            _required(m.title, "title", TITLE_MAX),
            _optional(m.legal), _optional(m.economic), _optional(m.staff), _optional(m.other),
        )
        for m in content.matters
    )  # fmt: skip
    follow_ups = tuple(
        FollowUpView(_required(f.text, "follow_up"), _optional(f.owner, TITLE_MAX), f.due)
        for f in content.follow_ups
    )
    return SummaryContent(units, _optional(content.general), bearings, matters, follow_ups)


def _bearing(agreed: AgreedBearing, scopes: Scoping, bearing_ids: set[int]) -> AgreedBearing:
    if agreed.replaces is not None and agreed.replaces not in bearing_ids:
        raise Invalid("referat.pejlemaerke_ukendt")
    return AgreedBearing(
        _required(agreed.title, "title", TITLE_MAX),
        _optional(agreed.description),
        check_scope(agreed.scope, scopes),
        agreed.replaces,
    )


def check_scope(scope: Scope, scopes: Scoping) -> Scope:
    """A scope names a unit type, an area or a unit of the committee, as written there."""
    match scope.kind:
        case BearingScope.COMMITTEE:
            return Scope()
        case BearingScope.UNIT_TYPE:
            return Scope(scope.kind, _one_of(scope.value, scopes.unit_types))
        case BearingScope.AREA:
            return Scope(scope.kind, _one_of(scope.value, scopes.areas))
        case BearingScope.UNIT if scope.unit_id in scopes.units:
            return Scope(scope.kind, None, scope.unit_id)
    raise Invalid("referat.omfang_ukendt")


def _one_of(value: str | None, allowed: tuple[str, ...]) -> str:
    match = next((a for a in allowed if fold(a) == fold(value or "")), None)
    if match is None:
        raise Invalid("referat.omfang_ukendt")
    return match


def _required(value: str | None, name: str, limit: int = NOTE_MAX) -> str:
    cleaned = _optional(value, limit, name)
    if not cleaned:
        raise Invalid("dialog.tomt_svar")
    return cleaned


def _optional(value: str | None, limit: int = NOTE_MAX, name: str = "text") -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned and len(cleaned) > limit:
        raise Invalid("moede.for_lang", field=name, limit=limit)
    return cleaned


# --- writing -----------------------------------------------------------------------------


async def save_draft(
    session: AsyncSession, actor: Actor, meeting_id: int, content: SummaryContent, now: datetime
) -> SummaryChange:
    """Write the summary. Once it is out for comments, a change makes a new revision and
    the participants are told; an approved summary is not changed here."""
    require_administration(actor)
    held = await _meeting(session, actor, meeting_id)
    shown = await meeting_view(session, held)
    ids = {b.id for b in await current_bearings(session, meeting_id)}
    checked = check_content(content, shown, await scoping(session, shown), ids)
    summary = await session.scalar(select(Summary).where(Summary.meeting_id == meeting_id))
    if summary is None:
        summary = Summary(
            municipality_id=actor.municipality_id, meeting_id=meeting_id, content=checked.to_json(),
            written_by=actor.person_id, created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(summary)
        await session.flush()
        return SummaryChange(await view(session, summary))
    if summary.state == SummaryState.APPROVED:
        raise Invalid("referat.allerede_godkendt")
    changed = summary.content != checked.to_json()
    if changed:
        summary.content, summary.updated_at = checked.to_json(), now
        summary.revision += 1
        summary.written_by = actor.person_id
    await session.flush()
    out = summary.state == SummaryState.COMMENTS and changed
    tell = await participants(session, held) if out else ()
    return SummaryChange(await view(session, summary), tell)


async def send_for_comments(
    session: AsyncSession, actor: Actor, summary_id: int, revision: int, today: date
) -> SentForComments:
    """Send the draft to the participants, with a deadline from the profile. The days
    count from the meeting if it is still to come: the participants comment on what
    was said there, so the deadline never falls before it."""
    summary = await _current(session, actor, summary_id, revision)
    if summary.state != SummaryState.DRAFT:
        raise Invalid("referat.allerede_sendt")
    held = await session.get_one(Meeting, summary.meeting_id)
    days = profile(actor.profile).meetings.comment_days
    start = max(today, held.starts_at.astimezone(LOCAL_TIME).date())
    deadline = start + timedelta(days=days)
    summary.state, summary.comment_deadline = SummaryState.COMMENTS, deadline
    await session.flush()
    tell = await participants(session, held)
    return SentForComments(await view(session, summary), tell, deadline=deadline)


async def comment(
    session: AsyncSession, actor: Actor, summary_id: int, revision: int, text: str, now: datetime
) -> SummaryChange:
    """A participant's comment on the draft; the facilitator who wrote it is told."""
    summary = await session.get(Summary, summary_id)
    if summary is None or summary.municipality_id != actor.municipality_id:
        raise NotAllowed("referat.ukendt")
    held = await session.get_one(Meeting, summary.meeting_id)
    if actor.person_id not in await participants(session, held) and not actor.is_administration:
        raise NotAllowed("referat.ikke_deltager")
    if summary.state != SummaryState.COMMENTS:
        raise Invalid("referat.ikke_til_kommentering")
    said = _required(text, "comment", COMMENT_MAX)
    session.add(
        SummaryComment(
            municipality_id=actor.municipality_id, summary_id=summary.id,
            person_id=actor.person_id, revision=min(revision, summary.revision), text=said, at=now,
        )
    )  # fmt: skip
    await session.flush()
    tell = (summary.written_by,) if summary.written_by else ()
    return SummaryChange(await view(session, summary), tell)


async def approve(
    session: AsyncSession, actor: Actor, summary_id: int, revision: int, now: datetime
) -> SummaryChange:
    """Approve the summary: its bearings, matters and follow-ups come into force. The
    participants are told; the summary is posted in the committee's channel."""
    summary = await _current(session, actor, summary_id, revision)
    if summary.state == SummaryState.APPROVED:
        raise Invalid("referat.allerede_godkendt")
    held = await session.get_one(Meeting, summary.meeting_id)
    # The participants see the summary before it is in force, where the profile has a
    # comment round; a light process (Dragør's) approves the draft.
    if summary.state != SummaryState.COMMENTS and profile(actor.profile).meetings.comment_round:
        raise Invalid("referat.ikke_sendt")
    if held.state == MeetingState.CANCELLED:
        raise Invalid("moede.aflyst")
    # What the summary puts in force was agreed at the meeting; it cannot be before it.
    if now < held.starts_at:
        raise Invalid("referat.moedet_ikke_holdt", when=held.starts_at)
    content = SummaryContent.from_json(summary.content)
    replaced = await _put_bearings(session, held, content.bearings, now)
    await _add_matters(session, held, content.matters, now)
    session.add_all(
        FollowUp(
            municipality_id=held.municipality_id, meeting_id=held.id, text=f.text,
            owner=f.owner, due=f.due, created_at=now,
        )
        for f in content.follow_ups
    )  # fmt: skip
    # Changed together, after the queries above (which flush), so the approval is one
    # change of the summary in the audit trail.
    summary.content = {**summary.content, "replaced": replaced}
    summary.state, summary.approved_by, summary.approved_at = (
        SummaryState.APPROVED,
        actor.person_id,
        now,
    )
    await session.flush()
    return SummaryChange(await view(session, summary), await participants(session, held))


async def _put_bearings(
    session: AsyncSession, held: Meeting, agreed: tuple[AgreedBearing, ...], now: datetime
) -> dict[str, str]:
    """Create the new bearings and give the replaced ones their new words; what the
    replaced ones said before (id → title), for the summary to show."""
    before: dict[str, str] = {}
    for number, b in enumerate(agreed, start=1):
        row = await session.get(Bearing, b.replaces) if b.replaces else None
        if row is None:
            row = Bearing(
                municipality_id=held.municipality_id, key=f"moede-{held.id}-{number}",
                committee_id=held.committee_id, period_id=held.period_id, created_at=now,
            )  # fmt: skip
            session.add(row)
        else:
            before[str(row.id)] = row.title
        row.title, row.description = b.title, b.description
        row.scope, row.scope_value, row.unit_id = b.scope.kind, b.scope.value, b.scope.unit_id
        row.meeting_id, row.updated_at = held.id, now
        # The committee decides its bearings: until then, what the meeting agreed is
        # its proposal (store/bearings.decide).
        row.proposed, row.decided_on, row.decided_by, row.proposed_title = True, None, None, None
    await session.flush()
    return before


async def _add_matters(
    session: AsyncSession, held: Meeting, matters: tuple[AgreedMatter, ...], now: datetime
) -> None:
    """The matters go on the list of the committee's first meeting after the dialogue
    meeting (003: "et efterfølgende udvalgsmøde"), if it has one yet."""
    day = held.starts_at.astimezone(LOCAL_TIME).date()
    listed = await committee_meetings.next_after(session, held.committee_id, day)
    session.add_all(
        Matter(
            municipality_id=held.municipality_id, committee_id=held.committee_id,
            meeting_id=held.id, committee_meeting_id=listed, title=m.title, legal=m.legal,
            economic=m.economic, staff=m.staff, other=m.other, created_at=now,
        )
        for m in matters
    )  # fmt: skip


async def _current(session: AsyncSession, actor: Actor, summary_id: int, revision: int) -> Summary:
    """The summary the administration acts on, as the card showed it (not a stale card)."""
    require_administration(actor)
    summary = await session.get(Summary, summary_id)
    if summary is None or summary.municipality_id != actor.municipality_id:
        raise NotAllowed("referat.ukendt")
    if summary.revision != revision:
        raise Invalid("referat.aendret_siden")
    return summary


async def _meeting(session: AsyncSession, actor: Actor, meeting_id: int) -> Meeting:
    held = await meetings.own(session, actor, meeting_id)
    if held.state == MeetingState.CANCELLED:
        raise Invalid("moede.aflyst")
    return held


# --- reading ------------------------------------------------------------------------------


async def of_meeting(session: AsyncSession, meeting_id: int) -> Summary | None:
    """The meeting's summary, if one is written."""
    return await session.scalar(select(Summary).where(Summary.meeting_id == meeting_id))


async def participants(session: AsyncSession, held: Meeting) -> tuple[int, ...]:
    """Who takes part: the leaders of the units and the politicians of the committee and
    of the committees taking part with it (a joint meeting)."""
    joint = select(MeetingCommittee.committee_id).where(MeetingCommittee.meeting_id == held.id)
    politicians = await session.scalars(
        select(RoleAssignment.person_id).where(
            RoleAssignment.role == Role.POLITICIAN,
            or_(RoleAssignment.committee_id == held.committee_id,
                RoleAssignment.committee_id.in_(joint)),
        )
    )  # fmt: skip
    return tuple(
        sorted(
            {
                *await people.leaders(session, await meetings.unit_ids(session, held.id)),
                *politicians,
            }
        )
    )


async def summary_of(session: AsyncSession, actor: Actor, meeting_id: int) -> SummaryView | None:
    """The meeting's summary: the administration sees drafts, the participants the summary
    once it is sent to them."""
    held = await _meeting_for(session, actor, meeting_id)
    summary = await session.scalar(select(Summary).where(Summary.meeting_id == held.id))
    if summary is None:
        return None
    if summary.state == SummaryState.DRAFT and not actor.is_administration:
        return None
    return await view(session, summary)


async def summary_by_id(session: AsyncSession, actor: Actor, summary_id: int) -> SummaryView:
    summary = await session.get(Summary, summary_id)
    if summary is None or summary.municipality_id != actor.municipality_id:
        raise NotAllowed("referat.ukendt")
    found = await summary_of(session, actor, summary.meeting_id)
    if found is None:
        raise NotAllowed("referat.ukendt")
    return found


async def _meeting_for(session: AsyncSession, actor: Actor, meeting_id: int) -> Meeting:
    await meetings.meeting(session, actor, meeting_id)  # refuses who may not see it
    return await session.get_one(Meeting, meeting_id)


async def view(session: AsyncSession, summary: Summary) -> SummaryView:
    held = await session.get_one(Meeting, summary.meeting_id)
    shown = await meeting_view(session, held)
    names = await _names(session, [summary.written_by, summary.approved_by])
    comments = await session.execute(
        select(SummaryComment, Person.name)
        .outerjoin(Person, Person.id == SummaryComment.person_id)
        .where(SummaryComment.summary_id == summary.id)
        .order_by(SummaryComment.at, SummaryComment.id)
    )
    replaced = {int(k): v for k, v in (summary.content.get("replaced") or {}).items()}
    scopes = await scoping(session, shown)
    return SummaryView(
        id=summary.id,
        meeting=shown,
        state=SummaryState(summary.state),
        content=await _owners_named(session, summary.municipality_id, summary.content),
        revision=summary.revision,
        comment_deadline=summary.comment_deadline,
        comments=tuple(CommentView(name, c.text, c.at, c.revision) for c, name in comments),
        written_by=names.get(summary.written_by),
        approved_by=names.get(summary.approved_by),
        approved_at=summary.approved_at,
        replaced=replaced or await _replaced_now(session, summary),
        unit_names={**scopes.units, **unit_names(shown.units)},
        comment_round=await _comment_round(session, summary.municipality_id),
    )


async def _comment_round(session: AsyncSession, municipality_id: int) -> bool:
    chosen = await session.scalar(
        select(Municipality.profile).where(Municipality.id == municipality_id)
    )
    return profile(chosen or "hvidovre").meetings.comment_round


async def _replaced_now(session: AsyncSession, summary: Summary) -> dict[int, str]:
    """Before approval, the bearings a draft gives new words say what they say now."""
    ids = [b.replaces for b in SummaryContent.from_json(summary.content).bearings if b.replaces]
    if not ids:
        return {}
    rows = await session.execute(select(Bearing.id, Bearing.title).where(Bearing.id.in_(ids)))
    return dict(rows.all())


async def _owners_named(
    session: AsyncSession, municipality_id: int, raw: dict[str, Any]
) -> SummaryContent:
    """The content with each follow-up's owner by name: an owner is often typed as the
    person's key ("lise"), and a card must say "Lise Holm". Text that names nobody stays."""
    content = SummaryContent.from_json(raw)
    keys = {f.owner for f in content.follow_ups if f.owner}
    if not keys:
        return content
    rows = await session.execute(
        select(Person.key, Person.name).where(
            Person.municipality_id == municipality_id, Person.key.in_(keys)
        )
    )
    names = dict(rows.all())
    named = tuple(replace(f, owner=names.get(f.owner or "", f.owner)) for f in content.follow_ups)
    return replace(content, follow_ups=named)


async def _names(session: AsyncSession, ids: list[int | None]) -> dict[int | None, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
    return dict(rows.all())
