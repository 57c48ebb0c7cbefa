"""seen activities

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=300), nullable=False),
        sa.Column("activity_id", sa.String(length=300), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_seen_activity_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_activity")),
        sa.UniqueConstraint(
            "conversation_id",
            "activity_id",
            name=op.f("uq_seen_activity_conversation_id_activity_id"),
        ),
    )
    with op.batch_alter_table("seen_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seen_activity_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_seen_activity_seen_at"), ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seen_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_activity_seen_at"))
        batch_op.drop_index(batch_op.f("ix_seen_activity_municipality_id"))
    op.drop_table("seen_activity")
