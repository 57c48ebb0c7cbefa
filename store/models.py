"""SQLAlchemy models: the central store every municipality's data lives in.

Every row carries its municipality, and every relationship is `raise_on_sql`, so a
query function has to say what it loads; nothing lazy-loads behind an `await`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.enums import (
    BearingScope,
    Color,
    DispatchState,
    EvaluationKind,
    GoalAction,
    GoalState,
    KnowledgeKind,
    MatterState,
    MeetingState,
    PeriodKind,
    Role,
    SummaryState,
)

__all__ = ["Color", "GoalAction", "GoalState", "PeriodKind", "Role"]

# Constraint names are spelled out so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always handed back timezone-aware.

    SQLite keeps no zone, so without this a value read back would be naive and
    compare wrongly with `now()`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, date: Date, dict[str, Any]: JSON}


def _tenant_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[str] = mapped_column(String(64), unique=True)
    profile: Mapped[str] = mapped_column(String(64), default="hvidovre")
    language: Mapped[str] = mapped_column(String(8), default="da")
    # The yearly midway evaluation's day ("06-30") where the organisation file gives one in
    # place of the profile's: Hvidovre's profile holds none, a municipality may choose to.
    midway: Mapped[str | None] = mapped_column(String(5))
    # Counts changes to who holds which role (grants, removals, imports, deputies): every
    # instance compares it with the turn's first read, so a removed role stops at once.
    roles_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Period(Base):
    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PeriodKind] = mapped_column(String(16))
    starts_on: Mapped[date]
    ends_on: Mapped[date]


class Committee(Base):
    """A fagudvalg, with the Teams channel its digests go to once someone links one."""

    __tablename__ = "committee"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    digest_schedule: Mapped[str | None] = mapped_column(String(100))
    channel_id: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(String(200))
    channel_service_url: Mapped[str | None] = mapped_column(String(500))
    channel_linked_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    channel_linked_at: Mapped[datetime | None]


class CommitteeMeeting(Base):
    """A date on which a committee meets formally (udvalgsmøde, not a dialogue meeting):
    where matters for decision go. From the organisation file or entered by the
    administration; a date is there once per committee."""

    __tablename__ = "committee_meeting"
    __table_args__ = (UniqueConstraint("committee_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    held_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeItem(Base):
    """One piece of a committee's knowledge pack for a period (vidensgrundlag): a trend or
    survey in words, a link, or a key figure with its value, unit and year. The
    administration enters or imports it before the dialogue meetings; a title is there
    once per committee and period, so entering or importing it again replaces it."""

    __tablename__ = "knowledge_item"
    __table_args__ = (UniqueConstraint("committee_id", "period_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"))
    kind: Mapped[KnowledgeKind] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(50))
    year: Mapped[int | None] = mapped_column(Integer)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Department(Base):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_type: Mapped[str] = mapped_column(String(64))
    area: Mapped[str | None] = mapped_column(String(100))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)

    department: Mapped[Department] = relationship(lazy="raise_on_sql")


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("municipality_id", "key"),
        UniqueConstraint("municipality_id", "aad_object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    aad_object_id: Mapped[str] = mapped_column(String(64))
    # The bot-specific 29: id Teams gives the person; learnt from their first message.
    teams_user_id: Mapped[str | None] = mapped_column(String(200))


class RoleAssignment(Base):
    """A person's role, scoped to the unit, department or committee it applies to."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        # One row per grant; the scopes are NULL where they do not apply, and NULLs are
        # distinct in a plain unique constraint, so the index compares them as 0.
        Index(
            "uq_role_assignment_grant",
            "person_id",
            "role",
            func.coalesce(text("unit_id"), 0),
            func.coalesce(text("department_id"), 0),
            func.coalesce(text("committee_id"), 0),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE")
    )
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))


class Bearing(Base):
    """A political bearing (politisk pejlemærke) a committee set for a period."""

    __tablename__ = "bearing"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(64))
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    # Whom it is for: the whole committee, or a unit type, an area (by name) or one unit.
    scope: Mapped[BearingScope] = mapped_column(String(16), default=BearingScope.COMMITTEE)
    scope_value: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    # The dialogue meeting whose approved summary agreed it, or last changed it.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    # A summary's bearing is the committee's proposal until the administration records
    # the committee's decision on it (as proposed, or amended; then `proposed_title`
    # keeps the meeting's words).
    proposed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    decided_on: Mapped[date | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    proposed_title: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Goal(Base):
    """A unit's goal for the period. The row holds the newest version; its history, with
    earlier versions and who approved what, is in `GoalEvent`."""

    __tablename__ = "goal"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    template: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    goal_type: Mapped[str | None] = mapped_column(String(32))
    perspective: Mapped[str | None] = mapped_column(String(32))
    expected_effect: Mapped[str | None] = mapped_column(Text)
    success_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    evaluation_method: Mapped[str | None] = mapped_column(String(32))
    data_source: Mapped[str | None] = mapped_column(Text)
    sub_goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None]
    responsible: Mapped[str | None] = mapped_column(String(200))
    no_bearing_reason: Mapped[str | None] = mapped_column(Text)
    # Template-specific answers (a school's national goal and grades).
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Warnings for whoever approves: e.g. it reads like a statutory requirement.
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Imported goals say how they are followed up in a line of their own.
    follow_up: Mapped[str | None] = mapped_column(Text)
    state: Mapped[GoalState] = mapped_column(String(24), default=GoalState.APPROVED, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Counts every write of the content. A decision card names the revision it showed,
    # so it cannot decide on content its reader never saw (e.g. sent back and sent again).
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # The newest version approved far enough to be reported on and shown in digests;
    # an approved goal being revised keeps reporting against it meanwhile.
    reportable_version: Mapped[int | None] = mapped_column(Integer)
    return_comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The dialogue a goal was written in: saving the same dialogue twice cannot make two.
    origin: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoalBearing(Base):
    """Which political bearings a goal follows."""

    __tablename__ = "goal_bearing"

    goal_id: Mapped[int] = mapped_column(
        ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True
    )
    bearing_id: Mapped[int] = mapped_column(
        ForeignKey("bearing.id", ondelete="CASCADE"), primary_key=True
    )


class GoalEvent(Base):
    """One step in a goal's life: saved, submitted, approved (by whom, on which version),
    returned with a comment, revised (with the content it had before), closed."""

    __tablename__ = "goal_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[GoalAction] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    comment: Mapped[str | None] = mapped_column(Text)
    meeting_date: Mapped[date | None]
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class StatusUpdate(Base):
    """One red/yellow/green report on a goal. A new report is a new row; only its leader's
    correction within the period changes it, and that keeps the earlier version."""

    __tablename__ = "status_update"
    # "The newest status of a goal" is asked on nearly every turn: one index seek.
    __table_args__ = (Index("ix_status_update_newest", "goal_id", "reported_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    color: Mapped[Color] = mapped_column(String(8))
    narrative: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime]
    # Set when its leader corrected it (`ret status`); the earlier version is a StatusRevision.
    corrected_at: Mapped[datetime | None]


class StatusRevision(Base):
    """An earlier version of a status update, kept when its leader corrected it (kind
    "corrected") or withdrew it (kind "withdrawn", and the update itself is gone): the
    goal's history shows both versions, with who changed it and when."""

    __tablename__ = "status_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    # The update as it is now; None once withdrawn.
    status_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_update.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(16))
    color: Mapped[Color] = mapped_column(String(8))
    narrative: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime]


class ConversationRef(Base):
    """Where the bot can reach a person or a channel later, without them writing first."""

    __tablename__ = "conversation_ref"
    __table_args__ = (UniqueConstraint("municipality_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    conversation_id: Mapped[str] = mapped_column(String(300))
    conversation_type: Mapped[str] = mapped_column(String(32))
    service_url: Mapped[str] = mapped_column(String(500))
    bot_id: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(String(200))
    channel_id: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when Teams answers 403: the bot was blocked or removed there; do not retry.
    unreachable_at: Mapped[datetime | None]


class DialogueProgress(Base):
    """A guided dialogue in progress: the step a person is at and what they have answered."""

    __tablename__ = "dialogue_progress"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(300))
    flow: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(16), default="active")
    # The message id of the last card shown, so a finished dialogue can retire it.
    card_activity_id: Mapped[str | None] = mapped_column(String(300))
    # The activity that last moved the dialogue on. Teams re-delivers an activity when a
    # bot is slow; the copy must not be taken as the answer to the next question.
    last_activity_id: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class DigestPost(Base):
    """The guard that a committee gets one digest per digest period, even across restarts."""

    __tablename__ = "digest_post"
    __table_args__ = (UniqueConstraint("committee_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]
    conversation_id: Mapped[str | None] = mapped_column(String(300))
    activity_id: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(Text)


class Meeting(Base):
    """A dialogue meeting (dialogmøde) between a committee and the leaders of some of its
    units. `revision` counts the changes the participants were told of."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    model: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    theme: Mapped[str | None] = mapped_column(Text)
    state: Mapped[MeetingState] = mapped_column(String(16), default=MeetingState.PLANNED)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingUnit(Base):
    """A unit taking part in a dialogue meeting."""

    __tablename__ = "meeting_unit"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MeetingCommittee(Base):
    """Another committee taking part in a dialogue meeting (fælles udvalgsmøde): its
    politicians are invited and see the meeting, and it is in the committee's digest."""

    __tablename__ = "meeting_committee"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committee.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Preparation(Base):
    """A unit leader's preparation note for a dialogue meeting: one per meeting and unit."""

    __tablename__ = "preparation"
    __table_args__ = (UniqueConstraint("meeting_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    goal_follow_up: Mapped[str | None] = mapped_column(Text)
    unit_status: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)
    challenges: Mapped[str | None] = mapped_column(Text)
    development_needs: Mapped[str | None] = mapped_column(Text)
    input_gathered: Mapped[str | None] = mapped_column(Text)  # from staff and board
    written_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)


class Summary(Base):
    """The written summary of a dialogue meeting. Its content (per-unit summaries, the
    bearings, matters and follow-ups agreed) is kept as written; once approved, the
    bearings, matters and follow-ups also become rows of their own."""

    __tablename__ = "summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[SummaryState] = mapped_column(String(16), default=SummaryState.DRAFT)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Counts every change of the content; a comment names the revision it was made on.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    comment_deadline: Mapped[date | None]
    written_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SummaryComment(Base):
    """A participant's comment on a draft summary."""

    __tablename__ = "summary_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summary.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class Matter(Base):
    """A matter from a dialogue meeting that needs a formal decision at a later committee
    meeting, with the consequences the administration describes first."""

    __tablename__ = "matter"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    legal: Mapped[str | None] = mapped_column(Text)
    economic: Mapped[str | None] = mapped_column(Text)
    staff: Mapped[str | None] = mapped_column(Text)
    other: Mapped[str | None] = mapped_column(Text)
    # The committee meeting whose list the matter is on: the next after the dialogue
    # meeting, unless the administration moves it.
    committee_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("committee_meeting.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[MatterState] = mapped_column(String(16), default=MatterState.OPEN)
    decided_on: Mapped[date | None]
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(Base):
    """Something agreed at a dialogue meeting that someone will follow up by a date."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dispatch(Base):
    """The outbox: a message that must go out once — a reminder, a meeting's request, pack
    or summary, a committee's digest. Planned as a row when it falls due, then claimed by
    one sender with a lease, sent, and marked sent; or failed, to be tried again at
    `next_at`; or skipped, when the work it asked for was done before it went out."""

    __tablename__ = "dispatch"
    __table_args__ = (
        UniqueConstraint("municipality_id", "key"),
        # The senders' one question: what open rows are ready by now, oldest first.
        Index("ix_dispatch_open", "state", "next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[DispatchState] = mapped_column(String(16), default=DispatchState.CLAIMED)
    due_at: Mapped[datetime | None]  # when it was meant to go out
    # When a sender may take it next: its due time while planned, the end of the lease
    # while claimed, the end of the backoff once failed.
    next_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # which instance holds it
    # When a sender first took it: a message is given up on only long after this, never
    # because its nominal due time (days back for a meeting planned late) has passed.
    first_tried_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text)


class Evaluation(Base):
    """A goal's midway evaluation or final report for one year: red/yellow/green against its
    success criteria, the effect seen and the evidence for it, and (final report) the effect
    against the expected one. Kept apart from status updates. Saving again overwrites the
    row; every saved text is also kept in the goal's history (`GoalEvent.snapshot`)."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("goal_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    kind: Mapped[EvaluationKind] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)  # the calendar year it concerns
    goal_version: Mapped[int] = mapped_column(Integer)  # the approved version evaluated
    color: Mapped[Color] = mapped_column(String(8))
    criteria: Mapped[str] = mapped_column(Text)  # how the success criteria are met
    effect: Mapped[str] = mapped_column(Text)  # the effect observed
    evidence: Mapped[str] = mapped_column(Text)  # data source, figures, survey results
    effect_assessment: Mapped[str | None] = mapped_column(Text)  # final: against expected
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime]
    # The department head's answer to a midway evaluation, held with the leader (004):
    # a comment, whether they agree, and their sign-off. Written together in one statement,
    # and cleared when the leader changes the evaluation: a sign-off is of what it read.
    head_comment: Mapped[str | None] = mapped_column(Text)
    head_agrees: Mapped[bool | None]
    signed_off_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    signed_off_at: Mapped[datetime | None]


class Absence(Base):
    """Out of office: a person away from `starts_on` to `ends_on` (both included, Danish
    dates), and the deputy (stedfortræder) who reports for their units meanwhile, if any."""

    __tablename__ = "absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Nullable: being away with nobody standing in is allowed.
    deputy_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeenActivity(Base):
    """An activity Pejling has handled, by its Teams id. Teams re-delivers an activity
    when the bot is slow (TEAMS-FACTS §6); the copy finds this row and is not handled
    again. Claimed in the turn's own transaction, so a turn that failed leaves no row
    and its copy is handled. Kept a day (`store.seen.prune`)."""

    __tablename__ = "seen_activity"
    # Activity ids are unique only within their conversation.
    __table_args__ = (UniqueConstraint("conversation_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    conversation_id: Mapped[str] = mapped_column(String(300))
    activity_id: Mapped[str] = mapped_column(String(300))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(Base):
    """One change to a governed row (revisionsspor): who, when, through what, and the columns
    before and after. Append-only — the database refuses UPDATE and DELETE (migration 0005).
    `person_id`, `committee_id` and `period_id` are plain integers, not foreign keys, so
    erasing a person or removing a committee never takes the history with it."""

    __tablename__ = "audit_event"
    # The export's one question: a committee's events, in time order.
    __table_args__ = (Index("ix_audit_event_export", "municipality_id", "committee_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = _tenant_fk()
    at: Mapped[datetime]
    person_id: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # chat, import, cli, system
    entity: Mapped[str] = mapped_column(String(64))  # the table name
    # The row's id; for link rows with two-column keys, the first (the goal or meeting).
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(8))  # create, update, delete
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    committee_id: Mapped[int | None] = mapped_column(Integer)
    period_id: Mapped[int | None] = mapped_column(Integer)


class LinkKey(Base):
    """The municipality's secret for signing document links (store/links.py): random, made
    once on first use and shared by every Pejling instance on the database, so a link made
    by `pejling digest` opens on the server too, and none can be forged without it."""

    __tablename__ = "link_key"

    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateBucket(Base):
    """A token bucket shared by every instance (store/buckets.py): Teams' rate for one
    tenant, or one person's turns. Not a tenant's data: it is keyed by a string."""

    __tablename__ = "rate_bucket"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    counted_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch
    granted: Mapped[float] = mapped_column(Float, default=0)  # the last lease's tokens
    rate: Mapped[float] = mapped_column(Float)  # tokens a second
    capacity: Mapped[float] = mapped_column(Float)
