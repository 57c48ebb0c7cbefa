"""knowledge pack: the trends, surveys, links and key figures a committee reads before
its dialogue meetings, per committee and period; and joint meetings: the other committees
taking part in a dialogue meeting

Revision ID: 0014
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "knowledge_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=50), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
            name=op.f("fk_knowledge_item_committee_id_committee"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"],
            ["person.id"],
            name=op.f("fk_knowledge_item_entered_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_knowledge_item_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["period.id"],
            name=op.f("fk_knowledge_item_period_id_period"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_item")),
        sa.UniqueConstraint(
            "committee_id",
            "period_id",
            "title",
            name=op.f("uq_knowledge_item_committee_id_period_id_title"),
        ),
    )
    with op.batch_alter_table("knowledge_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_knowledge_item_municipality_id"), ["municipality_id"], unique=False
        )
    op.create_table(
        "meeting_committee",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
            name=op.f("fk_meeting_committee_committee_id_committee"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_committee_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "committee_id", name=op.f("pk_meeting_committee")),
    )
    with op.batch_alter_table("meeting_committee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_committee_committee_id"), ["committee_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_committee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_committee_committee_id"))
    op.drop_table("meeting_committee")
    with op.batch_alter_table("knowledge_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_item_municipality_id"))
    op.drop_table("knowledge_item")
