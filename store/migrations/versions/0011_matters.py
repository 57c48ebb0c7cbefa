"""matters go to a committee meeting: a committee's meeting dates, the matter's place on
one of them, and its other consequences

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "committee_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
            name=op.f("fk_committee_meeting_committee_id_committee"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_committee_meeting_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_meeting")),
        sa.UniqueConstraint(
            "committee_id", "held_on", name=op.f("uq_committee_meeting_committee_id_held_on")
        ),
    )
    with op.batch_alter_table("committee_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_committee_meeting_municipality_id"), ["municipality_id"], unique=False
        )
    with op.batch_alter_table("matter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("committee_meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_matter_committee_meeting_id"), ["committee_meeting_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_matter_committee_meeting_id_committee_meeting"),
            "committee_meeting",
            ["committee_meeting_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("matter", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_matter_committee_meeting_id_committee_meeting"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_matter_committee_meeting_id"))
        batch_op.drop_column("committee_meeting_id")
        batch_op.drop_column("other")
    with op.batch_alter_table("committee_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_meeting_municipality_id"))
    op.drop_table("committee_meeting")
